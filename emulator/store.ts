import { randomBytes, randomUUID } from "node:crypto";
import { armTime } from "./wire";

/**
 * The emulator's world: resource groups, live and soft-deleted Cognitive
 * Services accounts, running operations, Key Vaults and storage accounts.
 *
 * Everything is plain JSON (keys lower-cased, because ARM names are
 * case-insensitive), so the whole state can be written to a file and read
 * back after a restart.
 */

export const SOFT_DELETE_RETENTION_MS = 48 * 60 * 60 * 1000;

export interface ResourceGroupRecord {
  subscriptionId: string;
  name: string;
  location: string;
}

export interface AccountRecord {
  subscriptionId: string;
  resourceGroupName: string;
  name: string;
  /** As the client wrote it at creation (`East US`, `EASTUS`): the service keeps and echoes that spelling. */
  location: string;
  kind: string;
  sku: { name: string };
  /** A new one on every write, and for the deleted record. */
  etag: string;
  /** Child projects (AI Foundry, kind `AIServices`): while any exist, the account cannot be deleted. */
  projects?: string[];
  tags?: Record<string, string>;
  identity?: Record<string, unknown>;
  /** The whole `properties` object as the service keeps it. */
  properties: Record<string, unknown>;
  systemData: Record<string, string>;
  /** When the create operation finishes (ms on the emulator clock). */
  readyAt: number;
}

export interface DeletedAccountRecord {
  account: AccountRecord;
  deletedAt: number;
  /** Set while a purge runs. */
  purgeOperationId?: string;
  /** Until then (emulator clock) a purge answers 409 RequestConflict; set only by a DELETE of the account. */
  settlingUntil?: number;
  /** How many more purges answer 409 RequestConflict; set only by a DELETE of the account. */
  conflictsLeft?: number;
}

/** `Creating` is what a running create reports (recorded); a running purge reports `Running`. */
export type OperationStatus = "Creating" | "Running" | "Succeeded" | "Failed" | "Canceled";

export interface OperationRecord {
  id: string;
  subscriptionId: string;
  location: string;
  kind: "create" | "purge";
  /** The store key of the account or deleted account the operation works on. */
  target: string;
  startedAt: number;
  /** Not finished before this time (emulator clock)... */
  finishAt: number;
  /** ...nor before it has been polled this many times (count-based, so tests do not depend on timing). */
  pollsNeeded: number;
  polls: number;
  /** When it finished; set once it has. */
  finishedAt?: number;
  outcome: Exclude<OperationStatus, "Running" | "Creating">;
  error?: { code: string; message: string };
}

/** Resources that only need to exist (recovery prerequisites): Key Vaults and storage accounts. */
export interface DependencyRecord {
  id: string;
  name: string;
  type: "Microsoft.KeyVault/vaults" | "Microsoft.Storage/storageAccounts";
  location: string;
  properties: Record<string, unknown>;
}

export interface Settings {
  /** A create operation runs at least this long... */
  createDurationMs: number;
  /** ...and until it has been polled this many times (the first polls read `Creating`). */
  createPollsUntilDone: number;
  /** A purge operation runs at least this long... */
  purgeDurationMs: number;
  /** ...and until it has been polled this many times (recorded purges took a few polls). */
  purgePollsUntilDone: number;
  /** How the service answers a purge when nothing is soft-deleted: the spec says 204, users report 404. */
  purgeOfNothingStatus: 204 | 404;
  /** Items per page of the subscription's deleted-accounts list (a recorded page held about a dozen). */
  pageSize: number;
  /** After a create finishes, the account still reads `Accepted` this long. */
  provisioningLagMs: number;
  /** When set, ARM answers 429 beyond this many requests in one `throttleWindowInMs`. */
  throttleRequestsPerSecond: number;
  /** The throttle's window (a second, as ARM's limits are stated; tests that count requests widen it). */
  throttleWindowInMs: number;
  /**
   * When true, a `deletedAccounts/{name}` path finds the account only when its
   * location segment is spelled exactly as at creation (`East US` is not
   * `eastus`). The recordings do not say which the service does; code must
   * work either way.
   */
  literalLocations: boolean;
  /** For this long after an account's DELETE, a purge of it answers 409 RequestConflict (the soft delete is settling). */
  purgeConflictAfterDeleteMs: number;
  /** The first N purges after an account's DELETE answer 409 RequestConflict (count-based; adds to the time window). */
  purgeConflictsAfterDelete: number;
}

/** Environment variable that turns `literalLocations` on for every emulator a process starts (`1`). */
export const LITERAL_LOCATIONS_VARIABLE = "RECLAIM_EMULATOR_LITERAL_LOCATIONS";

