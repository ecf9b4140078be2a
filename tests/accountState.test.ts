import { isRestError } from "@azure/core-rest-pipeline";
import { describeFailure } from "../provider/errors";
import { purgedDeletedAccountProvider } from "../provider/purgedDeletedAccount";
import { recoveredAccountProvider } from "../provider/recoveredAccount";
import { GROUP, LOCATION, seedWorld, useEmulator } from "./harness/emulator";
import { sdkClient } from "./harness/sdk";

/**
 * What the package says and does when the account's or group's state stands
 * in the way: a group deleted out of band, an AI Foundry account that still
 * has projects, a free-tier slot held by a soft-deleted account. The Azure
 * errors come from the emulator through the real SDK.
 */
const ctx = useEmulator();
const inputs = (name: string, extra: Record<string, unknown> = {}) => ({
  accountName: name, location: "eastus", resourceGroupName: GROUP, subscriptionId: ctx.emulator.subscriptionId, purgeOnDestroy: false, timeoutMinutes: 5, ...extra,
});

async function linesOf(work: () => Promise<unknown>): Promise<{ lines: string[]; error?: Error; result?: unknown }> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  try {
    return { lines, result: await work() };
  } catch (error) {
    return { lines, error: error as Error };
  } finally {
    spy.mockRestore();
  }
}

const removeGroup = () => ctx.emulator.control.remove({ resourceGroups: [{ subscriptionId: ctx.emulator.subscriptionId, name: GROUP }] });
const mutations = async () => (await ctx.emulator.control.requests()).filter((r) => r.kind === "arm" && r.method !== "GET");

