import { type FlowProgram, FlowWorld, selectRows } from "./flows";
import { GROUP, seedWorld, useEmulator } from "./emulator";

/**
 * The flow matrix: each row plays a flow of a stack's life through the flow
 * harness (the engine's steps across resources and runs, azure-native's real
 * create/update/delete, resource hooks) against the emulator. Every run is
 * held to invariants (c) and (d) by FlowWorld.up; each row states exactly
 * which accounts ARM deleted, purged and restored, so invariants (a) (no live
 * account deleted or purged unless the program stopped declaring it and the
 * user asked) and (b) (an adopted account is never deleted or purged) are
 * explicit in its expectations; and each row ends with a converged stack (the
 * next up is a no-op).
 */

interface Row {
  flow: string;
  program: FlowProgram;
  /** What the name holds before the first up. */
  name: "free" | "soft-deleted" | "live";
  config?: Record<string, string>;
  play: (world: FlowWorld, name: string) => Promise<void>;
}

const none = { accountDeletes: [], purges: [], restores: [] };
const writes = (e: { accountDeletes: string[]; purges: string[]; restores: string[] }) => ({ accountDeletes: e.accountDeletes, purges: e.purges, restores: e.restores });

async function firstUp(world: FlowWorld) {
  const first = await world.up();
  expect(first.result.error).toBeUndefined();
  expect(first.result.ok).toBe(true);
  return first;
}