/**
 * The realistic defaults every test meets: operations that take a few polls,
 * small pages, and a short window after a delete in which a purge conflicts.
 * Counts rather than durations, so the suite stays fast and deterministic.
 */
export function defaultSettings(): Settings {
  return {
    createDurationMs: 0,
    createPollsUntilDone: 2,
    purgeDurationMs: 0,
    purgePollsUntilDone: 3,
    purgeOfNothingStatus: 204,
    pageSize: 12,
    provisioningLagMs: 0,
    throttleRequestsPerSecond: 0,
    throttleWindowInMs: 1000,
    literalLocations: process.env[LITERAL_LOCATIONS_VARIABLE] === "1",
    purgeConflictAfterDeleteMs: 1000,
    purgeConflictsAfterDelete: 0,
  };
}

/** A planned outcome for the next operations that start (for `Failed` / `Canceled` operations). */
export interface OperationOutcomeFault {
  kind: "create" | "purge";
  outcome: "Failed" | "Canceled" | "Never";
  error?: { code: string; message: string };
  times: number;
}

export interface StoreState {
  clockOffsetMs: number;
  settings: Settings;
  resourceGroups: Record<string, ResourceGroupRecord>;
  accounts: Record<string, AccountRecord>;
  deletedAccounts: Record<string, DeletedAccountRecord>;
  operations: Record<string, OperationRecord>;
  dependencies: Record<string, DependencyRecord>;
  operationFaults: OperationOutcomeFault[];
}

export function emptyState(): StoreState {
  return {
    clockOffsetMs: 0,
    settings: defaultSettings(),
    resourceGroups: {},
    accounts: {},
    deletedAccounts: {},
    operations: {},
    dependencies: {},
    operationFaults: [],
  };
}

/** `eastus` from `East US`. */
export function normalizeLocation(location: string): string {
  return location.toLowerCase().replace(/\s+/g, "");
}

export const groupKey = (sub: string, rg: string): string => `${sub}/${rg}`.toLowerCase();
export const accountKey = (sub: string, rg: string, name: string): string => `${sub}/${rg}/${name}`.toLowerCase();
export const deletedKey = (sub: string, location: string, rg: string, name: string): string =>
  `${sub}/${normalizeLocation(location)}/${rg}/${name}`.toLowerCase();

export function accountId(a: Pick<AccountRecord, "subscriptionId" | "resourceGroupName" | "name">): string {
  return `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroupName}/providers/Microsoft.CognitiveServices/accounts/${a.name}`;
}

export function deletedAccountId(a: Pick<AccountRecord, "subscriptionId" | "resourceGroupName" | "name" | "location">): string {
  return `/subscriptions/${a.subscriptionId}/providers/Microsoft.CognitiveServices/locations/${a.location}/resourceGroups/${a.resourceGroupName}/deletedAccounts/${a.name}`;
}

/** What a seed or a create request gives for a new account. */
export interface NewAccount {
  subscriptionId: string;
  resourceGroupName: string;
  name: string;
  location: string;
  kind?: string;
  sku?: { name: string };
  tags?: Record<string, string>;
  identity?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  /** Names of child projects (AI Foundry accounts, kind `AIServices`). */
  projects?: string[];
}

/** An etag as the service writes them: a quoted GUID. */
export function newEtag(): string {
  return `"${randomUUID()}"`;
}

/** Builds an account record the way the service fills one in. */
export function newAccountRecord(input: NewAccount, now: number, principal: string): AccountRecord {
  const properties: Record<string, unknown> = { ...(input.properties ?? {}) };
  delete properties.restore;
  const location = input.location;
  const subdomain = typeof properties.customSubDomainName === "string" ? properties.customSubDomainName : undefined;
  const created = armTime(now);
  return {
    subscriptionId: input.subscriptionId,
    resourceGroupName: input.resourceGroupName,
    name: input.name,
    location,
    kind: input.kind ?? "CognitiveServices",
    sku: input.sku ?? { name: "S0" },
    etag: newEtag(),
    ...(input.projects?.length ? { projects: [...input.projects] } : {}),
    ...(input.tags ? { tags: input.tags } : {}),
    ...(input.identity ? { identity: input.identity } : {}),
    properties: {
      ...properties,
      endpoint: subdomain ? `https://${subdomain}.cognitiveservices.azure.com/` : `https://${normalizeLocation(location)}.api.cognitive.microsoft.com/`,
      internalId: randomBytes(16).toString("hex"),
      dateCreated: created,
      publicNetworkAccess: properties.publicNetworkAccess ?? "Enabled",
      provisioningState: "Creating",
    },
    systemData: {
      createdBy: principal,
      createdByType: "Application",
      createdAt: created,
      lastModifiedBy: principal,
      lastModifiedByType: "Application",
      lastModifiedAt: created,
    },
    readyAt: now,
  };
}

