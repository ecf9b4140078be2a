import { type AccountWrite, accountWrites } from "../harness/engine/armLog";
import type { RunOptions, RunResult } from "../harness/engine/flowStack";
import { GROUP, seedWorld, useEmulator } from "./harness/emulator";
import { FlowWorld } from "./harness/flows";

/**
 * Red-team rows: flows the engine can run in which the package purges an
 * account it must not (contract invariants (f), (g), and data loss under
 * "recover"). Each row asserts the SAFE behaviour, so a row that fails is a
 * reproduced finding; the failure message carries the emulator's log of
 * account writes (harness/engine/armLog.ts, accountWrites) for the run.
 *
 * The runs go through `world.stack` directly (preview, then up) rather than
 * FlowWorld.up, so that the row's own assertion (with the write log) is the
 * one that reports, not FlowWorld's general (c) check.
 *
 * Off in `npm test` (most rows fail today, by design, and they take ~8 minutes):
 * run them with `RECLAIM_REDTEAM=1 node dist/scripts/with-emulator-ca.js npx jest tests/redteam.test.ts -w 1`.
 * Rows marked "(held)" passed when written: they pin an attack the code withstood.
 */
const enabled = process.env.RECLAIM_REDTEAM === "1";
const ctx = enabled ? useEmulator() : ({} as ReturnType<typeof useEmulator>);
const suite = enabled ? describe : describe.skip;
jest.setTimeout(300_000);

interface Ran {
  preview: RunResult;
  up: RunResult;
  writes: AccountWrite[];
}

/** `pulumi preview`, then `pulumi up` with the same options; the account writes ARM answered with success during the up. */
async function previewThenUp(world: FlowWorld, options: RunOptions = {}): Promise<Ran> {
  const run = { ...options, config: FlowWorld.configOf(options.config as Record<string, string> | undefined) };
  const preview = await world.stack.preview(run);
  const start = (await ctx.emulator.control.requests()).length;
  const up = await world.stack.up(run);
  const writes = accountWrites((await ctx.emulator.control.requests()).slice(start)).filter((w) => w.status < 400);
  await world.events(); // move FlowWorld's cursor past this run
  return { preview, up, writes };
}

/** The lines of a run that name a purge, a restore or a refusal: what the user read. */
const said = (run: RunResult): string[] => run.output.split("\n").filter((l) => /purge|restore|refus|already existing|CustomDomainInUse|error/i.test(l)).map((l) => l.trim());

async function withWorld(program: "plannedReclaimable" | "reclaimable", config: Record<string, string>, play: (world: FlowWorld) => Promise<void>): Promise<void> {
  const world = await FlowWorld.create(ctx.emulator, program, config);
  try {
    await play(world);
  } finally {
    await world.close();
  }
}