export const GUARDED: Row[] = [
  {
    flow: "first up over a soft-deleted name: the guard purges, then the account is created",
    program: "guarded", name: "soft-deleted",
    play: async (world, name) => {
      const { events, preview } = await firstUp(world);
      expect(writes(events)).toEqual({ ...none, purges: [name] });
      expect(events.puts).toEqual([name]);
      expect(preview.output).toContain(`up will purge soft-deleted account '${name}'`);
      expect(await world.nameState(name)).toMatchObject({ live: true, deleted: false });
    },
  },
  {
    flow: "an update of an account property is an in-place update",
    program: "guarded", name: "free",
    play: async (world, name) => {
      await firstUp(world);
      const { result, events } = await world.up({ config: { tag: "v2" } });
      expect(result.ok).toBe(true);
      expect(result.steps.find((s) => s.name === "account")?.op).toBe("update");
      expect({ ...writes(events), puts: events.puts }).toEqual({ ...none, puts: [name] });
    },
  },
  {
    flow: "a replace-triggering change (location): azure-native deletes first, the hook purges the old one, the new account is created",
    program: "guarded", name: "free",
    play: async (world, name) => {
      const { events: created } = await firstUp(world);
      expect(created.puts).toEqual([name]);
      const before = await world.nameState(name);
      const { result, events, preview } = await world.up({ config: { location: "westus" } });
      expect(result.error).toBeUndefined();
      expect(result.steps.find((s) => s.name === "account")?.op).toMatch(/replace/);
      expect(writes(events)).toEqual({ ...none, accountDeletes: [name], purges: [name] });
      expect(preview.output).toMatch(/will be created again: the replacement deletes it first[^\n]*a purge is permanent/);
      const after = await world.nameState(name);
      expect(after.live).toBe(true);
      expect(after.internalId).not.toBe(before.internalId);
    },
  },
  {
    flow: "up --replace of the account fails cleanly without deleteBeforeReplace (azure-native cannot create a second account of the name)",
    program: "guarded", name: "free",
    play: async (world, name) => {
      await firstUp(world);
      const { result, events } = await world.up({ replace: ["account"] });
      expect(result.ok).toBe(false);
      expect(result.output).toContain("cannot create already existing resource");
      expect(writes(events)).toEqual(none);
      expect(await world.nameState(name)).toMatchObject({ live: true });
    },
  },
  {
    flow: "up --replace of the account with deleteBeforeReplace: delete, purge by the hook, create",
    program: "guarded", name: "free", config: { deleteBeforeReplace: "true" },
    play: async (world, name) => {
      await firstUp(world);
      const { result, events } = await world.up({ replace: ["account"] });
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual({ ...none, accountDeletes: [name], purges: [name] });
      expect(events.puts).toEqual([name]);
    },
  },
  {
    flow: "up --replace of the guard touches no account",
    program: "guarded", name: "free",
    play: async (world, name) => {
      await firstUp(world);
      const { result, events } = await world.up({ replace: ["guard"] });
      expect(result.ok).toBe(true);
      expect({ ...writes(events), puts: events.puts }).toEqual({ ...none, puts: [] });
      expect(await world.nameState(name)).toMatchObject({ live: true });
    },
  },
  {
    flow: "the guard renamed without an alias (create the new one, delete the old one) touches no account",
    program: "guarded", name: "free", config: { purgeOnDestroy: "true" },
    play: async (world, name) => {
      await firstUp(world);
      const { result, events } = await world.up({ config: { guardName: "guard2" } });
      expect(result.ok).toBe(true);
      expect(result.steps.map((s) => `${s.op} ${s.name}`)).toEqual(expect.arrayContaining(["create guard2", "delete guard"]));
      expect({ ...writes(events), puts: events.puts }).toEqual({ ...none, puts: [] });
      expect(await world.nameState(name)).toMatchObject({ live: true });
    },
  },
  {
    flow: "the guard renamed with an alias is the same resource",
    program: "guarded", name: "free",
    play: async (world) => {
      await firstUp(world);
      const { result, events } = await world.up({ config: { guardName: "guard2", guardAlias: "guard" } });
      expect(result.ok).toBe(true);
      expect(result.steps.filter((s) => s.op !== "same")).toEqual([]);
      expect(writes(events)).toEqual(none);
    },
  },
  {
    flow: "the account renamed without an alias: azure-native refuses to create over the live account; nothing is deleted",
    program: "guarded", name: "free",
    play: async (world, name) => {
      await firstUp(world);
      const { result, events } = await world.up({ config: { accountResource: "account2" } });
      expect(result.ok).toBe(false);
      expect(result.output).toContain("cannot create already existing resource");
      expect(writes(events)).toEqual(none);
      expect(await world.nameState(name)).toMatchObject({ live: true });
      // With the alias the rename is the same resource, and the stack converges.
      const aliased = await world.up({ config: { accountAlias: "account" } });
      expect(aliased.result.ok).toBe(true);
      expect(writes(aliased.events)).toEqual(none);
    },
  },
  {
    flow: "the account deleted out of band: up leaves it, up --refresh purges it (preview says so) and creates the account again",
    program: "guarded", name: "free",
    play: async (world, name) => {
      await firstUp(world);
      await world.deleteAccountOutOfBand(name);
      const plain = await world.up();
      expect(plain.result.ok).toBe(true);
      expect(writes(plain.events)).toEqual(none);
      const { result, events, preview } = await world.up({ refresh: true });
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual({ ...none, purges: [name] });
      expect(events.puts).toEqual([name]);
      expect(preview.output).toMatch(/refresh found account '[^']+'[^\n]*soft-deleted: up will purge soft-deleted account '[^']+'[^\n]*; a purge is permanent/);
      // The guard's refresh read it as pendingPurge, so its Diff asked for an in-place update (no replacement), which purged.
      expect(result.steps.filter((s) => s.name === "guard" && s.op !== "refresh").map((s) => s.op)).toEqual(["update"]);
      expect(world.stack.resources().find((r) => r.type.endsWith(":PurgedDeletedAccount"))?.outputs).toMatchObject({ pendingPurge: false, purged: true });
    },
  },
  {
    flow: "destroy deletes the account (soft-deleted, recoverable); the guard purges nothing without purgeOnDestroy",
    program: "guarded", name: "free",
    play: async (world, name) => {
      await firstUp(world);
      const { result, events } = await world.destroy();
      expect(result.ok).toBe(true);
      expect(writes(events)).toEqual({ ...none, accountDeletes: [name] });
      expect(await world.nameState(name)).toMatchObject({ live: false, deleted: true });
      // destroy, then up within 48 hours (6 hours later, as in life): the guard purges, the account is created again.
      await world.passTime(6);
      const again = await world.up();
      expect(again.result.error).toBeUndefined();
      expect(writes(again.events)).toEqual({ ...none, purges: [name] });
    },
  },
  {
    flow: "destroy with purgeOnDestroy purges after the delete, through 409 RequestConflict while the soft delete settles",
    program: "guarded", name: "free", config: { purgeOnDestroy: "true" },
    play: async (world, name) => {
      await firstUp(world);
      await world.emulator.control.settings({ purgeConflictsAfterDelete: 2 });
      const { result, events } = await world.destroy();
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual({ ...none, accountDeletes: [name], purges: [name] });
      expect(await world.nameState(name)).toMatchObject({ live: false, deleted: false });
      const again = await world.up();
      expect(writes(again.events)).toEqual(none);
    },
  },
  {
    flow: "destroy with retainOnDelete on the account keeps it",
    program: "guarded", name: "free", config: { retainOnDelete: "true", purgeOnDestroy: "true" },
    play: async (world, name) => {
      await firstUp(world);
      const { result, events } = await world.destroy();
      expect(result.ok).toBe(true);
      expect(writes(events)).toEqual(none);
      expect(await world.nameState(name)).toMatchObject({ live: true });
    },
  },
  {
    flow: "the group deleted out of band, then destroy succeeds",
    program: "guarded", name: "free", config: { purgeOnDestroy: "true" },
    play: async (world, name) => {
      await firstUp(world);
      await world.deleteGroupOutOfBand([name]);
      const { result, events } = await world.destroy();
      expect(result.error).toBeUndefined();
      expect(result.ok).toBe(true);
      expect(events.accountDeletes).toEqual([]);
    },
  },
];