describe("a resource group deleted out of band", () => {
  it("destroy of a RecoveredAccount succeeds: the group's deletion already soft-deleted the account", async () => {
    await seedWorld(ctx.emulator, { deleted: ["orphan"] });
    const created = await recoveredAccountProvider.create(inputs("orphan"));
    await removeGroup();
    const { error } = await linesOf(() => recoveredAccountProvider.delete!(created.id, created.outs!));
    expect(error).toBeUndefined();
    // Delete reads the account first (identity: it deletes only the account it restored): with the group gone there is
    // nothing live, so no DELETE is sent at all.
    const deletes = (await mutations()).filter((r) => r.method === "DELETE");
    expect(deletes.map((r) => r.status)).toEqual([]);
  });

  it("destroy with purgeOnDestroy purges the account the group's deletion soft-deleted", async () => {
    await seedWorld(ctx.emulator, { deleted: ["orphan2"] });
    await ctx.emulator.control.settings({ purgeConflictAfterDeleteMs: 0 });
    const created = await recoveredAccountProvider.create(inputs("orphan2", { purgeOnDestroy: true }));
    await removeGroup();
    const { error } = await linesOf(() => recoveredAccountProvider.delete!(created.id, created.outs!));
    expect(error).toBeUndefined();
    expect((await ctx.emulator.control.state()).state.deletedAccounts).toEqual({});
  });

  it("refresh of a RecoveredAccount names the missing group, the cause and the fix; its own account, soft-deleted with the group, is gone from the stack, and the preview of the create that would restore it fails naming the group", async () => {
    await seedWorld(ctx.emulator, { deleted: ["refreshed"] });
    const created = await recoveredAccountProvider.create(inputs("refreshed"));
    await removeGroup();
    const writesBefore = (await mutations()).length;
    const { lines, result } = await linesOf(() => recoveredAccountProvider.read!(created.id, created.outs!));
    expect(lines.join("\n")).toContain(
      `resource group '${GROUP}' does not exist (404 ResourceGroupNotFound), so account 'refreshed' is not live. Deleting a group soft-deletes the accounts in it: to recover one, recreate the group with the same name first`,
    );
    // Not live: the resource is gone from the stack (the contract: "an empty id when it is gone"), and says why.
    expect(result).toEqual({ id: "" });
    expect(lines.join("\n")).toContain("the account it restored is soft-deleted (deleted outside Pulumi at");
    // The next preview checks the resource as new: its lookup fails first, naming the group and the fix.
    const { result: checked } = await linesOf(() => recoveredAccountProvider.check!({}, inputs("refreshed")));
    expect((checked as { failures: { property: string; reason: string }[] }).failures).toEqual([
      { property: "accountName", reason: expect.stringMatching(new RegExp(`resource group '${GROUP}' does not exist\\..*recreate it`)) },
    ]);
    expect((await mutations()).slice(writesBefore)).toEqual([]);
  });

  it("refresh of a RecoveredAccount whose account was purged and another created at the name: the resource is gone, the other account untouched", async () => {
    await seedWorld(ctx.emulator, { deleted: ["taken-over"] });
    const created = await recoveredAccountProvider.create(inputs("taken-over"));
    await ctx.emulator.control.settings({ purgeConflictAfterDeleteMs: 0, purgeConflictsAfterDelete: 0 });
    await sdkClient(ctx.emulator).accounts.beginDeleteAndWait(GROUP, "taken-over", { updateIntervalInMs: 10 });
    await sdkClient(ctx.emulator).deletedAccounts.beginPurgeAndWait(LOCATION, GROUP, "taken-over", { updateIntervalInMs: 10 });
    await seedWorld(ctx.emulator, { live: ["taken-over"] });
    const writesBefore = (await mutations()).length;
    const { lines, result } = await linesOf(() => recoveredAccountProvider.read!(created.id, created.outs!));
    expect(result).toEqual({ id: "" });
    expect(lines.join("\n")).toMatch(/account it restored \(internalId [^)]+\) is gone; another account \(internalId [^)]+\) now holds the name, and this resource leaves it alone/);
    expect((await mutations()).slice(writesBefore)).toEqual([]);
  });

  it("destroy of a RecoveredAccount whose state records no internalId (0.1.0) sends nothing and names the az command", async () => {
    await seedWorld(ctx.emulator, { deleted: ["unproven"] });
    const created = await recoveredAccountProvider.create(inputs("unproven", { purgeOnDestroy: true }));
    const { internalId: _recorded, ...written010 } = created.outs as Record<string, unknown>;
    const writesBefore = (await mutations()).length;
    const { lines, error } = await linesOf(() => recoveredAccountProvider.delete!(created.id, written010));
    expect(error).toBeUndefined();
    expect((await mutations()).slice(writesBefore)).toEqual([]);
    expect(lines.join("\n")).toContain(
      `records no identity (internalId), so nothing proves the account at this name now is the one it restored; nothing deleted or purged. ` +
        `If it is yours, delete it yourself: az cognitiveservices account delete --name unproven --resource-group ${GROUP} --subscription ${ctx.emulator.subscriptionId}, ` +
        `then az cognitiveservices account purge --name unproven --resource-group ${GROUP} --subscription ${ctx.emulator.subscriptionId} --location eastus`,
    );
  });

  it("preview of a RecoveredAccount in the missing group fails naming the group and telling to recreate it", async () => {
    await seedWorld(ctx.emulator, { live: ["inmissing"] });
    await removeGroup();
    const { result } = await linesOf(() => recoveredAccountProvider.check!({}, inputs("inmissing")));
    const failures = (result as { failures: { property: string; reason: string }[] }).failures;
    expect(failures).toEqual([{ property: "accountName", reason: expect.stringMatching(new RegExp(`resource group '${GROUP}' does not exist\\..*recreate it`)) }]);
    expect(await mutations()).toEqual([]);
  });

  it("a PurgedDeletedAccount still purges an account whose group is gone (the deleted-accounts path is not under the group)", async () => {
    await seedWorld(ctx.emulator, { live: ["groupless"] });
    await removeGroup();
    const { outs } = await purgedDeletedAccountProvider.create(inputs("groupless"));
    expect(outs).toMatchObject({ purged: true });
  });

  it("ResourceGroupNotFound from Azure becomes a message naming the group, the cause and the fix", async () => {
    await seedWorld(ctx.emulator, { group: false });
    const error = await sdkClient(ctx.emulator).accounts.beginCreateAndWait("rg-missing", "x", { location: LOCATION }).catch((e: unknown) => e);
    expect(isRestError(error)).toBe(true);
    const message = describeFailure(error, { action: "restore of account 'x'", resourceGroupName: "rg-missing", timeoutMinutes: 30, timedOut: false }, isRestError);
    expect(message).toBe(
      "restore of account 'x' failed: resource group 'rg-missing' does not exist (404 ResourceGroupNotFound). " +
        "Deleting a group soft-deletes the accounts in it, and a deleted group cannot be recovered: recreate it with the same name and location, " +
        "then run `pulumi up` again (listDeletedAccounts({ resourceGroupName }) shows the accounts it held).",
    );
  });
});

