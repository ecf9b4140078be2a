import { createHash, randomUUID } from "node:crypto";
import {
  accountId,
  accountKey,
  type AccountRecord,
  deletedAccountId,
  completeOperation,
  type DeletedAccountRecord,
  deletedKey,
  findDeletedInGroup,
  groupKey,
  newAccountRecord,
  newEtag,
  newOperation,
  normalizeLocation,
  operationDue,
  type OperationRecord,
  provisioningStateAt,
  SOFT_DELETE_RETENTION_MS,
  type StoreState,
  subdomainHolder,
} from "./store";
import {
  armError,
  armTime,
  armTimeInSeconds,
  checkApiVersion,
  COGNITIVE_API_VERSIONS,
  DELETION_DATES_SINCE,
  GATEWAY_FAILURE,
  KEYVAULT_API_VERSIONS,
  notFound,
  OPERATION_API_VERSION,
  RESOURCES_API_VERSIONS,
  resourceGroupNotFound,
  STORAGE_API_VERSIONS,
  type WireResponse,
} from "./wire";

/** One authenticated ARM request, as the router sees it. */
export interface ArmRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** `https://127.0.0.1:<port>`: polling URLs are absolute. */
  baseUrl: string;
  clientId: string;
  now: number;
}

type Handler = (state: StoreState, req: ArmRequest, params: string[]) => WireResponse;

interface Route {
  pattern: RegExp;
  apiVersions: readonly string[];
  methods: Record<string, Handler>;
}

const SEG = "([^/]+)";
const COGNITIVE = "providers/microsoft\\.cognitiveservices";

/** The ARM surface the emulator serves, as data: path pattern, accepted api-versions, handler per method. */
export const ROUTES: readonly Route[] = [
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}$`, "i"),
    apiVersions: RESOURCES_API_VERSIONS,
    methods: { GET: getResourceGroup, PUT: putResourceGroup, DELETE: deleteResourceGroup },
  },
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/resources$`, "i"),
    apiVersions: RESOURCES_API_VERSIONS,
    methods: { GET: listResources },
  },
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}/${COGNITIVE}/accounts$`, "i"),
    apiVersions: COGNITIVE_API_VERSIONS,
    methods: { GET: listAccountsByGroup },
  },
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/${COGNITIVE}/accounts$`, "i"),
    apiVersions: COGNITIVE_API_VERSIONS,
    methods: { GET: listAccountsBySubscription },
  },
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/${COGNITIVE}/checkdomainavailability$`, "i"),
    apiVersions: COGNITIVE_API_VERSIONS,
    methods: { POST: checkDomainAvailability },
  },
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}/${COGNITIVE}/accounts/${SEG}$`, "i"),
    apiVersions: COGNITIVE_API_VERSIONS,
    methods: { GET: getAccount, PUT: putAccount, DELETE: deleteAccount },
  },
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}/${COGNITIVE}/accounts/${SEG}/projects/${SEG}$`, "i"),
    apiVersions: COGNITIVE_API_VERSIONS,
    methods: { DELETE: deleteProject },
  },
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/${COGNITIVE}/deletedaccounts$`, "i"),
    apiVersions: COGNITIVE_API_VERSIONS,
    methods: { GET: listDeletedAccounts },
  },
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/${COGNITIVE}/locations/${SEG}/resourcegroups/${SEG}/deletedaccounts/${SEG}$`, "i"),
    apiVersions: COGNITIVE_API_VERSIONS,
    methods: { GET: getDeletedAccount, DELETE: purgeDeletedAccount },
  },
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/${COGNITIVE}/locations/${SEG}/operationresults/${SEG}$`, "i"),
    apiVersions: COGNITIVE_API_VERSIONS,
    methods: { GET: getOperation },
  },
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}/providers/microsoft\\.keyvault/vaults/${SEG}$`, "i"),
    apiVersions: KEYVAULT_API_VERSIONS,
    methods: { GET: (s, r, p) => getDependency(s, r, p, "Microsoft.KeyVault/vaults") },
  },
  {
    pattern: new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}/providers/microsoft\\.storage/storageaccounts/${SEG}$`, "i"),
    apiVersions: STORAGE_API_VERSIONS,
    methods: { GET: (s, r, p) => getDependency(s, r, p, "Microsoft.Storage/storageAccounts") },
  },
];

