import {
  accountId,
  accountKey,
  type AccountRecord,
  deletedAccountId,
  deletedKey,
  findDeletedInGroup,
  groupKey,
  newAccountRecord,
  newOperation,
  normalizeLocation,
  type OperationRecord,
  provisioningStateAt,
  SOFT_DELETE_RETENTION_MS,
  type StoreState,
  subdomainHolder,
} from "./store";
import {
  armError,
  armTime,
  checkApiVersion,
  COGNITIVE_API_VERSIONS,
  DELETION_DATES_SINCE,
  KEYVAULT_API_VERSIONS,
  notFound,
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
    pattern: new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}/${COGNITIVE}/accounts/${SEG}$`, "i"),
    apiVersions: COGNITIVE_API_VERSIONS,
    methods: { GET: getAccount, PUT: putAccount, DELETE: deleteAccount },
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

/** The account as GET returns it. */
export function accountBody(account: AccountRecord, now: number) {
  return {
    id: accountId(account),
    name: account.name,
    type: "Microsoft.CognitiveServices/accounts",
    etag: `"${account.properties.internalId}"`,
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
  const account = state.accounts[accountKey(sub, rg, name)];
  if (!account) return notFound("Microsoft.CognitiveServices/accounts", name, rg);
  return { status: 200, body: accountBody(account, req.now) };
}

function listAccountsByGroup(state: StoreState, req: ArmRequest, [sub, rg]: string[]): WireResponse {
  if (!state.resourceGroups[groupKey(sub, rg)]) return resourceGroupNotFound(rg);
  const value = Object.values(state.accounts)
    .filter((a) => groupKey(a.subscriptionId, a.resourceGroupName) === groupKey(sub, rg))
    .map((a) => accountBody(a, req.now));
  return { status: 200, body: { value } };
}

function operationUrl(req: ArmRequest, op: OperationRecord): string {
  return `${req.baseUrl}/subscriptions/${op.subscriptionId}/providers/Microsoft.CognitiveServices/locations/${op.location.toUpperCase()}/operationResults/${op.id}?api-version=${req.query.get("api-version")}`;
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
    if (!deleted || deleted[1].account.location !== normalizeLocation(body.location) || deleted[1].purgeOperationId) {
      return armError(400, "CanNotRestoreANonExistingResource", "Could not locate a resource to restore");
    }
    // Restore is synchronous: the account comes back as it was, with the same
    // internalId, endpoint and dateCreated; only systemData.createdAt is reset.
    const [deletedKeyValue, record] = deleted;
    delete state.deletedAccounts[deletedKeyValue];
    const created = new Date(req.now).toISOString();
    const account: AccountRecord = {
      ...record.account,
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
  if (live) {
    // An update of a live account: ARM applies it in place.
    live.kind = body.kind ?? live.kind;
    live.sku = body.sku ?? live.sku;
    if (body.tags) live.tags = body.tags;
    live.properties = { ...live.properties, ...(body.properties ?? {}) };
    delete live.properties.restore;
    return { status: 200, body: accountBody(live, req.now) };
  }
  const account = newAccountRecord({ subscriptionId: sub, resourceGroupName: rg, name, ...body, location: body.location }, req.now, req.clientId);
  state.accounts[key] = account;
  const op = newOperation(state, "create", sub, account.location, key, req.now);
  return { status: 201, headers: { "Azure-AsyncOperation": operationUrl(req, op) }, body: accountBody(account, req.now) };
}

function deleteAccount(state: StoreState, req: ArmRequest, [sub, rg, name]: string[]): WireResponse {
  const key = accountKey(sub, rg, name);
  const account = state.accounts[key];
  if (!account) return { status: 204 };
  delete state.accounts[key];
  state.deletedAccounts[deletedKey(sub, account.location, rg, name)] = {
    account: { ...account, properties: { ...account.properties, provisioningState: "Succeeded" } },
    deletedAt: req.now,
  };
  return { status: 200 };
}

// ---- deleted accounts --------------------------------------------------------

/** The deleted account as GET and list return it: the whole account body, its own id and type, and the two dates. */
export function deletedAccountBody(state: StoreState, key: string, apiVersion: string) {
  const record = state.deletedAccounts[key];
  const a = record.account;
  const withDates = apiVersion >= DELETION_DATES_SINCE;
  return {
    id: deletedAccountId(a),
    name: a.name,
    type: "Microsoft.CognitiveServices/deletedAccounts",
    etag: `"${a.properties.internalId}"`,
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

function getDeletedAccount(state: StoreState, req: ArmRequest, [sub, location, rg, name]: string[]): WireResponse {
  const key = deletedKey(sub, location, rg, name);
  if (!state.deletedAccounts[key]) {
    return notFound(`Microsoft.CognitiveServices/locations/${normalizeLocation(location)}/resourceGroups/${rg}/deletedAccounts`, name, rg);
  }
  return { status: 200, body: deletedAccountBody(state, key, String(req.query.get("api-version"))) };
}

function listDeletedAccounts(state: StoreState, req: ArmRequest, [sub]: string[]): WireResponse {
  const keys = Object.keys(state.deletedAccounts)
    .filter((k) => state.deletedAccounts[k].account.subscriptionId.toLowerCase() === sub.toLowerCase())
    .sort();
  const skip = Number(req.query.get("$skipToken") ?? "0") || 0;
  const pageSize = Math.max(1, state.settings.pageSize);
  const apiVersion = String(req.query.get("api-version"));
  const value = keys.slice(skip, skip + pageSize).map((k) => deletedAccountBody(state, k, apiVersion));
  const next = skip + pageSize < keys.length
    ? { nextLink: `${req.baseUrl}/subscriptions/${sub}/providers/Microsoft.CognitiveServices/deletedAccounts?api-version=${apiVersion}&$skipToken=${skip + pageSize}` }
    : {};
  return { status: 200, body: { value, ...next } };
}

function purgeDeletedAccount(state: StoreState, req: ArmRequest, [sub, location, rg, name]: string[]): WireResponse {
  const key = deletedKey(sub, location, rg, name);
  const record = state.deletedAccounts[key];
  if (!record) {
    if (state.settings.purgeOfNothingStatus === 204) return { status: 204 };
    return notFound(`Microsoft.CognitiveServices/locations/${normalizeLocation(location)}/resourceGroups/${rg}/deletedAccounts`, name, rg);
  }
  const running = record.purgeOperationId ? state.operations[record.purgeOperationId] : undefined;
  const op = running ?? newOperation(state, "purge", sub, record.account.location, key, req.now);
  record.purgeOperationId = op.id;
  const url = operationUrl(req, op);
  return { status: 202, headers: { "Azure-AsyncOperation": url, Location: `${url}&operationResultResponseType=Location` } };
}

function getOperation(state: StoreState, req: ArmRequest, [sub, location, id]: string[]): WireResponse {
  const op = state.operations[id.toLowerCase()] ?? state.operations[id];
  if (!op || op.subscriptionId.toLowerCase() !== sub.toLowerCase() || op.location !== normalizeLocation(location)) {
    return armError(404, "OperationNotFound", `The operation '${id}' could not be found.`);
  }
  const finished = op.finishAt <= req.now;
  const status = finished ? op.outcome : "Running";
  if (req.query.get("operationResultResponseType") === "Location") {
    if (!finished) return { status: 202, headers: { Location: `${operationUrl(req, op)}&operationResultResponseType=Location` } };
    if (status !== "Succeeded") return armError(400, op.error?.code ?? status, op.error?.message ?? `The operation ${status.toLowerCase()}.`);
    return { status: 204 };
  }
  return {
    status: 200,
    body: {
      id: `/subscriptions/${op.subscriptionId}/providers/Microsoft.CognitiveServices/locations/${op.location.toUpperCase()}/operationResults/${op.id}`,
      name: op.id,
      status,
      startTime: armTime(op.startedAt),
      ...(finished ? { endTime: armTime(op.finishAt) } : {}),
      ...(finished && op.error ? { error: op.error } : {}),
    },
  };
}
