import type { RunningEmulator } from "../../emulator/server";
import { type FlowProgram, FlowWorld, selectRows } from "./flows";
import { GROUP, seedWorld, useEmulator } from "./emulator";
import { deleteOutOfBandAgo, expectLine, HOURS, outputsTell, type Policy, refusedAtPreview, refuseNextAccountPut, seedDeleted, seedGroups, upHeld } from "./invariants";

/**
 * Rows of the flow matrix for issue #15 ("Preview is the plan"): each class of
 * flow that broke the README's promises, played through the flow harness
 * against the emulator and held to the contract's invariants (a)-(h)
 * (tests/harness/invariants.ts, FlowWorld.up, FlowWorld.converges). Each row
 * asserts what a user would check: exactly which accounts ARM deleted, purged
 * and restored, the preview lines that name them first, an up that fails at
 * preview (and purges nothing) where it must, and a next up that is a no-op.
 *
 * Classes → rows (S: PLAN_ROWS_SUBDOMAIN_AND_CLOCK, tests/planFlows.test.ts;
 * D: PLAN_ROWS_DECISIONS, tests/planDecisions.test.ts):
 *
 * 1. The subdomain is a second name
 *    S "account moved to another group keeping its subdomain"
 *    S "account renamed keeping its subdomain"
 *    S "subdomain held by a soft-deleted account of another name"
 *    S "subdomain held by a soft-deleted account of the same name in another group"
 *    S "first create under a guard, the name soft-deleted, its subdomain held by another LIVE account"
 *    S "a region change whose new customSubDomainName another LIVE account holds"
 * 2. "Own predecessor" judged by the clock
 *    S "an account soft-deleted moments before an up, under recover"
 *    S "the same name soft-deleted in another region of the group, under purge" (also class 3: the hooks' preview lines, suppressed today)
 *    S "the same name soft-deleted in another region of the group, under recover"
 * 3. Preview and up decide in different places
 *    D "a RecoveredAccount with purgeOnDestroy whose accountName changes"
 *    D "a guard with purgeOnDestroy whose accountName changes"
 *    D "a computed resource group"
 * 4. Decisions outlive the world they were made in
 *    D "after a failed first up, a changed ifSoftDeleted"
 *    D "a policy that decided free, then the name soft-deleted since"
 * 5. Foreseeable failures come after a purge
 *    D "ReclaimableAccount under purge with a missing resource group"
 *    D "a guard and a RecoveredAccount for one name"
 * 6. An out-of-band delete followed by an update without refresh
 *    D "out-of-band delete, then an update: the guard"
 *    D "out-of-band delete, then an update: recover"
 * 7. What users see: tests/planFlows.test.ts "users' view" (the demo's own
 *    program and the purge-before-recreate example, previewed).
 */

export interface PlanRow {
  flow: string;
  /** Why the row exists: the promise it holds the package to. */
  reason: string;
  program: FlowProgram;
  config?: Record<string, string>;
  /** The world before the first run (the usual group exists unless `group: false`). */
  seed?: (emulator: RunningEmulator, name: string) => Promise<void>;
  group?: boolean;
  play: (world: FlowWorld, name: string) => Promise<void>;
  /**
   * A known, open defect this row reproduces (jest's `it.failing`): the row must keep failing until the defect is
   * fixed, and then fails the suite so that the marker is removed. Says which issue tracks it.
   */
  knownDefect?: string;
}

const writesOf = (e: { accountDeletes: string[]; purges: string[]; restores: string[]; puts: string[] }) => ({ deletes: e.accountDeletes, purges: e.purges, restores: e.restores, puts: e.puts });
const nothing = { deletes: [] as string[], purges: [] as string[], restores: [] as string[], puts: [] as string[] };

async function firstUp(world: FlowWorld, policy?: Policy) {
  const first = await upHeld(world, {}, { policy });
  expect(first.result.error).toBeUndefined();
  return first;
}

/** A first up that only creates the account in a free name, not what the row is about: no preview (FlowWorld.up then requires no delete, purge or restore), to keep the suite's CPU down. */
async function firstCreate(world: FlowWorld, name: string, policy?: Policy) {
  const first = await upHeld(world, { preview: false }, { policy });
  expect(first.result.error).toBeUndefined();
  expect(first.events.puts).toEqual([name]);
}