/** Routes one authenticated ARM request. */
export function routeArm(state: StoreState, req: ArmRequest): WireResponse {
  for (const route of ROUTES) {
    const match = route.pattern.exec(req.path);
    if (!match) continue;
    const invalidVersion = checkApiVersion(req.query.get("api-version"), route.apiVersions);
    if (invalidVersion) return invalidVersion;
    const handler = route.methods[req.method];
    if (!handler) {
      return armError(405, "MethodNotAllowed", `The requested method '${req.method}' is not allowed on '${req.path}'.`);
    }
    return handler(state, req, match.slice(1).map(decodeURIComponent));
  }
  return armError(404, "InvalidResourceType", `The resource path '${req.path}' is not served by this emulator.`);
}

// ---- resource groups -------------------------------------------------------

function groupBody(sub: string, name: string, location: string) {
  return { id: `/subscriptions/${sub}/resourceGroups/${name}`, name, type: "Microsoft.Resources/resourceGroups", location, properties: { provisioningState: "Succeeded" } };
}

function getResourceGroup(state: StoreState, _req: ArmRequest, [sub, rg]: string[]): WireResponse {
  const group = state.resourceGroups[groupKey(sub, rg)];
  return group ? { status: 200, body: groupBody(group.subscriptionId, group.name, group.location) } : resourceGroupNotFound(rg);
}

function putResourceGroup(state: StoreState, req: ArmRequest, [sub, rg]: string[]): WireResponse {
  const location = normalizeLocation(String((req.body as { location?: string })?.location ?? ""));
  if (!location) return armError(400, "LocationRequired", "The location property is required for this definition.");
  const existed = Boolean(state.resourceGroups[groupKey(sub, rg)]);
  state.resourceGroups[groupKey(sub, rg)] = { subscriptionId: sub, name: rg, location };
  return { status: existed ? 200 : 201, body: groupBody(sub, rg, location) };
}

/**
 * `DELETE` of a resource group: every account in it is deleted (and so soft-deleted), then the group. ARM answers
 * 202 and runs it as an operation; the emulator finishes it at once and answers 200.
 */
function deleteResourceGroup(state: StoreState, req: ArmRequest, [sub, rg]: string[]): WireResponse {
  const key = groupKey(sub, rg);
  if (!state.resourceGroups[key]) return { status: 204 };
  for (const account of Object.values(state.accounts)) {
    if (account.subscriptionId.toLowerCase() === sub.toLowerCase() && account.resourceGroupName.toLowerCase() === rg.toLowerCase()) deleteAccount(state, req, [sub, rg, account.name]);
  }
  delete state.resourceGroups[key];
  return { status: 200 };
}

/** `GET /subscriptions/{sub}/resources?$filter=resourceType eq 'X' and name eq 'Y'` over the prerequisite resources. */
function listResources(state: StoreState, req: ArmRequest, [sub]: string[]): WireResponse {
  const filter = req.query.get("$filter") ?? "";
  const type = /resourceType eq '([^']+)'/i.exec(filter)?.[1]?.toLowerCase();
  const name = /name eq '([^']+)'/i.exec(filter)?.[1]?.toLowerCase();
  const value = Object.values(state.dependencies)
    .filter((d) => d.id.toLowerCase().startsWith(`/subscriptions/${sub.toLowerCase()}/`))
    .filter((d) => (type ? d.type.toLowerCase() === type : true) && (name ? d.name.toLowerCase() === name : true))
    .map((d) => ({ id: d.id, name: d.name, type: d.type, location: d.location }));
  return { status: 200, body: { value } };
}

