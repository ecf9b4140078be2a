import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import { ClientSecretCredential } from "@azure/identity";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { accountWrites, FlowStack, type RunResult } from "../../harness/engine";
import type { ProgramSpec, ResourceSpec } from "../../harness/engine/testPrograms/programSpec";
import { GROUP, LOCATION, seedWorld, useEmulator } from "../harness/emulator";

/**
 * The flow harness's own rules, each checked against what a user would see:
 * the order of provider calls (the `spec` program's call log, the emulator's
 * request log), the state, and the CLI-like output. Programs run for real in
 * a child process; dynamic resources in Pulumi's provider host; accounts in
 * the azure-native stand-in against the emulator. Runs in CI's fuzz step with the
 * harness's other tests (jest.soak.config.js), outside `npm test`. Needs `npm run build`.
 */
const ctx = useEmulator();
// Each test runs several real programs (about 3 s each on an idle 2-core machine); leave room for a loaded one.
jest.setTimeout(180_000);
const ROOT = resolve(__dirname, "..", "..");
const SPEC_PROGRAM = "dist/harness/engine/testPrograms/spec.js";
const THING = "pulumi-nodejs:dynamic/flow:Thing";

let dir: string;
let callLog: string;
const stacks: FlowStack[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "flow-engine-"));
  callLog = join(dir, "calls.log");
  writeFileSync(callLog, "");
});
afterEach(async () => {
  for (const s of stacks.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A stack running the `spec` program; `runWith(spec)` gives the per-run config. */
async function specStack(): Promise<FlowStack> {
  const stack = await FlowStack.create({
    project: "flow",
    stack: "test",
    programDir: ROOT,
    program: SPEC_PROGRAM,
    env: { ...ctx.emulator.environment, FLOW_CALL_LOG: callLog },
    config: { "azure-native:subscriptionId": ctx.emulator.subscriptionId },
  });
  stacks.push(stack);
  return stack;
}

const runWith = (spec: ProgramSpec) => ({ config: { "flow:spec": JSON.stringify(spec) } });
const things = (...resources: (string | ResourceSpec)[]): ProgramSpec => ({
  resources: resources.map((r) => (typeof r === "string" ? { name: r, kind: "thing" as const, props: { value: r } } : r)),
});

/** Every call the `thing` provider and the hooks made since the last look, Check and Diff included. */
function takeLog(): string[] {
  const lines = readFileSync(callLog, "utf8").split("\n").filter((l) => l);
  writeFileSync(callLog, "");
  return lines;
}

/** The calls the `thing` provider and the hooks made since the last look, Check and Diff excluded. */
function calls(): string[] {
  return takeLog().filter((l) => !l.startsWith("check ") && !l.startsWith("diff "));
}

function expectOk(result: RunResult): RunResult {
  if (!result.ok) throw new Error(`run failed: ${result.error}\n${result.output}`);
  return result;
}

const opsOf = (result: RunResult) => result.steps.filter((s) => !s.urn.includes("pulumi:providers:") && s.op !== "same").map((s) => `${s.op} ${s.name}`);

describe("registration, same, update, create-before-delete and delete-before-replace", () => {
  it("creates in registration order, then a second up is a no-op", async () => {
    const stack = await specStack();
    const preview = expectOk(await stack.preview(runWith(things("a", { name: "b", kind: "thing", props: { value: "b" }, opts: { dependsOn: ["a"] } }))));
    expect(preview.output).toContain("Previewing update (test):\n +  pulumi:pulumi:Stack flow-test create\n +  pulumi-nodejs:dynamic/flow:Thing a create\n +  pulumi-nodejs:dynamic/flow:Thing b create");
    expect(preview.output).toContain("Resources:\n    + 3 to create");
    expect(calls()).toEqual([]);
    const up = expectOk(await stack.up());
    expect(calls()).toEqual(["create a", "create b"]);
    expect(up.output).toContain(" +  pulumi-nodejs:dynamic/flow:Thing a created\n    created a\n");
    expect(stack.resources().find((r) => r.urn.endsWith("::b"))?.dependencies).toEqual([stack.urnOf("a")]);
    const again = expectOk(await stack.up());
    expect(calls()).toEqual([]);
    expect(again.output).toContain("Resources:\n    3 unchanged");
  });

  it("an update changes in place; a replacement creates first and deletes the old one at the end, after its dependents", async () => {
    const stack = await specStack();
    const spec = things("x", { name: "y", kind: "thing", props: { value: "y" }, opts: { dependsOn: ["x"] } });
    expectOk(await stack.up(runWith(spec)));
    calls();
    spec.resources[0].props = { value: "x2" };
    const update = expectOk(await stack.up(runWith(spec)));
    expect(calls()).toEqual(["update x"]);
    expect(update.output).toContain(" ~  pulumi-nodejs:dynamic/flow:Thing x updated [diff: ~value]");
    spec.resources[0].props = { value: "x2", key: "k2" };
    spec.resources[1].props = { value: "y2" };
    const replace = expectOk(await stack.up(runWith(spec)));
    // step_generator.go: CBD — create the replacement, update the dependent, then delete the original at the end.
    expect(calls()).toEqual(["create x", "update y", "delete x"]);
    expect(opsOf(replace)).toEqual(["create-replacement x", "replace x", "update y", "delete-replaced x"]);
    expect(replace.output).toMatch(/ \+\+ pulumi-nodejs:dynamic\/flow:Thing x created replacement \[diff: ~key\][\s\S]* \+- pulumi-nodejs:dynamic\/flow:Thing x replaced \[diff: ~key\][\s\S]* -- pulumi-nodejs:dynamic\/flow:Thing x deleted original/);
    expect(replace.output).toContain("    +-1 replaced");
    expect(stack.resources().filter((r) => r.pendingDelete)).toEqual([]);
  });

  it("delete-before-replace when the provider's diff or the option asks: delete first, then create", async () => {
    const stack = await specStack();
    const spec = things({ name: "x", kind: "thing", props: { key: 1, dbr: true } }, { name: "o", kind: "thing", props: { key: 1 }, opts: { deleteBeforeReplace: true } });
    expectOk(await stack.up(runWith(spec)));
    calls();
    spec.resources[0].props = { key: 2, dbr: true };
    spec.resources[1].props = { key: 2 };
    const result = expectOk(await stack.up(runWith(spec)));
    // Unrelated resources register in whatever order the SDK sends them; each one is deleted before it is created.
    const seen = calls();
    expect([...seen].sort()).toEqual(["create o", "create x", "delete o", "delete x"]);
    for (const name of ["x", "o"]) expect(seen.indexOf(`delete ${name}`)).toBeLessThan(seen.indexOf(`create ${name}`));
    const ops = opsOf(result);
    for (const name of ["x", "o"]) expect(ops.filter((o) => o.endsWith(` ${name}`))).toEqual([`delete-replaced ${name}`, `replace ${name}`, `create-replacement ${name}`]);
  });

  it("a dependent whose input comes from a delete-before-replace resource is deleted before it and recreated after", async () => {
    const stack = await specStack();
    const spec = things({ name: "base", kind: "thing", props: { key: 1, dbr: true } }, { name: "user", kind: "thing", props: {}, from: { key: "base" } });
    expectOk(await stack.up(runWith(spec)));
    calls();
    spec.resources[0].props = { key: 2, dbr: true };
    expectOk(await stack.up(runWith(spec)));
    // step_generator.go, calculateDependentReplacements: `user.key` would become unknown → its diff replaces it.
    expect(calls()).toEqual(["delete user", "delete base", "create base", "create user"]);
  });
});

describe("deletes, failures, renames, --replace, refresh", () => {
  it("resources the program dropped are deleted after it finished, in reverse dependency order", async () => {
    const stack = await specStack();
    expectOk(await stack.up(runWith(things("a", { name: "b", kind: "thing", props: {}, opts: { dependsOn: ["a"] } }, { name: "c", kind: "thing", props: {}, opts: { dependsOn: ["b"] } }, "keep"))));
    calls();
    const result = expectOk(await stack.up(runWith(things("keep", "new"))));
    expect(calls()).toEqual(["create new", "delete c", "delete b", "delete a"]);
    expect(result.output).toContain("    + 1 created\n    - 3 deleted\n    2 unchanged");
  });

  it("a failed step stops the update: later resources are not created and planned deletes do not run", async () => {
    const stack = await specStack();
    expectOk(await stack.up(runWith(things("old"))));
    calls();
    const result = await stack.up(runWith(things("a", { name: "bad", kind: "thing", props: { failCreates: 1 }, opts: { dependsOn: ["a"] } }, { name: "later", kind: "thing", props: {}, opts: { dependsOn: ["bad"] } })));
    expect(result.ok).toBe(false);
    expect(calls()).toEqual(["create a", "create bad"]);
    expect(result.output).toContain(" +  pulumi-nodejs:dynamic/flow:Thing bad **creating failed**\n    error: create bad failed (attempt 1)");
    expect(result.output).toMatch(/error: update failed\n$/);
    // State keeps what finished and what was not deleted.
    expect(stack.resources().map((r) => r.urn.split("::").pop())).toEqual(expect.arrayContaining(["old", "a"]));
    expect(stack.resources().some((r) => r.urn.endsWith("::later") || r.urn.endsWith("::bad"))).toBe(false);
    // A create-before-delete replacement interrupted by a failure leaves the original pending delete; the next up deletes it.
    const interrupted = await stack.up(runWith(things({ name: "a", kind: "thing", props: { value: "a", key: 2 } }, { name: "bad", kind: "thing", props: { failCreates: 2 }, opts: { dependsOn: ["a"] } })));
    expect(interrupted.ok).toBe(false);
    expect(calls()).toEqual(["create a", "create bad"]);
    expect(stack.resources().filter((r) => r.pendingDelete).map((r) => r.urn.split("::").pop())).toEqual(["a"]);
    expectOk(await stack.up(runWith(things({ name: "a", kind: "thing", props: { value: "a", key: 2 } }))));
    // Neither depends on the other: the saved state's order decides (completed news first, then untouched olds).
    expect(calls().sort()).toEqual(["delete a", "delete old"]);
    expect(stack.resources().filter((r) => r.pendingDelete)).toEqual([]);
  });

  it("a rename without an alias creates the new URN and deletes the old one at the end; with an alias it is the same resource", async () => {
    const stack = await specStack();
    expectOk(await stack.up(runWith(things("before"))));
    calls();
    const renamed = expectOk(await stack.up(runWith(things({ name: "after", kind: "thing", props: { value: "before" } }))));
    expect(calls()).toEqual(["create after", "delete before"]);
    expect(opsOf(renamed)).toEqual(["create after", "delete before"]);
    const aliased = expectOk(await stack.up(runWith(things({ name: "again", kind: "thing", props: { value: "before" }, opts: { aliases: [{ name: "after" }] } }))));
    expect(calls()).toEqual([]);
    expect(opsOf(aliased)).toEqual([]);
    expect(stack.resources().filter((r) => r.type === THING).map((r) => r.urn.split("::").pop())).toEqual(["again"]);
  });

  it("an alias that names a resource the program still registers, or one another resource already claimed, fails the update (step_generator.go, getOldResource)", async () => {
    const stack = await specStack();
    expectOk(await stack.up(runWith(things("one", "two"))));
    const stillThere = await stack.up(runWith(things("one", { name: "three", kind: "thing", props: { value: "two" }, opts: { aliases: [{ name: "one" }] } })));
    expect({ ok: stillThere.ok, error: stillThere.error }).toEqual({ ok: false, error: expect.stringContaining("Duplicate resource alias") });
    const twice = await stack.up(runWith(things({ name: "three", kind: "thing", props: { value: "two" }, opts: { aliases: [{ name: "two" }] } }, { name: "four", kind: "thing", props: { value: "two" }, opts: { aliases: [{ name: "two" }] } })));
    expect({ ok: twice.ok, error: twice.error }).toEqual({ ok: false, error: expect.stringContaining("Duplicate resource alias") });
  });

  it("up --replace forces a replacement with unchanged inputs: no Diff, and Check gets no olds and the raw inputs", async () => {
    const stack = await specStack();
    const spec = things({ name: "r", kind: "thing", props: { value: 1 }, opts: { ignoreChanges: ["value"] } });
    expectOk(await stack.up(runWith(spec)));
    takeLog();
    spec.resources[0].props = { value: 2 };
    const result = expectOk(await stack.up({ ...runWith(spec), replace: ["r"] }));
    // step_generator.go (3.260), continueStepsFromImport: a replace target is checked with no olds and goal.Properties
    // (ignoreChanges not applied); diff: isTargetedReplace answers "replace, blame id" without calling the provider.
    expect(takeLog()).toEqual(["check r olds=no value=2", "create r", "delete r"]);
    expect(opsOf(result)).toEqual(["create-replacement r", "replace r", "delete-replaced r"]);
    expect(result.steps.find((s) => s.op === "replace")?.keys).toEqual(["id"]);
  });

  it("refresh drops a resource whose Read finds nothing; the next up creates it again", async () => {
    const stack = await specStack();
    // `here` depends on `gone`: a fixed registration order, so a fixed order of reads.
    expectOk(await stack.up(runWith(things("gone", { name: "here", kind: "thing", props: { value: "here" }, opts: { dependsOn: ["gone"] } }))));
    calls();
    const refreshed = expectOk(await stack.refresh({ env: { FLOW_GONE: "gone" } }));
    // step.go, RefreshStep.Apply (3.260): a resource Read finds is then diffed (read state as olds, state inputs as news).
    expect(takeLog()).toEqual(["read gone", "read here", "diff here"]);
    expect(refreshed.output).toContain(" -  pulumi-nodejs:dynamic/flow:Thing gone deleted");
    expect(stack.resources().some((r) => r.urn.endsWith("::gone"))).toBe(false);
    const up = expectOk(await stack.up());
    expect(calls()).toEqual(["create gone"]);
    expect(opsOf(up)).toEqual(["create gone"]);
    const upRefresh = expectOk(await stack.up({ refresh: true, env: { FLOW_GONE: "here" } }));
    expect(calls()).toEqual(["read gone", "read here", "create here"]);
    expect(upRefresh.trace).toContain("decided to create here");
    expect(opsOf(upRefresh)).toEqual(["refresh gone", "refresh here", "create here"]);
  });
});

describe("resource options", () => {
  it("protect refuses the delete; retainOnDelete skips the provider's Delete; destroy deletes the rest in reverse order", async () => {
    const stack = await specStack();
    // A dependency chain fixes the order of registrations, so of deletes.
    const spec = things(
      { name: "guarded", kind: "thing", props: {}, opts: { protect: true } },
      { name: "kept", kind: "thing", props: {}, opts: { retainOnDelete: true, dependsOn: ["guarded"] } },
      { name: "plain", kind: "thing", props: {}, opts: { dependsOn: ["kept"] } },
      { name: "inner", kind: "thing", props: {}, opts: { deletedWith: "plain", dependsOn: ["plain"] } },
    );
    expectOk(await stack.up(runWith(spec)));
    calls();
    const refused = await stack.up(runWith(things({ name: "plain", kind: "thing", props: {} }, spec.resources[3])));
    expect(refused.ok).toBe(false);
    expect(refused.output).toContain("pulumi-nodejs:dynamic/flow:Thing guarded **deleting failed**");
    // step.go, DeleteStep.Apply: deleteProtectedError (3.260).
    expect(refused.error).toContain("cannot be deleted\nbecause it is protected");
    calls();
    spec.resources[0].opts = {};
    expectOk(await stack.up(runWith(spec)));
    // The refused run had deleted `kept` from the state (retainOnDelete: nothing in the cloud) before it stopped.
    expect(calls()).toEqual(["create kept"]);
    const destroyed = expectOk(await stack.destroy());
    // `inner` is deletedWith `plain`: its provider Delete is skipped (step.go, DeleteStep.Apply: isDeletedWith).
    expect(calls()).toEqual(["delete plain", "delete guarded"]);
    expect(destroyed.output).toContain(" -  pulumi-nodejs:dynamic/flow:Thing inner deleted");
    expect(destroyed.output).toContain(" -  pulumi-nodejs:dynamic/flow:Thing kept deleted [retain]");
    expect(stack.resources()).toEqual([]);
  });

  it("ignoreChanges keeps the old value; replaceOnChanges is inert on a dynamic resource (its provider names no changed keys)", async () => {
    const stack = await specStack();
    const spec = things({ name: "i", kind: "thing", props: { value: 1 }, opts: { ignoreChanges: ["value"] } }, { name: "r", kind: "thing", props: { value: 1 }, opts: { replaceOnChanges: ["value"] } });
    expectOk(await stack.up(runWith(spec)));
    calls();
    spec.resources[0].props = { value: 2 };
    spec.resources[1].props = { value: 2 };
    const result = expectOk(await stack.up(runWith(spec)));
    // step_generator.go, applyReplaceOnChanges matches DiffResult.ChangedKeys; the Node dynamic host answers Diff
    // without `diffs`, so nothing matches and the change stays an update (3.260).
    expect(calls()).toEqual(["update r"]);
    expect(opsOf(result)).toEqual(["update r"]);
    expect(stack.resources().find((r) => r.urn.endsWith("::i"))?.inputs.value).toBe(1);
  });

  it("a changed replacementTrigger replaces; replaceWith replaces along with the named resource", async () => {
    const stack = await specStack();
    const spec = (trigger: string, key: string) =>
      runWith(things({ name: "t", kind: "thing", props: {}, opts: { replacementTrigger: trigger } }, { name: "k", kind: "thing", props: { key } }, { name: "w", kind: "thing", props: {}, opts: { replaceWith: ["k"] } }));
    expectOk(await stack.up(spec("v1", "a")));
    calls();
    const triggered = expectOk(await stack.up(spec("v2", "a")));
    expect(opsOf(triggered)).toEqual(["create-replacement t", "replace t", "delete-replaced t"]);
    expect(triggered.output).toContain(" +- pulumi-nodejs:dynamic/flow:Thing t replaced [diff: ~replacementTrigger]");
    calls();
    const cascaded = expectOk(await stack.up(spec("v2", "b")));
    expect(opsOf(cascaded).filter((o) => o.startsWith("replace "))).toEqual(["replace k", "replace w"]);
    expect(calls().filter((c) => c.startsWith("delete"))).toEqual(["delete w", "delete k"]);
  });

  it("a stack transform applies through the SDK's callbacks; a child's URN carries its parent's type; secrets stay out of the state", async () => {
    const stack = await specStack();
    const result = expectOk(await stack.up(runWith({ ...things({ name: "g", kind: "component" }, { name: "t", kind: "thing", props: { value: "v", password: "hunter2" }, secrets: ["password"], opts: { parent: "g" } }), transform: true })));
    const thing = stack.resources().find((r) => r.urn.endsWith("::t"))!;
    expect(thing.urn).toBe("urn:pulumi:test::flow::flow:index:Group$pulumi-nodejs:dynamic/flow:Thing::t");
    expect(thing.parent).toBe("urn:pulumi:test::flow::flow:index:Group::g");
    expect(thing.inputs.tagged).toBe(true);
    // The provider got the value; the state and the output show it only as a secret.
    expect(thing.inputs.password).toBe("[secret]");
    expect(thing.outputs.password).toBe("[secret]");
    expect(stack.export()).not.toContain("hunter2");
    expect(result.output).not.toContain("hunter2");
  });
});

describe("resource hooks", () => {
  it("before/after create, update and delete hooks run at their step; onDryRun ones in preview", async () => {
    const stack = await specStack();
    const hooked = (value: number): ProgramSpec => ({
      hooks: { log: "log", "log-dry": "log" },
      resources: [{ name: "h", kind: "thing", props: { value }, opts: { hooks: { beforeCreate: ["log", "log-dry"], afterCreate: ["log"], beforeUpdate: ["log"], afterUpdate: ["log"], beforeDelete: ["log"], afterDelete: ["log"] } } }],
    });
    expectOk(await stack.preview(runWith(hooked(1))));
    expect(calls()).toEqual(["hook log-dry h"]);
    expectOk(await stack.up(runWith(hooked(1))));
    expect(calls()).toEqual(["hook log h", "hook log-dry h", "create h", "hook log h"]);
    expectOk(await stack.up(runWith(hooked(2))));
    expect(calls()).toEqual(["hook log h", "update h", "hook log h"]);
    const refused = await stack.destroy();
    expect(refused.ok).toBe(false);
    expect(refused.error).toBe("You must run with the `--run-program` flag to use delete hooks during destroy.");
    expectOk(await stack.destroy({ ...runWith(hooked(2)), runProgram: true }));
    expect(calls()).toEqual(["hook log h", "delete h", "hook log h"]);
  });

  it("a failing before-hook fails the step; an onError hook asking to retry retries the create", async () => {
    const stack = await specStack();
    const failing = await stack.up(runWith({ hooks: { no: "fail" }, resources: [{ name: "f", kind: "thing", props: {}, opts: { hooks: { beforeCreate: ["no"] } } }] }));
    expect(failing.ok).toBe(false);
    expect(failing.error).toBe('before hook "no" failed: hook no refused f');
    expect(calls()).toEqual(["hook no f"]);
    const retried = expectOk(await stack.up(runWith({ hooks: { again: "retry" }, resources: [{ name: "e", kind: "thing", props: { failCreates: 2 }, opts: { hooks: { onError: ["again"] } } }] })));
    expect(calls()).toEqual(["create e", "hook again create e errors=1", "create e", "hook again create e errors=2", "create e"]);
    expect(retried.output).toContain("warning: retrying create due to on-error hook request (2/100)");
  });
});

describe("pulumi/pulumi 3.260 rules the package meets", () => {
  it("resuming an interrupted delete-before-replace whose new diff asks no delete-first: create first, then Delete the old id at the end", async () => {
    const stack = await specStack();
    const dbr = { deleteBeforeReplace: true };
    expectOk(await stack.up(runWith(things({ name: "x", kind: "thing", props: { key: 1 }, opts: dbr }))));
    calls();
    const failed = await stack.up(runWith(things({ name: "x", kind: "thing", props: { key: 2, failCreates: 1 }, opts: dbr })));
    expect(failed.ok).toBe(false);
    expect(calls()).toEqual(["delete x", "create x"]);
    expect(stack.resources().find((r) => r.urn.endsWith("::x"))?.pendingReplacement).toBe(true);
    // The program goes back to key 1 without the option: Diff finds nothing, but the state is pending replacement.
    const resumed = expectOk(await stack.up(runWith(things({ name: "x", kind: "thing", props: { key: 1 } }))));
    // continueStepsFromDiff `|| old.PendingReplacement` → create-before-delete; CreateStep.Apply marks the old
    // state Delete; GenerateDeletes → DeleteStep.Apply sends Delete with the OLD id again (no PendingReplacement case at 3.260).
    expect(calls()).toEqual(["create x", "delete x"]);
    expect(opsOf(resumed)).toEqual(["create-replacement x", "replace x", "delete-replaced x"]);
    expect(resumed.steps.find((s) => s.op === "delete-replaced")?.providerCalled).toBe(true);
    expect(resumed.trace.join("\n")).toMatch(/decided to replace x create-first: it is pending replacement/);
    expect(stack.resources().filter((r) => r.urn.endsWith("::x")).map((r) => [r.pendingDelete, r.pendingReplacement])).toEqual([[false, false]]);
  });

  it("a state pending replacement that the program no longer declares leaves the state with no provider call", async () => {
    const stack = await specStack();
    expectOk(await stack.up(runWith(things({ name: "x", kind: "thing", props: { key: 1, dbr: true } }, "keep"))));
    calls();
    expect((await stack.up(runWith(things({ name: "x", kind: "thing", props: { key: 2, dbr: true, failCreates: 1 } }, "keep")))).ok).toBe(false);
    calls();
    const dropped = expectOk(await stack.up(runWith(things("keep"))));
    // step_generator.go, GenerateDeletes → RemovePendingReplaceStep (3.260).
    expect(calls()).toEqual([]);
    expect(dropped.steps.find((s) => s.name === "x")).toMatchObject({ op: "delete", providerCalled: false, removedPendingReplacement: true });
    expect(stack.resources().some((r) => r.urn.endsWith("::x"))).toBe(false);
  });

  it("dependents of a delete-before-replace: deletedWith and replaceWith cascade, are deleted first, and come back checked without olds and not diffed", async () => {
    const stack = await specStack();
    const spec = (key: number) =>
      runWith(things(
        { name: "base", kind: "thing", props: { key, dbr: true } },
        { name: "inner", kind: "thing", props: { value: "inner" }, opts: { deletedWith: "base", dependsOn: ["base"] } },
        { name: "twin", kind: "thing", props: { value: "twin" }, opts: { replaceWith: ["base"], dependsOn: ["base"] } },
      ));
    expectOk(await stack.up(spec(1)));
    takeLog();
    const result = expectOk(await stack.up(spec(2)));
    const log = takeLog();
    // calculateDependentReplacements (deletedWith in the replace set) + findDependentCascadeReplacements (replaceWith);
    // `inner`'s Delete is skipped: base is deleted in the same run (isDeletedWith).
    const deletes = log.filter((l) => l.startsWith("delete "));
    expect([...deletes].sort()).toEqual(["delete base", "delete twin"]);
    expect(log.indexOf("delete twin")).toBeLessThan(log.indexOf("delete base"));
    // Re-created dependents (Case 1, recreating): Check with no olds, no Diff, replace + create-replacement.
    for (const name of ["inner", "twin"]) {
      expect(log).toContain(`check ${name} olds=no value="${name}"`);
      expect(log).not.toContain(`diff ${name}`);
      expect(log.indexOf(`check ${name} olds=no value="${name}"`)).toBeGreaterThan(log.indexOf("delete base"));
      expect(opsOf(result).filter((o) => o.endsWith(` ${name}`))).toEqual([`delete-replaced ${name}`, `replace ${name}`, `create-replacement ${name}`]);
    }
    expect(result.trace.join("\n")).toMatch(/decided to delete inner before base is replaced delete-first/);
  });

  it("a protected dependent of a delete-before-replace fails the update before anything is deleted", async () => {
    const stack = await specStack();
    const spec = (key: number) => runWith(things({ name: "base", kind: "thing", props: { key, dbr: true } }, { name: "user", kind: "thing", props: {}, from: { key: "base" }, opts: { protect: true } }));
    expectOk(await stack.up(spec(1)));
    calls();
    const refused = await stack.up(spec(2));
    expect(refused.ok).toBe(false);
    expect(refused.error).toContain(`unable to replace resource "${stack.urnOf("user")}" as part of replacing "${stack.urnOf("base")}"`);
    expect(calls()).toEqual([]);
  });

  it("delete hooks come from the old state; a failing after-hook is reported and the update goes on, failing at the end", async () => {
    const stack = await specStack();
    const hooks = { log: "log" as const, no: "fail" as const };
    expectOk(await stack.up(runWith({ hooks, resources: [{ name: "h", kind: "thing", props: { key: 1 }, opts: { hooks: { beforeDelete: ["log"] } } }] })));
    calls();
    // A create-first replacement of `h` registered with no hooks: the old state's delete runs the old state's hook.
    expectOk(await stack.up(runWith({ hooks, resources: [{ name: "h", kind: "thing", props: { key: 2 } }] })));
    expect(calls()).toEqual(["create h", "hook log h", "delete h"]);
    const result = await stack.up(runWith({ hooks, resources: [{ name: "a", kind: "thing", props: {}, opts: { hooks: { afterCreate: ["no"] } } }, { name: "b", kind: "thing", props: {}, opts: { dependsOn: ["a"] } }] }));
    // step.go, CreateStep.Apply: RecordPostStepError; deployment_executor.go: the run fails at the end (3.260).
    expect(calls()).toEqual(["create a", "hook no a", "create b", "delete h"]);
    expect(result.ok).toBe(false);
    expect(result.error).toBe('after hook "no" failed: hook no refused a');
    expect(stack.resources().filter((r) => r.type === THING).map((r) => r.urn.split("::").pop()).sort()).toEqual(["a", "b"]);
  });

  it("--target: untargeted resources are neither checked nor changed, new ones not created, dropped ones not deleted; --exclude leaves the named ones", async () => {
    const stack = await specStack();
    expectOk(await stack.up(runWith(things("a", "b", "gone"))));
    takeLog();
    const next = runWith(things({ name: "a", kind: "thing", props: { value: "a2" } }, { name: "b", kind: "thing", props: { value: "b2" } }, "c"));
    const targeted = expectOk(await stack.up({ ...next, target: ["a"] }));
    expect(takeLog()).toEqual(['check a olds=yes value="a2"', "diff a", "update a"]);
    expect(opsOf(targeted)).toEqual(["update a"]);
    expect(stack.resources().filter((r) => r.type === THING).map((r) => r.urn.split("::").pop()).sort()).toEqual(["a", "b", "gone"]);
    const excluded = expectOk(await stack.up({ ...next, exclude: ["b"] }));
    expect(opsOf(excluded)).toEqual(["create c", "delete gone"]);
    expect(takeLog().some((l) => l.startsWith("check b"))).toBe(false);
  });

  it("a seed picks among legal orders: chains overlap and independent deletes run together, dependency order still holds", async () => {
    const stack = await FlowStack.create({ project: "flow", stack: "test", programDir: ROOT, program: SPEC_PROGRAM, env: { ...ctx.emulator.environment, FLOW_CALL_LOG: callLog }, order: { seed: 7 } });
    stacks.push(stack);
    const chain = things("a", { name: "b", kind: "thing", props: {}, opts: { dependsOn: ["a"] } }, { name: "c", kind: "thing", props: {}, opts: { dependsOn: ["b"] } }, "x", "y", "z");
    expectOk(await stack.up(runWith(chain)));
    const created = calls();
    expect(created.indexOf("create a")).toBeLessThan(created.indexOf("create b"));
    expect(created.indexOf("create b")).toBeLessThan(created.indexOf("create c"));
    expectOk(await stack.destroy({ order: { seed: 11 } }));
    const deletes = calls();
    expect([...deletes].sort()).toEqual(["delete a", "delete b", "delete c", "delete x", "delete y", "delete z"]);
    expect(deletes.indexOf("delete c")).toBeLessThan(deletes.indexOf("delete b"));
    expect(deletes.indexOf("delete b")).toBeLessThan(deletes.indexOf("delete a"));
    expect(stack.resources()).toEqual([]);
  });
});

describe("azure-native accounts and the package, through the stand-in and the emulator", () => {
  const accountSpec = (location = LOCATION, opts: ResourceSpec["opts"] = {}): ResourceSpec => ({
    name: "acct",
    kind: "account",
    props: { accountName: "flow-acct", resourceGroupName: GROUP, location, kind: "OpenAI", sku: { name: "S0" }, properties: { customSubDomainName: "flow-acct" } },
    opts,
  });
  const armCalls = async () =>
    (await ctx.emulator.control.requests())
      .filter((q) => q.kind === "arm" && q.method !== "GET")
      .map((q) => `${q.method} ${q.path.replace(/^.*\/(accounts|deletedaccounts)\//i, "$1/")} ${q.status}`);

  it("create refuses to create over a live account (crud.go, CanCreate)", async () => {
    await seedWorld(ctx.emulator, { live: ["flow-acct"] });
    const stack = await specStack();
    const refused = await stack.up(runWith({ resources: [accountSpec()] }));
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/^cannot create already existing resource '\/subscriptions\/.*\/accounts\/flow-acct'$/);
    expect(await armCalls()).toEqual([]);
  });

  it("a location change replaces the account delete-first, and the create then meets the soft-deleted account", async () => {
    await seedWorld(ctx.emulator);
    const stack = await specStack();
    expectOk(await stack.up(runWith({ resources: [accountSpec()] })));
    await ctx.emulator.control.clearRequests();
    const moved = await stack.up(runWith({ resources: [accountSpec("westus")] }));
    // azure-native's Diff asks for delete-before-replace on any replacement (provider.go, Diff); Azure keeps the
    // deleted account for 48 hours, so the PUT of its name fails: the "replaced account" row, faithfully.
    expect(opsOf(moved)).toEqual(["delete-replaced acct", "replace acct", "create-replacement acct"]);
    expect(moved.ok).toBe(false);
    expect(moved.error).toContain('Code="FlagMustBeSetForRestore"');
    expect(moved.output).toContain(" ++ azure-native:cognitiveservices:Account acct **creating replacement failed** [diff: ~location]");
    expect(await armCalls()).toEqual(["DELETE accounts/flow-acct 200", "PUT accounts/flow-acct 409"]);
    expect(accountWrites(await ctx.emulator.control.requests())).toEqual([
      { action: "delete", name: "flow-acct", status: 200 },
      { action: "create", name: "flow-acct", status: 409 },
    ]);
    expect(stack.resources().find((r) => r.type === "azure-native:cognitiveservices:Account")?.pendingReplacement).toBe(true);
  });

  it("hooks bound to an account run around the stand-in's Create; an onError hook sees ARM's error and retries it", async () => {
    await seedWorld(ctx.emulator, { deleted: ["flow-acct"] });
    const stack = await specStack();
    const result = await stack.up(runWith({ hooks: { log: "log", again: "retry" }, resources: [accountSpec(LOCATION, { hooks: { beforeCreate: ["log"], onError: ["again"] } })] }));
    expect(result.ok).toBe(false);
    // The spec's retry hook gives up after 3 errors: 3 PUTs, each refused because the name is soft-deleted.
    expect(calls()).toEqual(["hook log acct", "hook again create acct errors=1", "hook again create acct errors=2", "hook again create acct errors=3"]);
    expect((await armCalls()).filter((c) => c.startsWith("PUT"))).toEqual(Array(3).fill("PUT accounts/flow-acct 409"));
    expect(result.error).toContain('Code="FlagMustBeSetForRestore"');
    expect(result.output).toContain("warning: retrying create due to on-error hook request (2/100)");
  });

  it("an explicit provider resource configures the account's plugin; its reference is in the state", async () => {
    await seedWorld(ctx.emulator);
    const stack = await specStack();
    const provider: ResourceSpec = { name: "prov", kind: "azure-provider", props: { subscriptionId: ctx.emulator.subscriptionId } };
    const result = expectOk(await stack.up(runWith({ resources: [provider, accountSpec(LOCATION, { provider: "prov" })] })));
    expect(result.output).toContain(" +  pulumi:providers:azure-native prov created");
    const account = stack.resources().find((r) => r.type === "azure-native:cognitiveservices:Account")!;
    expect(account.provider).toMatch(/^urn:pulumi:test::flow::pulumi:providers:azure-native::prov::[0-9a-f-]{36}$/);
    expect(stack.resources().some((r) => r.urn.includes("::default"))).toBe(false);
  });

  it("azure-native 3.x: Check adds azureApiVersion, Diff ignores resourceGroupName case, Read folds drift into the inputs", async () => {
    await seedWorld(ctx.emulator);
    const stack = await specStack();
    expectOk(await stack.up(runWith({ resources: [accountSpec()] })));
    const account = () => stack.resources().find((r) => r.type === "azure-native:cognitiveservices:Account")!;
    // provider.go, applyDefaults: azureApiVersion defaults to the resource's API version.
    expect(account().inputs.azureApiVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
    const upper = accountSpec();
    upper.props = { ...upper.props, resourceGroupName: GROUP.toUpperCase() };
    // diff.go, applyAzureSpecificDiff: "resourceGroupName" is case-insensitive — no replacement.
    expect(opsOf(expectOk(await stack.up(runWith({ resources: [upper] }))))).toEqual([]);
    // Someone tags the account in the portal; refresh reads it and the tags become inputs (provider.go, Read: applyDiff).
    const env = ctx.emulator.environment;
    const arm = new CognitiveServicesManagementClient(new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true }), ctx.emulator.subscriptionId, { endpoint: env.AZURE_RESOURCE_MANAGER_ENDPOINT, $host: env.AZURE_RESOURCE_MANAGER_ENDPOINT, credentialScopes: ["https://management.azure.com/.default"] });
    await arm.accounts.beginCreateAndWait(GROUP, "flow-acct", { location: LOCATION, kind: "OpenAI", sku: { name: "S0" }, tags: { owner: "portal" }, properties: { customSubDomainName: "flow-acct" } }, { updateIntervalInMs: 50 });
    const refreshed = expectOk(await stack.refresh());
    expect(account().inputs.tags).toEqual({ owner: "portal" });
    expect(refreshed.steps.find((s) => s.op === "refresh")?.keys).toEqual(["tags"]);
    // The program declares no tags: the next up puts them back as the program says.
    const back = expectOk(await stack.up(runWith({ resources: [upper] })));
    expect(back.steps.find((s) => s.name === "acct")).toMatchObject({ op: "update", keys: ["tags"] });
  });

  it("an async create that fails after ARM took the PUT leaves a partial state; the next up updates it", async () => {
    await seedWorld(ctx.emulator);
    await ctx.emulator.control.addOperationFault({ kind: "create", outcome: "Failed", times: 1 });
    const stack = await specStack();
    const failed = await stack.up(runWith({ resources: [accountSpec()] }));
    expect(failed.ok).toBe(false);
    // crud.go, HandleErrorWithCheckpoint → step.go, CreateStep.Apply: StatusPartialFailure keeps the id and state.
    const partial = stack.resources().find((r) => r.type === "azure-native:cognitiveservices:Account")!;
    expect(partial.id).toMatch(/\/accounts\/flow-acct$/);
    expect(partial.initErrors?.length).toBe(1);
    await ctx.emulator.control.clearRequests();
    const next = await stack.up(runWith({ resources: [accountSpec()] }));
    // continueStepsFromDiff: no diff, but initErrors → an Update (a PUT over the half-made account), not a Create.
    expect(next.steps.find((s) => s.name === "acct")?.op).toBe("update");
    expect((await armCalls()).filter((c) => c.startsWith("PUT"))).toEqual(["PUT accounts/flow-acct 200"]);
  });

  it("up --replace of an account with no diff creates first (no delete-before-replace asked) and fails 'already exists'", async () => {
    await seedWorld(ctx.emulator);
    const stack = await specStack();
    expectOk(await stack.up(runWith({ resources: [accountSpec()] })));
    await ctx.emulator.control.clearRequests();
    const forced = await stack.up({ replace: ["acct"] });
    expect(opsOf(forced)).toEqual(["create-replacement acct"]);
    expect(forced.ok).toBe(false);
    expect(forced.error).toMatch(/^cannot create already existing resource/);
    expect(await armCalls()).toEqual([]);
    const withOption = await stack.up({ ...runWith({ resources: [accountSpec(LOCATION, { deleteBeforeReplace: true })] }), replace: ["acct"] });
    expect(opsOf(withOption)).toEqual(["delete-replaced acct", "replace acct", "create-replacement acct"]);
  });
});
