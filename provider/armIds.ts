import type { AccountCoordinates } from "./inputs";
import { normalizeLocation } from "./inputs";

/** ARM ids of the things this package looks at. */

export function accountId(c: AccountCoordinates): string {
  return `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroupName}/providers/Microsoft.CognitiveServices/accounts/${c.accountName}`;
}

/** The id a soft-deleted account has: `/subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{location}/resourceGroups/{rg}/deletedAccounts/{name}`. */
export function deletedAccountId(c: AccountCoordinates): string {
  return `/subscriptions/${c.subscriptionId}/providers/Microsoft.CognitiveServices/locations/${c.location}/resourceGroups/${c.resourceGroupName}/deletedAccounts/${c.accountName}`;
}

export function resourceGroupId(subscriptionId: string, resourceGroupName: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}`;
}

const DELETED_ACCOUNT_ID = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.CognitiveServices\/locations\/([^/]+)\/resourceGroups\/([^/]+)\/deletedAccounts\/([^/]+)$/i;

/** Parses a deleted-account id; undefined when it is not one. */
export function parseDeletedAccountId(id: string): AccountCoordinates | undefined {
  const m = DELETED_ACCOUNT_ID.exec(id);
  return m ? { subscriptionId: m[1], location: normalizeLocation(m[2]), resourceGroupName: m[3], accountName: m[4] } : undefined;
}

/** The vault name in a Key Vault URI (`https://myvault.vault.azure.net/` -> `myvault`). */
export function vaultNameFromUri(uri: string): string | undefined {
  const m = /^https:\/\/([a-zA-Z0-9-]{3,24})\.vault\./i.exec(uri);
  return m?.[1];
}
