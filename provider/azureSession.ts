import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { Account, CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import { type AccountCoordinates, normalizeLocation } from "./inputs";
import { armPacingPolicy } from "./armPacing";
import { report } from "./lifecycle";
import { isClaimed } from "./claims";
import { pollToCompletion, retryAfterWatcher } from "./pollSchedule";
import { hostOf, transportWatchPolicy } from "./transportFailures";
import { clearProcessSlot, processSlot } from "./processCache";
import { resolveEndpoints, servicePrincipal } from "./settings";

/**
 * The one I/O seam of the package: everything it asks of Azure Resource
 * Manager goes through an `ArmSession`. Built on `@azure/arm-cognitiveservices`
 * (clients, long-running operations) and `@azure/identity` (tokens); HTTP,
 * retries, `Retry-After` and polling are the SDK's.
 *
 * Sessions are cached per process (see processCache), never on the provider
 * object: SDK clients and credentials must not travel into the state.
 */

/**
 * Pace of waits that are not an SDK long-running operation (an account that
 * reads `Accepted` until it reads `Succeeded`). Long-running operations
 * (purge, restore, delete) follow the adaptive schedule in pollSchedule.
 */
export const POLL_INTERVAL_MS = 500;

/**
 * Retries per request. ARM's throttling (429 with `Retry-After`) can outlast
 * the SDK's default of 3 retries when a stack holds hundreds of resources;
 * each retry honours `Retry-After`, backoff is exponential from 500 ms up to
 * 15 s, and every wait is cut by the hook's `timeoutMinutes` deadline.
 */
export const RETRY_OPTIONS = { maxRetries: 15, retryDelayInMs: 500, maxRetryDelayInMs: 15_000 } as const;

const API_VERSIONS = { resources: "2021-04-01", keyVault: "2023-07-01", storage: "2023-05-01" } as const;

/** A soft-deleted account as this package reports it. */
export interface DeletedAccount {
  /**
   * The id exactly as Azure returned it:
   * `/subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{location}/resourceGroups/{rg}/deletedAccounts/{name}`.
   * Its location segment is spelled as the account's creator wrote it
   * (`East US`, `EASTUS`), so it can differ from `location` and from a
   * `PurgedDeletedAccount`'s `deletedAccountId` (built normalized); compare
   * ids with the location segment normalized.
   */
  id: string;
  /** The deleted account's name: the name it holds until it is purged. */
  accountName: string;
  /** Normalized (`eastus`), whatever spelling Azure echoes. */
  location: string;
  /** The resource group it was in (which may no longer exist). */
  resourceGroupName: string;
  /** The subscription it was in. */
  subscriptionId: string;
  /** Its kind (`OpenAI`, `CognitiveServices`, ...), when Azure reports it. */
  kind?: string;
  /** Its SKU name (`S0`, ...), when Azure reports it. */
  skuName?: string;
  /** The custom subdomain it holds (and blocks for other accounts) until it is purged, when it had one. */
  customSubDomainName?: string;
  /** Azure's identity of the account (`properties.internalId`): kept through a soft delete and a restore, new for a new account. */
  internalId?: string;
  /** When it was deleted (ISO 8601), when Azure reports it. */
  deletionDate?: string;
  /** When Azure purges it by itself, 48 hours after the deletion (ISO 8601); until then it can be recovered. */
  scheduledPurgeDate?: string;
}

/** What a deleted account says it needs back (customer-managed key and storage). */
export interface DeletedAccountDetails extends DeletedAccount {
  keyVaultUri?: string;
  userOwnedStorageIds: string[];
}

/** The live account's facts `RecoveredAccount` reports. */
export interface LiveAccount {
  id: string;
  /** Normalized (`eastus`); Azure echoes the spelling used at creation. */
  location: string;
  endpoint: string;
  kind: string;
  skuName: string;
  provisioningState: string;
  /** Azure's identity of the account (`properties.internalId`), when it reports one. */
  internalId?: string;
  customSubDomainName?: string;
}

/** A live account as the subscription's list gives it: where it is, and the subdomain it holds. */
export interface LiveAccountListed extends LiveAccount {
  accountName: string;
  resourceGroupName: string;
}

export interface CallOptions {
  abortSignal?: AbortSignal;
}

export interface ArmSession {
  readonly subscriptionId: string;
  /**
   * The soft-deleted account at these coordinates, found whichever way Azure
   * spells its location (see {@link findDeletedAccount}); undefined when there is none.
   */
  getDeletedAccount(c: AccountCoordinates, options?: CallOptions): Promise<DeletedAccountDetails | undefined>;
  listDeletedAccounts(options?: CallOptions): Promise<DeletedAccount[]>;
  /** The subscription's live accounts (every group and region, every page), one listing in flight shared by every caller. */
  listLiveAccounts(options?: CallOptions): Promise<LiveAccountListed[]>;
  /**
   * Whether Azure would give this `customSubDomainName` to a new account (`checkDomainAvailability`): a read that
   * Azure exposes as a POST, so check may send it (it never writes). It answers for holders in any subscription.
   */
  subdomainAvailability(subdomainName: string, kind: string | undefined, options?: CallOptions): Promise<{ available: boolean; reason?: string }>;
  /**
   * Purges this soft-deleted account, as `getDeletedAccount` found it (the
   * request uses Azure's own spelling of its location); resolves when the
   * purge has finished. `nothing` when the service said there was nothing to
   * purge (204 or 404). A 409 RequestConflict is thrown: the caller retries.
   */
  purgeDeletedAccount(deleted: DeletedAccount, options?: CallOptions): Promise<"purged" | "nothing">;
  /** The live account; undefined when it is not live (including when its resource group does not exist). */
  /** `groupMayBeMissing`: a missing group is expected (the program creates it in this update), so it is not reported. */
  getAccount(c: AccountCoordinates, options?: CallOptions & { groupMayBeMissing?: boolean }): Promise<LiveAccount | undefined>;
  /** Restores the soft-deleted account (PUT with `restore: true`), naming its region as Azure spells it. */
  restoreAccount(c: AccountCoordinates, options?: CallOptions): Promise<LiveAccount>;
  /** Deletes the live account (Azure soft-deletes it); an account or group already gone counts as deleted. */
  /**
   * Deletes a live account (Azure soft-deletes it); already gone is success.
   * Deletes only when `restoredByThisResource` is true and no resource of the
   * running update declares the account; otherwise leaves it live and says why.
   */
  deleteAccount(c: AccountCoordinates, options?: CallOptions & { restoredByThisResource?: boolean }): Promise<void>;
  resourceGroupExists(resourceGroupName: string, options?: CallOptions): Promise<boolean>;
  /** GET of an ARM resource by id (storage accounts), on the configured endpoint only; false on 404. Pass an id rebuilt by armIds' parsers, never one as Azure returned it. */
  resourceExists(id: string, apiVersion: string, options?: CallOptions): Promise<boolean>;
  /** Whether a Key Vault of this name exists in the subscription (found through the resources list). */
  keyVaultExists(vaultName: string, options?: CallOptions): Promise<boolean>;
}

export const STORAGE_API_VERSION = API_VERSIONS.storage;

/**
 * Credentials and sessions of this process, as promises: concurrent first
 * calls (a `pulumi up` creates many resources at once) share the one being
 * built instead of building one each, so a process holds one credential (one
 * token request) and one client per key. A failed build is forgotten, so the
 * next call tries again.
 */
interface SessionCache {
  credentials: Record<string, Promise<TokenCredential> | undefined>;
  sessions: Record<string, Promise<ArmSession> | undefined>;
}

function cache(): SessionCache {
  return processSlot<SessionCache>("sessions", () => ({ credentials: {}, sessions: {} }));
}

/** Forgets cached credentials and clients (tests that switch emulators use it). */
export function resetSessions(): void {
  clearProcessSlot("sessions");
}

/** The cached promise under `key`, or `build()`'s, cached until it fails. */
function shared<T>(table: Record<string, Promise<T> | undefined>, key: string, build: () => Promise<T>): Promise<T> {
  const existing = table[key];
  if (existing) return existing;
  const building = build();
  table[key] = building;
  building.catch(() => {
    if (table[key] === building) delete table[key];
  });
  return building;
}

function credentialFor(authorityHost: string, disableInstanceDiscovery: boolean): Promise<TokenCredential> {
  const principal = servicePrincipal();
  const key = JSON.stringify([authorityHost, principal?.tenantId, principal?.clientId, principal?.source]);
  return shared(cache().credentials, key, async () => {
    // Imported here, not at the top: this code is serialized into the state and
    // runs in the provider host, where modules resolve from the user's project.
    const identity = await import("@azure/identity");
    // The watch notes TLS and connect failures, which MSAL reports without their cause.
    const options = { authorityHost, disableInstanceDiscovery, additionalPolicies: [{ policy: transportWatchPolicy([hostOf(authorityHost)]), position: "perRetry" as const }] };
    return principal
      ? new identity.ClientSecretCredential(principal.tenantId, principal.clientId, principal.clientSecret, options)
      : new identity.DefaultAzureCredential(options);
  });
}

/** The session for a subscription, built once per process (and per endpoint settings), however many callers ask at once. */
export async function armSession(subscriptionId: string): Promise<ArmSession> {
  const endpoints = resolveEndpoints();
  const principal = servicePrincipal();
  const key = JSON.stringify([subscriptionId.toLowerCase(), endpoints, principal?.tenantId, principal?.clientId]);
  return shared(cache().sessions, key, async () => {
    const credential = await credentialFor(endpoints.authorityHost, endpoints.disableInstanceDiscovery);
    const { CognitiveServicesManagementClient } = await import("@azure/arm-cognitiveservices");
    const client = new CognitiveServicesManagementClient(credential, subscriptionId, {
      endpoint: endpoints.resourceManager,
      $host: endpoints.resourceManager,
      credentialScopes: [`${endpoints.audience}/.default`],
      retryOptions: RETRY_OPTIONS,
      // One pacing limit for the whole process, shared by every session (armPacing).
      additionalPolicies: [
        // Before the retry and signing phases: a URL off the endpoint's origin never gets a token.
        { policy: sameOriginPolicy(endpoints.resourceManager), position: "perCall" },
        { policy: armPacingPolicy(), position: "perRetry" },
        { policy: transportWatchPolicy([hostOf(endpoints.resourceManager)]), position: "perRetry" },
      ],
      userAgentOptions: { userAgentPrefix: "pulumi-cognitive-reclaim" },
    });
    return createSession(client, subscriptionId, endpoints.resourceManager);
  });
}

/**
 * Refuses every request that is not on the configured Resource Manager
 * origin. The SDK follows URLs read from Azure's answers (`Azure-AsyncOperation`
 * and `Location` polling URLs, `nextLink` pages), and its bearer-token policy
 * signs whatever URL it is handed (HTTPS only): this keeps the token on the
 * endpoint the user configured, whatever an answer names.
 */
export function sameOriginPolicy(endpoint: string): PipelinePolicy {
  const origin = new URL(endpoint).origin;
  return {
    name: "pulumiCognitiveReclaimSameOrigin",
    async sendRequest(request, next) {
      let target: string | undefined;
      try {
        target = new URL(request.url).origin;
      } catch {
        target = undefined;
      }
      if (target !== origin) {
        throw new Error(
          `refused to send a request to ${JSON.stringify(request.url.split("?")[0])}: it is not on the configured Resource Manager endpoint ${origin} ` +
            "(the address came from Azure's answer). No request and no token were sent there; check AZURE_RESOURCE_MANAGER_ENDPOINT / ARM_ENVIRONMENT.",
        );
      }
      return next(request);
    },
  };
}

const isNotFound = (e: unknown): boolean => (e as { statusCode?: number })?.statusCode === 404;

/** ARM's error code of a RestError (its body's `error.code`). */
const armCode = (e: unknown): string | undefined =>
  (e as { details?: { error?: { code?: string } } })?.details?.error?.code ?? (e as { code?: string })?.code;

const decoded = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * The location of a soft-deleted account as Azure spells it (the creator's
 * spelling, `East US`), from its id; requests about that account use it,
 * because whether Azure finds a deleted account under another spelling is
 * not recorded.
 */
export function spelledLocation(deleted: Pick<DeletedAccount, "id" | "location">): string {
  const segment = /\/locations\/([^/]+)\//i.exec(deleted.id)?.[1];
  return segment ? decoded(segment) : deleted.location;
}

/** Whether a deleted account is the one these coordinates name: name and group case-insensitively, location normalized. */
function isNamedBy(d: DeletedAccount, c: AccountCoordinates): boolean {
  return (
    d.accountName.toLowerCase() === c.accountName.toLowerCase() &&
    d.resourceGroupName.toLowerCase() === c.resourceGroupName.toLowerCase() &&
    d.location === normalizeLocation(c.location) &&
    d.subscriptionId.toLowerCase() === c.subscriptionId.toLowerCase()
  );
}

function toDeletedAccount(raw: Account, subscriptionId: string): DeletedAccountDetails {
  // Azure echoes the location as written at creation (`East US`); the id is kept as Azure wrote it, the location normalized.
  const id = raw.id ?? "";
  const group = /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1] ?? "";
  const properties = raw.properties ?? {};
  const out: DeletedAccountDetails = {
    id,
    accountName: raw.name ?? "",
    location: normalizeLocation(raw.location ?? decoded(/\/locations\/([^/]+)\//i.exec(id)?.[1] ?? "")),
    resourceGroupName: decoded(group),
    subscriptionId: /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? subscriptionId,
    userOwnedStorageIds: (properties.userOwnedStorage ?? []).map((s) => s.resourceId ?? "").filter((s) => s !== ""),
  };
  // The SDK turns ARM's timestamps into strings for these two; keep ARM's text.
  const optional: Partial<DeletedAccountDetails> = {
    kind: raw.kind,
    skuName: raw.sku?.name,
    customSubDomainName: properties.customSubDomainName,
    internalId: properties.internalId,
    deletionDate: properties.deletionDate,
    scheduledPurgeDate: properties.scheduledPurgeDate,
    keyVaultUri: properties.encryption?.keySource === "Microsoft.KeyVault" ? properties.encryption.keyVaultProperties?.keyVaultUri : undefined,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined && v !== null) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

function toLiveAccount(raw: Account): LiveAccount {
  return {
    id: raw.id ?? "",
    location: normalizeLocation(raw.location ?? ""),
    endpoint: raw.properties?.endpoint ?? "",
    kind: raw.kind ?? "",
    skuName: raw.sku?.name ?? "",
    provisioningState: raw.properties?.provisioningState ?? "",
    ...(raw.properties?.internalId ? { internalId: raw.properties.internalId } : {}),
    ...(raw.properties?.customSubDomainName ? { customSubDomainName: raw.properties.customSubDomainName } : {}),
  };
}

/**
 * Finds a soft-deleted account: first at the path with the normalized
 * location (one request, what every SDK sends); when that finds nothing, in
 * the subscription's list (every page), because Azure keeps the location as
 * written at creation and may match the path's spelling literally. The list
 * item is the whole deleted-account body, with Azure's own id.
 */
async function findDeletedAccount(client: CognitiveServicesManagementClient, c: AccountCoordinates, subscriptionId: string, options?: CallOptions): Promise<DeletedAccountDetails | undefined> {
  try {
    return toDeletedAccount(await client.deletedAccounts.get(normalizeLocation(c.location), c.resourceGroupName, c.accountName, options), subscriptionId);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  for (const raw of await listingOf(client, options)) {
    const deleted = toDeletedAccount(raw, subscriptionId);
    if (isNamedBy(deleted, c)) return deleted;
  }
  return undefined;
}

/**
 * The subscription's deleted accounts, every page. Lookups that read or fall
 * back to the list at the same moment (a preview of many guards) share one listing in
 * flight rather than each reading every page; a listing is never reused once
 * it has answered, so no lookup sees an older list than its own request would.
 */
async function listingOf(client: CognitiveServicesManagementClient, options?: CallOptions): Promise<Account[]> {
  // Per process, never at module level: this module is serialized into the state from a source checkout.
  const listings = processSlot("deletedAccountListings", () => new WeakMap<CognitiveServicesManagementClient, Promise<Account[]>>());
  let listing = listings.get(client);
  if (!listing) {
    listing = (async () => {
      const all: Account[] = [];
      for await (const raw of client.deletedAccounts.list()) all.push(raw);
      return all;
    })().finally(() => listings.delete(client));
    listings.set(client, listing);
  }
  if (!options?.abortSignal) return listing;
  const signal = options.abortSignal;
  // Shared without the caller's signal; each caller still stops waiting when its own deadline passes.
  return Promise.race([
    listing,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    }),
  ]);
}

/**
 * The subscription's live accounts, every page, shared in flight like {@link listingOf}: a preview of many
 * accounts with subdomains reads the list once per moment, not once per account.
 */
async function liveListingOf(client: CognitiveServicesManagementClient, options?: CallOptions): Promise<Account[]> {
  const listings = processSlot("liveAccountListings", () => new WeakMap<CognitiveServicesManagementClient, Promise<Account[]>>());
  let listing = listings.get(client);
  if (!listing) {
    listing = (async () => {
      const all: Account[] = [];
      for await (const raw of client.accounts.list()) all.push(raw);
      return all;
    })().finally(() => listings.delete(client));
    listings.set(client, listing);
  }
  const signal = options?.abortSignal;
  if (!signal) return listing;
  return Promise.race([
    listing,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    }),
  ]);
}