describe("accounts Azure will not let go of, or not let in", () => {
  it("destroy of a restored AI Foundry account that still has projects fails with CannotDeleteResource, naming the projects and the fix; nothing is deleted", async () => {
    const sub = ctx.emulator.subscriptionId;
    await seedWorld(ctx.emulator);
    await ctx.emulator.control.seed({ deletedAccounts: [{ subscriptionId: sub, resourceGroupName: GROUP, name: "foundry", location: "East US", kind: "AIServices", projects: ["proj1"] }] });
    const created = await recoveredAccountProvider.create(inputs("foundry"));
    const { error } = await linesOf(() => recoveredAccountProvider.delete!(created.id, created.outs!));
    expect(error?.message).toMatch(/^deletion of account 'foundry' .* failed: the account still has nested resources, such as AI Foundry projects \(409 CannotDeleteResource\)/);
    expect(error?.message).toContain("Delete its projects (and their model deployments) first");
    expect(error?.message).toContain("'Microsoft.CognitiveServices/accounts/foundry/projects/proj1'");
    expect(Object.keys((await ctx.emulator.control.state()).state.accounts)).toHaveLength(1);
  });

  it("restoring a free-tier account while another F0 of its kind is live fails with CanNotCreateMultipleFreeAccounts, naming the cause and the fix", async () => {
    const sub = ctx.emulator.subscriptionId;
    await seedWorld(ctx.emulator);
    await ctx.emulator.control.seed({
      accounts: [{ subscriptionId: sub, resourceGroupName: GROUP, name: "free-live", location: "eastus", kind: "TextAnalytics", sku: { name: "F0" } }],
      deletedAccounts: [{ subscriptionId: sub, resourceGroupName: GROUP, name: "free-old", location: "eastus", kind: "TextAnalytics", sku: { name: "F0" } }],
    });
    const { error } = await linesOf(() => recoveredAccountProvider.create(inputs("free-old")));
    expect(error?.message).toMatch(/failed: the subscription already has a free-tier \(F0\) account of this kind, live or soft-deleted, and Azure allows one per kind \(409 CanNotCreateMultipleFreeAccounts\)/);
    expect(error?.message).toContain("purge it (PurgedDeletedAccount)");
    expect(error?.message).toContain("Only one free account is allowed for account type 'TextAnalytics'");
  });

  it("a new F0 account while a soft-deleted F0 of its kind exists: Azure's 409 becomes a message naming the purge", async () => {
    const sub = ctx.emulator.subscriptionId;
    await seedWorld(ctx.emulator);
    await ctx.emulator.control.seed({ deletedAccounts: [{ subscriptionId: sub, resourceGroupName: GROUP, name: "free-old", location: "eastus", kind: "Face", sku: { name: "F0" } }] });
    const error = await sdkClient(ctx.emulator).accounts.beginCreateAndWait(GROUP, "free-new", { location: "eastus", kind: "Face", sku: { name: "F0" } }).catch((e: unknown) => e);
    const message = describeFailure(error, { action: "creation of account 'free-new'", timeoutMinutes: 30, timedOut: false }, isRestError);
    expect(message).toMatch(/^creation of account 'free-new' failed: .*\(409 CanNotCreateMultipleFreeAccounts\)\. A soft-deleted F0 account keeps the slot for 48 hours: find it with listDeletedAccounts\(\) and purge it/);
  });
});