function getDependency(state: StoreState, req: ArmRequest, [sub, rg, name]: string[], type: string): WireResponse {
  const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/${type}/${name}`;
  const dependency = state.dependencies[id.toLowerCase()];
  if (!dependency) {
    if (!state.resourceGroups[groupKey(sub, rg)]) return resourceGroupNotFound(rg);
    return notFound(type, name, rg);
  }
  return { status: 200, body: { id: dependency.id, name: dependency.name, type: dependency.type, location: dependency.location, properties: dependency.properties } };
}

// ---- accounts ----------------------------------------------------------------

/** The account as GET returns it; `location` is spelled as at creation. */
export function accountBody(account: AccountRecord, now: number) {
  return {
    id: accountId(account),
    name: account.name,
    type: "Microsoft.CognitiveServices/accounts",
    etag: account.etag,
    location: account.location,
    kind: account.kind,
    sku: account.sku,
    ...(account.tags ? { tags: account.tags } : {}),
    ...(account.identity ? { identity: account.identity } : {}),
    systemData: account.systemData,
    properties: { ...account.properties, provisioningState: provisioningStateAt(account, now) },
  };
}

function getAccount(state: StoreState, req: ArmRequest, [sub, rg, name]: string[]): WireResponse {
  if (!state.resourceGroups[groupKey(sub, rg)]) return resourceGroupNotFound(rg);
  const account = state.accounts[accountKey(sub, rg, name)];
  if (!account) return notFound("Microsoft.CognitiveServices/accounts", name, rg, { ...GATEWAY_FAILURE });
  return { status: 200, body: accountBody(account, req.now) };
}

function listAccountsByGroup(state: StoreState, req: ArmRequest, [sub, rg]: string[]): WireResponse {
  if (!state.resourceGroups[groupKey(sub, rg)]) return resourceGroupNotFound(rg);
  const value = Object.values(state.accounts)
    .filter((a) => groupKey(a.subscriptionId, a.resourceGroupName) === groupKey(sub, rg))
    .map((a) => accountBody(a, req.now));
  return { status: 200, body: { value } };
}

/** The subscription's live accounts, every group and region, paged with an opaque `$skiptoken` like the deleted-accounts list. */
function listAccountsBySubscription(state: StoreState, req: ArmRequest, [sub]: string[]): WireResponse {
  const accounts = Object.values(state.accounts)
    .filter((a) => a.subscriptionId.toLowerCase() === sub.toLowerCase())
    .sort((a, b) => gatheredOrder(accountKey(a.subscriptionId, a.resourceGroupName, a.name)).localeCompare(gatheredOrder(accountKey(b.subscriptionId, b.resourceGroupName, b.name))));
  const skip = offsetOf(req.query.get("$skiptoken"));
  const pageSize = Math.max(1, state.settings.pageSize);
  const apiVersion = String(req.query.get("api-version"));
  const value = accounts.slice(skip, skip + pageSize).map((a) => accountBody(a, req.now));
  const next = skip + pageSize < accounts.length
    ? { nextLink: `${req.baseUrl}/subscriptions/${sub}/providers/Microsoft.CognitiveServices/accounts?api-version=${apiVersion}&%24skiptoken=${skipToken(skip + pageSize)}` }
    : {};
  return { status: 200, body: { value, ...next } };
}

/**
 * `POST .../checkDomainAvailability`: a read that Azure exposes as POST. A subdomain is unique across Azure, so the
 * answer covers every holder the emulator holds, live or soft-deleted, in any subscription (it names none).
 */
function checkDomainAvailability(state: StoreState, req: ArmRequest): WireResponse {
  const body = (req.body ?? {}) as { subdomainName?: unknown; type?: unknown; kind?: unknown };
  if (typeof body.subdomainName !== "string" || !body.subdomainName) return armError(400, "InvalidRequestContent", "The request content was invalid: 'subdomainName' is required.");
  if (typeof body.type !== "string" || body.type.toLowerCase() !== "microsoft.cognitiveservices/accounts") {
    return armError(400, "InvalidResourceType", `The resource type '${String(body.type)}' is not supported; use 'Microsoft.CognitiveServices/accounts'.`);
  }
  const held = subdomainHolder(state, body.subdomainName) !== undefined;
  return {
    status: 200,
    body: {
      isSubdomainAvailable: !held,
      reason: held ? `Sub domain name '${body.subdomainName}' is already used. Please pick a different name.` : null,
      subdomainName: body.subdomainName,
      type: body.type,
      ...(typeof body.kind === "string" ? { kind: body.kind } : {}),
    },
  };
}

/**
 * The operation's URL as the service writes it: the location as the client
 * wrote it, api-version 2017-04-18 whatever the request used, and a signed
 * query (`t`, `c`, `s`, `h`) that clients must carry along untouched.
 */
function operationUrl(req: ArmRequest, op: OperationRecord): string {
  const signed = `t=${op.startedAt}0000&c=${op.id.slice(0, 8)}&s=${Buffer.from(op.id).toString("base64url").slice(0, 16)}&h=${op.id.slice(-12)}`;
  return `${req.baseUrl}/subscriptions/${op.subscriptionId}/providers/Microsoft.CognitiveServices/locations/${encodeURIComponent(op.location)}/operationResults/${op.id}?api-version=${OPERATION_API_VERSION}&${signed}`;
}

/** Another free-tier (F0) account of this kind in the subscription, live or soft-deleted: Azure allows one per kind. */
function freeAccountOfKind(state: StoreState, sub: string, kind: string, except: string): AccountRecord | undefined {
  const isFree = (a: AccountRecord): boolean =>
    a.subscriptionId.toLowerCase() === sub.toLowerCase() && a.sku.name.toUpperCase() === "F0" && a.kind.toLowerCase() === kind.toLowerCase() &&
    accountKey(a.subscriptionId, a.resourceGroupName, a.name) !== except;
  return Object.values(state.accounts).find(isFree) ?? Object.values(state.deletedAccounts).map((d) => d.account).find(isFree);
}

function putAccount(state: StoreState, req: ArmRequest, [sub, rg, name]: string[]): WireResponse {
  const group = state.resourceGroups[groupKey(sub, rg)];
  if (!group) return resourceGroupNotFound(rg);
  const body = (req.body ?? {}) as { location?: string; kind?: string; sku?: { name: string }; tags?: Record<string, string>; identity?: Record<string, unknown>; properties?: Record<string, unknown> };
  if (!body.location) return armError(400, "LocationRequired", "The location property is required for this definition.");
  const key = accountKey(sub, rg, name);
  const live = state.accounts[key];
  const deleted = findDeletedInGroup(state, sub, rg, name);

  if (body.properties?.restore === true) {
    if (live) return armError(409, "CanNotRestoreAnActiveResource", `Could not restore an active account '${name}'.`);
    // The body's location is compared normalized, as ARM compares regions in a PUT body.
    if (!deleted || normalizeLocation(deleted[1].account.location) !== normalizeLocation(body.location) || deleted[1].purgeOperationId) {
      return armError(400, "CanNotRestoreANonExistingResource", "Could not locate a resource to restore");
    }
    // Restore is synchronous: the account comes back as it was, with the same
    // internalId, endpoint, dateCreated and location spelling; only
    // systemData.createdAt is reset, and the etag is new.
    const [deletedKeyValue, record] = deleted;
    if (record.account.sku.name.toUpperCase() === "F0" && freeAccountOfKind(state, sub, record.account.kind, key)) {
      return armError(409, "CanNotCreateMultipleFreeAccounts", `Operation failed. Only one free account is allowed for account type '${record.account.kind}'.`);
    }
    delete state.deletedAccounts[deletedKeyValue];
    const created = armTime(req.now);
    const account: AccountRecord = {
      ...record.account,
      etag: newEtag(),
      properties: { ...record.account.properties, provisioningState: "Succeeded" },
      systemData: { ...record.account.systemData, createdAt: created, lastModifiedAt: created, lastModifiedBy: req.clientId },
      // With a provisioning lag set, the restored account reads Accepted for a while, as ARM sometimes reports.
      readyAt: req.now + state.settings.provisioningLagMs,
    };
    state.accounts[key] = account;
    return { status: 201, body: { ...accountBody(account, req.now), properties: { ...account.properties, provisioningState: "Succeeded" } } };
  }

  if (deleted) {
    return armError(
      409,
      "FlagMustBeSetForRestore",
      `An existing resource with ID '${accountId({ subscriptionId: sub, resourceGroupName: rg, name })}' has been soft-deleted. To restore the resource, you must specify 'restore' to be 'true' in the property. If you don't want to restore existing resource, please purge it first.`,
    );
  }
  const subdomain = body.properties?.customSubDomainName;
  if (typeof subdomain === "string") {
    const holder = subdomainHolder(state, subdomain);
    if (holder && accountKey(holder.subscriptionId, holder.resourceGroupName, holder.name) !== key) {
      return armError(
        409,
        "CustomDomainInUse",
        `The subdomain name '${subdomain}' is not available as it's already used by a resource. If the resource using the name was deleted in the last 48 hours, you may need to purge the deleted resource.`,
      );
    }
  }
  const kind = body.kind ?? live?.kind ?? "CognitiveServices";
  if ((body.sku?.name ?? live?.sku.name ?? "").toUpperCase() === "F0" && freeAccountOfKind(state, sub, kind, key)) {
    return armError(409, "CanNotCreateMultipleFreeAccounts", `Operation failed. Only one free account is allowed for account type '${kind}'.`);
  }
  if (live) {
    // An update of a live account: ARM applies it in place.
    live.kind = body.kind ?? live.kind;
    live.sku = body.sku ?? live.sku;
    if (body.tags) live.tags = body.tags;
    live.properties = { ...live.properties, ...(body.properties ?? {}) };
    delete live.properties.restore;
    live.etag = newEtag();
    live.systemData = { ...live.systemData, lastModifiedAt: armTime(req.now), lastModifiedBy: req.clientId };
    return { status: 200, body: accountBody(live, req.now) };
  }
  const account = newAccountRecord({ subscriptionId: sub, resourceGroupName: rg, name, ...body, location: body.location }, req.now, req.clientId);
  state.accounts[key] = account;
  const op = newOperation(state, "create", sub, account.location, key, req.now);
  return { status: 201, headers: { "Azure-AsyncOperation": operationUrl(req, op) }, body: accountBody(account, req.now) };
}

