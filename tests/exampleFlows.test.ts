import { readFileSync } from "node:fs";
import { join } from "node:path";
import { installBuiltPackage } from "../harness/installPackage";
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

interface EmulatorFile {
  config?: Record<string, string>;
  world?: { resourceGroups?: string[]; softDeleted?: { name: string; resourceGroupName: string }[] };
}

async function runExample(name: string): Promise<{ restores: string[]; purges: string[]; output: string }> {
  const folder = join(ROOT, "examples", name);
  installBuiltPackage(ROOT, folder);
  const settings = JSON.parse(readFileSync(join(folder, "emulator.json"), "utf8")) as EmulatorFile;
  const sub = ctx.emulator.subscriptionId;
  await ctx.emulator.control.seed({
    resourceGroups: (settings.world?.resourceGroups ?? []).map((g) => ({ subscriptionId: sub, name: g, location: "eastus" })),
    deletedAccounts: (settings.world?.softDeleted ?? []).map((d) => ({ subscriptionId: sub, resourceGroupName: d.resourceGroupName, name: d.name, location: "eastus", kind: "OpenAI", properties: { customSubDomainName: d.name } })),
  });
  const project = /^name:\s*(\S+)/m.exec(readFileSync(join(folder, "Pulumi.yaml"), "utf8"))![1];
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  try {
    await runStack({ folder, project, stack: "dev", config: Object.fromEntries(Object.entries(settings.config ?? {}).map(([k, v]) => [`${project}:${k}`, v])), emulator: ctx.emulator });
  } finally {
    log.mockRestore();
  }
  const arm = (await ctx.emulator.control.requests()).filter((r) => r.kind === "arm" && r.status < 400);
  const restoring = (r: { body?: unknown }) => (r.body as { properties?: { restore?: unknown } } | undefined)?.properties?.restore === true;
  return {
    restores: arm.filter((r) => r.method === "PUT" && restoring(r)).map((r) => r.path.split("/").pop()!),
    purges: arm.filter((r) => r.method === "DELETE" && r.path.includes("/deletedAccounts/")).map((r) => r.path.split("/").pop()!),
    output: lines.join("\n"),
  };
}

it("reclaimable-account: the component restores the soft-deleted account, and the stack converges", async () => {
  const { restores, purges, output } = await runExample("reclaimable-account");
  expect(restores).toEqual(["contoso-ai"]);
  expect(purges).toEqual([]);
  expect(output).toContain("ReclaimableAccount: up will restore soft-deleted account 'contoso-ai'");
});

it("reclaim-all-accounts: one line recovers one plain account and purges the other, and the stack converges", async () => {
  const { restores, purges, output } = await runExample("reclaim-all-accounts");
  expect(restores).toEqual(["contoso-openai"]);
  // scratch: purged before its create, then purged again on destroy (purgeOnDestroy).
  expect(purges).toEqual(["contoso-scratch", "contoso-scratch"]);
  expect(output).toContain("up will purge soft-deleted account 'contoso-scratch'");
  expect(output).toContain("up will restore soft-deleted account 'contoso-openai'");
});
