import * as pulumi from "@pulumi/pulumi";
import { processSlot } from "./processCache";
import { rememberStackConfig } from "./settings";

/**
 * What code that runs in the user's program process (resource hooks, stack
 * transforms) needs from the Pulumi runtime. Unlike the provider hooks, this
 * code is never serialized: it runs where the program runs, with the
 * program's environment and stack config.
 */

/**
 * Whether the program runs under `pulumi.runtime.setMocks`. The mock monitor
 * implements neither resource hooks nor transforms: binding one there fails
 * the resource's registration, so unit tests get the resources without them.
 */
export function runsUnderMocks(): boolean {
  const monitor = (pulumi.runtime as unknown as { getMonitor?: () => unknown }).getMonitor?.();
  return typeof monitor === "object" && monitor !== null && (monitor as object).constructor?.name === "MockMonitor";
}

/** Makes the `azure-native:*` stack config visible to this package's settings in the program process. */
export function rememberProgramConfig(): void {
  rememberStackConfig({ get: (key) => pulumi.runtime.getConfig(key) });
}

/**
 * The value of an output when it is known now (in `up` after its resource
 * ran, or in preview when it is unchanged), otherwise undefined; never waits
 * for a value a preview cannot know.
 */
export async function knownValue<T>(value: pulumi.Input<T> | undefined): Promise<T | undefined> {
  if (value === undefined) return undefined;
  if (!pulumi.Output.isInstance(value)) return (await value) as T;
  const output = value as unknown as { isKnown: Promise<boolean>; promise(): Promise<T> };
  return (await output.isKnown) ? output.promise() : undefined;
}

/** Whether a value is known now (a plain value, or an Output known at this run; at preview a new resource's outputs are not). */
export async function isKnownNow(value: pulumi.Input<unknown> | undefined): Promise<boolean> {
  if (!pulumi.Output.isInstance(value)) return true;
  return (value as unknown as { isKnown: Promise<boolean> }).isKnown;
}

/** Prints a line where the CLI shows the program's messages. */
export function tell(line: string): void {
  pulumi.log.info(`[pulumi-cognitive-reclaim] ${line}`);
}

/**
 * Whether a value comes from a resource of the program (an output of it, such
 * as a resource group's `name`): then that resource is created before what
 * depends on it, so its absence from Azure at preview is not a fault.
 */
export async function comesFromResource(value: unknown): Promise<boolean> {
  if (!pulumi.Output.isInstance(value)) return false;
  const output = value as unknown as { resources(): Set<unknown>; allResources?: () => Promise<Set<unknown>> };
  const resources = output.allResources ? await output.allResources() : output.resources();
  return resources.size > 0;
}

/** The resource's own type in a URN (`urn:pulumi:stack::project::parent$type::name`: the last `$` segment). */
export function typeOfUrn(urn: string): string {
  const types = urn.split("::")[2] ?? "";
  return types.split("$").pop() ?? "";
}


/**
 * A resource hook's name, unique in this program run. The engine keeps one
 * namespace of hook names per run and refuses a second hook of a name
 * (pulumi/pulumi pkg/resource/deploy/resource_hooks.go, RegisterResourceHook:
 * "resource hook already registered"), so two handled accounts of one resource
 * name under different parents would fail the program; the later one gets a
 * numbered name. None of this package's hooks runs on delete (the only hooks
 * the engine finds by name in a later run's state), so the number may differ
 * between runs.
 */
export function uniqueHookName(name: string): string {
  // Process-wide (processCache.ts), so two copies of the package loaded by one program share the names too.
  const hookNamesTaken = processSlot<Set<string>>("hookNamesTaken", () => new Set());
  let candidate = name;
  for (let n = 2; hookNamesTaken.has(candidate); n++) candidate = `${name}-${n}`;
  hookNamesTaken.add(candidate);
  return candidate;
}
