import { join } from "node:path";
import { FlowStack, type RunResult } from "../harness/engine";
import { accountWrites } from "../harness/engine/armLog";
import { installBuiltPackage } from "../harness/installPackage";
import { projectName, readExampleWorld, seedExampleWorld, stackConfigOf } from "../scripts/exampleWorld";
import { holdsInvariants } from "./harness/flows";
import { HOURS, seedDeleted } from "./harness/invariants";
import { PLAN_ROWS_SUBDOMAIN_AND_CLOCK, playPlanRows } from "./harness/planRows";

/**
 * Issue #15's flow-matrix rows, first half: the subdomain as a second name,
 * and "own predecessor" by identity rather than by the clock
 * (tests/harness/planRows.ts lists every class and its rows); then what users
 * see: the demo's own program and an example, previewed as the CLI prints them.
 */
const ctx = playPlanRows(PLAN_ROWS_SUBDOMAIN_AND_CLOCK, "plan-s");

const ROOT = join(__dirname, "..");
const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The `Outputs:` section of a run as the CLI prints it. */
const outputsSection = (run: RunResult) => /\nOutputs:\n([\s\S]*?)\n\nResources:/.exec(run.output)?.[1] ?? "";

/** What a user must never read in a preview: lines that contradict one another, placeholders and SDK internals. */
function readsCleanly(run: RunResult): void {
  expect(run.output).not.toMatch(/is not the account[^\n]*nothing purged/);
  expect(run.output).not.toContain("[object Object]");
  const outputs = outputsSection(run);
  for (const internal of ["@isPulumiResource", UNKNOWN_SENTINEL, "callback", "__"]) expect({ internal, outputs: outputs.includes(internal) ? outputs : "" }).toEqual({ internal, outputs: "" });
}

describe("users' view (class 7: what users see)", () => {
  jest.setTimeout(180_000);

  it("the demo's quickstart: preview names the purge with no contradicting line, up purges and creates, the next up is a no-op", async () => {
    const account = "reclaim-quickstart-ai";
    await seedDeleted(ctx.emulator, [{ name: account, group: "rg-reclaim-quickstart", deletedMsAgo: 3 * HOURS }]);
    const stack = await FlowStack.create({ project: "cognitive-reclaim-quickstart", stack: "demo", programDir: ROOT, program: "dist/quickstart/index.js", env: ctx.emulator.environment, config: { "azure-native:subscriptionId": ctx.emulator.subscriptionId } });
    try {
      const preview = await stack.preview();
      expect({ ok: preview.ok, output: preview.ok ? "" : preview.output }).toEqual({ ok: true, output: "" });
      expect(preview.output).toContain(`up will purge soft-deleted account '${account}'`);
      readsCleanly(preview);
      const seen = (await ctx.emulator.control.requests()).length;
      const up = await stack.up();
      expect(up.error).toBeUndefined();
      const done = accountWrites((await ctx.emulator.control.requests()).slice(seen)).filter((w) => w.status < 400);
      const names = (action: string) => done.filter((w) => w.action === action).map((w) => w.name);
      const events = { accountDeletes: names("delete"), purges: names("purge"), restores: names("restore"), puts: names("create"), restoreBodies: [] };
      holdsInvariants(up, events, preview);
      expect({ deletes: events.accountDeletes, purges: events.purges, restores: events.restores, puts: events.puts }).toEqual({ deletes: [], purges: [account], restores: [], puts: [account] });
      readsCleanly(up);
      const again = await stack.up();
      expect(again.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`)).toEqual([]);
    } finally {
      await stack.close();
    }
  });

  it("the purge-before-recreate example: its preview names the purge, and its stack outputs hold values, not resources' internals", async () => {
    const folder = join(ROOT, "examples", "purge-before-recreate");
    installBuiltPackage(ROOT, folder);
    const example = readExampleWorld(folder);
    await seedExampleWorld(ctx.emulator, example);
    const project = projectName(folder);
    const stack = await FlowStack.create({ project, stack: "dev", programDir: folder, program: ".", typescript: true, env: ctx.emulator.environment, config: { "azure-native:subscriptionId": ctx.emulator.subscriptionId, ...stackConfigOf(example, project) } });
    try {
      const preview = await stack.preview();
      expect({ ok: preview.ok, output: preview.ok ? "" : preview.output }).toEqual({ ok: true, output: "" });
      expect(preview.output).toMatch(/up will purge soft-deleted account 'contoso-ai'[^\n]*permanent/);
      readsCleanly(preview);
    } finally {
      await stack.close();
    }
  });
});
