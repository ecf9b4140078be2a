import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { RemoteComponent } from "./remoteComponent";

/**
 * Flow program: the registrations of a program written in another language, as its language host and SDK send
 * them, from a declaration in Pulumi YAML's shape (`resources`, `outputs`, `${config}` and `${resource.output}`
 * references): the project's `Pulumi.yaml` itself for a YAML program, or the file named by
 * `DECLARED_PROGRAM` (an example's `registrations.json`) for a program of another language. A resource whose
 * package is one of `Pulumi.yaml`'s `packages` is a component of a component package: registered with
 * `remote: true`, as pulumi-yaml and every generated SDK register it; any other type is a custom resource. Only what
 * the examples use is read (no functions, no `variables`, references only as whole values).
 */
interface Declaration {
  resources?: Record<string, { type: string; properties?: Record<string, unknown>; options?: { retainOnDelete?: boolean; protect?: boolean; dependsOn?: string[] } }>;
  outputs?: Record<string, unknown>;
}

// js-yaml is a dependency of @pulumi/pulumi (it reads Pulumi.yaml): resolved from the SDK.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require(require.resolve("js-yaml", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] })) as { load(text: string): unknown };
const read = (file: string) => (file.endsWith(".json") ? JSON.parse(readFileSync(file, "utf8")) : yaml.load(readFileSync(file, "utf8"))) as Declaration & { packages?: Record<string, unknown> };

const project = read("Pulumi.yaml");
const program = process.env.DECLARED_PROGRAM ? read(process.env.DECLARED_PROGRAM) : project;
const packages = new Set(Object.keys(project.packages ?? {}));
const config = new pulumi.Config();
const resources: Record<string, RemoteComponent | pulumi.CustomResource> = {};
const REFERENCE = /^\$\{([^}]+)\}$/;

/** A resource of a provider package, registered by its type token as every SDK's generated classes do. */
class Custom extends pulumi.CustomResource {}

/** The `resource.output` names the declaration reads of `name`: the outputs its registration must ask for. */
function outputsRead(name: string): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === "string") {
      const ref = REFERENCE.exec(value)?.[1];
      if (ref?.startsWith(`${name}.`)) found.add(ref.slice(name.length + 1));
    } else if (value && typeof value === "object") Object.values(value).forEach(visit);
  };
  visit(program);
  return [...found];
}

function resolve(value: unknown): unknown {
  if (typeof value === "string") {
    const ref = REFERENCE.exec(value)?.[1];
    if (!ref) {
      if (value.includes("${")) throw new Error(`${JSON.stringify(value)}: only whole-value references are read by this stand-in for a language host`);
      return value;
    }
    const [resource, output] = ref.split(".");
    if (output === undefined) return config.require(resource);
    const target = resources[resource];
    if (!target) throw new Error(`\${${ref}}: no resource '${resource}' is declared before it`);
    return (target as unknown as Record<string, unknown>)[output];
  }
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  return value;
}

for (const [name, declared] of Object.entries(program.resources ?? {})) {
  const properties = resolve(declared.properties ?? {}) as pulumi.Inputs;
  const options = {
    retainOnDelete: declared.options?.retainOnDelete,
    protect: declared.options?.protect,
    dependsOn: (declared.options?.dependsOn ?? []).map((ref) => resources[REFERENCE.exec(ref)?.[1] ?? ref]),
  };
  const outputs = outputsRead(name);
  resources[name] = packages.has(declared.type.split(":")[0])
    ? new RemoteComponent(declared.type, name, properties, outputs, options)
    : new Custom(declared.type, name, { ...Object.fromEntries(outputs.map((k) => [k, undefined])), ...properties }, options);
}

module.exports = resolve(program.outputs ?? {});
