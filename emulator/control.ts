import { softDelete } from "./arm";
import { ControlInputError, type FaultRule } from "./faults";
import { CONTROL_TOKEN_VARIABLE, refuseWithoutControlToken } from "./controlAuth";
import type { EmulatorContext } from "./server";
import {
  accountKey,
  defaultSettings,
  deletedKey,
  type DependencyRecord,
  emptyState,
  groupKey,
  type NewAccount,
  newAccountRecord,
  normalizeLocation,
  type OperationOutcomeFault,
  type Settings,
  settle,
} from "./store";
import type { WireResponse } from "./wire";

/** What `POST /_emulator/seed` accepts. */
export interface SeedRequest {
  resourceGroups?: { subscriptionId: string; name: string; location: string }[];
  /** Live accounts, already `Succeeded`. */
  accounts?: NewAccount[];
  /** Soft-deleted accounts; `deletedMsAgo` (default 0) places the deletion in the past. */
  deletedAccounts?: (NewAccount & { deletedMsAgo?: number })[];
  /** Key Vaults and storage accounts, by ARM id. */
  dependencies?: { id: string; location?: string; properties?: Record<string, unknown> }[];
}

/** What `POST /_emulator/remove` accepts. */
export interface RemoveRequest {
  /** Deleted out of band; as in Azure, the accounts in them are soft-deleted with them. */
  resourceGroups?: { subscriptionId: string; name: string }[];
  dependencies?: string[];
}

/** How far one clock move may go, either way. */
const MAX_CLOCK_STEP_MS = 366 * 24 * 3600 * 1000;

const ok = (body: unknown = { ok: true }): WireResponse => ({ status: 200, body });

/** Operation faults waiting at once, and `times` of one: bounds like {@link FAULT_BOUNDS}. */
export const OPERATION_FAULT_BOUNDS = { faults: 100, times: 10_000 } as const;

/** One route of the control API; `GET /_emulator/` lists them, and emulator/README.md documents each. */
interface ControlRoute {
  method: string;
  path: string;
  /** What it does, and what it takes. */
  summary: string;
  handle(ctx: EmulatorContext, body: unknown): WireResponse;
}

const ROUTES: ControlRoute[] = [
  { method: "GET", path: "/_emulator/", summary: "This list of routes.", handle: () => ok(describeRoutes()) },
  { method: "GET", path: "/_emulator/health", summary: "{ ok: true } while the emulator runs.", handle: () => ok() },
  {
    method: "POST",
    path: "/_emulator/reset",
    summary: "Empties the world, the faults, the request log and the settings (back to the defaults).",
    handle: (ctx) => {
      ctx.state = emptyState();
      ctx.faults.clear();
      ctx.quota.clear();
      ctx.throttle.restart();
      ctx.log.length = 0;
      ctx.persist();
      return ok();
    },
  },
  {
    method: "POST",
    path: "/_emulator/seed",
    summary: "Adds resource groups, live and soft-deleted accounts, Key Vaults and storage accounts: { resourceGroups?, accounts?, deletedAccounts?, dependencies? }.",
    handle: (ctx, body) => {
      seed(ctx, body as SeedRequest);
      ctx.persist();
      return ok();
    },
  },
  {
    method: "POST",
    path: "/_emulator/remove",
    summary: "Deletes out of band: { resourceGroups?: [{ subscriptionId, name }] (their accounts are soft-deleted), dependencies?: [id] }.",
    handle: (ctx, body) => {
      remove(ctx, body as RemoveRequest);
      ctx.persist();
      return ok();
    },
  },
  {
    method: "POST",
    path: "/_emulator/clock",
    summary: "Moves the emulator's clock forward (or back, to place an event in the past): { advanceMs }. Answers { now }.",
    handle: (ctx, body) => {
      const advanceMs = (body as { advanceMs?: unknown }).advanceMs;
      // Back as well as forward: a test places an out-of-band delete hours in the past, then returns. Bounded to a year either way.
      if (typeof advanceMs !== "number" || !Number.isFinite(advanceMs) || Math.abs(advanceMs) > MAX_CLOCK_STEP_MS) {
        throw new ControlInputError(`advanceMs is ${JSON.stringify(advanceMs)}; it must be a number of milliseconds between -${MAX_CLOCK_STEP_MS} and ${MAX_CLOCK_STEP_MS} (a year)`);
      }
      ctx.state.clockOffsetMs += advanceMs;
      settle(ctx.state, ctx.now());
      ctx.persist();
      return ok({ now: new Date(ctx.now()).toISOString() });
    },
  },
  {
    method: "PATCH",
    path: "/_emulator/settings",
    summary: "Changes settings (durations, polls, page size, throttling, literalLocations...). Answers all settings.",
    handle: (ctx, body) => {
      ctx.state.settings = { ...ctx.state.settings, ...checkedSettings(body) };
      ctx.throttle.restart();
      ctx.persist();
      return ok(ctx.state.settings);
    },
  },
  {
    method: "POST",
    path: "/_emulator/faults",
    summary: "Replaces the next `times` answers to matching requests: { method?, path (pattern, no quantifiers, <= 200 chars), times (<= 10000), response? | drop: true }.",
    handle: (ctx, body) => {
      ctx.faults.add(body as FaultRule);
      return ok();
    },
  },
  {
    method: "POST",
    path: "/_emulator/operation-faults",
    summary: "Makes the next `times` create or purge operations end Failed or Canceled, or never end: { kind, outcome, error?, times }.",
    handle: (ctx, body) => {
      ctx.state.operationFaults.push(checkedOperationFault(body, ctx.state.operationFaults.length));
      ctx.persist();
      return ok();
    },
  },
  {
    method: "POST",
    path: "/_emulator/operations/finish",
    summary: "Ends every running operation now.",
    handle: (ctx) => {
      // Ends every running operation now (an operation made to never finish, after a timeout test).
      for (const op of Object.values(ctx.state.operations)) {
        if (op.finishAt > ctx.now()) op.finishAt = ctx.now();
        op.pollsNeeded = 0;
      }
      settle(ctx.state, ctx.now());
      ctx.persist();
      return ok();
    },
  },
  { method: "GET", path: "/_emulator/requests", summary: "The request log (ARM and token authority; never a token or secret).", handle: (ctx) => ok(ctx.log) },
  {
    method: "DELETE",
    path: "/_emulator/requests",
    summary: "Empties the request log.",
    handle: (ctx) => {
      ctx.log.length = 0;
      return ok();
    },
  },
  {
    method: "GET",
    path: "/_emulator/state",
    summary: "The whole world: { state, tokensIssued, throttled, now }.",
    handle: (ctx) => {
      settle(ctx.state, ctx.now());
      return ok({ state: ctx.state, tokensIssued: ctx.authority.tokensIssued, throttled: ctx.throttle.throttled, now: ctx.now() });
    },
  },
];