function toListedLiveAccount(raw: Account): LiveAccountListed {
  const parsed = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.CognitiveServices\/accounts\/([^/]+)$/i.exec(raw.id ?? "");
  return { ...toLiveAccount(raw), accountName: parsed?.[2] ?? raw.name ?? "", resourceGroupName: parsed?.[1] ?? "" };
}

function createSession(client: CognitiveServicesManagementClient, subscriptionId: string, endpoint: string): ArmSession {
  /** A GET through the client's own pipeline (token, retries) for resource types this SDK has no client for. */
  const getJson = async (path: string, apiVersion: string, options?: CallOptions): Promise<{ status: number; body: unknown }> => {
    const { createPipelineRequest } = await import("@azure/core-rest-pipeline");
    const sep = path.includes("?") ? "&" : "?";
    const url = `${endpoint}${path}${sep}api-version=${apiVersion}`;
    // The bearer token goes only to the configured Resource Manager origin, whatever the path holds.
    if (!path.startsWith("/") || new URL(url).origin !== new URL(endpoint).origin) {
      throw new Error(`refused to send a request to ${JSON.stringify(url)}: it is not on the configured Resource Manager endpoint ${endpoint}`);
    }
    const request = createPipelineRequest({ url, method: "GET", abortSignal: options?.abortSignal });
    const response = await client.sendRequest(request);
    let body: unknown;
    try {
      body = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
    } catch {
      body = undefined;
    }
    if (response.status >= 400 && response.status !== 404) {
      const { RestError } = await import("@azure/core-rest-pipeline");
      const error = (body as { error?: { code?: string; message?: string } })?.error;
      throw new RestError(error?.message ?? `GET ${path} answered ${response.status}`, { statusCode: response.status, code: error?.code });
    }
    return { status: response.status, body };
  };

  return {
    subscriptionId,
    async getDeletedAccount(c, options) {
      return findDeletedAccount(client, c, subscriptionId, options);
    },
    async listDeletedAccounts(options) {
      const all: DeletedAccount[] = [];
      for (const raw of await listingOf(client, options)) {
        const { keyVaultUri: _k, userOwnedStorageIds: _u, ...account } = toDeletedAccount(raw, subscriptionId);
        all.push(account);
      }
      return all;
    },
    async listLiveAccounts(options) {
      return (await liveListingOf(client, options)).map(toListedLiveAccount);
    },
    async subdomainAvailability(subdomainName, kind, options) {
      const answer = await client.checkDomainAvailability(subdomainName, "Microsoft.CognitiveServices/accounts", { kind, abortSignal: options?.abortSignal });
      return { available: answer.isSubdomainAvailable !== false, ...(answer.reason ? { reason: answer.reason } : {}) };
    },
    async purgeDeletedAccount(deleted, options) {
      let status = 0;
      try {
        const retryAfter = retryAfterWatcher();
        const poller = await client.deletedAccounts.beginPurge(spelledLocation(deleted), deleted.resourceGroupName, deleted.accountName, {
          abortSignal: options?.abortSignal,
          onResponse: (raw) => {
            status ||= raw.status;
            retryAfter.observe(raw);
          },
        });
        await pollToCompletion(poller, { abortSignal: options?.abortSignal, retryAfter });
      } catch (e) {
        // The spec says 204 when nothing is soft-deleted; users report 404. Both mean "already purged".
        if (isNotFound(e) && (status === 0 || status === 404)) return "nothing";
        throw e;
      }
      return status === 204 ? "nothing" : "purged";
    },
    async getAccount(c, options) {
      try {
        return toLiveAccount(await client.accounts.get(c.resourceGroupName, c.accountName, { abortSignal: options?.abortSignal }));
      } catch (e) {
        if (!isNotFound(e)) throw e;
        if (armCode(e) === "ResourceGroupNotFound" && !options?.groupMayBeMissing) {
          report(
            `resource group '${c.resourceGroupName}' does not exist (404 ResourceGroupNotFound), so account '${c.accountName}' is not live. ` +
              "Deleting a group soft-deletes the accounts in it: to recover one, recreate the group with the same name first; listDeletedAccounts() shows them.",
          );
        }
        return undefined;
      }
    },
    async restoreAccount(c, options) {
      // Name the region as Azure spells it for this account; ARM accepts any
      // spelling of a region in a PUT body, and this one is the service's own.
      const deleted = await findDeletedAccount(client, c, subscriptionId, options);
      const poller = await client.accounts.beginCreate(
        c.resourceGroupName,
        c.accountName,
        { location: deleted ? spelledLocation(deleted) : c.location, properties: { restore: true } },
        { updateIntervalInMs: POLL_INTERVAL_MS, abortSignal: options?.abortSignal },
      );
      return toLiveAccount(await pollToCompletion(poller, { abortSignal: options?.abortSignal }));
    },
    async deleteAccount(c, options) {
      // The one path that deletes a live account. Provider code stored in old states (0.1.0) calls it
      // without saying whether the resource restored the account, and may run in a replacement whose
      // successor declares the account: both leave the account live.
      if (options?.restoredByThisResource !== true) {
        report(
          `leaving account '${c.accountName}' in resource group '${c.resourceGroupName}' live: this state was written by an older pulumi-cognitive-reclaim that did not say whether the resource restored or adopted the account. ` +
            "Nothing was deleted. If the resource restored it and it is yours, delete it yourself: " +
            `az cognitiveservices account delete --name ${c.accountName} --resource-group ${c.resourceGroupName} --subscription ${subscriptionId}.`,
        );
        return;
      }
      if (isClaimed(c)) {
        report(`leaving account '${c.accountName}' in resource group '${c.resourceGroupName}' live: a resource of this update declares it`);
        return;
      }
      try {
        const poller = await client.accounts.beginDelete(c.resourceGroupName, c.accountName, { abortSignal: options?.abortSignal });
        await pollToCompletion(poller, { abortSignal: options?.abortSignal });
      } catch (e) {
        // Already gone: the account (ResourceNotFound) or its whole group (ResourceGroupNotFound, which soft-deleted it).
        const code = armCode(e);
        if (isNotFound(e) && (code === undefined || code === "ResourceNotFound" || code === "ResourceGroupNotFound")) return;
        throw e;
      }
    },
    async resourceGroupExists(resourceGroupName, options) {
      const { status } = await getJson(`/subscriptions/${subscriptionId}/resourcegroups/${encodeURIComponent(resourceGroupName)}`, API_VERSIONS.resources, options);
      return status === 200;
    },
    async resourceExists(id, apiVersion, options) {
      // Callers pass a path rebuilt from a parsed id (armIds); encode each segment again all the same.
      const { status } = await getJson(id.split("/").map(encodeURIComponent).join("/"), apiVersion, options);
      return status === 200;
    },
    async keyVaultExists(vaultName, options) {
      const filter = encodeURIComponent(`resourceType eq 'Microsoft.KeyVault/vaults' and name eq '${vaultName}'`);
      const { body } = await getJson(`/subscriptions/${subscriptionId}/resources?$filter=${filter}`, API_VERSIONS.resources, options);
      return ((body as { value?: unknown[] })?.value ?? []).length > 0;
    },
  };
}