suite("red team: purges the package must not make", () => {
  for (const policy of ["recover", "fail"] as const) {
    it(`(f) ${policy}: another stack's account, live at the name when this stack's create failed, is recorded as "own" by a refresh and purged once its owner deletes it`, async () => {
      // Another stack (or a person) owns live account 'taken-ai'. This stack declares a ReclaimableAccount of the
      // same name: its first up fails as the preview said it would ("cannot create already existing resource").
      const name = "taken-ai";
      await seedWorld(ctx.emulator, { live: [name] });
      await withWorld("plannedReclaimable", { accountName: name, resourceGroupName: GROUP, ifSoftDeleted: policy }, async (world) => {
        const theirs = (await world.nameState(name)).internalId;
        const first = await previewThenUp(world);
        expect({ firstUpOk: first.up.ok, writes: first.writes }).toEqual({ firstUpOk: false, writes: [] });
        // `pulumi refresh`: the policy's read records whatever account is live at the name as the stack's own.
        await world.refresh();
        // The owner deletes its account (Azure soft-deletes it: recoverable for 48 hours, keys and data kept).
        await world.deleteAccountOutOfBand(name);
        // This stack runs up again (preview, then up).
        const again = await previewThenUp(world);
        const after = await world.nameState(name);
        // Safe: under "recover"/"fail" nothing is purged but this stack's own predecessor deleted by a replacement.
        // The other stack's account must still exist (soft-deleted or restored), with its own internalId.
        expect({
          policy,
          purges: again.writes.filter((w) => w.action === "purge").map((w) => w.name),
          otherStacksAccountStillExists: after.internalId === theirs,
          upWrites: again.writes,
          previewSaid: said(again.preview),
          upSaid: said(again.up),
        }).toEqual(expect.objectContaining({ policy, purges: [], otherStacksAccountStillExists: true }));
      });
    });
  }

  it(`(f) recover: the same, without a refresh: a tag change after the failed create makes the policy record the other stack's live account`, async () => {
    const name = "taken-ai";
    await seedWorld(ctx.emulator, { live: [name] });
    await withWorld("plannedReclaimable", { accountName: name, resourceGroupName: GROUP, ifSoftDeleted: "recover" }, async (world) => {
      const theirs = (await world.nameState(name)).internalId;
      const first = await previewThenUp(world);
      expect({ firstUpOk: first.up.ok, writes: first.writes }).toEqual({ firstUpOk: false, writes: [] });
      // The user tries again with a tag (the account's fingerprint changes: the policy's settings-only update reads
      // whatever is live at the name and records it); the create fails again, as preview says.
      const tagged = await previewThenUp(world, { config: { tag: "second-try" } });
      expect({ secondUpOk: tagged.up.ok, writes: tagged.writes }).toEqual({ secondUpOk: false, writes: [] });
      await world.deleteAccountOutOfBand(name);
      const again = await previewThenUp(world);
      const after = await world.nameState(name);
      expect({
        purges: again.writes.filter((w) => w.action === "purge").map((w) => w.name),
        otherStacksAccountStillExists: after.internalId === theirs,
        upWrites: again.writes,
        upSaid: said(again.up),
      }).toEqual(expect.objectContaining({ purges: [], otherStacksAccountStillExists: true }));
    });
  });

  it("(a)/(f) recover + purgeOnDestroy: the account's create failed (another stack's account held the name); that stack deletes its account; destroy purges it", async () => {
    const name = "taken-ai";
    await seedWorld(ctx.emulator, { live: [name] });
    await withWorld("plannedReclaimable", { accountName: name, resourceGroupName: GROUP, ifSoftDeleted: "recover", purgeOnDestroy: "true" }, async (world) => {
      const theirs = (await world.nameState(name)).internalId;
      const first = await previewThenUp(world);
      expect({ firstUpOk: first.up.ok, writes: first.writes }).toEqual({ firstUpOk: false, writes: [] });
      // The owner deletes its account (soft-deleted: recoverable for 48 hours).
      await world.deleteAccountOutOfBand(name);
      // This stack is destroyed: it never created, restored or adopted any account at the name.
      const start = (await ctx.emulator.control.requests()).length;
      const destroyed = await world.stack.destroy();
      const writes = accountWrites((await ctx.emulator.control.requests()).slice(start)).filter((w) => w.status < 400);
      const after = await world.nameState(name);
      expect({
        destroyOk: destroyed.ok,
        purges: writes.filter((w) => w.action === "purge").map((w) => w.name),
        otherStacksAccountStillExists: after.internalId === theirs,
        destroyWrites: writes,
        destroySaid: said(destroyed),
      }).toEqual(expect.objectContaining({ purges: [], otherStacksAccountStillExists: true }));
    });
  });

  it("(a) RecoveredAccount records no identity: the account it restored is purged out of band, another stack creates a new account at the name, destroy deletes that live account", async () => {
    const name = "rec-ai";
    await seedWorld(ctx.emulator, { deleted: [name] });
    const world = await FlowWorld.create(ctx.emulator, "recovered", { accountName: name, resourceGroupName: GROUP });
    try {
      const first = await previewThenUp(world);
      expect({ ok: first.up.ok, writes: first.writes.map((w) => `${w.action} ${w.name}`) }).toEqual({ ok: true, writes: [`restore ${name}`] });
      const restoredId = (await world.nameState(name)).internalId;
      // Out of band: the restored account is deleted and purged (its owner gave it up), and another stack creates a
      // new account under the free name.
      const arm = world["arm"]();
      await ctx.emulator.control.settings({ purgeConflictAfterDeleteMs: 0, purgeConflictsAfterDelete: 0 });
      await arm.accounts.beginDeleteAndWait(GROUP, name);
      // (The out-of-band purge comes well after the delete: no 409 settling window for it, set above.)
      await arm.deletedAccounts.beginPurgeAndWait("eastus", GROUP, name);
      await seedWorld(ctx.emulator, { live: [name] });
      const theirs = (await world.nameState(name)).internalId;
      expect(theirs).not.toBe(restoredId);
      const start = (await ctx.emulator.control.requests()).length;
      const destroyed = await world.stack.destroy();
      const writes = accountWrites((await ctx.emulator.control.requests()).slice(start)).filter((w) => w.status < 400);
      const after = await world.nameState(name);
      // Safe: the live account this stack never restored nor recorded is left alone.
      expect({
        destroyOk: destroyed.ok,
        deletes: writes.filter((w) => w.action === "delete" || w.action === "purge").map((w) => `${w.action} ${w.name}`),
        otherStacksAccountStillLive: after.live && after.internalId === theirs,
        destroySaid: said(destroyed).concat(destroyed.output.split("\n").filter((l) => /delet/i.test(l)).map((l) => l.trim())),
      }).toEqual(expect.objectContaining({ deletes: [], otherStacksAccountStillLive: true }));
    } finally {
      await world.close();
    }
  });

  it('(f) recover: another stack\'s account live at the name when the program ran, deleted by its owner during this up, is purged as "seen live, so own"', async () => {
    const name = "taken-ai";
    await seedWorld(ctx.emulator, { live: [name] });
    await withWorld("plannedReclaimable", { accountName: name, resourceGroupName: GROUP, ifSoftDeleted: "recover" }, async (world) => {
      const { state } = await ctx.emulator.control.state();
      const record = Object.values(state.accounts).find((a) => a.name === name)!;
      const theirs = String(record.properties.internalId);
      // What ARM answered for the account while it was still live (accountBody in emulator/arm.ts).
      const liveBody = {
        id: `/subscriptions/${ctx.emulator.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.CognitiveServices/accounts/${name}`,
        name,
        type: "Microsoft.CognitiveServices/accounts",
        location: record.location,
        kind: record.kind,
        sku: record.sku,
        properties: { ...record.properties, provisioningState: "Succeeded" },
      };
      const preview = await world.stack.preview({ config: FlowWorld.configOf({}) });
      // The owner deletes its account during this stack's up, right after the up's first reads of it: the reads made
      // before the delete (the policy's check and create, the program's read "live at the name when the program ran")
      // answered it live. The emulator replays those answers (3 GETs of the account), then tells the truth.
      await world.deleteAccountOutOfBand(name);
      await ctx.emulator.control.addFault({ method: "GET", path: `/accounts/${name}$`, times: 3, response: { status: 200, body: liveBody } });
      const start = (await ctx.emulator.control.requests()).length;
      const up = await world.stack.up({ config: FlowWorld.configOf({}) });
      const writes = accountWrites((await ctx.emulator.control.requests()).slice(start)).filter((w) => w.status < 400);
      const after = await world.nameState(name);
      expect({
        purges: writes.filter((w) => w.action === "purge").map((w) => w.name),
        otherStacksAccountStillExists: after.internalId === theirs,
        upWrites: writes,
        previewSaid: said(preview),
        upSaid: said(up),
      }).toEqual(expect.objectContaining({ purges: [], otherStacksAccountStillExists: true }));
    });
  });

  it("(held) (f)/(d) recover: the stack's account deleted out of band (not by a replacement), then a region change with up --refresh: nothing purged", async () => {
    const name = "moved-ai";
    await seedWorld(ctx.emulator);
    await withWorld("plannedReclaimable", { accountName: name, resourceGroupName: GROUP, ifSoftDeleted: "recover" }, async (world) => {
      const first = await previewThenUp(world);
      expect(first.up.error).toBeUndefined();
      await world.refresh(); // the policy records the live account's identity
      const mine = (await world.nameState(name)).internalId;
      // Someone deletes the account by mistake (soft-deleted: recoverable, keys and data kept for 48 hours).
      await world.deleteAccountOutOfBand(name);
      // The user, unaware, moves the account to westus and runs up --refresh.
      const moved = await previewThenUp(world, { refresh: true, config: { location: "westus" } });
      const after = await world.nameState(name);
      // Safe under "recover": an account deleted out of band is never purged (only a predecessor a replacement deleted is);
      // at the least, a purge is named (as permanent) by a preview that succeeds.
      expect({
        previewOk: moved.preview.ok,
        upOk: moved.up.ok,
        purges: moved.writes.filter((w) => w.action === "purge").map((w) => w.name),
        accountStillRecoverable: after.internalId === mine,
        upWrites: moved.writes,
        previewSaid: said(moved.preview),
        upSaid: said(moved.up),
      }).toEqual(expect.objectContaining({ purges: [], accountStillRecoverable: true }));
    });
  });

  it("(g) guard + hooks: the group deleted out of band, then up --refresh: the guard's update purges the account, then the account's create is refused for the missing group", async () => {
    const name = "grp-ai";
    await seedWorld(ctx.emulator);
    const world = await FlowWorld.create(ctx.emulator, "plannedGuard", { accountName: name, resourceGroupName: GROUP });
    try {
      const first = await previewThenUp(world);
      expect(first.up.error).toBeUndefined();
      // The group is deleted out of band: Azure soft-deletes its account (recoverable once the group is recreated).
      await world.deleteGroupOutOfBand([name]);
      const again = await previewThenUp(world, { refresh: true });
      // Safe: the guard's hooks are bound to the account, so the guard knows the account will be created in its group:
      // finding it missing at up, the guard purges nothing and leaves the decision to the hooks, which refuse the
      // missing group right before the create. (Preview cannot tell a group gone for good from one the program creates
      // under a plain name, so it names the purge that up makes if the group exists by then.)
      expect({
        upOk: again.up.ok,
        purges: again.writes.filter((w) => w.action === "purge").map((w) => w.name),
        upNamesGroup: new RegExp(`resource group '${GROUP}' does not exist`).test(again.up.output),
        upWrites: again.writes,
        previewSaid: said(again.preview),
        upSaid: said(again.up),
      }).toEqual(expect.objectContaining({ upOk: false, purges: [], upNamesGroup: true }));
      expect(await world.nameState(name)).toMatchObject({ deleted: true });
    } finally {
      await world.close();
    }
  });

  for (const computedGroup of ["false", "true"]) {
    it(`(g) two resources of one program in contradiction (a guard and a RecoveredAccount of one soft-deleted account; group computed: ${computedGroup}): up purges nothing before failing (held when the group is computed)`, async () => {
      const name = "both-ai";
      await seedWorld(ctx.emulator, { deleted: [name] });
      const world = await FlowWorld.create(ctx.emulator, "plannedGuard", { accountName: name, resourceGroupName: GROUP, recovered: "true", account: "none", computedGroup });
      try {
        const theirs = (await world.nameState(name)).internalId;
        const ran = await previewThenUp(world);
        const after = await world.nameState(name);
        expect({
          previewOk: ran.preview.ok,
          upOk: ran.up.ok,
          purges: ran.writes.filter((w) => w.action === "purge").map((w) => w.name),
          accountStillRecoverable: after.internalId === theirs,
          upWrites: ran.writes,
          previewSaid: said(ran.preview),
          upSaid: said(ran.up),
        }).toEqual(expect.objectContaining({ upOk: false, purges: [], accountStillRecoverable: true }));
      } finally {
        await world.close();
      }
    });
  }

  for (const program of ["plannedGuard", "plannedReclaimable"] as const) {
    it(`(g) first create (${program === "plannedGuard" ? "guard + hooks" : 'ifSoftDeleted: "purge"'}): the name is soft-deleted, the subdomain is held by another LIVE account: preview passes, up purges, then fails with CustomDomainInUse`, async () => {
      const name = "held-ai";
      await seedWorld(ctx.emulator, { deleted: [name], live: ["other-ai"] });
      const world = await FlowWorld.create(ctx.emulator, program, { accountName: name, resourceGroupName: GROUP, subdomain: "other-ai", ifSoftDeleted: "purge" });
      try {
        const ran = await previewThenUp(world);
        expect({
          previewOk: ran.preview.ok,
          upOk: ran.up.ok,
          purgedWhileFailing: !ran.up.ok && ran.writes.some((w) => w.action === "purge"),
          upWrites: ran.writes,
          previewSaid: said(ran.preview),
          upSaid: said(ran.up),
        }).toEqual(expect.objectContaining({ purgedWhileFailing: false }));
      } finally {
        await world.close();
      }
    });
  }

  it("(d) purgeOnDestroy on a replaced policy: renaming accountName purges the old account; preview must name that purge as permanent", async () => {
    await seedWorld(ctx.emulator);
    await withWorld("plannedReclaimable", { accountName: "old-ai", resourceGroupName: GROUP, ifSoftDeleted: "recover", purgeOnDestroy: "true", subdomain: "old-ai" }, async (world) => {
      const first = await previewThenUp(world);
      expect(first.up.error).toBeUndefined();
      const renamed = await previewThenUp(world, { config: { accountName: "new-ai", subdomain: "new-ai" } });
      const purges = renamed.writes.filter((w) => w.action === "purge").map((w) => w.name);
      const named = purges.filter((n) => new RegExp(`purge[^\\n]*'${n}'[^\\n]*permanent|'${n}'[^\\n]*purge[^\\n]*permanent`, "i").test(renamed.preview.output));
      expect({ purges, purgesNamedByPreview: named, upWrites: renamed.writes, previewSaid: said(renamed.preview) }).toEqual(expect.objectContaining({ purgesNamedByPreview: purges }));
    });
  });

  it("(g) a region change whose new customSubDomainName is held by another LIVE account: up purges the stack's account, then fails with CustomDomainInUse", async () => {
    const name = "mine-ai";
    // Another account, live, holds the subdomain 'other-ai' (seedWorld gives each account its name as subdomain).
    await seedWorld(ctx.emulator, { live: ["other-ai"] });
    await withWorld("plannedReclaimable", { accountName: name, resourceGroupName: GROUP, ifSoftDeleted: "recover" }, async (world) => {
      const first = await previewThenUp(world);
      expect(first.up.error).toBeUndefined();
      const mine = (await world.nameState(name)).internalId;
      // One program edit: move the account to westus and give it the subdomain 'other-ai' (a foreseeable conflict:
      // a live account holds it, and invariant (g) names "a subdomain held by another account").
      const edit = await previewThenUp(world, { config: { location: "westus", subdomain: "other-ai" } });
      const after = await world.nameState(name);
      // Safe: either preview refuses (nothing done), or the up that fails has purged nothing, so the account
      // (with its keys and data) is still recoverable.
      expect({
        upOk: edit.up.ok,
        previewOk: edit.preview.ok,
        purgedWhileFailing: !edit.up.ok && edit.writes.some((w) => w.action === "purge"),
        accountStillRecoverable: after.internalId === mine,
        upWrites: edit.writes,
        previewSaid: said(edit.preview),
        upSaid: said(edit.up),
      }).toEqual(expect.objectContaining({ purgedWhileFailing: false, accountStillRecoverable: true }));
    });
  });
});
