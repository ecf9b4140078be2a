import * as pulumi from "@pulumi/pulumi";
import { clearProcessSlot } from "../provider/processCache";

/** One resource the program registered, with the inputs the engine would receive (`__provider` included). */
export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  dependsOn: string[];
}

/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks`, recording every
 * resource it registers. Dynamic resources arrive with their real serialized
 * `__provider`, which the provider-host tests then run. The mocks throw on any
 * call or resource type a test did not expect.
 */
export async function runProgram(
  program: () => unknown,
  options: {
    project?: string;
    stack?: string;
    config?: Record<string, string>;
    allowedTypes: string[];
    preview?: boolean;
    /** Extra state a mock returns for a resource type (outputs the program reads from it). */
    outputs?: Record<string, Record<string, unknown>>;
  },
): Promise<RegisteredResource[]> {
  const registered: RegisteredResource[] = [];
  // Pulumi runs each program in a process of its own: what one program declared (programDeclarations.ts) must not
  // meet the next program's resources in this shared test process.
  clearProcessSlot("programDeclarations");
  if (options.config) pulumi.runtime.setAllConfig(options.config);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (!options.allowedTypes.includes(args.type)) throw new Error(`unexpected resource type ${args.type} (${args.name})`);
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, dependsOn: [] });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...(options.outputs?.[args.type] ?? {}) } };
      },
      call(args) {
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    options.project ?? "reclaim-test",
    options.stack ?? "test",
    options.preview ?? false,
  );
  const loaded = await Promise.resolve(program());
  // A Pulumi program may export an async function (`export = async () => ...`).
  const result = typeof loaded === "function" ? await (loaded as () => unknown)() : loaded;
  // Wait until every resource the program returned is registered.
  const values = Object.values((result ?? {}) as Record<string, unknown>).flatMap((v) => (Array.isArray(v) ? v : [v]));
  const resources = values.filter((v): v is pulumi.Resource => pulumi.Resource.isInstance(v));
  await Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  // Children of components register later; wait until the registrations settle.
  for (let seen = -1, quiet = 0; quiet < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    quiet = registered.length === seen ? quiet + 1 : 0;
    seen = registered.length;
  }
  return registered;
}
