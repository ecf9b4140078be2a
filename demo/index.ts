import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { startEmulator, type RunningEmulator } from "../emulator/server";
import { runProgram } from "../harness/program";
import { ProviderHost } from "../harness/providerHost";
import { EngineResource, urnOf } from "../harness/stack";
import { quickstart } from "../quickstart/program";
import { AzureNativeStandIn } from "../harness/azureNativeStandIn";

/**
 * `npm run demo`: the quickstart stack against the emulator, seeded with a
 * soft-deleted account that holds the quickstart's name. With the `pulumi`
 * CLI on PATH it runs a real preview, up and destroy; without it (as on our
 * machines) it runs the program's dynamic resources through Pulumi's own
 * provider host and stands in for azure-native with the Azure SDK.
 */

const ACCOUNT = "reclaim-quickstart-ai";
const GROUP = "rg-reclaim-quickstart";
const LOCATION = "eastus";
const GUARD_TYPE = "pulumi-nodejs:dynamic/cognitive-reclaim:PurgedDeletedAccount";
const ROOT = resolve(__dirname, "..", "..");

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (line = "") => console.log(line);
const step = (title: string) => say(`\n== ${title}  [${elapsed()}]`);

function pulumiOnPath(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "pulumi");
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function seed(emulator: RunningEmulator): Promise<void> {
  // The state a destroy leaves behind: the group is gone, the account is soft-deleted and holds the name.
  await emulator.control.seed({
    deletedAccounts: [{ subscriptionId: emulator.subscriptionId, resourceGroupName: GROUP, name: ACCOUNT, location: LOCATION, kind: "OpenAI", properties: { customSubDomainName: ACCOUNT }, deletedMsAgo: 3 * 3600 * 1000 }],
  });
  await emulator.control.settings({ purgeDurationMs: 1500, createDurationMs: 800 });
  say(`Seeded: account '${ACCOUNT}' (group '${GROUP}', ${LOCATION}) soft-deleted 3 hours ago, holding its name and subdomain.`);
}

async function withoutCli(emulator: RunningEmulator): Promise<void> {
  say("Path: Pulumi's provider host (no `pulumi` CLI on PATH); azure-native stands in as the Azure SDK.");
  const registered = await runProgram(() => quickstart(), {
    project: "cognitive-reclaim-quickstart",
    stack: "demo",
    allowedTypes: [GUARD_TYPE, "azure-native:resources:ResourceGroup", "azure-native:cognitiveservices:Account"],
  });
  const guardRegistration = registered.find((r) => r.type === GUARD_TYPE)!;
  const accountInputs = registered.find((r) => r.type === "azure-native:cognitiveservices:Account")!.inputs as { accountName: string; kind: string; sku: { name: string }; properties: { customSubDomainName: string } };

  const host = await ProviderHost.start({ cwd: ROOT, env: { ...process.env, ...emulator.environment } });
  try {
    await host.configure({ "azure-native:subscriptionId": emulator.subscriptionId });
    const guard = new EngineResource(host, urnOf(GUARD_TYPE, "name-guard", "demo", "cognitive-reclaim-quickstart"), guardRegistration.inputs);
    const azure = new AzureNativeStandIn(emulator);

    step("pulumi preview");
    const mark = host.output.length;
    const preview = await guard.preview();
    if (preview.failures.length) throw new Error(`preview failed: ${JSON.stringify(preview.failures)}`);
    const guardLine = host.output.slice(mark).split("\n").find((l) => l.includes("PurgedDeletedAccount:"))?.replace(/^.*PurgedDeletedAccount: /, "") ?? "(no preview line)";
    say(`  + azure-native:resources:ResourceGroup   group        create   resource group '${GROUP}' (${LOCATION})`);
    say(`  + cognitive-reclaim:PurgedDeletedAccount name-guard   create   ${guardLine}`);
    say(`  + azure-native:cognitiveservices:Account account      create   account '${ACCOUNT}' (OpenAI, S0), after name-guard`);

    step("what azure-native would hit without the guard");
    await azure.createResourceGroup(GROUP, LOCATION);
    const blocked = await azure.createAccount({ resourceGroupName: GROUP, accountName: ACCOUNT, location: LOCATION, kind: accountInputs.kind, skuName: accountInputs.sku.name, customSubDomainName: accountInputs.properties.customSubDomainName });
    if (!blocked.error?.includes("FlagMustBeSetForRestore")) throw new Error(`expected FlagMustBeSetForRestore, got ${JSON.stringify(blocked)}`);
    say(`  account create fails: ${blocked.error}`);

    step("pulumi up");
    say(`  group       created  [${elapsed()}]`);
    const t = Date.now();
    await guard.up();
    say(`  name-guard  created  purged=${guard.outputs.purged} (deleted ${guard.outputs.deletionDate}) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const created = await azure.createAccount({ resourceGroupName: GROUP, accountName: ACCOUNT, location: LOCATION, kind: accountInputs.kind, skuName: accountInputs.sku.name, customSubDomainName: accountInputs.properties.customSubDomainName });
    if (!created.endpoint) throw new Error(`account create after the guard failed: ${created.error}`);
    say(`  account     created  endpoint ${created.endpoint}  [${elapsed()}]`);

    step("pulumi destroy");
    await azure.deleteAccount(GROUP, ACCOUNT);
    say("  account     deleted  (Azure keeps it soft-deleted for 48 hours)");
    await guard.destroy();
    say("  name-guard  deleted  purgeOnDestroy: the soft-deleted account was purged, the name is free");
    const { state } = await emulator.control.state();
    if (Object.keys(state.deletedAccounts).length || Object.keys(state.accounts).length) throw new Error("accounts remain after destroy");
    say(`\nProvider output (what the Pulumi CLI shows as diagnostics):\n${host.output.trim().split("\n").map((l) => `  ${l}`).join("\n")}`);
  } finally {
    await host.stop();
  }
}

function withCli(cli: string, emulator: RunningEmulator): void {
  say(`Path: the real pulumi CLI (${cli}) on a local file backend, pointed at the emulator.`);
  const backend = mkdtempSync(join(tmpdir(), "reclaim-demo-backend-"));
  const env = { ...process.env, ...emulator.environment, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "demo", PULUMI_SKIP_UPDATE_CHECK: "1" };
  const run = (args: string[]) => {
    step(`pulumi ${args.join(" ")}`);
    const result = spawnSync(cli, args, { cwd: ROOT, env, stdio: "inherit" });
    if (result.status !== 0) throw new Error(`pulumi ${args[0]} exited with ${result.status}`);
  };
  try {
    run(["stack", "init", "demo", "--non-interactive"]);
    run(["config", "set", "azure-native:subscriptionId", emulator.subscriptionId]);
    run(["preview", "--non-interactive"]);
    run(["up", "--yes", "--non-interactive"]);
    run(["destroy", "--yes", "--non-interactive"]);
  } finally {
    rmSync(backend, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const emulator = await startEmulator();
  say(`Azure Resource Manager emulator at ${emulator.url}`);
  try {
    await seed(emulator);
    const cli = process.env.RECLAIM_DEMO_NO_CLI ? undefined : pulumiOnPath();
    if (cli) withCli(cli, emulator);
    else await withoutCli(emulator);
    say(`\nDemo finished in ${elapsed()}: the soft-deleted account was purged and the account created under its name.`);
  } finally {
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`\nDemo FAILED after ${elapsed()}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