/** Soft-deletes an account as its DELETE does: the record keeps the whole body, gets a new etag, and a purge conflicts for a while. */
export function softDelete(state: StoreState, key: string, now: number, settling: boolean): void {
  const account = state.accounts[key];
  delete state.accounts[key];
  const record: DeletedAccountRecord = {
    account: { ...account, etag: newEtag(), properties: { ...account.properties, provisioningState: "Succeeded" } },
    deletedAt: now,
  };
  if (settling) {
    record.settlingUntil = now + state.settings.purgeConflictAfterDeleteMs;
    record.conflictsLeft = state.settings.purgeConflictsAfterDelete;
  }
  state.deletedAccounts[deletedKey(account.subscriptionId, account.location, account.resourceGroupName, account.name)] = record;
}

function deleteAccount(state: StoreState, req: ArmRequest, [sub, rg, name]: string[]): WireResponse {
  if (!state.resourceGroups[groupKey(sub, rg)]) return resourceGroupNotFound(rg);
  const key = accountKey(sub, rg, name);
  const account = state.accounts[key];
  if (!account) return { status: 204 };
  if (account.projects?.length) {
    const nested = account.projects.map((p) => `'Microsoft.CognitiveServices/accounts/${account.name}/projects/${p}'`).join(", ");
    return armError(
      409,
      "CannotDeleteResource",
      `Cannot delete resource while nested resources exist. Some existing nested resource IDs include: ${nested}. Please delete all nested resources before deleting this resource.`,
    );
  }
  softDelete(state, key, req.now, true);
  return { status: 200 };
}

