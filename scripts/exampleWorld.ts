import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SeedRequest } from "../emulator/control";
import type { RunningEmulator } from "../emulator/server";

/**
 * An example's world: what the emulator holds before the run and the stack
 * config, from `emulator.json` beside its `Pulumi.yaml`. Read by
 * `npm run example` and by the tests that run the examples. Every field is
 * documented, with an example of each kind of account, in emulator/README.md.
 */
export interface ExampleWorld {
  /** Stack configuration; a key without a namespace gets the project's. */
  config?: Record<string, string>;
  world?: {
    /** Resource groups that exist (in eastus). */
    resourceGroups?: string[];
    softDeleted?: ExampleDeletedAccount[];
    live?: ExampleAccount[];
    /** Key Vaults that exist (a customer-managed key's vault: recovering such an account needs it). */
    keyVaults?: ExampleDependency[];
    /** Storage accounts that exist (an account's `userOwnedStorage`: recovering it needs them). */
    storageAccounts?: ExampleDependency[];
  };
}

export interface ExampleAccount {
  name: string;
  resourceGroupName: string;
  /** Default `eastus`; kept as written (`East US`), as the service keeps it. */
  location?: string;
  /** Default `OpenAI`. */
  kind?: string;
  /** Default `S0`. */
  sku?: string;
  /** Default: the account's name; `null` for an account without a custom subdomain. */
  customSubDomainName?: string | null;
  tags?: Record<string, string>;
  /** More of the account's `properties` (`encryption`, `userOwnedStorage`...); `{subscriptionId}` in a string is the emulator's subscription. */
  properties?: Record<string, unknown>;
}

export interface ExampleDeletedAccount extends ExampleAccount {
  /** How long ago it was deleted, in hours (default 0); Azure purges it itself 48 hours after. */
  deletedHoursAgo?: number;
}

export interface ExampleDependency {
  name: string;
  resourceGroupName: string;
  /** Default `eastus`. */
  location?: string;
}

const FIELDS = {
  top: ["config", "world"],
  world: ["resourceGroups", "softDeleted", "live", "keyVaults", "storageAccounts"],
  live: ["name", "resourceGroupName", "location", "kind", "sku", "customSubDomainName", "tags", "properties"],
  softDeleted: ["name", "resourceGroupName", "location", "kind", "sku", "customSubDomainName", "tags", "properties", "deletedHoursAgo"],
  dependency: ["name", "resourceGroupName", "location"],
};

/** Throws naming the file, the field and the fields allowed there, for a field the format does not have (a typo would otherwise seed nothing). */
function checkFields(file: string, where: string, value: unknown, allowed: string[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${file}: ${where} must be a JSON object`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new Error(`${file}: ${where} has an unknown field '${key}'; the fields are ${allowed.join(", ")} (see emulator/README.md)`);
  }
}

/** Checks an `emulator.json` against the format; throws naming the offending field. */
export function checkExampleWorld(example: unknown, file = "emulator.json"): ExampleWorld {
  checkFields(file, "the file", example, FIELDS.top);
  const { world } = example as ExampleWorld;
  if (world === undefined) return example as ExampleWorld;
  checkFields(file, "world", world, FIELDS.world);
  const list = (name: keyof NonNullable<ExampleWorld["world"]>, fields: string[]) =>
    (world[name] ?? []).forEach((entry: unknown, i: number) => {
      checkFields(file, `world.${name}[${i}]`, entry, fields);
      const { name: n, resourceGroupName: rg } = entry as { name?: unknown; resourceGroupName?: unknown };
      if (typeof n !== "string" || typeof rg !== "string") throw new Error(`${file}: world.${name}[${i}] needs \`name\` and \`resourceGroupName\` (strings)`);
    });
  list("live", FIELDS.live);
  list("softDeleted", FIELDS.softDeleted);
  list("keyVaults", FIELDS.dependency);
  list("storageAccounts", FIELDS.dependency);
  for (const [i, a] of (world.softDeleted ?? []).entries()) {
    const hours = a.deletedHoursAgo;
    if (hours !== undefined && (typeof hours !== "number" || hours < 0 || hours >= 48)) {
      throw new Error(`${file}: world.softDeleted[${i}].deletedHoursAgo is ${JSON.stringify(hours)}; it must be from 0 to under 48 (Azure purges a deleted account itself after 48 hours)`);
    }
  }
  return example as ExampleWorld;
}

/** The folder's `emulator.json`, checked, or an empty world when it has none. */
export function readExampleWorld(folder: string): ExampleWorld {
  const file = join(folder, "emulator.json");
  return existsSync(file) ? checkExampleWorld(JSON.parse(readFileSync(file, "utf8")), file) : {};
}

/** The project's name, from the `name:` line of `Pulumi.yaml`. */
export function projectName(folder: string): string {
  const match = /^name:\s*(\S+)\s*$/m.exec(readFileSync(join(folder, "Pulumi.yaml"), "utf8"));
  if (!match) throw new Error(`${join(folder, "Pulumi.yaml")} has no 'name:' line: a Pulumi project file names its project`);
  return match[1];
}

/** The stack config, each key without a namespace given the project's (`region` → `<project>:region`). */
export function stackConfigOf(example: ExampleWorld, project: string): Record<string, string> {
  return Object.fromEntries(Object.entries(example.config ?? {}).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
}

/** What the emulator's seed route takes for an example's world. */
export function seedRequestOf(example: ExampleWorld, subscriptionId: string): SeedRequest {
  const world = example.world ?? {};
  const withSubscription = (value: Record<string, unknown>): Record<string, unknown> =>
    JSON.parse(JSON.stringify(value).split("{subscriptionId}").join(subscriptionId)) as Record<string, unknown>;
  const account = (a: ExampleAccount) => {
    const subdomain = a.customSubDomainName === undefined ? a.name : a.customSubDomainName;
    return {
      subscriptionId,
      resourceGroupName: a.resourceGroupName,
      name: a.name,
      location: a.location ?? "eastus",
      kind: a.kind ?? "OpenAI",
      sku: { name: a.sku ?? "S0" },
      ...(a.tags ? { tags: a.tags } : {}),
      properties: { ...withSubscription(a.properties ?? {}), ...(subdomain === null ? {} : { customSubDomainName: subdomain }) },
    };
  };
  const dependency = (provider: string) => (d: ExampleDependency) => ({
    id: `/subscriptions/${subscriptionId}/resourceGroups/${d.resourceGroupName}/providers/${provider}/${d.name}`,
    location: d.location ?? "eastus",
  });
  return {
    resourceGroups: (world.resourceGroups ?? []).map((name) => ({ subscriptionId, name, location: "eastus" })),
    deletedAccounts: (world.softDeleted ?? []).map((a) => ({ ...account(a), deletedMsAgo: Math.round((a.deletedHoursAgo ?? 0) * 3_600_000) })),
    accounts: (world.live ?? []).map(account),
    dependencies: [...(world.keyVaults ?? []).map(dependency("Microsoft.KeyVault/vaults")), ...(world.storageAccounts ?? []).map(dependency("Microsoft.Storage/storageAccounts"))],
  };
}

/** Seeds the emulator: the groups, the accounts soft-deleted and live in them, and the Key Vaults and storage accounts. */
export async function seedExampleWorld(emulator: RunningEmulator, example: ExampleWorld): Promise<void> {
  await emulator.control.seed(seedRequestOf(example, emulator.subscriptionId));
}