/** A first up that fails after its policy decided: Azure refuses the account's PUT (quota), so the state holds a decision and no account. */
async function failedFirstUp(world: FlowWorld, name: string, policy: Policy) {
  await refuseNextAccountPut(world.emulator, name);
  const failed = await upHeld(world, { preview: false }, { policy, unforeseeableFailure: true });
  expect(failed.result.ok).toBe(false);
  expect(failed.result.output).toContain("InsufficientQuota");
  expect(writesOf(failed.events)).toEqual(nothing);
  return failed;
}

export const PLAN_ROWS_SUBDOMAIN_AND_CLOCK: PlanRow[] = [
  {
    flow: "account moved to another group keeping its subdomain: its own predecessor is purged before the create",
    reason: "azure-native replaces the account delete-first; the soft-deleted predecessor keeps the subdomain, so the create in the new group meets CustomDomainInUse unless the guard purges it (its own predecessor), named in preview",
    program: "plannedGuard",
    seed: (emulator) => seedGroups(emulator, ["rg-moved"]),
    play: async (world, name) => {
      await firstCreate(world, name);
      const moved = await upHeld(world, { config: { resourceGroupName: "rg-moved" } });
      expect(moved.result.error).toBeUndefined();
      expect(writesOf(moved.events)).toEqual({ ...nothing, deletes: [name], purges: [name], puts: [name] });
      expect(moved.touched.find((t) => t.action === "purge")).toMatchObject({ group: GROUP });
      expectLine(moved.preview, [`'${name}'`, `'${GROUP}'`, /purge/, /permanent/]);
      expect(await world.nameState(name)).toMatchObject({ live: true, deleted: false });
    },
  },
  {
    flow: "account renamed keeping its subdomain, under recover: the own predecessor is purged, the new name created",
    reason: "a rename replaces the account delete-first; the old account, recorded by this stack, holds the subdomain: under recover the only purge allowed is this own predecessor, and preview names its delete and purge",
    program: "plannedReclaimable",
    config: { ifSoftDeleted: "recover" },
    play: async (world, name) => {
      await firstCreate(world, name, "recover");
      const renamed = `${name}-b`;
      const { result, events, preview } = await upHeld(world, { config: { accountName: renamed, subdomain: name } }, { policy: "recover" });
      expect(result.error).toBeUndefined();
      expect(writesOf(events)).toEqual({ ...nothing, deletes: [name], purges: [name], puts: [renamed] });
      expectLine(preview, [`'${name}'`, /subdomain/i, /purge/, /permanent/]);
      outputsTell(result, { purged: true, restored: false });
    },
  },
  {
    flow: "subdomain held by a soft-deleted account of another name: preview fails naming the holder; nothing is purged",
    reason: "customSubDomainName is unique across Azure and a soft-deleted account keeps it for 48 h; the holder is another account, which a guard may not purge: preview must say who holds it and the fix",
    program: "plannedGuard",
    seed: (emulator, name) => seedDeleted(emulator, [{ name: `${name}-holder`, subdomain: name }]),
    play: async (world, name) => {
      await refusedAtPreview(world, [new RegExp(`'${name}-holder'`), /subdomain/i]);
      expect(await world.nameState(`${name}-holder`)).toMatchObject({ deleted: true });
      // The fix the user takes: another subdomain.
      const fixed = await upHeld(world, { config: { subdomain: `${name}-2` } });
      expect(fixed.result.error).toBeUndefined();
      expect(writesOf(fixed.events)).toEqual({ ...nothing, puts: [name] });
    },
  },
  {
    flow: "subdomain held by a soft-deleted account of the same name in another group, under purge: preview fails naming it; nothing is purged",
    reason: "the same name in another group is another account (names are per group) that still holds the subdomain; ifSoftDeleted purge covers the account of this name and group only",
    program: "plannedReclaimable",
    config: { ifSoftDeleted: "purge" },
    seed: (emulator, name) => seedDeleted(emulator, [{ name, group: "rg-elsewhere" }]),
    play: async (world, name) => {
      await refusedAtPreview(world, [new RegExp(`'${name}'`), /rg-elsewhere/, /subdomain/i]);
      const fixed = await upHeld(world, { config: { subdomain: `${name}-2` } }, { policy: "purge" });
      expect(fixed.result.error).toBeUndefined();
      expect(writesOf(fixed.events)).toEqual({ ...nothing, puts: [name] });
      outputsTell(fixed.result, { purged: false, restored: false });
    },
  },
  {
    flow: "first create under a guard, the name soft-deleted, its subdomain held by another LIVE account: preview fails naming the holder; up purges nothing",
    reason: "the guard's own step purges before the account's hooks run, and Azure refuses the create (CustomDomainInUse) while a live account holds the subdomain: preview fails first, naming the holder's ARM id and the fix, and up fails before the purge (invariants (c), (g))",
    program: "plannedGuard",
    config: { subdomain: "holder-live" },
    seed: async (emulator, name) => {
      await seedDeleted(emulator, [{ name }]);
      await seedWorld(emulator, { live: ["holder-live"] });
    },
    play: async (world, name) => {
      await refusedAtPreview(world, [/live account 'holder-live'/, /\/accounts\/holder-live\)/, /choose another customSubDomainName/]);
      expect(await world.nameState(name)).toMatchObject({ deleted: true });
      // The fix the user takes: another subdomain. Then the guard purges the name and the account is created.
      const fixed = await upHeld(world, { config: { subdomain: name } });
      expect(fixed.result.error).toBeUndefined();
      expect(writesOf(fixed.events)).toEqual({ ...nothing, purges: [name], puts: [name] });
    },
  },
  {
    flow: "a region change whose new customSubDomainName another LIVE account holds, under recover: preview fails naming the holder; up deletes and purges nothing",
    reason: "the change replaces the account delete-first, and the hooks purge the predecessor before the create that Azure then refuses (CustomDomainInUse): preview fails first, and up fails before the delete, so the account stays live with its keys and data (invariants (c), (g))",
    program: "plannedReclaimable",
    config: { ifSoftDeleted: "recover" },
    seed: (emulator) => seedWorld(emulator, { live: ["holder-live"] }),
    play: async (world, name) => {
      await firstCreate(world, name, "recover");
      const before = await world.nameState(name);
      await refusedAtPreview(world, [/live account 'holder-live'/, /\/accounts\/holder-live\)/, /choose another customSubDomainName/], { config: { location: "westus", subdomain: "holder-live" } });
      expect(await world.nameState(name)).toMatchObject({ live: true, internalId: before.internalId });
      // The user takes the edit back: nothing to do.
      const back = await upHeld(world, { config: { location: "eastus", subdomain: name } }, { policy: "recover" });
      expect(back.result.error).toBeUndefined();
      expect(writesOf(back.events)).toEqual(nothing);
    },
  },
  {
    flow: "an account of the name soft-deleted moments before an up, under recover: restored (previewed), never purged",
    reason: "whether a soft-deleted account is the stack's own predecessor is a matter of recorded identity, not of its deletion date: under recover an account the stack never recorded is restored, whenever it was deleted",
    program: "plannedReclaimable",
    config: { ifSoftDeleted: "recover" },
    play: async (world, name) => {
      await failedFirstUp(world, name, "recover");
      await seedDeleted(world.emulator, [{ name, deletedMsAgo: 5_000 }]);
      const { result, events, preview } = await upHeld(world, {}, { policy: "recover" });
      expect(result.error).toBeUndefined();
      expect(writesOf(events)).toEqual({ ...nothing, restores: [name] });
      expect(preview.output).toContain(`up will restore soft-deleted account '${name}'`);
      outputsTell(result, { restored: true, purged: false });
    },
  },
  {
    flow: "the same name soft-deleted in another region of the group, under purge: preview names the purge, then up purges and creates",
    reason: "a soft-deleted account of the name in any region of the group refuses the create; under purge it is purged, and preview must name it (today the hooks purge it unannounced)",
    program: "plannedReclaimable",
    config: { ifSoftDeleted: "purge" },
    seed: (emulator, name) => seedDeleted(emulator, [{ name, location: "westus" }]),
    play: async (world, name) => {
      const { result, events, preview, touched } = await upHeld(world, {}, { policy: "purge" });
      expect(result.error).toBeUndefined();
      expect(writesOf(events)).toEqual({ ...nothing, purges: [name], puts: [name] });
      expect(touched).toEqual([expect.objectContaining({ action: "purge", location: "westus" })]);
      expectLine(preview, [`'${name}'`, "westus", /purge/, /permanent/]);
      outputsTell(result, { purged: true, restored: false });
    },
  },
  {
    flow: "the same name soft-deleted in another region of the group, under recover: preview fails with the fix; with that location, up restores it",
    reason: "an account's region cannot change, so recover cannot restore it here, and nothing else may be purged: refuse at preview naming the region and the fix, instead of refusing every up with advice that loops",
    program: "plannedReclaimable",
    config: { ifSoftDeleted: "recover" },
    seed: (emulator, name) => seedDeleted(emulator, [{ name, location: "westus" }]),
    play: async (world, name) => {
      const { up } = await refusedAtPreview(world, [new RegExp(`'${name}'`), /westus/, /location|ifSoftDeleted/]);
      expect(up.output).not.toContain("--refresh");
      const fixed = await upHeld(world, { config: { location: "westus" } }, { policy: "recover" });
      expect(fixed.result.error).toBeUndefined();
      expect(writesOf(fixed.events)).toEqual({ ...nothing, restores: [name] });
      outputsTell(fixed.result, { restored: true, purged: false });
    },
  },
];

