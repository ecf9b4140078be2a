import { GROUP, LOCATION, seedWorld, useEmulator } from "./harness/emulator";
import { runProgram } from "../harness/program";
import { ProviderHost, UNKNOWN, urnOf } from "../harness/providerHost";
import { PurgedDeletedAccount, ReclaimableAccount, RecoveredAccount } from "../provider";
import { checkThenCreate, outputsOf, plain } from "./harness/providerCalls";

/**
 * Each provider call as the Pulumi engine sends it: a program registers the
 * resources (under setMocks, which hands over the real serialized
 * `__provider`), and that text runs in `@pulumi/pulumi/cmd/dynamic-provider`,
 * sent Check, Diff, Create, Read, Update and Delete over gRPC, against the
 * emulator with real tokens from its authority. Flows of several runs and
 * resources (refresh then update, destroy after the account) are rows of the
 * flow matrices on the flow harness (tests/harness/flowRows.ts).
 */
const ctx = useEmulator();
const GUARD = "pulumi-nodejs:dynamic/cognitive-reclaim:PurgedDeletedAccount";
const RECOVERED = "pulumi-nodejs:dynamic/cognitive-reclaim:RecoveredAccount";
const POLICY = "pulumi-nodejs:dynamic/cognitive-reclaim:SoftDeletePolicy";
const COMPONENT = "cognitive-reclaim:index:ReclaimableAccount";
let host: ProviderHost;
let providers: Record<string, string>;

beforeAll(async () => {
  // A user's program often loads tslib (the Azure SDK does), which puts helpers such as
  // __importStar on the global object; the serializer then skips them as globals. The
  // provider must not depend on any of them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("tslib");
  expect((globalThis as Record<string, unknown>).__importStar).toBeDefined();
  const registered = await runProgram(
    () => ({
      guard: new PurgedDeletedAccount("guard", { accountName: "acct", location: "East US", resourceGroupName: GROUP }),
      recovered: new RecoveredAccount("recovered", { accountName: "acct", location: "East US", resourceGroupName: GROUP }),
    }),
    { allowedTypes: [GUARD, RECOVERED] },
  );
  providers = Object.fromEntries(registered.map((r) => [r.type, String(r.inputs.__provider)]));
  // The subscription comes from stack config here, not the environment: the host gets it through Configure.
  const env = { ...process.env };
  delete env.AZURE_SUBSCRIPTION_ID;
  host = await ProviderHost.start({ env });
  await host.configure({ "azure-native:subscriptionId": ctx.emulator.subscriptionId });
});
afterAll(async () => {
  await host?.stop();
});

/** A resource as the program declares it: its URN and the inputs the engine receives. */
interface Declared {
  urn: string;
  news: Record<string, unknown>;
}
const guard = (name: string, extra: Record<string, unknown> = {}): Declared => ({ urn: urnOf(GUARD, name), news: { __provider: providers[GUARD], accountName: name, location: "East US", resourceGroupName: GROUP, ...extra } });
const recovered = (name: string, extra: Record<string, unknown> = {}): Declared => ({ urn: urnOf(RECOVERED, name), news: { __provider: providers[RECOVERED], accountName: name, location: "East US", resourceGroupName: GROUP, ...extra } });
/** `pulumi preview` of a new resource: Check with no olds. */
const preview = (r: Declared, news = r.news) => host.check(r.urn, {}, news);
/** `pulumi up` of a new resource: Check, then Create (tests/harness/providerCalls.ts). */
const up = (r: Declared, on: ProviderHost = host) => checkThenCreate(on, r.urn, r.news);
/** `pulumi refresh`: Read with the state and the declared inputs. */
const refresh = (r: Declared, created: { id: string; state: Record<string, unknown> }) => host.read(created.id, r.urn, created.state, r.news);
const armLog = async () => (await ctx.emulator.control.requests()).filter((r) => r.kind === "arm");
const mutations = async () => (await armLog()).filter((r) => r.method !== "GET");
const outputSince = (mark: number) => host.output.slice(mark);

describe("the serialized provider", () => {
  it("registers its own type tokens and carries no secret", () => {
    expect(Object.keys(providers).sort()).toEqual([GUARD, RECOVERED]);
    for (const text of Object.values(providers)) {
      expect(text).toContain("exports.handler");
      expect(text).not.toContain(ctx.emulator.principal.clientSecret);
      expect(text).not.toContain("AZURE_CLIENT_SECRET=");
    }
  });
});