/** DELETE of an AI Foundry project: synchronous here (the service runs it as an operation; nothing here depends on that). */
function deleteProject(state: StoreState, _req: ArmRequest, [sub, rg, name, project]: string[]): WireResponse {
  if (!state.resourceGroups[groupKey(sub, rg)]) return resourceGroupNotFound(rg);
  const account = state.accounts[accountKey(sub, rg, name)];
  if (!account) return notFound("Microsoft.CognitiveServices/accounts", name, rg, { ...GATEWAY_FAILURE });
  const before = account.projects?.length ?? 0;
  account.projects = (account.projects ?? []).filter((p) => p.toLowerCase() !== project.toLowerCase());
  return { status: account.projects.length < before ? 200 : 204 };
}

// ---- deleted accounts --------------------------------------------------------

/**
 * The deleted account as GET and list return it: the whole account body, its
 * own id and type, a new etag, and the two dates. `location` and the id's
 * location segment are spelled as at creation.
 */
export function deletedAccountBody(state: StoreState, key: string, apiVersion: string) {
  const record = state.deletedAccounts[key];
  const a = record.account;
  const withDates = apiVersion >= DELETION_DATES_SINCE;
  return {
    id: deletedAccountId(a),
    name: a.name,
    type: "Microsoft.CognitiveServices/deletedAccounts",
    etag: a.etag,
    location: a.location,
    kind: a.kind,
    sku: a.sku,
    ...(a.tags ? { tags: a.tags } : {}),
    ...(a.identity ? { identity: a.identity } : {}),
    systemData: a.systemData,
    properties: {
      ...a.properties,
      provisioningState: "Succeeded",
      ...(withDates ? { deletionDate: armTime(record.deletedAt), scheduledPurgeDate: armTime(record.deletedAt + SOFT_DELETE_RETENTION_MS) } : {}),
    },
  };
}

