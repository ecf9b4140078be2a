import { purgedDeletedAccountProvider } from "../provider/purgedDeletedAccount";
import { recoveredAccountProvider } from "../provider/recoveredAccount";
import { GROUP, seedWorld, useEmulator } from "./harness/emulator";

/**
 * "A purge sent right after the account's delete may meet 409
 * RequestConflict while Azure settles the soft delete: it is retried within
 * timeoutMinutes." The emulator's count-based setting makes the first N
 * purges after a delete conflict, so nothing here depends on timing.
 */
const ctx = useEmulator();
const inputs = (name: string, extra: Record<string, unknown> = {}) => ({
  accountName: name, location: "eastus", resourceGroupName: GROUP, subscriptionId: ctx.emulator.subscriptionId, purgeOnDestroy: true, timeoutMinutes: 5, ...extra,
});

/** Progress lines the provider printed while `work` ran. */
async function linesOf(work: () => Promise<unknown>): Promise<{ lines: string[]; error?: Error }> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  try {
    await work();
    return { lines };
  } catch (error) {
    return { lines, error: error as Error };
  } finally {
    spy.mockRestore();
  }
}

const purgeStatuses = async () =>
  (await ctx.emulator.control.requests()).filter((r) => r.method === "DELETE" && /deletedAccounts\//.test(r.path)).map((r) => r.status);

describe("a purge right after the account's delete", () => {
  it("RecoveredAccount destroy with purgeOnDestroy: two 409 RequestConflict answers are retried with back-off, then the purge completes", async () => {
    await seedWorld(ctx.emulator, { deleted: ["settling"] });
    await ctx.emulator.control.settings({ purgeConflictsAfterDelete: 2, purgeConflictAfterDeleteMs: 0 });
    const created = await recoveredAccountProvider.create(inputs("settling"));
    const { lines, error } = await linesOf(() => recoveredAccountProvider.delete!(created.id, created.outs!));
    expect(error).toBeUndefined();
    expect(await purgeStatuses()).toEqual([409, 409, 202]);
    expect(lines.filter((l) => l.includes("retrying in"))).toEqual([
      "[pulumi-cognitive-reclaim] purge answered 409 RequestConflict (Azure is settling the soft delete); retrying in 1 s",
      "[pulumi-cognitive-reclaim] purge answered 409 RequestConflict (Azure is settling the soft delete); retrying in 2 s",
    ]);
    expect((await ctx.emulator.control.state()).state.deletedAccounts).toEqual({});
  });

  it("a conflict that outlasts timeoutMinutes ends in a timeout naming the conflict; nothing is purged", async () => {
    await seedWorld(ctx.emulator, { live: ["stuck"] });
    await ctx.emulator.control.settings({ purgeConflictsAfterDelete: 1000, purgeConflictAfterDeleteMs: 0 });
    const sdk = (await import("./harness/sdk")).sdkClient(ctx.emulator);
    await sdk.accounts.beginDeleteAndWait(GROUP, "stuck");
    const { error } = await linesOf(() => purgedDeletedAccountProvider.create(inputs("stuck", { timeoutMinutes: 0.04 })));
    expect(error?.message).toMatch(
      /^purge of soft-deleted account 'stuck' in resource group 'rg-reclaim' \(eastus\) timed out after 0\.04 minutes \(timeoutMinutes\) while waiting for (Azure to settle the soft delete of 'stuck' .*\(purge answered 409 RequestConflict\)|purge of 'stuck' .*)\. .*run `pulumi up` again/,
    );
    expect((await purgeStatuses()).every((s) => s === 409)).toBe(true);
    expect(Object.keys((await ctx.emulator.control.state()).state.deletedAccounts)).toHaveLength(1);
  });

  it("other 409s are not retried: the error carries ARM's code and message", async () => {
    await seedWorld(ctx.emulator, { deleted: ["other409"] });
    await ctx.emulator.control.addFault({
      method: "DELETE", path: "/deletedAccounts/other409$", times: 1,
      response: { status: 409, body: { error: { code: "Conflict", message: "Another operation is in progress." } } },
    });
    const { error } = await linesOf(() => purgedDeletedAccountProvider.create(inputs("other409")));
    expect(error?.message).toMatch(/failed: Azure answered 409 Conflict: Another operation is in progress\./);
    expect(await purgeStatuses()).toEqual([409]);
  });

  it("under the emulator's default settling window, destroy-and-purge right after a restore succeeds", async () => {
    await seedWorld(ctx.emulator, { deleted: ["default-window"] });
    const created = await recoveredAccountProvider.create(inputs("default-window"));
    const { error } = await linesOf(() => recoveredAccountProvider.delete!(created.id, created.outs!));
    expect(error).toBeUndefined();
    expect((await purgeStatuses()).at(-1)).toBe(202);
    expect((await ctx.emulator.control.state()).state.deletedAccounts).toEqual({});
  });
});
