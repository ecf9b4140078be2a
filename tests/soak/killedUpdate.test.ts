import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FlowStack, type RunResult } from "../../harness/engine";
import type { ProgramSpec, ResourceSpec } from "../../harness/engine/testPrograms/programSpec";
import { useEmulator } from "../harness/emulator";

/**
 * The flow harness's model of an update killed midway (the CLI process dies): what the provider did stays done,
 * the state does not show it, the checkpoint holds it as a pending operation (pulumi/pulumi 3.260,
 * backend/snapshot.go, markOperationPending), the next update warns (deployment_executor.go,
 * printPendingOperationsWarning) and goes on, and pending creates stay in the checkpoint (backend/snapshot.go:
 * "we don't want to clear pending CREATE operations"). Runs in the CI fuzz step (`jest --config
 * jest.soak.config.js`), not in `npm test`. Needs `npm run build`.
 */
const ctx = useEmulator();
jest.setTimeout(180_000);
const ROOT = resolve(__dirname, "..", "..");

let dir: string;
let callLog: string;
let stack: FlowStack | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "flow-kill-"));
  callLog = join(dir, "calls.log");
  writeFileSync(callLog, "");
});
afterEach(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

const runWith = (...resources: (string | ResourceSpec)[]) => {
  const spec: ProgramSpec = { resources: resources.map((r) => (typeof r === "string" ? { name: r, kind: "thing" as const, props: { value: r } } : r)) };
  return { config: { "flow:spec": JSON.stringify(spec) } };
};

function calls(): string[] {
  const lines = readFileSync(callLog, "utf8").split("\n").filter((l) => l && !l.startsWith("check ") && !l.startsWith("diff "));
  writeFileSync(callLog, "");
  return lines;
}

const things = (result: RunResult | FlowStack) => ("resources" in result ? result.resources() : []).filter((r) => r.type.endsWith("flow:Thing")).map((r) => `${r.urn.split("::").pop()}=${String(r.inputs.value)}`);

it("an update killed as an operation returns: the cloud keeps it, the state does not, the next up warns and does it again", async () => {
  stack = await FlowStack.create({
    project: "flow",
    stack: "test",
    programDir: ROOT,
    program: "dist/harness/engine/testPrograms/spec.js",
    env: { ...ctx.emulator.environment, FLOW_CALL_LOG: callLog },
    config: { "azure-native:subscriptionId": ctx.emulator.subscriptionId },
  });
  // Killed as the second Create returns: a is recorded, b was made but is only a pending create, c never starts.
  const killed = await stack.up({ ...runWith("a", "b", "c"), killAfterOperations: 2 });
  expect(killed.ok).toBe(false);
  expect(killed.output).toContain("killed midway");
  expect(calls()).toEqual(["create a", "create b"]);
  expect(things(stack)).toEqual(["a=a"]);
  expect(stack.pendingOperations()).toEqual([{ urn: expect.stringMatching(/::b$/), type: "creating" }]);

  // The next up warns about it and creates b again (the provider is not asked whether it exists), then c.
  const next = await stack.up(runWith("a", "b", "c"));
  expect(next.ok).toBe(true);
  expect(next.output).toMatch(/warning: Attempting to deploy or update resources with 1 pending operations from previous deployment\.\n\s+\* urn:pulumi:test::flow::pulumi-nodejs:dynamic\/flow:Thing::b, interrupted while creating/);
  expect(calls()).toEqual(["create b", "create c"]);
  expect(things(stack).sort()).toEqual(["a=a", "b=b", "c=c"]);
  // Pending creates stay until an interactive refresh clears them.
  expect(stack.pendingOperations().map((op) => op.type)).toEqual(["creating"]);

  // Killed as an Update returns: the state keeps the old inputs, a pending update; the delete of c never runs.
  const killedUpdate = await stack.up({ ...runWith({ name: "a", kind: "thing", props: { value: "a2" } }, "b"), killAfterOperations: 1 });
  expect(killedUpdate.ok).toBe(false);
  expect(calls()).toEqual(["update a"]);
  expect(things(stack).sort()).toEqual(["a=a", "b=b", "c=c"]);
  expect(stack.pendingOperations().map((op) => op.type).sort()).toEqual(["creating", "updating"]);

  // The next up updates a again and deletes c; only the pending create is carried on.
  const after = await stack.up(runWith({ name: "a", kind: "thing", props: { value: "a2" } }, "b"));
  expect(after.ok).toBe(true);
  expect(after.output).toContain("with 2 pending operations");
  expect(calls()).toEqual(["update a", "delete c"]);
  expect(things(stack).sort()).toEqual(["a=a2", "b=b"]);
  expect(stack.pendingOperations().map((op) => op.type)).toEqual(["creating"]);
});