/** What `GET /_emulator/` answers. */
function describeRoutes(): unknown {
  return {
    authentication: `Every route needs 'Authorization: Bearer <token>', the token printed by \`npm run emulator\` as ${CONTROL_TOKEN_VARIABLE}.`,
    documentation: "emulator/README.md",
    routes: ROUTES.map(({ method, path, summary }) => ({ method, path, summary })),
  };
}

const badRequest = (code: string, message: string): WireResponse => ({ status: 400, body: { error: { code, message } } });

/**
 * The control interface for tests and demos, under `/_emulator/`. It is not
 * part of ARM. Every route needs the run's control token (`authorization`,
 * checked by {@link refuseWithoutControlToken}): the emulator listens on
 * loopback, but any local user can reach that, and the control API can
 * rewrite what the token authority answers, so it could steer a client
 * secret elsewhere.
 */
export async function handleControl(ctx: EmulatorContext, method: string, url: URL, text: string, authorization: string | undefined): Promise<WireResponse> {
  const refused = refuseWithoutControlToken(ctx.controlTokenDigest, authorization);
  if (refused) return refused;
  const path = url.pathname === "/_emulator" ? "/_emulator/" : url.pathname;
  const route = ROUTES.find((r) => r.method === method && r.path === path);
  if (!route) return { status: 404, body: { error: { code: "UnknownControlRoute", message: `No control route ${method} ${url.pathname}; GET /_emulator/ lists them` } } };
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch (error) {
    return badRequest("InvalidControlRequest", `${method} ${path}: the body is not JSON (${(error as Error).message})`);
  }
  try {
    return route.handle(ctx, body);
  } catch (error) {
    if (error instanceof ControlInputError) return badRequest("InvalidControlRequest", `${method} ${path}: ${error.message}`);
    throw error;
  }
}

/** The settings a PATCH may change, each of the type of its default; anything else is refused. */
function checkedSettings(body: unknown): Partial<Settings> {
  const defaults = defaultSettings() as unknown as Record<string, unknown>;
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ControlInputError("settings are a JSON object: { name: value }");
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (!(name in defaults)) throw new ControlInputError(`unknown setting '${name}'; the settings are ${Object.keys(defaults).join(", ")}`);
    if (typeof value !== typeof defaults[name] || (typeof value === "number" && !Number.isFinite(value))) {
      throw new ControlInputError(`setting '${name}' is ${JSON.stringify(value)}; it takes a ${typeof defaults[name]}`);
    }
  }
  return body as Partial<Settings>;
}

