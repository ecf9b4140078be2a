import { generateLife, lifeSeed } from "../fuzz/generate";
import { type CommandRecord, checkCommand } from "../fuzz/invariants";
import { runLife } from "../fuzz/life";
import type { Step } from "../fuzz/model";
import { flowRow } from "../fuzz/row";
import { shrinkLife } from "../fuzz/shrink";
import { useEmulator } from "./harness/emulator";

/**
 * The fuzzer's own machinery can fail: a known-bad world (a live account
 * deleted and purged inside a command's window, as if the stack had done
 * it) is reported as a violation of (a), shrunk to the steps that matter and
 * printed as a row; an innocent world is not; and a seed replays the same
 * life. No program runs here (refresh of an empty stack), so it takes seconds.
 */
const ctx = useEmulator();
jest.setTimeout(60_000);

const account = { slot: "a0", form: "recovered" as const, resourceName: "a0-recovered", aliases: [], accountName: "fz-alpha", resourceGroupName: "rg-fuzz-a", location: "eastus", customSubDomainName: "fz-alpha", ifSoftDeleted: "recover" as const, purgeOnDestroy: false, protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], tag: "v1" };

const BAD: Step[] = [
  { event: "clock", hours: 1 },
  { edit: "add", decl: account },
  { event: "foreign", name: "fz-alpha", group: "rg-fuzz-a", subdomain: "fz-alpha", deleted: false },
  { event: "foreign", name: "fz-beta", group: "rg-fuzz-a", subdomain: "fz-beta", deleted: true },
  { command: "refresh" },
  { event: "sabotage", name: "fz-alpha" },
  { command: "refresh" },
  { command: "refresh" },
];

const verdict = (violations: { invariant: string; step: number; message: string }[]) => violations.map((v) => `${v.invariant}@${v.step}: ${v.message.replace(/internalId [0-9a-f]+/g, "internalId …")}`);

it("a seed always generates the same life, and two seeds differ", () => {
  const shape = { commands: 6 };
  expect(generateLife(lifeSeed(7, 3), shape)).toEqual(generateLife(lifeSeed(7, 3), shape));
  expect(generateLife(lifeSeed(7, 3), shape)).not.toEqual(generateLife(lifeSeed(7, 4), shape));
  expect(generateLife(lifeSeed(7, 3), shape).filter((s) => "command" in s)).toHaveLength(6);
  // Runs of nearby seeds play different lives (a seed's own mixing, not `seed ^ index`).
  const seeds = [7001, 7002, 7003].flatMap((seed) => [0, 1, 2].map((life) => lifeSeed(seed, life)));
  expect(new Set(seeds).size).toBe(9);
});

it("reports a live account deleted and purged during a command as a violation of (a), the same on replay", async () => {
  const first = await runLife(ctx.emulator, BAD);
  expect(verdict(first.violations)).toEqual([expect.stringMatching(/^a@6: refresh deleted a live account: account 'fz-alpha' in 'rg-fuzz-a'/), expect.stringMatching(/^a@6: refresh purged soft-deleted account 'fz-alpha'/)]);
  expect(first.ran).toBe(7); // the life stops at the command that broke an invariant
  const again = await runLife(ctx.emulator, BAD);
  expect(verdict(again.violations)).toEqual(verdict(first.violations));
});

it("shrinks the bad life to the steps that matter and prints a row that names the violation", async () => {
  const reproduces = async (steps: Step[]) => {
    const { violations } = await runLife(ctx.emulator, steps);
    return violations.some((v) => v.invariant === "a") ? violations : undefined;
  };
  const { inert } = await runLife(ctx.emulator, BAD);
  expect(inert).toEqual([4]); // the refresh of an empty stack changed nothing: shrinking drops it first
  const shrunk = await shrinkLife(BAD, reproduces, { maxRuns: 40, deadlineMs: 30_000, inert });
  expect(shrunk.steps).toEqual([BAD[2], BAD[5], { command: "refresh" }]);
  const row = flowRow(7, 0, shrunk.steps, shrunk.violations!);
  expect(row).toContain("fuzz seed 7 life 0: (a) refresh deleted a live account");
  expect(row).toContain('{"event":"sabotage","name":"fz-alpha"}');
});

