import * as pulumi from "@pulumi/pulumi";
import { armSession, type DeletedAccount } from "./azureSession";
import { type InputName, normalizeLocation, RULES } from "./inputs";
import { runHook } from "./lifecycle";
import { defaultSubscriptionId, rememberStackConfig, stackConfig } from "./settings";

export type { DeletedAccount } from "./azureSession";

/** How long a lookup may take, retries included. */
const LOOKUP_TIMEOUT_MINUTES = 5;

function validated(args: Partial<Record<InputName, unknown>>, required: InputName[]): void {
  for (const [name, value] of Object.entries(args) as [InputName, unknown][]) {
    if (value === undefined && !required.includes(name)) continue;
    const broken = value === undefined ? "is required" : RULES[name](value);
    if (broken) throw new Error(`${name} ${broken}`);
  }
}

function subscriptionFor(given: string | undefined): string {
  if (Object.keys(stackConfig()).length === 0) {
    // In a Pulumi program the stack config is at hand; elsewhere this reads nothing.
    rememberStackConfig({ get: (key) => new pulumi.Config(key.split(":")[0]).get(key.split(":")[1]) });
  }
  const subscriptionId = given ?? defaultSubscriptionId();
  if (!subscriptionId) {
    throw new Error("subscriptionId is required: pass it, `pulumi config set azure-native:subscriptionId <id>`, or set AZURE_SUBSCRIPTION_ID / ARM_SUBSCRIPTION_ID");
  }
  validated({ subscriptionId }, ["subscriptionId"]);
  return subscriptionId;
}

const strip = (d: DeletedAccount & { keyVaultUri?: string; userOwnedStorageIds?: string[] }): DeletedAccount => {
  // The contract's public shape: Azure's internal identity stays internal.
  const { keyVaultUri: _k, userOwnedStorageIds: _u, internalId: _i, ...account } = d;
  return account;
};

/**
 * The soft-deleted account with this name, location and group, or
 * `undefined` when there is none. `location` may be written `East US`.
 */
export async function getDeletedAccount(args: { accountName: string; location: string; resourceGroupName: string; subscriptionId?: string }): Promise<DeletedAccount | undefined> {
  validated({ accountName: args.accountName, location: args.location, resourceGroupName: args.resourceGroupName }, ["accountName", "location", "resourceGroupName"]);
  const subscriptionId = subscriptionFor(args.subscriptionId);
  const c = { accountName: args.accountName, location: normalizeLocation(args.location), resourceGroupName: args.resourceGroupName, subscriptionId };
  const found = await runHook({ action: `getDeletedAccount('${c.accountName}')`, timeoutMinutes: LOOKUP_TIMEOUT_MINUTES, subscriptionId }, async (run) =>
    (await armSession(subscriptionId)).getDeletedAccount(c, { abortSignal: run.signal }),
  );
  return found ? strip(found) : undefined;
}

/**
 * The subscription's soft-deleted accounts (all regions, every page),
 * optionally filtered by location (compared normalized) and resource group
 * (case-insensitive). An empty array when there are none.
 */
export async function listDeletedAccounts(args: { subscriptionId?: string; location?: string; resourceGroupName?: string } = {}): Promise<DeletedAccount[]> {
  validated({ location: args.location, resourceGroupName: args.resourceGroupName }, []);
  const subscriptionId = subscriptionFor(args.subscriptionId);
  const all = await runHook({ action: "listDeletedAccounts()", timeoutMinutes: LOOKUP_TIMEOUT_MINUTES, subscriptionId }, async (run) =>
    (await armSession(subscriptionId)).listDeletedAccounts({ abortSignal: run.signal }),
  );
  const location = args.location === undefined ? undefined : normalizeLocation(args.location);
  const group = args.resourceGroupName?.toLowerCase();
  return all.filter((d) => (location === undefined || d.location === location) && (group === undefined || d.resourceGroupName.toLowerCase() === group)).map(strip);
}