/**
 * The deleted account a `deletedAccounts/{name}` path names. With
 * `literalLocations`, the path's location must be spelled exactly as at
 * creation; otherwise it is compared normalized.
 */
function deletedAt(state: StoreState, [sub, location, rg, name]: string[]): [string, DeletedAccountRecord] | undefined {
  const key = deletedKey(sub, location, rg, name);
  const record = state.deletedAccounts[key];
  if (!record) return undefined;
  if (state.settings.literalLocations && record.account.location !== location) return undefined;
  return [key, record];
}

const deletedNotFound = ([, location, rg, name]: string[]): WireResponse =>
  notFound(`Microsoft.CognitiveServices/locations/${location}/resourceGroups/${rg}/deletedAccounts`, name, rg);

function getDeletedAccount(state: StoreState, req: ArmRequest, params: string[]): WireResponse {
  const found = deletedAt(state, params);
  if (!found) return deletedNotFound(params);
  return { status: 200, body: deletedAccountBody(state, found[0], String(req.query.get("api-version"))) };
}

/** Page tokens look like the service's: opaque text, not an offset a client could compute. */
function skipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, v: 1 })).toString("base64url");
}

function offsetOf(token: string | null): number {
  if (!token) return 0;
  try {
    return Number((JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: number }).o) || 0;
  } catch {
    return 0;
  }
}

/** A stable order that is no useful order (ARM gathers the list region by region): pages stay consistent, names are not sorted. */
const gatheredOrder = (key: string): string => createHash("sha256").update(key).digest("hex");

