/**
 * The inputs both resources share, and the rules `check` holds them to.
 * Pure functions: no I/O, so a bad input can never cause a request.
 */

/** The value the Pulumi engine sends for an input that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const DEFAULT_TIMEOUT_MINUTES = 30;
export const MAX_TIMEOUT_MINUTES = 1440;

/** Where an account lives: enough to name it, live or soft-deleted. */
export type AccountCoordinates = {
  accountName: string;
  /** Normalized: lower case, no spaces (`eastus`). */
  location: string;
  resourceGroupName: string;
  subscriptionId: string;
};

/** An account as messages name it: `'name' in resource group 'group' (location)`. */
export function describeAccount(c: AccountCoordinates): string {
  return `'${c.accountName}' in resource group '${c.resourceGroupName}' (${c.location})`;
}

/** The inputs after `check`: validated, normalized, defaults filled in. */
export type ResolvedInputs = AccountCoordinates & {
  purgeOnDestroy: boolean;
  timeoutMinutes: number;
};

export const INPUT_NAMES = ["accountName", "location", "resourceGroupName", "subscriptionId", "purgeOnDestroy", "timeoutMinutes"] as const;
export type InputName = (typeof INPUT_NAMES)[number];

export interface CheckFailure {
  property: string;
  reason: string;
}

/** `East US` -> `eastus`. */
export function normalizeLocation(location: string): string {
  return location.toLowerCase().replace(/\s+/g, "");
}

const quote = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : `${String(value)} (${typeof value})`);

/** Each rule returns why the value breaks it, or undefined. The value is known (not the unknown sentinel). */
export const RULES: Record<InputName, (value: unknown) => string | undefined> = {
  accountName: (v) =>
    typeof v !== "string"
      ? `must be a string, got ${quote(v)}`
      : v.length < 2 || v.length > 64
        ? `must be 2-64 characters, got ${v.length} in ${quote(v)}`
        : !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(v)
          ? `must start with a letter or digit and contain only letters, digits, '_', '.' and '-' (^[a-zA-Z0-9][a-zA-Z0-9_.-]*$), got ${quote(v)}`
          : undefined,
  location: (v) =>
    typeof v !== "string"
      ? `must be a string, got ${quote(v)}`
      : !/^[a-z0-9]+$/.test(normalizeLocation(v))
        ? `must be an Azure region such as "eastus" or "East US" (letters and digits once lower-cased with spaces removed), got ${quote(v)}`
        : undefined,
  resourceGroupName: (v) =>
    typeof v !== "string"
      ? `must be a string, got ${quote(v)}`
      : v.length < 1 || v.length > 90
        ? `must be 1-90 characters, got ${v.length} in ${quote(v)}`
        : !/^[a-zA-Z0-9_\-.()]+$/.test(v)
          ? `may contain only letters, digits, '_', '-', '.', '(' and ')', got ${quote(v)}`
          : v.endsWith(".")
            ? `must not end with '.', got ${quote(v)}`
            : undefined,
  subscriptionId: (v) =>
    typeof v !== "string"
      ? `must be a string, got ${quote(v)}`
      : !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v)
        ? `must be a subscription GUID such as "00000000-0000-0000-0000-000000000000", got ${quote(v)}`
        : undefined,
  purgeOnDestroy: (v) => (typeof v !== "boolean" ? `must be a boolean, got ${quote(v)}` : undefined),
  timeoutMinutes: (v) =>
    typeof v !== "number" || Number.isNaN(v)
      ? `must be a number of minutes, got ${quote(v)}`
      : !(v > 0 && v <= MAX_TIMEOUT_MINUTES)
        ? `must be greater than 0 and at most ${MAX_TIMEOUT_MINUTES} (24 hours), got ${v}`
        : undefined,
};

export interface CheckedInputs {
  /** The inputs to record: normalized, defaults filled in, unknown values untouched. */
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
  /** True when every input is known: only then may `check` look anything up. */
  allKnown: boolean;
}

/**
 * Validates the inputs of either resource.
 *
 * @param news the inputs as the engine sends them
 * @param defaultSubscriptionId the subscription from stack config or the environment, used when the input is absent
 */
export function checkInputs(news: Record<string, unknown>, defaultSubscriptionId: string | undefined): CheckedInputs {
  const inputs: Record<string, unknown> = {};
  const failures: CheckFailure[] = [];
  let allKnown = true;
  const given: Record<InputName, unknown> = {
    accountName: news.accountName,
    location: news.location,
    resourceGroupName: news.resourceGroupName,
    subscriptionId: news.subscriptionId ?? defaultSubscriptionId,
    purgeOnDestroy: news.purgeOnDestroy ?? false,
    timeoutMinutes: news.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES,
  };
  for (const name of INPUT_NAMES) {
    const value = given[name];
    if (value === UNKNOWN) {
      allKnown = false;
      inputs[name] = value;
      continue;
    }
    if (value === undefined || value === null) {
      const hint =
        name === "subscriptionId"
          ? "set the subscriptionId input, `pulumi config set azure-native:subscriptionId <id>`, or AZURE_SUBSCRIPTION_ID / ARM_SUBSCRIPTION_ID"
          : `set ${name}`;
      failures.push({ property: name, reason: `${name} is required: ${hint}` });
      continue;
    }
    const broken = RULES[name](value);
    if (broken) {
      failures.push({ property: name, reason: `${name} ${broken}` });
      continue;
    }
    inputs[name] = name === "location" ? normalizeLocation(value as string) : value;
  }
  return { inputs, failures, allKnown: allKnown && failures.length === 0 };
}

/** Picks the resolved inputs out of a state or input bag (for `read`'s `inputs`). */
export function pickInputs(props: Record<string, unknown>): ResolvedInputs {
  return {
    accountName: String(props.accountName),
    location: normalizeLocation(String(props.location)),
    resourceGroupName: String(props.resourceGroupName),
    subscriptionId: String(props.subscriptionId),
    purgeOnDestroy: props.purgeOnDestroy === true,
    timeoutMinutes: typeof props.timeoutMinutes === "number" ? props.timeoutMinutes : DEFAULT_TIMEOUT_MINUTES,
  };
}

/** A resource's recorded outputs without the engine's `__provider` entry. */
export function recordedOutputs<T>(props: Record<string, unknown>): T {
  const { __provider: _provider, ...outputs } = props;
  return outputs as T;
}
