import * as pulumi from "@pulumi/pulumi";

/**
 * Secrets as the program side of this package meets them. Code here runs in
 * the user's program (the component, the stack transform, resource hooks),
 * never in the provider host.
 *
 * The SDK hands a stack transform its `props` deserialized, with a secret in
 * its wire form (`{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value}`),
 * pushed up to the top-level property that holds it (@pulumi/pulumi
 * runtime/rpc.js, `deserializeProperty`; runtime/callbacks.js, the transform
 * callback). Spread like a plain object, such a value keeps its signature and
 * `value` and drops whatever is added next to them (the restore flag). Resource
 * hooks get each top-level secret as a secret `Output` instead
 * (callbacks.js, `outputtifySecrets`), so `inputs.properties.restore` reads
 * `undefined` there.
 */

/** Whether a value is a plain object or array (not an Output, Resource, Asset or other class instance). */
function isPlain(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The value with every wire-form secret, at any depth, turned back into a
 * secret `Output` (`pulumi.secret`), so that reading or extending it keeps it
 * secret. Other values are returned as they are.
 */
export function restoreSecrets<T>(value: T): T {
  if (pulumi.runtime.isRpcSecret(value)) return pulumi.secret(restoreSecrets(pulumi.runtime.unwrapRpcSecret(value))) as unknown as T;
  if (!isPlain(value)) return value;
  if (Array.isArray(value)) return value.map((v) => restoreSecrets(v)) as unknown as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreSecrets(v)])) as T;
}

/**
 * A resource hook's inputs or outputs with each top-level secret `Output`
 * replaced by its value (undefined when the value is not known, as in a
 * preview), so a hook can read what a create carries. The values stay in
 * the program's memory: never print them.
 */
export async function revealHookInputs(inputs: Record<string, unknown> | undefined): Promise<Record<string, unknown> | undefined> {
  if (!inputs) return inputs;
  const entries = await Promise.all(
    Object.entries(inputs).map(async ([k, v]): Promise<[string, unknown]> => {
      if (!pulumi.Output.isInstance(v)) return [k, v];
      const output = v as unknown as { isKnown: Promise<boolean>; promise(): Promise<unknown> };
      return [k, (await output.isKnown) ? await output.promise() : undefined];
    }),
  );
  return Object.fromEntries(entries);
}
