import type { RunningEmulator } from "../../emulator/server";
import { FlowWorld } from "./flows";
import { GROUP, seedWorld } from "./emulator";

/**
 * The ReclaimableAccount flow matrix's pieces, shared by its two suites
 * (tests/reclaimStates.test.ts: every state of the name times every policy;
 * tests/reclaimFlows.test.ts: the flows of a stack's life). FlowWorld.up
 * holds every run to the invariants (no create meets a soft-deleted account,
 * the restore flag only in a request that restores, preview names each purge,
 * restore and delete first); each row states exactly what ARM deleted, purged
 * and restored, and ends converged.
 */
export type Program = "reclaimable" | "reclaimAll" | "remoteReclaimable";
export type Policy = "recover" | "purge" | "fail";
export type NameState = "free" | "soft-deleted" | "live, managed here" | "live, not managed here";

export const none = { accountDeletes: [] as string[], purges: [] as string[], restores: [] as string[] };
export const writes = (e: { accountDeletes: string[]; purges: string[]; restores: string[] }) => ({ accountDeletes: e.accountDeletes, purges: e.purges, restores: e.restores });

/** What the first up does in each state of the name, under each policy. */
export async function firstUpIn(world: FlowWorld, name: string, state: NameState, policy: Policy): Promise<"converged" | "failed"> {
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
export async function recoverFromFailure(world: FlowWorld, name: string, state: NameState): Promise<void> {
  if (state === "live, not managed here") return;
  const { result, events } = await world.up({ config: { ifSoftDeleted: "purge" } });
  expect(result.error).toBeUndefined();
  expect(writes(events)).toEqual({ ...none, purges: [name] });
}

export const PROGRAMS: Program[] = ["reclaimable", "reclaimAll"];
export const STATES: NameState[] = ["free", "soft-deleted", "live, managed here", "live, not managed here"];
export const POLICIES: Policy[] = ["recover", "purge", "fail"];

const seedFor = (state: NameState, name: string) => ({
  deleted: state === "soft-deleted" ? [name] : [],
  live: state === "live, not managed here" ? [name] : [],
});

let counter = 0;
export async function withWorld(emulator: RunningEmulator, program: Program, state: NameState, policy: Policy, play: (world: FlowWorld, name: string) => Promise<void>, finalConverge = true, config: Record<string, string> = {}): Promise<void> {
  const name = `ra-${program.toLowerCase()}-${counter++}`;
  await seedWorld(emulator, seedFor(state, name));
  const world = await FlowWorld.create(emulator, program, { accountName: name, resourceGroupName: GROUP, ifSoftDeleted: policy, ...config });
  try {
    await play(world, name);
    if (finalConverge && world.stack.resources().some((r) => r.type === "azure-native:cognitiveservices:Account")) await world.converges();
  } finally {
    await world.close();
  }
}