export const RECOVERED: Row[] = [
  {
    flow: "first up restores the soft-deleted account (same internalId)",
    program: "recovered", name: "soft-deleted",
    play: async (world, name) => {
      const before = await world.nameState(name);
      const { events, preview } = await firstUp(world);
      expect(writes(events)).toEqual({ ...none, restores: [name] });
      expect(preview.output).toContain(`up will restore soft-deleted account '${name}'`);
      expect(await world.nameState(name)).toMatchObject({ live: true, internalId: before.internalId });
    },
  },
  {
    flow: "an adopted account is released untouched on destroy, even with purgeOnDestroy",
    program: "recovered", name: "live", config: { purgeOnDestroy: "true" },
    play: async (world, name) => {
      const { events, preview } = await firstUp(world);
      expect(writes(events)).toEqual(none);
      expect(preview.output).toContain("destroy will release it untouched");
      const { result, events: destroyed } = await world.destroy();
      expect(result.ok).toBe(true);
      expect(writes(destroyed)).toEqual(none);
      expect(await world.nameState(name)).toMatchObject({ live: true });
      await world.up(); // the next stack adopts it again
    },
  },
  {
    flow: "up --replace: the successor adopts the live account; the predecessor's delete leaves it live",
    program: "recovered", name: "soft-deleted", config: { purgeOnDestroy: "true" },
    play: async (world, name) => {
      await firstUp(world);
      const { result, events } = await world.up({ replace: ["recovered"] });
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual(none);
      expect(await world.nameState(name)).toMatchObject({ live: true });
      // pulumi/pulumi 3.260 calls no Diff for a `--replace` target (step_generator.go, the replaceTargets branch), so
      // nothing hands the restore over: the successor finds the account live and adopts it. Nothing is lost; a later
      // destroy releases the account instead of deleting it (the safe side of invariant (b)).
      expect(world.stack.resources().find((r) => r.urn.endsWith("::recovered"))?.outputs.restored).toBe(false);
    },
  },
  {
    flow: "renamed without an alias: the new resource adopts, the old one's delete leaves the account live",
    program: "recovered", name: "soft-deleted", config: { purgeOnDestroy: "true" },
    play: async (world, name) => {
      await firstUp(world);
      const { result, events } = await world.up({ config: { resourceName: "recovered2" } });
      expect(result.error).toBeUndefined();
      expect(result.steps.map((s) => `${s.op} ${s.name}`)).toEqual(expect.arrayContaining(["create recovered2", "delete recovered"]));
      expect(writes(events)).toEqual(none);
      expect(await world.nameState(name)).toMatchObject({ live: true });
    },
  },
  {
    flow: "renamed with an alias is the same resource",
    program: "recovered", name: "soft-deleted",
    play: async (world) => {
      await firstUp(world);
      const { result, events } = await world.up({ config: { resourceName: "recovered2", alias: "recovered" } });
      expect(result.ok).toBe(true);
      expect(result.steps.filter((s) => s.op !== "same")).toEqual([]);
      expect(writes(events)).toEqual(none);
    },
  },
  {
    flow: "a location other than the account's region is refused at preview; nothing is deleted",
    program: "recovered", name: "soft-deleted",
    play: async (world, name) => {
      await firstUp(world);
      const preview = await world.stack.preview({ config: FlowWorld.configOf({ location: "westus" }) });
      expect(preview.ok).toBe(false);
      expect(preview.output).toContain("An account's region cannot change");
      const up = await world.stack.up({ config: FlowWorld.configOf({ location: "westus" }) });
      expect(up.ok).toBe(false);
      expect(writes(await world.events())).toEqual(none);
      expect(await world.nameState(name)).toMatchObject({ live: true });
      await world.stack.up({ config: FlowWorld.configOf({ location: "eastus" }) });
      await world.events();
    },
  },
  {
    flow: "destroy deletes the account it restored; then up within 48 hours restores it again",
    program: "recovered", name: "soft-deleted",
    play: async (world, name) => {
      const before = await world.nameState(name);
      await firstUp(world);
      const { result, events } = await world.destroy();
      expect(result.ok).toBe(true);
      expect(writes(events)).toEqual({ ...none, accountDeletes: [name] });
      // 47 hours later: an hour before Azure purges it itself.
      await world.passTime(47);
      const again = await world.up();
      expect(writes(again.events)).toEqual({ ...none, restores: [name] });
      expect(await world.nameState(name)).toMatchObject({ live: true, internalId: before.internalId });
    },
  },
  {
    flow: "destroy with purgeOnDestroy deletes and purges the account it restored",
    program: "recovered", name: "soft-deleted", config: { purgeOnDestroy: "true" },
    play: async (world, name) => {
      await firstUp(world);
      const { result, events } = await world.destroy();
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual({ ...none, accountDeletes: [name], purges: [name] });
      expect(await world.nameState(name)).toMatchObject({ live: false, deleted: false });
    },
  },
  {
    flow: "destroy with retainOnDelete keeps the account",
    program: "recovered", name: "soft-deleted", config: { retainOnDelete: "true", purgeOnDestroy: "true" },
    play: async (world, name) => {
      await firstUp(world);
      const { events } = await world.destroy();
      expect(writes(events)).toEqual(none);
      expect(await world.nameState(name)).toMatchObject({ live: true });
    },
  },
  {
    flow: "the account deleted out of band: up --refresh restores it again",
    program: "recovered", name: "soft-deleted",
    play: async (world, name) => {
      await firstUp(world);
      await world.deleteAccountOutOfBand(name);
      const { result, events } = await world.up({ refresh: true });
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual({ ...none, restores: [name] });
    },
  },
  {
    flow: "the group deleted out of band, then destroy succeeds",
    program: "recovered", name: "soft-deleted", config: { purgeOnDestroy: "true" },
    play: async (world, name) => {
      await firstUp(world);
      await world.deleteGroupOutOfBand([name]);
      const { result } = await world.destroy();
      expect(result.error).toBeUndefined();
      expect(await world.nameState(name)).toMatchObject({ live: false });
    },
  },
];

/** Plays `rows` as one jest suite (its own emulator), each row held to the invariants and ending converged. */
export function playRows(rows: Row[]): void {
  const ctx = useEmulator();
  jest.setTimeout(180_000);
  describe.each(selectRows(rows.map((row, index) => ({ ...row, index }))))("$program: $flow", (row) => {
    it("holds the invariants and converges", async () => {
      const name = `flow-${row.program.toLowerCase()}-${row.index}`;
      await seedWorld(ctx.emulator, { deleted: row.name === "soft-deleted" ? [name] : [], live: row.name === "live" ? [name] : [] });
      const world = await FlowWorld.create(ctx.emulator, row.program, { accountName: name, resourceGroupName: GROUP, ...(row.config ?? {}) });
      try {
        await row.play(world, name);
        // Converged: the next up is a no-op, or, after a destroy, the next destroy is.
        if (world.stack.resources().length) await world.converges();
        else expect((await world.destroy()).result.steps).toEqual([]);
      } finally {
        await world.close();
      }
    });
  });
}