/** An operation fault within {@link OPERATION_FAULT_BOUNDS}; `waiting` is how many are queued already. */
function checkedOperationFault(body: unknown, waiting: number): OperationOutcomeFault {
  if (typeof body !== "object" || body === null) throw new ControlInputError("an operation fault is a JSON object: { kind, outcome, error?, times }");
  const fault = body as OperationOutcomeFault;
  if (fault.kind !== "create" && fault.kind !== "purge") throw new ControlInputError(`operation fault kind ${JSON.stringify(fault.kind)} is not "create" or "purge"`);
  if (!["Failed", "Canceled", "Never"].includes(fault.outcome)) {
    throw new ControlInputError(`operation fault outcome ${JSON.stringify(fault.outcome)} is not "Failed", "Canceled" or "Never"`);
  }
  if (!Number.isInteger(fault.times) || fault.times < 1 || fault.times > OPERATION_FAULT_BOUNDS.times) {
    throw new ControlInputError(`operation fault times is ${JSON.stringify(fault.times)}; it must be a whole number from 1 to ${OPERATION_FAULT_BOUNDS.times} (times)`);
  }
  if (waiting >= OPERATION_FAULT_BOUNDS.faults) {
    throw new ControlInputError(`${waiting} operation faults are waiting; the limit is ${OPERATION_FAULT_BOUNDS.faults} (faults). Reset the emulator or let them be used first`);
  }
  return fault;
}

function seed(ctx: EmulatorContext, request: SeedRequest): void {
  const { state } = ctx;
  const now = ctx.now();
  for (const g of request.resourceGroups ?? []) {
    state.resourceGroups[groupKey(g.subscriptionId, g.name)] = { ...g, location: normalizeLocation(g.location) };
  }
  // A seeded account keeps its location as written (`East US`), as the service does.
  for (const a of request.accounts ?? []) {
    const record = newAccountRecord(a, now, "seed");
    record.properties.provisioningState = "Succeeded";
    state.accounts[accountKey(a.subscriptionId, a.resourceGroupName, a.name)] = record;
  }
  for (const a of request.deletedAccounts ?? []) {
    const record = newAccountRecord(a, now - (a.deletedMsAgo ?? 0), "seed");
    record.properties.provisioningState = "Succeeded";
    state.deletedAccounts[deletedKey(a.subscriptionId, a.location, a.resourceGroupName, a.name)] = { account: record, deletedAt: now - (a.deletedMsAgo ?? 0) };
  }
  for (const d of request.dependencies ?? []) {
    const match = /\/providers\/(Microsoft\.KeyVault\/vaults|Microsoft\.Storage\/storageAccounts)\/([^/]+)$/i.exec(d.id);
    if (!match) throw new ControlInputError(`dependency id ${JSON.stringify(d.id)} is not a Key Vault or storage account id (/subscriptions/.../providers/Microsoft.KeyVault/vaults/<name> or .../Microsoft.Storage/storageAccounts/<name>)`);
    const type = (match[1].toLowerCase().startsWith("microsoft.keyvault") ? "Microsoft.KeyVault/vaults" : "Microsoft.Storage/storageAccounts") as DependencyRecord["type"];
    const name = match[2];
    const properties = d.properties ?? (type === "Microsoft.KeyVault/vaults" ? { vaultUri: `https://${name}.vault.azure.net/` } : {});
    state.dependencies[d.id.toLowerCase()] = { id: d.id, name, type, location: normalizeLocation(d.location ?? "eastus"), properties };
  }
  settle(state, now);
}

function remove(ctx: EmulatorContext, request: RemoveRequest): void {
  const now = ctx.now();
  for (const g of request.resourceGroups ?? []) {
    const key = groupKey(g.subscriptionId, g.name);
    delete ctx.state.resourceGroups[key];
    // Deleting a group deletes its accounts, and Azure soft-deletes them.
    for (const [accountKeyValue, a] of Object.entries(ctx.state.accounts)) {
      if (groupKey(a.subscriptionId, a.resourceGroupName) === key) softDelete(ctx.state, accountKeyValue, now, false);
    }
  }
  for (const id of request.dependencies ?? []) delete ctx.state.dependencies[id.toLowerCase()];
}