export const PLAN_ROWS_DECISIONS: PlanRow[] = [
  {
    flow: "a RecoveredAccount with purgeOnDestroy whose accountName changes: preview names the restore, the delete and the purge",
    reason: "the replaced resource's delete deletes and purges the account it restored; today preview names only the new restore",
    program: "recovered",
    config: { purgeOnDestroy: "true" },
    seed: (emulator, name) => seedDeleted(emulator, [{ name }, { name: `${name}-b` }]),
    play: async (world, name) => {
      const first = await firstUp(world);
      expect(writesOf(first.events)).toEqual({ ...nothing, restores: [name] });
      const { result, events, preview } = await upHeld(world, { config: { accountName: `${name}-b` } });
      expect(result.error).toBeUndefined();
      expect(writesOf(events)).toEqual({ ...nothing, restores: [`${name}-b`], deletes: [name], purges: [name] });
      expectLine(preview, [`'${name}'`, /delete/i]);
    },
  },
  {
    flow: "a guard with purgeOnDestroy whose accountName changes: preview names the old account's delete and purge",
    reason: "the replaced guard's delete purges the account the replaced azure-native account left soft-deleted: a purge preview never named",
    program: "plannedGuard",
    config: { purgeOnDestroy: "true" },
    play: async (world, name) => {
      await firstCreate(world, name);
      const { result, events } = await upHeld(world, { config: { accountName: `${name}-b` } });
      expect(result.error).toBeUndefined();
      expect(writesOf(events)).toEqual({ ...nothing, deletes: [name], purges: [name], puts: [`${name}-b`] });
    },
  },
  {
    flow: "a computed resource group: preview says what up may purge once it is known; up purges it and says so",
    reason: "with an unknown input preview used to print nothing and up purged; preview must say 'may purge … permanent' for the known name, and the guard's purged output must be true",
    program: "plannedGuard",
    group: false,
    config: { computedGroup: "true" },
    seed: (emulator, name) => seedDeleted(emulator, [{ name }]),
    play: async (world, name) => {
      const { result, events, preview } = await upHeld(world);
      expect(result.error).toBeUndefined();
      expect(writesOf(events)).toEqual({ ...nothing, purges: [name], puts: [name] });
      expectLine(preview, [`'${name}'`, /purge/, /permanent/]);
      expect(preview.output).not.toContain("[object Object]");
      expect(preview.output).not.toMatch(/is not the account/);
      outputsTell(result, { guardPurged: true });
    },
  },
  {
    flow: "after a failed first up, a changed ifSoftDeleted (recover → purge) decides again: preview names the purge, up purges, nothing is restored",
    reason: "a decision made by a failed up must not outlive it: the next preview says what the new policy does, and up does that",
    program: "plannedReclaimable",
    config: { ifSoftDeleted: "recover" },
    seed: (emulator, name) => seedDeleted(emulator, [{ name }]),
    play: async (world, name) => {
      await failedFirstUp(world, name, "recover");
      const { result, events, preview } = await upHeld(world, { config: { ifSoftDeleted: "purge" } }, { policy: "purge" });
      expect(result.error).toBeUndefined();
      expect(writesOf(events)).toEqual({ ...nothing, purges: [name], puts: [name] });
      expectLine(preview, [`up will purge soft-deleted account '${name}'`, /permanent/]);
      outputsTell(result, { purged: true, restored: false });
    },
  },
  {
    flow: "a policy that decided 'free' in a failed up, then the name soft-deleted since: preview names the purge, purged reads true",
    reason: "the world changed since the decision; the purge must be named in preview (permanent) and reported in the outputs, not done unannounced with purged false",
    program: "plannedReclaimable",
    config: { ifSoftDeleted: "purge" },
    play: async (world, name) => {
      await failedFirstUp(world, name, "purge");
      // Time passes; another stack's account of the name is deleted an hour ago, after the failed up.
      await world.emulator.control.advanceClock(2 * HOURS);
      await seedDeleted(world.emulator, [{ name, deletedMsAgo: HOURS }]);
      const { result, events, preview } = await upHeld(world, {}, { policy: "purge" });
      expect(result.error).toBeUndefined();
      expect(writesOf(events)).toEqual({ ...nothing, purges: [name], puts: [name] });
      expectLine(preview, [`'${name}'`, /purge/, /permanent/]);
      outputsTell(result, { purged: true, restored: false });
    },
  },
  {
    flow: "ReclaimableAccount under purge with a missing resource group: preview fails naming the group; nothing is purged",
    reason: "a create in a missing group fails with 404 ResourceGroupNotFound, foreseeable at preview: the purge before it would destroy the account for nothing",
    program: "plannedReclaimable",
    group: false,
    config: { ifSoftDeleted: "purge" },
    seed: (emulator, name) => seedDeleted(emulator, [{ name }]),
    play: async (world, name) => {
      await refusedAtPreview(world, [new RegExp(`'${GROUP}'`), /resource group/i]);
      expect(await world.nameState(name)).toMatchObject({ deleted: true });
      // The fix: recreate the group; then the purge and the create.
      await seedGroups(world.emulator, [GROUP]);
      const fixed = await upHeld(world, {}, { policy: "purge" });
      expect(fixed.result.error).toBeUndefined();
      expect(writesOf(fixed.events)).toEqual({ ...nothing, purges: [name], puts: [name] });
    },
  },
  {
    flow: "a guard and a RecoveredAccount for one name: preview fails naming both; nothing is purged or restored",
    reason: "one resource would purge what the other restores: two resources of one program acting on one account in contradiction, foreseeable at preview",
    program: "plannedGuard",
    config: { recovered: "true", account: "none" },
    seed: (emulator, name) => seedDeleted(emulator, [{ name }]),
    play: async (world, name) => {
      await refusedAtPreview(world, [new RegExp(`'${name}'`), /guard/, /recovered/]);
      expect(await world.nameState(name)).toMatchObject({ deleted: true });
      // The fix: keep one of them (recover it).
      const fixed = await upHeld(world, { config: { guard: "none" } });
      expect(fixed.result.error).toBeUndefined();
      expect(writesOf(fixed.events)).toEqual({ ...nothing, restores: [name] });
      outputsTell(fixed.result, { restored: true });
    },
  },
  {
    flow: 'the one-line transform under "purge" and a RecoveredAccount for one name: preview fails naming both; up (as without preview) restores nothing and purges nothing',
    reason: "the transform's handling starts only when the account registers, after the RecoveredAccount's turn; the program must still see both, or the RecoveredAccount restores before the policy's check refuses the pair (fuzz seed 8102 life 5)",
    program: "reclaimAll",
    config: { recovered: "true", ifSoftDeleted: "purge" },
    seed: (emulator, name) => seedDeleted(emulator, [{ name }]),
    play: async (world, name) => {
      await refusedAtPreview(world, [new RegExp(`'${name}'`), /ReclaimableAccount/, /RecoveredAccount/]);
      expect(await world.nameState(name)).toMatchObject({ deleted: true });
      // The fix: keep one of them (the transform's purge-before-recreate).
      const fixed = await upHeld(world, { config: { recovered: "false" } }, { policy: "purge" });
      expect(fixed.result.error).toBeUndefined();
      expect(writesOf(fixed.events)).toEqual({ ...nothing, purges: [name], puts: [name] });
    },
  },
  {
    flow: 'the one-line transform under "recover" and a RecoveredAccount for one soft-deleted account: preview fails naming both; up restores nothing',
    reason: "both would make the account live, and whichever runs second fails: the account's create after the RecoveredAccount's restore fails \"already existing\" on every later up (red team, stop 24)",
    program: "reclaimAll",
    config: { recovered: "true", ifSoftDeleted: "recover" },
    seed: (emulator, name) => seedDeleted(emulator, [{ name }]),
    play: async (world, name) => {
      await refusedAtPreview(world, [new RegExp(`'${name}'`), /ReclaimableAccount/, /RecoveredAccount/, /Fix: keep one of them: remove the RecoveredAccount/]);
      expect(await world.nameState(name)).toMatchObject({ deleted: true });
      // The fix: keep one of them (the account resource restores it in its own create).
      const fixed = await upHeld(world, { config: { recovered: "false" } });
      expect(fixed.result.error).toBeUndefined();
      expect(writesOf(fixed.events)).toEqual({ ...nothing, restores: [name] });
    },
  },
  {
    flow: "out-of-band delete, then an update without refresh, with a guard: preview names the purge; up purges and creates",
    reason: "the update's PUT meets the soft-deleted account (raw FlagMustBeSetForRestore today); the guard's promise is purge-before-recreate, named in preview",
    program: "plannedGuard",
    play: async (world, name) => {
      await firstCreate(world, name);
      await deleteOutOfBandAgo(world, name, 2 * HOURS);
      const { result, events, preview } = await upHeld(world, { config: { tag: "v2" } });
      expect(result.error).toBeUndefined();
      expect(writesOf(events)).toEqual({ ...nothing, purges: [name], puts: [name] });
      expectLine(preview, [`'${name}'`, /purge/, /permanent/]);
    },
  },
  {
    flow: "out-of-band delete, then an update without refresh, under recover: preview names the restore; up restores (same account), then updates",
    reason: "recover's promise holds after an out-of-band delete too: the account comes back with its identity, never FlagMustBeSetForRestore",
    program: "plannedReclaimable",
    config: { ifSoftDeleted: "recover" },
    play: async (world, name) => {
      await firstCreate(world, name, "recover");
      const before = await world.nameState(name);
      await deleteOutOfBandAgo(world, name, 2 * HOURS);
      const { result, events, preview } = await upHeld(world, { config: { tag: "v2" } }, { policy: "recover" });
      expect(result.error).toBeUndefined();
      expect(writesOf(events)).toMatchObject({ deletes: [], purges: [], restores: [name] });
      expect(preview.output).toContain(`restore soft-deleted account '${name}'`);
      expect(await world.nameState(name)).toMatchObject({ live: true, internalId: before.internalId });
      outputsTell(result, { restored: true, purged: false });
    },
  },
];

/** Plays `rows` as one jest suite (its own emulator; a fourth of them under RECLAIM_FLOW_ROWS=sample, as the other matrices); each row ends with a converged stack (the next up is a no-op). */
export function playPlanRows(rows: PlanRow[], prefix: string): { readonly emulator: RunningEmulator } {
  const ctx = useEmulator();
  jest.setTimeout(180_000);
  describe.each(selectRows(rows.map((row, index) => ({ ...row, index }))))("$program: $flow", (row) => {
    (row.knownDefect ? it.failing : it)(`holds the invariants and converges (${row.reason})${row.knownDefect ? ` [known defect: ${row.knownDefect}]` : ""}`, async () => {
      const name = `${prefix}-${row.index}`;
      await seedWorld(ctx.emulator, { group: row.group ?? true });
      await row.seed?.(ctx.emulator, name);
      const world = await FlowWorld.create(ctx.emulator, row.program, { accountName: name, resourceGroupName: GROUP, ...(row.config ?? {}) });
      try {
        await row.play(world, name);
        await world.converges();
      } finally {
        await world.close();
      }
    });
  });
  return ctx;
}
