import { join } from "node:path";
import { accountWrites } from "../harness/engine/armLog";
import { installBuiltPackage } from "../harness/installPackage";
import { projectName, readExampleWorld, seedExampleWorld, stackConfigOf } from "../scripts/exampleWorld";
import { runStack } from "../scripts/runStack";
import { useEmulator } from "./harness/emulator";

/**
 * Both forms of the soft-delete handling, as their examples are written, run
 * through the flow harness (the examples' own TypeScript, the package
 * installed as from the registry): `ReclaimableAccount`, and the one-line
 * `reclaimSoftDeletedAccounts()` over plain azure-native accounts. Each plays
 * preview, up, an up that must change nothing, refresh and destroy against
 * the emulator seeded from the example's `emulator.json`.
 */
const ctx = useEmulator();
jest.setTimeout(240_000);
const ROOT = join(__dirname, "..");

async function runExample(name: string): Promise<{ restores: string[]; purges: string[]; output: string }> {
  const folder = join(ROOT, "examples", name);
  installBuiltPackage(ROOT, folder);
  const example = readExampleWorld(folder);
  await seedExampleWorld(ctx.emulator, example);
  const project = projectName(folder);
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  try {
    await runStack({ folder, project, stack: "dev", config: stackConfigOf(example, project), emulator: ctx.emulator });
  } finally {
    log.mockRestore();
  }
  const done = accountWrites(await ctx.emulator.control.requests()).filter((w) => w.status < 400);
  return {
    restores: done.filter((w) => w.action === "restore").map((w) => w.name),
    purges: done.filter((w) => w.action === "purge").map((w) => w.name),
    output: lines.join("\n"),
  };
}

/**
 * Every step the runner printed lists as many resources as its summary counts as changed (created,
 * updated, replaced, deleted); unchanged ones are counted, not listed, as in the CLI.
 */
function expectSummariesMatchLists(output: string): void {
  const sections = output.split(/\n== /).slice(1);
  expect(sections.map((s) => s.split("\n")[0])).toEqual(["pulumi preview", "pulumi up", "pulumi up (again: must converge)", "pulumi refresh", "pulumi destroy"]);
  for (const section of sections) {
    const listed = section.split("\n").filter((l) => /^ (\+|~|-|\+-) {1,2}\S+ \S+/.test(l)).length;
    const summary = section.slice(section.lastIndexOf("Resources:"));
    const counted = [...summary.matchAll(/^ {4}(?:\+|~|-|\+-) ?(\d+) /gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect({ step: section.split("\n")[0], listed }).toEqual({ step: section.split("\n")[0], listed: counted });
  }
}

it("reclaimable-account: the component restores the soft-deleted account, and the stack converges", async () => {
  const { restores, purges, output } = await runExample("reclaimable-account");
  expect(restores).toEqual(["contoso-ai"]);
  expect(purges).toEqual([]);
  expect(output).toContain("ReclaimableAccount: up will restore soft-deleted account 'contoso-ai'");
  // The policy's outputs, through the component's (from tests/examples.test.ts's row for this example): restored.
  const up = output.split("\n== ")[2];
  expect(up).toContain('    restored: true');
  expect(up).toContain('    endpoint: "https://contoso-ai.cognitiveservices.azure.com/"');
  expectSummariesMatchLists(output);
  expect(output).toContain("-> converged: the second up changed nothing");
});

it("reclaim-all-accounts: one line recovers one plain account and purges the other, and the stack converges", async () => {
  const { restores, purges, output } = await runExample("reclaim-all-accounts");
  expect(restores).toEqual(["contoso-openai"]);
  // scratch: purged before its create, then purged again on destroy (purgeOnDestroy).
  expect(purges).toEqual(["contoso-scratch", "contoso-scratch"]);
  expect(output).toContain("up will purge soft-deleted account 'contoso-scratch'");
  expect(output).toContain("up will restore soft-deleted account 'contoso-openai'");
  expectSummariesMatchLists(output);
});