describe("PurgedDeletedAccount through the provider host", () => {
  it("preview says what up will purge, then up purges it and the name is free", async () => {
    await seedWorld(ctx.emulator, { deleted: ["acct1"] });
    const r = guard("acct1");
    const mark = host.output.length;
    const previewed = await preview(r);
    expect(previewed.failures).toEqual([]);
    expect(previewed.inputs).toMatchObject({ location: "eastus", subscriptionId: ctx.emulator.subscriptionId, purgeOnDestroy: false, timeoutMinutes: 30 });
    await host.waitForOutput("up will purge soft-deleted account 'acct1'", mark);
    expect(outputSince(mark)).toMatch(/up will purge soft-deleted account 'acct1' in resource group 'rg-reclaim' \(eastus\), deleted at \d{4}-.*Z \(recoverable until \d{4}-.*Z\); a purge is permanent/);
    expect(await mutations()).toEqual([]);

    const created = await up(r);
    expect(created.id).toBe(`/subscriptions/${ctx.emulator.subscriptionId}/providers/Microsoft.CognitiveServices/locations/eastus/resourceGroups/${GROUP}/deletedAccounts/acct1`);
    expect(created.outputs).toMatchObject({ purged: true, pendingPurge: false, deletedAccountId: created.id, accountName: "acct1", location: "eastus" });
    expect(Date.parse(String(created.outputs.scheduledPurgeDate)) - Date.parse(String(created.outputs.deletionDate))).toBe(48 * 3600 * 1000);
    const purges = (await mutations()).filter((m) => m.method === "DELETE");
    expect(purges.map((p) => p.path)).toEqual([`/subscriptions/${ctx.emulator.subscriptionId}/providers/Microsoft.CognitiveServices/locations/eastus/resourceGroups/${GROUP}/deletedAccounts/acct1`]);
    expect((await ctx.emulator.control.state()).state.deletedAccounts).toEqual({});
    await host.waitForOutput("purge of 'acct1'", mark);
    expect(await host.waitForOutput(": done in", mark)).toMatch(/purge of 'acct1' .*: done in/);
  });

  it("with nothing soft-deleted: preview says so, create succeeds with purged false and no dates", async () => {
    await seedWorld(ctx.emulator);
    const r = guard("free1");
    const mark = host.output.length;
    await preview(r);
    await host.waitForOutput("nothing to purge: no soft-deleted account 'free1'", mark);
    const created = await up(r);
    expect(created.outputs).toEqual({
      accountName: "free1", location: "eastus", resourceGroupName: GROUP, subscriptionId: ctx.emulator.subscriptionId,
      purgeOnDestroy: false, timeoutMinutes: 30, purged: false, pendingPurge: false, deletedAccountId: created.id,
    });
    expect(await mutations()).toEqual([]);
  });

  it("never deletes or purges a live account of the same name", async () => {
    await seedWorld(ctx.emulator, { live: ["live1"] });
    const r = guard("live1", { purgeOnDestroy: true });
    const created = await up(r);
    const read = await refresh(r, created);
    await host.delete(read.id, r.urn, read.properties);
    expect(outputsOf(read.properties).purged).toBe(false);
    expect(await mutations()).toEqual([]);
    expect(Object.keys((await ctx.emulator.control.state()).state.accounts)).toHaveLength(1);
  });

  // "refresh reports a reappeared soft-deleted account as pendingPurge, and the update purges it" is the flow row
  // "the account deleted out of band: up leaves it, up --refresh purges it" (tests/harness/flowRows.ts, GUARDED),
  // which asserts the guard's update step and its outputs after it.

  it("refresh with nothing new returns the inputs, so the next preview shows no diff", async () => {
    await seedWorld(ctx.emulator);
    const r = guard("steady", { location: "East US" });
    const created = await up(r);
    const read = await host.read(created.id, r.urn, created.state, r.news);
    expect(read.inputs).toMatchObject({ accountName: "steady", location: "eastus", resourceGroupName: GROUP, purgeOnDestroy: false, timeoutMinutes: 30 });
    // preview of the existing resource: Check with the refreshed state as olds, then Diff.
    const checked = await host.check(r.urn, read.properties, r.news);
    expect(await host.diff(created.id, r.urn, read.properties, checked.inputs)).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
  });

  it.each([
    ["accountName case", { accountName: "STEADY2" }, "none", []],
    ["location spelled differently", { location: "eastus" }, "none", []],
    ["group case", { resourceGroupName: GROUP.toUpperCase() }, "none", []],
    ["accountName", { accountName: "other2" }, "some", ["accountName"]],
    ["resourceGroupName", { resourceGroupName: "rg-other" }, "some", ["resourceGroupName"]],
    ["location", { location: "westus" }, "some", ["location"]],
    ["subscriptionId", { subscriptionId: "00000000-0000-0000-0000-000000000001" }, "some", ["subscriptionId"]],
    ["purgeOnDestroy", { purgeOnDestroy: true }, "some", []],
    ["timeoutMinutes", { timeoutMinutes: 5 }, "some", []],
  ])("diff: a change of %s", async (_label, change, changes, replaces) => {
    await seedWorld(ctx.emulator);
    const r = guard("steady2");
    const created = await up(r);
    await ctx.emulator.control.clearRequests();
    // preview, then up, of the changed program: Check with the state as olds, Diff, and (in place) Update.
    const news = { ...r.news, ...change };
    const checked = await host.check(r.urn, created.state, news);
    expect(checked.failures).toEqual([]);
    const diff = await host.diff(created.id, r.urn, created.state, checked.inputs);
    expect(diff).toMatchObject({ changes, replaces });
    if (replaces.length === 0 && changes === "some") {
      const updated = await host.update(created.id, r.urn, created.state, checked.inputs);
      expect(outputsOf(updated)).toMatchObject(change);
      expect(await armLog()).toEqual([]); // settings change: no request to Azure
    }
  });

  // "destroy purges only with purgeOnDestroy, after the dependent account was deleted" is two flow rows
  // (tests/harness/flowRows.ts, GUARDED): "destroy deletes the account (soft-deleted, recoverable); the guard purges
  // nothing without purgeOnDestroy" and "destroy with purgeOnDestroy purges after the delete, …".

  it("a purge refused with 403 names the action and subscription scope", async () => {
    await seedWorld(ctx.emulator, { deleted: ["denied"] });
    const { authorizationFailed } = await import("../emulator/wire");
    await ctx.emulator.control.addFault({
      method: "DELETE", path: "/deletedAccounts/denied$", times: 1,
      response: authorizationFailed(ctx.emulator.principal.clientId, "Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/delete", `/subscriptions/${ctx.emulator.subscriptionId}`),
    });
    const error = await up(guard("denied")).catch((e: Error) => e);
    expect(String(error)).toContain("'Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/delete'");
    expect(String(error)).toContain(`must be granted at subscription scope (/subscriptions/${ctx.emulator.subscriptionId})`);
    expect(String(error)).not.toMatch(/\n\s+at /);
  });

  it("a purge that never finishes stops at timeoutMinutes with a message naming the wait", async () => {
    await seedWorld(ctx.emulator, { deleted: ["stuck"] });
    await ctx.emulator.control.addOperationFault({ kind: "purge", outcome: "Never", times: 1 });
    const started = Date.now();
    const error = await up(guard("stuck", { timeoutMinutes: 0.05 })).catch((e: Error) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(String(error)).toMatch(/timed out after 0.05 minutes \(timeoutMinutes\) while waiting for purge of 'stuck' in resource group 'rg-reclaim' \(eastus\)/);
  });

  it("a failed purge operation carries ARM's code and message", async () => {
    await seedWorld(ctx.emulator, { deleted: ["failing"] });
    await ctx.emulator.control.addOperationFault({ kind: "purge", outcome: "Failed", error: { code: "InternalServerError", message: "Purge backend unavailable" }, times: 1 });
    const error = await up(guard("failing")).catch((e: Error) => e);
    expect(String(error)).toContain("InternalServerError");
    expect(String(error)).toContain("Purge backend unavailable");
  });

  it("500, 503 with Retry-After and a dropped connection are retried, and the purge completes", async () => {
    await seedWorld(ctx.emulator, { deleted: ["flaky"] });
    await ctx.emulator.control.settings({ purgeDurationMs: 600 });
    const fault = (status: number, headers?: Record<string, string>) => ({ status, headers, body: { error: { code: status === 503 ? "ServiceUnavailable" : "InternalServerError", message: "try later" } } });
    await ctx.emulator.control.addFault({ method: "GET", path: "/deletedAccounts/flaky$", times: 1, response: fault(500) });
    await ctx.emulator.control.addFault({ method: "DELETE", path: "/deletedAccounts/flaky$", times: 1, response: fault(503, { "Retry-After": "1" }) });
    await ctx.emulator.control.addFault({ method: "GET", path: "/operationResults/", times: 1, drop: true });
    const created = await up(guard("flaky"));
    expect(created.outputs.purged).toBe(true);
    const log = (await armLog()).filter((e) => /flaky$|operationResults/.test(e.path));
    // check (which up runs too) looks up: 500, retried to 200; then create looks up again: 200.
    expect(log.filter((e) => e.method === "GET" && /flaky$/.test(e.path)).map((e) => e.status)).toEqual([500, 200, 200]);
    expect(log.filter((e) => e.method === "DELETE").map((e) => e.status)).toEqual([503, 202]);
    expect(log.some((e) => e.dropped)).toBe(true);
    expect((await ctx.emulator.control.state()).state.deletedAccounts).toEqual({});
  });

  it("unknown inputs at preview pass untouched and trigger no lookup", async () => {
    await ctx.emulator.control.clearRequests();
    const checked = await preview(guard("x"), { __provider: providers[GUARD], accountName: UNKNOWN, location: "East US", resourceGroupName: UNKNOWN });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toMatchObject({ accountName: UNKNOWN, resourceGroupName: UNKNOWN, location: "eastus" });
    expect(await ctx.emulator.control.requests()).toEqual([]);
  });
});

describe("RecoveredAccount through the provider host", () => {
  it("preview fails when there is nothing to recover, naming where it looked and the same name elsewhere", async () => {
    const sub = ctx.emulator.subscriptionId;
    await seedWorld(ctx.emulator);
    await ctx.emulator.control.seed({ deletedAccounts: [{ subscriptionId: sub, resourceGroupName: "rg-elsewhere", name: "lost", location: "westus" }] });
    const previewed = await preview(recovered("lost"));
    expect(previewed.failures).toHaveLength(1);
    expect(previewed.failures[0].property).toBe("accountName");
    const reason = previewed.failures[0].reason;
    expect(reason).toContain(`/subscriptions/${sub}/resourceGroups/${GROUP}/providers/Microsoft.CognitiveServices/accounts/lost`);
    expect(reason).toContain(`/subscriptions/${sub}/providers/Microsoft.CognitiveServices/locations/eastus/resourceGroups/${GROUP}/deletedAccounts/lost`);
    expect(reason).toContain("resource group 'rg-elsewhere', location 'westus'");
    expect(await mutations()).toEqual([]);
  });

  it("preview says it will restore; up restores, waits for Succeeded, and reports the endpoint", async () => {
    await seedWorld(ctx.emulator, { deleted: ["back"] });
    const before = (await ctx.emulator.control.state()).state;
    const r = recovered("back");
    const mark = host.output.length;
    expect((await preview(r)).failures).toEqual([]);
    await host.waitForOutput("up will restore soft-deleted account 'back'", mark);
    const created = await up(r);
    expect(created.outputs).toMatchObject({
      restored: true, accountId: `/subscriptions/${ctx.emulator.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.CognitiveServices/accounts/back`,
      endpoint: "https://back.cognitiveservices.azure.com/", kind: "OpenAI", skuName: "S0",
    });
    const restore = (await mutations()).find((m) => m.method === "PUT")!;
    expect(restore.body).toEqual({ location: "eastus", properties: { restore: true } });
    const after = (await ctx.emulator.control.state()).state;
    const key = Object.keys(after.accounts)[0];
    expect(after.accounts[key].properties.internalId).toBe(Object.values(before.deletedAccounts)[0].account.properties.internalId);
  });

  it("adopts a live account without a restore request", async () => {
    await seedWorld(ctx.emulator, { live: ["already"] });
    const created = await up(recovered("already"));
    expect(created.outputs.restored).toBe(false);
    expect(await mutations()).toEqual([]);
  });

  it("refuses when the resource group is gone, saying to recreate it", async () => {
    await seedWorld(ctx.emulator, { deleted: ["orphan"], group: false });
    const previewed = await preview(recovered("orphan"));
    expect(previewed.failures[0].reason).toContain(`resource group '${GROUP}' does not exist`);
    expect(previewed.failures[0].reason).toContain("recreate it");
    await expect(up(recovered("orphan"))).rejects.toThrow(/recreate it/);
    expect(await mutations()).toEqual([]);
  });

  it("refuses when the customer-managed Key Vault or storage account is gone", async () => {
    const sub = ctx.emulator.subscriptionId;
    const storage = `/subscriptions/${sub}/resourceGroups/${GROUP}/providers/Microsoft.Storage/storageAccounts/st1`;
    await ctx.emulator.control.seed({
      resourceGroups: [{ subscriptionId: sub, name: GROUP, location: LOCATION }],
      deletedAccounts: [
        { subscriptionId: sub, resourceGroupName: GROUP, name: "cmk", location: LOCATION, properties: { encryption: { keySource: "Microsoft.KeyVault", keyVaultProperties: { keyVaultUri: "https://kv-gone.vault.azure.net/" } } } },
        { subscriptionId: sub, resourceGroupName: GROUP, name: "byos", location: LOCATION, properties: { userOwnedStorage: [{ resourceId: storage }] } },
      ],
    });
    expect((await preview(recovered("cmk"))).failures[0].reason).toContain("Key Vault 'kv-gone'");
    expect((await preview(recovered("byos"))).failures[0].reason).toContain(`storage account ${storage} no longer exists`);
    await ctx.emulator.control.seed({ dependencies: [{ id: `/subscriptions/${sub}/resourceGroups/${GROUP}/providers/Microsoft.KeyVault/vaults/kv-gone` }, { id: storage }] });
    expect((await preview(recovered("cmk"))).failures).toEqual([]);
    expect((await preview(recovered("byos"))).failures).toEqual([]);
  });

  it("refresh reports the live account, and an empty id once it is gone", async () => {
    await seedWorld(ctx.emulator, { deleted: ["watch"] });
    const r = recovered("watch");
    const created = await up(r);
    const refreshed = await refresh(r, created);
    expect(refreshed.id).toBe(created.id);
    expect(outputsOf(refreshed.properties).endpoint).toBe("https://watch.cognitiveservices.azure.com/");
    const read = await host.read(refreshed.id, r.urn, refreshed.properties, r.news);
    expect(read.inputs).toMatchObject({ accountName: "watch", location: "eastus" });
    await ctx.emulator.control.reset();
    // Read answers no id: the resource is gone, and refresh drops it from the state.
    expect((await refresh(r, { id: read.id, state: read.properties })).id).toBe("");
  });

  // "destroy deletes (soft-deletes) the account; with purgeOnDestroy it purges it too" is two flow rows
  // (tests/harness/flowRows.ts, RECOVERED), each destroy in a provider process of its own: "destroy deletes the
  // account it restored; …" and "destroy with purgeOnDestroy deletes and purges the account it restored".
});

describe("SoftDeletePolicy (ReclaimableAccount's) through the provider host", () => {
  /** The policy's inputs as ReclaimableAccount registers them, as the engine sends them to a host that accepts no secrets (the fingerprint is a secret). */
  async function policyInputs(name: string): Promise<Record<string, unknown>> {
    const registered = await runProgram(
      () => ({
        a: new ReclaimableAccount("ai", {
          accountName: name, location: "East US", resourceGroupName: GROUP, kind: "OpenAI", sku: { name: "S0" },
          properties: { customSubDomainName: name }, ifSoftDeleted: "recover", purgeOnDestroy: true,
        }),
      }),
      { allowedTypes: [COMPONENT, POLICY, "azure-native:cognitiveservices:Account"] },
    );
    return plain(registered.find((r) => r.type === POLICY)!.inputs);
  }

  it("rejects an unknown policy at check, before any request", async () => {
    const inputs = await policyInputs("ra-bad");
    await ctx.emulator.control.clearRequests();
    const checked = await host.check(urnOf(POLICY, "x"), {}, { ...inputs, ifSoftDeleted: "restore" });
    expect(checked.failures).toEqual([{ property: "ifSoftDeleted", reason: 'ifSoftDeleted must be one of "recover", "purge", "fail", got "restore"' }]);
    expect(await ctx.emulator.control.requests()).toEqual([]);
  });

  it("recover refuses when a prerequisite is unmet (the group is gone)", async () => {
    await seedWorld(ctx.emulator, { deleted: ["ra-orphan"], group: false });
    const checked = await host.check(urnOf(POLICY, "y"), {}, await policyInputs("ra-orphan"));
    expect(checked.failures[0].reason).toContain("recreate it");
  });
});

describe("secrets", () => {
  it("the client secret and the tokens appear nowhere in the provider, the state, the outputs or the host's output", async () => {
    await seedWorld(ctx.emulator, { deleted: ["sec1", "sec2"] });
    const tokensBefore = (await ctx.emulator.control.state()).tokensIssued;
    const g = await up(guard("sec1"));
    const r = recovered("sec2", { purgeOnDestroy: true });
    const read = await refresh(r, await up(r));
    await host.delete(read.id, r.urn, read.properties);
    const everything = JSON.stringify([providers, g.state, read.properties]) + host.output;
    expect(everything).not.toContain(ctx.emulator.principal.clientSecret);
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/); // no JWT
    expect(everything).not.toMatch(/Bearer\s+ey/);
    // The shared host holds at most one token for its whole life (it may have fetched it before this test).
    const tokens = (await ctx.emulator.control.state()).tokensIssued - tokensBefore;
    expect(tokens).toBeLessThanOrEqual(1);
  });
});