export function newOperation(
  state: StoreState,
  kind: OperationRecord["kind"],
  subscriptionId: string,
  location: string,
  target: string,
  now: number,
): OperationRecord {
  const { settings } = state;
  const duration = kind === "create" ? settings.createDurationMs : settings.purgeDurationMs;
  const op: OperationRecord = {
    id: randomUUID(),
    subscriptionId,
    // The client's spelling: operation URLs carry it (recorded).
    location,
    kind,
    target,
    startedAt: now,
    finishAt: now + duration,
    pollsNeeded: Math.max(0, kind === "create" ? settings.createPollsUntilDone : settings.purgePollsUntilDone),
    polls: 0,
    outcome: "Succeeded",
  };
  const fault = state.operationFaults.find((f) => f.kind === kind && f.times > 0);
  if (fault) {
    fault.times -= 1;
    if (fault.outcome === "Never") {
      op.finishAt = Number.MAX_SAFE_INTEGER;
    } else {
      op.outcome = fault.outcome;
      op.error = fault.error ?? { code: "InternalServerError", message: "An internal error occurred." };
    }
  }
  state.operationFaults = state.operationFaults.filter((f) => f.times > 0);
  state.operations[op.id] = op;
  return op;
}

/** Whether an operation has run its course at `now`: its duration has passed and it was polled enough. */
export function operationDue(op: OperationRecord, now: number): boolean {
  return op.finishedAt !== undefined || (op.finishAt <= now && op.polls >= op.pollsNeeded);
}

/** Makes a finished operation take effect, once. */
export function completeOperation(state: StoreState, op: OperationRecord, now: number): void {
  if (op.finishedAt !== undefined || !operationDue(op, now)) return;
  op.finishedAt = now;
  if (op.kind === "purge") {
    const deleted = state.deletedAccounts[op.target];
    if (deleted && deleted.purgeOperationId === op.id) {
      if (op.outcome === "Succeeded") delete state.deletedAccounts[op.target];
      else delete deleted.purgeOperationId;
    }
  } else {
    const account = state.accounts[op.target];
    if (account && account.properties.provisioningState === "Creating") {
      account.properties.provisioningState = op.outcome === "Succeeded" ? "Succeeded" : "Failed";
      account.etag = newEtag();
      account.readyAt = op.finishedAt + (op.outcome === "Succeeded" ? state.settings.provisioningLagMs : 0);
    }
  }
}

/**
 * Brings the world up to `now`: finished operations take effect, and
 * soft-deleted accounts past their scheduled purge date disappear, as Azure
 * purges them itself.
 */
export function settle(state: StoreState, now: number): void {
  for (const op of Object.values(state.operations)) completeOperation(state, op, now);
  for (const [key, deleted] of Object.entries(state.deletedAccounts)) {
    if (deleted.deletedAt + SOFT_DELETE_RETENTION_MS <= now && !deleted.purgeOperationId) delete state.deletedAccounts[key];
  }
}

/** The provisioning state an account reads at `now` (`Accepted` during the configured lag). */
export function provisioningStateAt(account: AccountRecord, now: number): string {
  const state = String(account.properties.provisioningState);
  return state === "Succeeded" && now < account.readyAt ? "Accepted" : state;
}

/** Finds the soft-deleted account of this name in this subscription and group, whatever its location. */
export function findDeletedInGroup(state: StoreState, sub: string, rg: string, name: string): [string, DeletedAccountRecord] | undefined {
  return Object.entries(state.deletedAccounts).find(
    ([, d]) =>
      d.account.subscriptionId.toLowerCase() === sub.toLowerCase() &&
      d.account.resourceGroupName.toLowerCase() === rg.toLowerCase() &&
      d.account.name.toLowerCase() === name.toLowerCase(),
  );
}

/** The account, live or soft-deleted, anywhere, that holds a custom subdomain. */
export function subdomainHolder(state: StoreState, subdomain: string): AccountRecord | undefined {
  const wanted = subdomain.toLowerCase();
  const holds = (a: AccountRecord): boolean => String(a.properties.customSubDomainName ?? "").toLowerCase() === wanted;
  return Object.values(state.accounts).find(holds) ?? Object.values(state.deletedAccounts).map((d) => d.account).find(holds);
}
