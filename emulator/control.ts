import { softDelete } from "./arm";
import type { FaultRule } from "./faults";
import type { EmulatorContext } from "./server";
import {
  accountKey,
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

const ok = (body: unknown = { ok: true }): WireResponse => ({ status: 200, body });

/**
 * The control interface for tests and demos, under `/_emulator/`. It is not
 * part of ARM and needs no token; the emulator listens on loopback only.
 */
export async function handleControl(ctx: EmulatorContext, method: string, url: URL, text: string): Promise<WireResponse> {
  const body = text ? JSON.parse(text) : {};
  const route = `${method} ${url.pathname}`;
  switch (route) {
    case "GET /_emulator/health":
      return ok();
    case "POST /_emulator/reset":
      ctx.state = emptyState();
      ctx.faults.clear();
      ctx.quota.clear();
      ctx.throttle.restart();
      ctx.log.length = 0;
      ctx.persist();
      return ok();
    case "POST /_emulator/seed":
      seed(ctx, body as SeedRequest);
      ctx.persist();
      return ok();
    case "POST /_emulator/remove":
      remove(ctx, body as RemoveRequest);
      ctx.persist();
      return ok();
    case "POST /_emulator/clock":
      ctx.state.clockOffsetMs += Number((body as { advanceMs: number }).advanceMs);
      settle(ctx.state, ctx.now());
      ctx.persist();
      return ok({ now: new Date(ctx.now()).toISOString() });
    case "PATCH /_emulator/settings":
      ctx.state.settings = { ...ctx.state.settings, ...(body as Partial<Settings>) };
      ctx.throttle.restart();
      ctx.persist();
      return ok(ctx.state.settings);
    case "POST /_emulator/faults":
      ctx.faults.add(body as FaultRule);
      return ok();
    case "POST /_emulator/operation-faults":
      ctx.state.operationFaults.push(body as OperationOutcomeFault);
      ctx.persist();
      return ok();
    case "POST /_emulator/operations/finish":
      // Ends every running operation now (an operation made to never finish, after a timeout test).
      for (const op of Object.values(ctx.state.operations)) {
        if (op.finishAt > ctx.now()) op.finishAt = ctx.now();
        op.pollsNeeded = 0;
      }
      settle(ctx.state, ctx.now());
      ctx.persist();
      return ok();
    case "GET /_emulator/requests":
      return ok(ctx.log);
    case "DELETE /_emulator/requests":
      ctx.log.length = 0;
      return ok();
    case "GET /_emulator/state":
      settle(ctx.state, ctx.now());
      return ok({ state: ctx.state, tokensIssued: ctx.authority.tokensIssued, throttled: ctx.throttle.throttled, now: ctx.now() });
    default:
      return { status: 404, body: { error: { code: "UnknownControlRoute", message: `No control route ${route}` } } };
  }
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
    if (!match) throw new Error(`not a Key Vault or storage account id: ${d.id}`);
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
