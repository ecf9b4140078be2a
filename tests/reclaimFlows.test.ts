import { FlowWorld, selectRows } from "./harness/flows";
import { GROUP, seedWorld, useEmulator } from "./harness/emulator";

/**
 * ReclaimableAccount, and the same handling given to plain azure-native
 * accounts by the one-line `reclaimSoftDeletedAccounts()`, through the flow
 * harness: every state of the name times every policy, then the flows of a
 * stack's life. FlowWorld.up holds every run to the invariants (no create
 * meets a soft-deleted account, the restore flag only in a request that
 * restores, preview names each purge, restore and delete first); each row
 * states exactly what ARM deleted, purged and restored, and ends converged.
 */
const ctx = useEmulator();
jest.setTimeout(240_000);

type Program = "reclaimable" | "reclaimAll";
type Policy = "recover" | "purge" | "fail";
type NameState = "free" | "soft-deleted" | "live, managed here" | "live, not managed here";

const none = { accountDeletes: [] as string[], purges: [] as string[], restores: [] as string[] };
const writes = (e: { accountDeletes: string[]; purges: string[]; restores: string[] }) => ({ accountDeletes: e.accountDeletes, purges: e.purges, restores: e.restores });

/** What the first up does in each state of the name, under each policy. */
async function firstUpIn(world: FlowWorld, name: string, state: NameState, policy: Policy): Promise<"converged" | "failed"> {
  if (state === "live, managed here") {
    const first = await world.up();
    expect(first.result.ok).toBe(true);
    expect(first.preview.output).toContain(`name is free: up will create account '${name}'`);
  }
  const { result, events, preview } = await world.up();
  if (state === "live, not managed here") {
    expect(preview.output).toMatch(/is live: up keeps it if this stack already manages it; if it does not, azure-native fails/);
    expect(result.ok).toBe(false);
    expect(result.output).toContain("cannot create already existing resource");
    expect(writes(events)).toEqual(none);
    expect(await world.nameState(name)).toMatchObject({ live: true });
    return "failed";
  }
  if (state === "soft-deleted" && policy === "fail") {
    expect(preview.ok).toBe(false);
    expect(preview.output).toContain('ifSoftDeleted is "fail"');
    expect(result.ok).toBe(false);
    expect(writes(events)).toEqual(none);
    expect(await world.nameState(name)).toMatchObject({ live: false, deleted: true });
    return "failed";
  }
  expect(result.error).toBeUndefined();
  if (state === "free") {
    expect(preview.output).toContain(`name is free: up will create account '${name}'`);
    expect({ ...writes(events), puts: events.puts }).toEqual({ ...none, puts: [name] });
  } else if (state === "live, managed here") {
    expect({ ...writes(events), puts: events.puts }).toEqual({ ...none, puts: [] });
  } else if (policy === "recover") {
    expect(writes(events)).toEqual({ ...none, restores: [name] });
    expect(events.puts).toEqual([]);
  } else {
    expect(writes(events)).toEqual({ ...none, purges: [name] });
    expect(events.puts).toEqual([name]);
  }
  expect(await world.nameState(name)).toMatchObject({ live: true });
  return "converged";
}

/** After a failure the user asked for, switching the policy to purge gets the stack going. */
async function recoverFromFailure(world: FlowWorld, name: string, state: NameState): Promise<void> {
  if (state === "live, not managed here") return;
  const { result, events } = await world.up({ config: { ifSoftDeleted: "purge" } });
  expect(result.error).toBeUndefined();
  expect(writes(events)).toEqual({ ...none, purges: [name] });
}

const PROGRAMS: Program[] = ["reclaimable", "reclaimAll"];
const STATES: NameState[] = ["free", "soft-deleted", "live, managed here", "live, not managed here"];
const POLICIES: Policy[] = ["recover", "purge", "fail"];

const seedFor = (state: NameState, name: string) => ({
  deleted: state === "soft-deleted" ? [name] : [],
  live: state === "live, not managed here" ? [name] : [],
});

let counter = 0;
async function withWorld(program: Program, state: NameState, policy: Policy, play: (world: FlowWorld, name: string) => Promise<void>, finalConverge = true): Promise<void> {
  const name = `ra-${program.toLowerCase()}-${counter++}`;
  await seedWorld(ctx.emulator, seedFor(state, name));
  const world = await FlowWorld.create(ctx.emulator, program, { accountName: name, resourceGroupName: GROUP, ifSoftDeleted: policy });
  try {
    await play(world, name);
    if (finalConverge && world.stack.resources().some((r) => r.type === "azure-native:cognitiveservices:Account")) await world.converges();
  } finally {
    await world.close();
  }
}

describe.each(selectRows(STATES.flatMap((state) => POLICIES.map((policy) => ({ state, policy })))))("ReclaimableAccount, name $state, ifSoftDeleted $policy", ({ state, policy }) => {
  it("first up does what the policy says, the next up is a no-op; then an update of an account property succeeds and the stack converges", async () => {
    await withWorld("reclaimable", state, policy, async (world, name) => {
      if ((await firstUpIn(world, name, state, policy)) === "failed") {
        await recoverFromFailure(world, name, state);
        if (state === "live, not managed here") return;
      }
      await world.converges();
      const { result, events } = await world.up({ config: { tag: "v2" }, preview: false });
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual(none);
      expect(events.puts).toEqual([name]); // the update, without the restore flag (FlowWorld.up checks no flagged PUT was refused)
      // After the update, converged again (the flag left with it); asked where a restore flag was in play.
    }, state === "soft-deleted" && policy === "recover");
  });
});

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
    await withWorld(row.program, "soft-deleted", row.policy, row.play);
  });
});

describe("options given to the component reach the account", () => {
  it("retainOnDelete keeps the account on destroy, and the policy does not purge it", async () => {
    await withWorld("reclaimable", "soft-deleted", "recover", async (world, name) => {
      await world.up({ config: { retainOnDelete: "true", purgeOnDestroy: "true" } });
      const { result, events } = await world.destroy();
      expect(result.ok).toBe(true);
      expect(writes(events)).toEqual(none);
      expect(await world.nameState(name)).toMatchObject({ live: true });
    });
  });

  it("without it, purgeOnDestroy deletes and then purges the account", async () => {
    await withWorld("reclaimable", "free", "recover", async (world, name) => {
      await world.up({ config: { purgeOnDestroy: "true" } });
      const { result, events } = await world.destroy();
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual({ ...none, accountDeletes: [name], purges: [name] });
    });
  });
});
