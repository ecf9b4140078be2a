/**
 * Per-process memory for the provider host: credentials, SDK clients and the
 * stack config live here, never on the provider object, because the provider
 * object is serialized into the Pulumi state. Keyed by a plain string on
 * `globalThis`: the closure serializer copies strings faithfully, but not
 * `Symbol` values, `Map`s or class instances held at module level.
 */
const GLOBAL_KEY = "__pulumiCognitiveReclaimProcessCache";

type Slots = Record<string, unknown>;

function slots(): Slots {
  const holder = globalThis as unknown as Record<string, Slots | undefined>;
  return (holder[GLOBAL_KEY] ??= {});
}

/** The value in `name`, created by `init` the first time in this process. */
export function processSlot<T>(name: string, init: () => T): T {
  const all = slots();
  if (!(name in all)) all[name] = init();
  return all[name] as T;
}

export function setProcessSlot<T>(name: string, value: T): void {
  slots()[name] = value;
}

export function clearProcessSlot(name: string): void {
  delete slots()[name];
}
