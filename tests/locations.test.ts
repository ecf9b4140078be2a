import { getDeletedAccount, listDeletedAccounts } from "../provider";
import { purgedDeletedAccountProvider } from "../provider/purgedDeletedAccount";
import { recoveredAccountProvider } from "../provider/recoveredAccount";
import { softDeletePolicyProvider } from "../provider/softDeletePolicy";
import { GROUP, seedWorld, useEmulator } from "./harness/emulator";
import { sdkClient } from "./harness/sdk";

/**
 * Azure keeps an account's location as its creator wrote it (`East US`,
 * `EASTUS`, `eastus`) and echoes that spelling; whether a `deletedAccounts`
 * path spelled otherwise still finds the account is not recorded. The
 * package must find, purge and restore it either way, through its real code
 * paths (the provider hooks and lookups, in-process), with outputs that stay
 * normalized.
 */
const ctx = useEmulator();
const SPELLINGS = ["East US", "EASTUS", "eastus"];

const inputs = (name: string, extra: Record<string, unknown> = {}) => ({
  accountName: name, location: "eastus", resourceGroupName: GROUP, subscriptionId: ctx.emulator.subscriptionId, purgeOnDestroy: false, timeoutMinutes: 5, ...extra,
});

/** Creates the account as a client that wrote `location` would, and deletes it: Azure soft-deletes it. */
async function createdThenDeleted(name: string, location: string): Promise<void> {
  const client = sdkClient(ctx.emulator);
  await client.accounts.beginCreateAndWait(GROUP, name, { location, kind: "OpenAI", sku: { name: "S0" }, properties: { customSubDomainName: name } }, { updateIntervalInMs: 20 });
  await client.accounts.beginDeleteAndWait(GROUP, name);
}

const armLog = async () => (await ctx.emulator.control.requests()).filter((r) => r.kind === "arm");

describe.each([
  ["normalized", false],
  ["literal (only the creation spelling)", true],
])("deletedAccounts paths matched %s", (_label, literalLocations) => {
  beforeEach(async () => {
    await seedWorld(ctx.emulator);
    // The settling conflict after a delete has its own tests (purgeConflict.test.ts).
    await ctx.emulator.control.settings({ literalLocations, purgeConflictAfterDeleteMs: 0 });
  });

  it.each(SPELLINGS)("an account created as %j is found by the lookups, with its location normalized and Azure's id", async (spelling) => {
    await createdThenDeleted("found", spelling);
    for (const asked of ["eastus", "East US"]) {
      const found = await getDeletedAccount({ accountName: "found", location: asked, resourceGroupName: GROUP });
      expect(found).toMatchObject({ accountName: "found", location: "eastus", resourceGroupName: GROUP, customSubDomainName: "found" });
      expect(found!.id).toBe(`/subscriptions/${ctx.emulator.subscriptionId}/providers/Microsoft.CognitiveServices/locations/${spelling}/resourceGroups/${GROUP}/deletedAccounts/found`);
    }
    expect(await listDeletedAccounts({ location: "East US", resourceGroupName: GROUP })).toEqual([expect.objectContaining({ accountName: "found", location: "eastus" })]);
  });

  it.each(SPELLINGS)("an account created as %j is purged by PurgedDeletedAccount, addressing it as Azure spells it", async (spelling) => {
    await createdThenDeleted("purgeme", spelling);
    await ctx.emulator.control.clearRequests();
    const { id, outs } = await purgedDeletedAccountProvider.create(inputs("purgeme"));
    expect(outs).toMatchObject({ purged: true, location: "eastus", deletionDate: expect.any(String) });
    // Outputs stay normalized: the id the guard watches is built from its inputs.
    expect(id).toBe(`/subscriptions/${ctx.emulator.subscriptionId}/providers/Microsoft.CognitiveServices/locations/eastus/resourceGroups/${GROUP}/deletedAccounts/purgeme`);
    expect(outs!.deletedAccountId).toBe(id);
    const purge = (await armLog()).filter((r) => r.method === "DELETE");
    expect(purge.map((r) => [decodeURIComponent(r.path), r.status])).toEqual([[`/subscriptions/${ctx.emulator.subscriptionId}/providers/Microsoft.CognitiveServices/locations/${spelling}/resourceGroups/${GROUP}/deletedAccounts/purgeme`, 202]]);
    expect((await ctx.emulator.control.state()).state.deletedAccounts).toEqual({});
    // A refresh afterwards finds nothing to purge.
    expect((await purgedDeletedAccountProvider.read!(id, outs!)).props).toMatchObject({ pendingPurge: false });
  });

  it.each(SPELLINGS)("an account created as %j is restored by RecoveredAccount, naming its region as Azure spells it", async (spelling) => {
    await createdThenDeleted("restoreme", spelling);
    await ctx.emulator.control.clearRequests();
    const { outs } = await recoveredAccountProvider.create(inputs("restoreme"));
    expect(outs).toMatchObject({ restored: true, location: "eastus", endpoint: "https://restoreme.cognitiveservices.azure.com/" });
    expect(outs!.accountId).toBe(`/subscriptions/${ctx.emulator.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.CognitiveServices/accounts/restoreme`);
    const put = (await armLog()).filter((r) => r.method === "PUT");
    expect(put.map((r) => r.body)).toEqual([{ location: spelling, properties: { restore: true } }]);
    const live = (await ctx.emulator.control.state()).state.accounts;
    expect(Object.values(live).map((a) => a.location)).toEqual([spelling]);
  });

  it.each(SPELLINGS)("a refresh finds an account created as %j again, and the update purges it", async (spelling) => {
    const { id, outs } = await purgedDeletedAccountProvider.create(inputs("again"));
    expect(outs).toMatchObject({ purged: false });
    await createdThenDeleted("again", spelling);
    const read = await purgedDeletedAccountProvider.read!(id, outs!);
    expect(read.props).toMatchObject({ pendingPurge: true, location: "eastus" });
    const updated = await purgedDeletedAccountProvider.update!(id, read.props!, inputs("again"));
    expect(updated.outs).toMatchObject({ purged: true, pendingPurge: false });
    expect((await ctx.emulator.control.state()).state.deletedAccounts).toEqual({});
  });

  it("ReclaimableAccount's policy finds an account created as \"East US\" and decides to restore it", async () => {
    await createdThenDeleted("policy", "East US");
    const { outs } = await softDeletePolicyProvider.create({ ...inputs("policy"), ifSoftDeleted: "recover" });
    expect(outs).toMatchObject({ found: "soft-deleted", restore: true, location: "eastus" });
  });

  it("nothing soft-deleted: the lookup reads every page of the list before it says so", async () => {
    const sub = ctx.emulator.subscriptionId;
    await ctx.emulator.control.seed({
      deletedAccounts: Array.from({ length: 25 }, (_, i) => ({ subscriptionId: sub, resourceGroupName: GROUP, name: `other${i}`, location: "West Europe" })),
    });
    await ctx.emulator.control.clearRequests();
    expect(await getDeletedAccount({ accountName: "absent", location: "eastus", resourceGroupName: GROUP })).toBeUndefined();
    const lists = (await armLog()).filter((r) => /deletedAccounts$/.test(r.path));
    expect(lists).toHaveLength(3);
  });
});