function listDeletedAccounts(state: StoreState, req: ArmRequest, [sub]: string[]): WireResponse {
  const keys = Object.keys(state.deletedAccounts)
    .filter((k) => state.deletedAccounts[k].account.subscriptionId.toLowerCase() === sub.toLowerCase())
    .sort((a, b) => gatheredOrder(a).localeCompare(gatheredOrder(b)));
  // One request id per region the list was gathered from (recorded).
  const regions = new Set(keys.map((k) => normalizeLocation(state.deletedAccounts[k].account.location)));
  const requestIds = Array.from({ length: Math.max(1, regions.size) }, () => randomUUID()).join(", ");
  const skip = offsetOf(req.query.get("$skiptoken"));
  const pageSize = Math.max(1, state.settings.pageSize);
  const apiVersion = String(req.query.get("api-version"));
  const value = keys.slice(skip, skip + pageSize).map((k) => deletedAccountBody(state, k, apiVersion));
  const next = skip + pageSize < keys.length
    ? { nextLink: `${req.baseUrl}/subscriptions/${sub}/providers/Microsoft.CognitiveServices/deletedAccounts?api-version=${apiVersion}&%24skiptoken=${skipToken(skip + pageSize)}` }
    : {};
  return { status: 200, headers: { "x-ms-original-request-ids": requestIds }, body: { value, ...next } };
}

function purgeDeletedAccount(state: StoreState, req: ArmRequest, params: string[]): WireResponse {
  const found = deletedAt(state, params);
  if (!found) {
    // A name soft-deleted under another location (or spelling) is "not found" here (a user report: 404).
    const [sub, , rg, name] = params;
    if (state.settings.purgeOfNothingStatus === 204 && !findDeletedInGroup(state, sub, rg, name)) return { status: 204 };
    return deletedNotFound(params);
  }
  const [key, record] = found;
  const [sub, pathLocation, rg, name] = params;
  const settling = (record.settlingUntil ?? 0) > req.now || (record.conflictsLeft ?? 0) > 0;
  if (settling && !record.purgeOperationId) {
    if ((record.conflictsLeft ?? 0) > 0) record.conflictsLeft! -= 1;
    return armError(
      409,
      "RequestConflict",
      `The request to purge deleted account '${name}' in resource group '${rg}' conflicts with the deletion of the account, which is still in progress. Please retry after some time.`,
    );
  }
  const running = record.purgeOperationId ? state.operations[record.purgeOperationId] : undefined;
  // The operation URL carries the location as this request spelled it.
  const op = running ?? newOperation(state, "purge", sub, pathLocation, key, req.now);
  record.purgeOperationId = op.id;
  const url = operationUrl(req, op);
  return { status: 202, headers: { "Azure-AsyncOperation": url, Location: `${url}&operationResultResponseType=Location` } };
}

/**
 * An operation's status document. Each poll counts towards the operation's
 * `pollsNeeded`; a running create reads `Creating`, a running purge
 * `Running`; times are whole seconds. The `Location` form answers 202 while
 * running and 200 with an empty body once done (recorded).
 */
function getOperation(state: StoreState, req: ArmRequest, [sub, location, id]: string[]): WireResponse {
  const op = state.operations[id.toLowerCase()] ?? state.operations[id];
  if (!op || op.subscriptionId.toLowerCase() !== sub.toLowerCase() || normalizeLocation(op.location) !== normalizeLocation(location)) {
    return armError(404, "OperationNotFound", `The operation '${id}' could not be found.`);
  }
  op.polls += 1;
  completeOperation(state, op, req.now);
  const finished = operationDue(op, req.now);
  const status = finished ? op.outcome : op.kind === "create" ? "Creating" : "Running";
  if (req.query.get("operationResultResponseType") === "Location") {
    if (!finished) return { status: 202, headers: { Location: `${operationUrl(req, op)}&operationResultResponseType=Location` } };
    if (status !== "Succeeded") return armError(400, op.error?.code ?? status, op.error?.message ?? `The operation ${status.toLowerCase()}.`);
    return { status: 200 };
  }
  return {
    status: 200,
    body: {
      id: `/subscriptions/${op.subscriptionId}/providers/Microsoft.CognitiveServices/locations/${op.location}/operationResults/${op.id}`,
      name: op.id,
      status,
      startTime: armTimeInSeconds(op.startedAt),
      ...(finished ? { endTime: armTimeInSeconds(op.finishedAt ?? req.now) } : {}),
      ...(finished && op.error ? { error: op.error } : {}),
    },
  };
}
