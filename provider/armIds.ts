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

/** The vault name in a Key Vault URI (`https://myvault.vault.azure.net/` -> `myvault`); undefined when it is not one (see {@link parseKeyVaultUri}). */
export function vaultNameFromUri(uri: string): string | undefined {
  const parsed = parseKeyVaultUri(uri);
  return parsed.ok ? parsed.value : undefined;
}

// ---- ids and URIs read from Azure's answers --------------------------------------------------------
// What Azure returns is data, never an address: an id becomes a request path only once it parses as the
// expected resource type in the account's own subscription, and the path is rebuilt from the checked parts
// (the request then goes to the configured Resource Manager origin, see azureSession's getJson).

/** A top-level ARM resource id, parsed; `path` is rebuilt from the checked segments. */
export interface ArmResourceId {
  subscriptionId: string;
  resourceGroupName: string;
  /** `Namespace/type`, as expected (e.g. `Microsoft.Storage/storageAccounts`). */
  type: string;
  name: string;
  path: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const RESOURCE_GROUP = /^[-\w.()]{1,90}$/;

/**
 * Parses `id` as `/subscriptions/{subscriptionId}/resourceGroups/{group}/providers/{type}/{name}`
 * of exactly `expected.type` in `expected.subscriptionId`, with a name matching `expected.name`.
 * Anything else (another subscription, another type, a host, a query, `..`, encoded characters) is refused with the reason.
 */
export function parseResourceId(id: unknown, expected: { type: string; subscriptionId: string; name: RegExp }): Parsed<ArmResourceId> {
  const shape = `/subscriptions/${expected.subscriptionId}/resourceGroups/<group>/providers/${expected.type}/<name>`;
  const refuse = (why: string): Parsed<ArmResourceId> => ({ ok: false, reason: `${JSON.stringify(id)} is not a resource id of the form ${shape}: ${why}` });
  if (typeof id !== "string") return refuse("it is not a string");
  const parts = id.split("/");
  const [namespace, type] = expected.type.split("/");
  if (parts.length !== 9 || parts[0] !== "") return refuse("it does not have the segments of a resource id");
  const [, subscriptions, subscriptionId, resourceGroups, resourceGroupName, providers, idNamespace, idType, name] = parts;
  if (subscriptions.toLowerCase() !== "subscriptions" || resourceGroups.toLowerCase() !== "resourcegroups" || providers.toLowerCase() !== "providers") {
    return refuse("it does not have the segments of a resource id");
  }
  if (subscriptionId.toLowerCase() !== expected.subscriptionId.toLowerCase()) return refuse(`it is in subscription '${subscriptionId}', not in the account's own`);
  if (idNamespace.toLowerCase() !== namespace.toLowerCase() || idType.toLowerCase() !== type.toLowerCase()) return refuse(`it is of type '${idNamespace}/${idType}'`);
  if (!RESOURCE_GROUP.test(resourceGroupName) || resourceGroupName.endsWith(".")) return refuse(`'${resourceGroupName}' is not a resource group name`);
  if (!expected.name.test(name)) return refuse(`'${name}' is not a ${expected.type} name`);
  const path = `/subscriptions/${expected.subscriptionId}/resourceGroups/${encodeURIComponent(resourceGroupName)}/providers/${expected.type}/${encodeURIComponent(name)}`;
  return { ok: true, value: { subscriptionId: expected.subscriptionId, resourceGroupName, type: expected.type, name, path } };
}

/** A storage account id in the account's subscription (names: 3-24 lower-case letters and digits). */
export function parseStorageAccountId(id: unknown, subscriptionId: string): Parsed<ArmResourceId> {
  return parseResourceId(id, { type: "Microsoft.Storage/storageAccounts", subscriptionId, name: /^[a-z0-9]{3,24}$/i });
}

/** The Key Vault DNS suffixes of the Azure clouds (public, US Government, China). */
const KEY_VAULT_SUFFIXES = ["vault.azure.net", "vault.usgovcloudapi.net", "vault.azure.cn"];

/** The vault name in a Key Vault URI (`https://myvault.vault.azure.net/` -> `myvault`), or why it is not one. */
export function parseKeyVaultUri(uri: unknown): Parsed<string> {
  const refuse = (why: string): Parsed<string> => ({ ok: false, reason: `${JSON.stringify(uri)} is not a Key Vault URI (https://<vault>.${KEY_VAULT_SUFFIXES[0]}/): ${why}` });
  if (typeof uri !== "string") return refuse("it is not a string");
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return refuse("it is not a URL");
  }
  if (url.protocol !== "https:" || url.username || url.password || url.port || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
    return refuse("it has another scheme, a port, credentials, a path or a query");
  }
  const host = url.hostname.toLowerCase();
  const suffix = KEY_VAULT_SUFFIXES.find((s) => host.endsWith(`.${s}`));
  const name = suffix ? host.slice(0, -suffix.length - 1) : "";
  if (!suffix || !/^[a-z0-9-]{3,24}$/.test(name)) return refuse(`host '${url.hostname}' is not a vault of an Azure cloud`);
  return { ok: true, value: name };
}
