import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Step } from "../../fuzz/model";

/**
 * CI's fuzz step fails only if `npm run fuzz` exits non-zero on a violation: the fuzzer's CLI, run on a
 * known-bad life (a live account deleted and purged by someone else inside a refresh, as if the stack had done
 * it: tests/fuzz.test.ts) through `--replay`, exits 1 with the violations counted in its last line; the same
 * life without the sabotage exits 0. No program runs (refreshes of an empty stack). Needs `npm run build`.
 */
jest.setTimeout(120_000);
const ROOT = resolve(__dirname, "..", "..");
const account = { slot: "a0", form: "recovered", resourceName: "a0-recovered", aliases: [], accountName: "fz-alpha", resourceGroupName: "rg-fuzz-a", location: "eastus", customSubDomainName: "fz-alpha", ifSoftDeleted: "recover", purgeOnDestroy: false, protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], tag: "v1" };
const BAD = [
  { edit: "add", decl: account },
  { event: "foreign", name: "fz-alpha", group: "rg-fuzz-a", subdomain: "fz-alpha", deleted: false },
  { command: "refresh" },
  { event: "sabotage", name: "fz-alpha" },
  { command: "refresh" },
] as Step[];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fuzz-exit-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The fuzzer names its program folder after JEST_WORKER_ID when set: the child must not share (and remove) a worker's. */
function withoutWorkerId(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.JEST_WORKER_ID;
  return env;
}

function fuzz(steps: Step[]): { status: number | null; last: string; stdout: string } {
  const file = join(dir, "life.json");
  writeFileSync(file, JSON.stringify({ steps }));
  const run = spawnSync(process.execPath, [join(ROOT, "dist", "fuzz", "index.js"), "--replay", file, "--no-shrink"], { cwd: ROOT, encoding: "utf8", env: withoutWorkerId() });
  const lines = run.stdout.trim().split("\n");
  return { status: run.status, last: lines[lines.length - 1], stdout: `${run.stdout}${run.stderr}` };
}

it("exits 1 on a violation and counts it in its last line; exits 0 on an innocent life", () => {
  const bad = fuzz(BAD);
  expect(bad.stdout).toContain("VIOLATION (a)");
  expect(bad.last).toMatch(/^fuzz: 1 lives, 2 commands, 2 violations \(seed \d+\)$/);
  expect(bad.status).toBe(1);
  const innocent = fuzz(BAD.filter((s) => !("event" in s && s.event === "sabotage")));
  expect(innocent.last).toMatch(/^fuzz: 1 lives, 2 commands, 0 violations/);
  expect(innocent.status).toBe(0);
});
