import * as pulumi from "@pulumi/pulumi";

/**
 * A component of a component package, registered the way every generated SDK does it (Python, Go, .NET, Java, and
 * Pulumi YAML): a `ComponentResource` with `remote: true`, its inputs as given and its outputs named with no value.
 * The engine then has the package's plugin construct it (harness/engine/remoteComponents.ts); the outputs the
 * plugin answers become this object's properties.
 */
export class RemoteComponent extends pulumi.ComponentResource {
  [output: string]: unknown;

  constructor(type: string, name: string, args: pulumi.Inputs, outputs: string[], opts?: pulumi.ComponentResourceOptions) {
    super(type, name, { ...Object.fromEntries(outputs.map((key) => [key, undefined])), ...args }, opts, true);
  }

  /** One of the outputs the plugin answered. */
  output<T>(key: string): pulumi.Output<T> {
    return this[key] as pulumi.Output<T>;
  }
}