it("reports nothing when the world changes only between commands", async () => {
  const innocent: Step[] = BAD.filter((s) => !("event" in s && s.event === "sabotage"));
  innocent.splice(5, 0, { event: "deleteAccount", name: "fz-alpha" }, { event: "purgeAccount", name: "fz-alpha" });
  // Every fault the fuzzer injects is one the emulator accepts (its fault patterns take no quantifiers).
  innocent.splice(innocent.length - 1, 0, { event: "refuseCreate" }, { event: "conflicts", count: 2 }, { event: "throttle", times: 1 }, { event: "kill", afterOperations: 1 });
  const result = await runLife(ctx.emulator, innocent);
  expect(result.ran).toBe(innocent.length);
  expect(result.violations).toEqual([]);
  expect(result.commands).toBe(3);
});

it("(h) over two RecoveredAccounts of one account: one restore, one of them says restored (the other adopted)", () => {
  const a1 = { ...account, slot: "a1", resourceName: "a1-recovered" };
  const empty = { live: [], deleted: [], groups: [] };
  const record = (outputs: Record<string, unknown>): CommandRecord => ({
    step: 4,
    command: { command: "up" },
    program: { accounts: [account, a1] },
    applied: { accounts: [] },
    before: empty,
    after: empty,
    writes: [{ action: "restore", name: "fz-alpha", group: "rg-fuzz-a", id: "0123abcd", status: 200 }],
    stateBefore: [],
    result: { ok: true, steps: ["a0-recovered", "a1-recovered"].map((name) => ({ op: "create", urn: `urn::${name}`, type: "t", name, keys: [], providerCalled: true, diagnostics: [] })), output: "", diagnostics: [], outputs, durationInMs: 0, trace: [] },
    injectedFaults: [],
  });
  const ownership = () => ({ owned: new Map(), deletedByStack: new Set<string>() });
  expect(checkCommand(record({ a0_restored: true, a1_restored: false }), ownership())).toEqual([]);
  expect(checkCommand(record({ a0_restored: false, a1_restored: false }), ownership()).map((v) => `${v.invariant}: ${v.message}`)).toEqual(["h: a0-recovered and a1-recovered (one account 'fz-alpha') say restored 0 time(s); this up restored it 1 time(s)"]);
});

it("(h) of a ReclaimableAccount moved to another group: the purge of its predecessor in the old group is its purge", () => {
  const moved = { ...account, form: "reclaimable" as const, resourceName: "a0-reclaimable", resourceGroupName: "rg-fuzz-b", ifSoftDeleted: "purge" as const };
  const live = { id: "0123abcd", name: "fz-alpha", group: "rg-fuzz-a", location: "eastus", subdomain: "fz-alpha" };
  const record: CommandRecord = {
    step: 11,
    command: { command: "up" },
    program: { accounts: [moved] },
    applied: { accounts: [{ ...moved, resourceGroupName: "rg-fuzz-a" }] },
    before: { live: [live], deleted: [], groups: [] },
    after: { live: [], deleted: [], groups: [] },
    writes: [
      { action: "delete", name: "fz-alpha", group: "rg-fuzz-a", id: "0123abcd", status: 200 },
      { action: "purge", name: "fz-alpha", group: "rg-fuzz-a", location: "eastus", id: "0123abcd", status: 200 },
    ],
    stateBefore: [],
    result: { ok: true, steps: [{ op: "create-replacement", urn: "urn::a0-reclaimable", type: "azure-native:cognitiveservices:Account", name: "a0-reclaimable", keys: [], providerCalled: true, diagnostics: [] }], output: "", diagnostics: [], outputs: { a0_purged: true, a0_restored: false }, durationInMs: 0, trace: [] },
    injectedFaults: [],
  };
  expect(checkCommand(record, { owned: new Map([["0123abcd", "created"]]), deletedByStack: new Set<string>() }).filter((v) => v.invariant === "h")).toEqual([]);
});
