import { FlowWorld, selectRows } from "./harness/flows";
import { GROUP, seedWorld, useEmulator } from "./harness/emulator";
import { firstUpIn, none, type Policy, POLICIES, type Program, PROGRAMS, recoverFromFailure, withWorld, writes } from "./harness/reclaimWorld";

/**
 * ReclaimableAccount, and the same handling given to plain azure-native
 * accounts by the one-line `reclaimSoftDeletedAccounts()`, through the flow
 * harness: the flows of a stack's life after the first up (a replacement, an
 * out-of-band delete, destroy and up again), and the component's options
 * reaching the account. The states of the name: tests/reclaimStates.test.ts.
 */
const ctx = useEmulator();
jest.setTimeout(240_000);

interface FlowRow {
  flow: string;
  program: Program;
  policy: Policy;
  play: (world: FlowWorld, name: string) => Promise<void>;
}

// The transform attaches the component's own handling (softDeleteHandling.ts), so it plays the flows under
// "recover" (the policy whose restore flag must come and go); "purge" and "fail" are played through the
// component, and the transform's purge through tests/exampleFlows.test.ts.
const FLOWS: FlowRow[] = PROGRAMS.flatMap((program) =>
  (program === "reclaimAll" ? (["recover"] as Policy[]) : POLICIES).flatMap((policy): FlowRow[] => [
    {
      flow: "a replacement of the account (region change) purges its own predecessor, whatever the policy",
      program, policy,
      play: async (world, name) => {
        if ((await firstUpIn(world, name, "soft-deleted", policy)) === "failed") await recoverFromFailure(world, name, "soft-deleted");
        const { result, events, preview } = await world.up({ config: { location: "westus", ifSoftDeleted: policy } });
        expect(result.error).toBeUndefined();
        expect(writes(events)).toEqual({ ...none, accountDeletes: [name], purges: [name] });
        expect(preview.output).toMatch(/will be created again: the replacement deletes it first/);
      },
    },
    {
      flow: "the account deleted out of band: up changes nothing, up --refresh decides again",
      program, policy,
      play: async (world, name) => {
        if ((await firstUpIn(world, name, "soft-deleted", policy)) === "failed") await recoverFromFailure(world, name, "soft-deleted");
        await world.deleteAccountOutOfBand(name);
        const plain = await world.up();
        expect(writes(plain.events)).toEqual(none);
        const { result, events, preview } = await world.up({ refresh: true, config: { ifSoftDeleted: policy } });
        expect(preview.output).toContain(`refresh found account '${name}'`);
        if (policy === "fail") {
          expect(result.ok).toBe(false);
          expect(result.output).toContain('ifSoftDeleted is "fail"');
          expect(writes(events)).toEqual(none);
          await recoverFromFailure(world, name, "soft-deleted");
          return;
        }
        expect(writes(events)).toEqual(policy === "recover" ? { ...none, restores: [name] } : { ...none, purges: [name] });
      },
    },
    {
      flow: "destroy, then up within 48 hours",
      program, policy,
      play: async (world, name) => {
        if ((await firstUpIn(world, name, "soft-deleted", policy)) === "failed") await recoverFromFailure(world, name, "soft-deleted");
        const destroyed = await world.destroy();
        expect(destroyed.result.ok).toBe(true);
        expect(writes(destroyed.events)).toEqual({ ...none, accountDeletes: [name] });
        // The next up comes hours later, as in life.
        await world.passTime(6);
        const { result, events } = await world.up({ config: { ifSoftDeleted: policy } });
        if (policy === "fail") {
          expect(result.ok).toBe(false);
          expect(writes(events)).toEqual(none);
          await recoverFromFailure(world, name, "soft-deleted");
          return;
        }
        expect(result.error).toBeUndefined();
        expect(writes(events)).toEqual(policy === "recover" ? { ...none, restores: [name] } : { ...none, purges: [name] });
      },
    },
  ]),
);

describe.each(selectRows(FLOWS))("$program, ifSoftDeleted $policy: $flow", (row) => {
  it("holds the invariants and converges", async () => {
    await withWorld(ctx.emulator, row.program, "soft-deleted", row.policy, row.play);
  });
});

