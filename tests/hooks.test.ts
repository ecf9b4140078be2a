import { purgedDeletedAccountProvider } from "../provider/purgedDeletedAccount";
import { recoveredAccountProvider } from "../provider/recoveredAccount";
import { getDeletedAccount, listDeletedAccounts } from "../provider";
import { GROUP, seedWorld, useEmulator } from "./harness/emulator";

/** Layer 1: the provider hooks and the lookups called in-process, against the emulator. */
const ctx = useEmulator();
const inputs = (name: string, extra: Record<string, unknown> = {}) => ({
  accountName: name, location: "eastus", resourceGroupName: GROUP, subscriptionId: ctx.emulator.subscriptionId, purgeOnDestroy: false, timeoutMinutes: 30, ...extra,
});

describe("hooks in-process", () => {
  it("guard create purges; outputs hold no undefined", async () => {
    await seedWorld(ctx.emulator, { deleted: ["h1"] });
    const { id, outs } = await purgedDeletedAccountProvider.create(inputs("h1"));
    expect(id).toContain("/deletedAccounts/h1");
    expect(outs).toMatchObject({ purged: true, pendingPurge: false });
    expect(Object.values(outs!).includes(undefined)).toBe(false);
  });

  it("a purge answered 404 counts as done", async () => {
    await seedWorld(ctx.emulator, { deleted: ["h404"] });
    await ctx.emulator.control.settings({ purgeOfNothingStatus: 404 });
    // The account vanishes between the lookup and the purge (Azure's own expiry, another tool).
    await ctx.emulator.control.addFault({ method: "DELETE", path: "/deletedAccounts/h404$", times: 1, response: { status: 404, body: { error: { code: "ResourceNotFound", message: "gone" } } } });
    const { outs } = await purgedDeletedAccountProvider.create(inputs("h404"));
    expect(outs).toMatchObject({ purged: false });
  });

  it("recovered create restores; read reports it; delete soft-deletes it", async () => {
    await seedWorld(ctx.emulator, { deleted: ["h2"] });
    const created = await recoveredAccountProvider.create(inputs("h2"));
    expect(created.outs).toMatchObject({ restored: true, endpoint: "https://h2.cognitiveservices.azure.com/" });
    const read = await recoveredAccountProvider.read!(created.id, created.outs);
    expect(read.id).toBe(created.id);
    await recoveredAccountProvider.delete!(created.id, created.outs!);
    expect(await getDeletedAccount({ accountName: "h2", location: "East US", resourceGroupName: GROUP })).toMatchObject({ accountName: "h2", location: "eastus" });
  });

  it("adopting an account that still reads Accepted waits until it reads Succeeded", async () => {
    await seedWorld(ctx.emulator);
    await ctx.emulator.control.settings({ provisioningLagMs: 1500 });
    const { CognitiveServicesManagementClient } = await import("@azure/arm-cognitiveservices");
    const { ClientSecretCredential } = await import("@azure/identity");
    const e = ctx.emulator;
    const client = new CognitiveServicesManagementClient(new ClientSecretCredential(e.principal.tenantId, e.principal.clientId, e.principal.clientSecret, { authorityHost: e.url, disableInstanceDiscovery: true }), e.subscriptionId, { endpoint: e.url, $host: e.url, credentialScopes: ["https://management.azure.com/.default"] });
    await client.accounts.beginCreateAndWait(GROUP, "lag", { location: "eastus" });
    expect((await client.accounts.get(GROUP, "lag")).properties?.provisioningState).toBe("Accepted");
    const { outs } = await recoveredAccountProvider.create(inputs("lag"));
    expect(outs).toMatchObject({ restored: false });
    expect((await client.accounts.get(GROUP, "lag")).properties?.provisioningState).toBe("Succeeded");
  });
});

describe("lookups", () => {
  it("getDeletedAccount returns undefined when nothing is found", async () => {
    await seedWorld(ctx.emulator);
    expect(await getDeletedAccount({ accountName: "none", location: "eastus", resourceGroupName: GROUP })).toBeUndefined();
  });

  it("listDeletedAccounts reads every page and filters by location (normalized) and group (case-insensitive)", async () => {
    const sub = ctx.emulator.subscriptionId;
    await seedWorld(ctx.emulator, { deleted: ["l1", "l2", "l3"] });
    await ctx.emulator.control.seed({ deletedAccounts: [{ subscriptionId: sub, resourceGroupName: "other", name: "w1", location: "westus" }] });
    await ctx.emulator.control.settings({ pageSize: 1 });
    expect((await listDeletedAccounts()).map((d) => d.accountName).sort()).toEqual(["l1", "l2", "l3", "w1"]);
    expect((await listDeletedAccounts({ location: "West US" })).map((d) => d.accountName)).toEqual(["w1"]);
    const inGroup = await listDeletedAccounts({ resourceGroupName: GROUP.toUpperCase() });
    expect(inGroup.map((d) => d.accountName).sort()).toEqual(["l1", "l2", "l3"]);
    expect(inGroup[0]).toEqual({
      id: expect.stringMatching(/\/deletedAccounts\/l\d$/), accountName: expect.any(String), location: "eastus", resourceGroupName: GROUP, subscriptionId: sub,
      kind: "OpenAI", skuName: "S0", customSubDomainName: expect.any(String), deletionDate: expect.any(String), scheduledPurgeDate: expect.any(String),
    });
    expect(await listDeletedAccounts({ resourceGroupName: "empty" })).toEqual([]);
  });

  it("rejects bad lookup arguments before any request", async () => {
    await ctx.emulator.control.clearRequests();
    await expect(getDeletedAccount({ accountName: "a/b", location: "eastus", resourceGroupName: GROUP })).rejects.toThrow(/accountName must start with a letter or digit/);
    expect(await ctx.emulator.control.requests()).toEqual([]);
  });
});