describe("options given to the component reach the account", () => {
  it("retainOnDelete keeps the account on destroy, and the policy does not purge it", async () => {
    await withWorld(ctx.emulator, "reclaimable", "soft-deleted", "recover", async (world, name) => {
      await world.up({ config: { retainOnDelete: "true", purgeOnDestroy: "true" } });
      const { result, events } = await world.destroy();
      expect(result.ok).toBe(true);
      expect(writes(events)).toEqual(none);
      expect(await world.nameState(name)).toMatchObject({ live: true });
    });
  });

  it("without it, purgeOnDestroy deletes and then purges the account", async () => {
    await withWorld(ctx.emulator, "reclaimable", "free", "recover", async (world, name) => {
      await world.up({ config: { purgeOnDestroy: "true" } });
      const { result, events } = await world.destroy();
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual({ ...none, accountDeletes: [name], purges: [name] });
    });
  });

  it("a guard's hooks on a transformed account make one creator of it, not two: the program refuses nothing, up purges and creates once", async () => {
    await withWorld(ctx.emulator, "reclaimAll", "soft-deleted", "purge", async (world, name) => {
      const { result, events, preview } = await world.up({ config: { guard: "true", ifSoftDeleted: "purge" } });
      expect(preview.output).not.toContain("two resources of this program");
      expect(result.error).toBeUndefined();
      expect({ ...writes(events), puts: events.puts }).toEqual({ ...none, purges: [name], puts: [name] });
    });
  });

  it("two ReclaimableAccounts of one resource name under different parents each get their hooks: preview and up pass, the soft-deleted one is purged, both are created", async () => {
    // The engine refuses a second hook of a name in one run (resource_hooks.go, RegisterResourceHook).
    await withWorld(ctx.emulator, "reclaimable", "soft-deleted", "purge", async (world, name) => {
      const { result, events, preview } = await world.up();
      expect({ preview: preview.ok, up: result.error }).toEqual({ preview: true, up: undefined });
      expect({ ...writes(events), puts: [...events.puts].sort() }).toEqual({ ...none, purges: [name], puts: [name, `${name}-twin`] });
    }, true, { twin: "true" });
  });

  it("a transformed account renamed with an alias keeps its policy and record (the stack's record of what it owns): nothing is replaced, created or deleted", async () => {
    await withWorld(ctx.emulator, "reclaimAll", "free", "recover", async (world) => {
      await world.up({ config: { purgeOnDestroy: "true" } });
      const before = world.stack.resources().filter((r) => /SoftDeletePolicy|AccountRecord/.test(r.type));
      const { result, events } = await world.up({ config: { purgeOnDestroy: "true", resourceName: "ai-renamed", aliasOf: "ai" } });
      expect(result.error).toBeUndefined();
      expect(result.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`)).toEqual([]);
      expect({ ...writes(events), puts: events.puts }).toEqual({ ...none, puts: [] });
      const after = world.stack.resources().filter((r) => /SoftDeletePolicy|AccountRecord/.test(r.type));
      expect(after.map((r) => r.outputs)).toEqual(before.map((r) => r.outputs));
    }, false);
  });

  it("an account moved to another parent with an alias does not take over the policy of the account that had its former name there: its policy starts anew, holding no identity of the other account", async () => {
    // Followed, the alias would name the other account's policy: the engine refuses that alias, or (the other account
    // removed) the moved account's policy inherits the other account's identities (red team, stop 25).
    await seedWorld(ctx.emulator, {});
    const world = await FlowWorld.create(ctx.emulator, "aliasMove", { resourceGroupName: GROUP, x: "alias-move-x", y: "alias-move-y" });
    try {
      expect((await world.up({ config: { phase: "1" } })).result.error).toBeUndefined();
      const moved = await world.up({ config: { phase: "2" } });
      expect(moved.result.error).toBeUndefined();
      const policies = world.stack.resources().filter((r) => r.type.endsWith("SoftDeletePolicy"));
      expect(policies.map((r) => ({ accountName: r.outputs.accountName, owned: JSON.stringify(r.outputs.owned ?? []).includes("alias-move-x") }))).toEqual([{ accountName: "alias-move-y", owned: false }]);
    } finally {
      await world.close();
    }
  });

  it("purgeOnDestroy never purges another stack's account: after up --refresh showed it live at the name, its owner soft-deletes it, and destroy leaves it recoverable", async () => {
    // The stack's account is deleted out of band and purged by Azure after 48 hours; another stack creates its own at
    // the name, which the refresh reads (azure-native reads the ARM id, built from the name). Only a create of this
    // stack's account resource adds to the record of what purgeOnDestroy may purge (accountRecord.ts).
    await withWorld(ctx.emulator, "reclaimable", "free", "recover", async (world, name) => {
      await world.up({ config: { purgeOnDestroy: "true" } });
      const mine = (await world.nameState(name)).internalId;
      await world.deleteAccountOutOfBand(name);
      await world.passTime(49);
      await seedWorld(ctx.emulator, { live: [name] });
      const theirs = (await world.nameState(name)).internalId;
      expect(theirs).not.toBe(mine);
      await world.up({ refresh: true, config: { purgeOnDestroy: "true" } });
      await world.deleteAccountOutOfBand(name);
      const { result, events } = await world.destroy();
      expect(result.error).toBeUndefined();
      expect({ purges: writes(events).purges, theirs: (await world.nameState(name)).internalId }).toEqual({ purges: [], theirs });
      expect(result.output).toContain(`not purging soft-deleted account '${name}'`);
    }, false);
  });
});
