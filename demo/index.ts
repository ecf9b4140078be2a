import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { startEmulator, type RunningEmulator } from "../emulator/server";
import { FlowStack, type RunResult } from "../harness/engine";
import { convergence } from "../scripts/runStack";

/**
 * `npm run demo`: the quickstart stack against the emulator, seeded with a
 * soft-deleted account that holds the quickstart's name. With the `pulumi`
 * CLI on PATH it runs a real preview, up and destroy; without it (as on our
 * machines) it runs the same program through the flow harness
 * (`harness/engine`): the program in a child process as the language host
 * runs it, its dynamic resources in Pulumi's own provider host, azure-native
 * stood in with the Azure SDK, printed as the CLI prints it.
 */

const ACCOUNT = "reclaim-quickstart-ai";
const GROUP = "rg-reclaim-quickstart";
const LOCATION = "eastus";
const ROOT = resolve(__dirname, "..", "..");

const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const say = (line = "") => console.log(line);

/** Runs one step under its title, and says how long that step took (not the time since the demo started). */
async function timed<T>(title: string, action: () => T | Promise<T>): Promise<T> {
  say(`\n== ${title}`);
  const stepStarted = Date.now();
  const result = await action();
  say(`-- ${title}: took ${seconds(stepStarted)}`);
  return result;
}

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
  say("Path: the flow harness (no `pulumi` CLI on PATH): the quickstart program runs for real under a mini Pulumi engine,");
  say("with Pulumi's SDK and dynamic provider host, and azure-native's provider stood in by the Azure SDK.");
  const stack = await FlowStack.create({
    project: "cognitive-reclaim-quickstart",
    stack: "demo",
    programDir: ROOT,
    program: "dist/quickstart/index.js",
    env: emulator.environment,
    config: { "azure-native:subscriptionId": emulator.subscriptionId },
  });
  try {
    const run = (title: string, action: () => Promise<RunResult>) =>
      timed(title, async () => {
        const result = await action();
        say(result.output.trimEnd());
        if (!result.ok) throw new Error(`${title} failed: ${result.error}`);
        return result;
      });
    await run("pulumi preview", () => stack.preview());
    const up = await run("pulumi up --yes", () => stack.up());
    if (up.outputs.purgedBeforeCreate !== true) throw new Error("up did not purge the soft-deleted account before creating");
    const again = await run("pulumi up --yes (again: must converge)", () => stack.up());
    say(convergence(again.steps));
    await run("pulumi destroy --yes", () => stack.destroy());
    const { state } = await emulator.control.state();
    if (Object.keys(state.deletedAccounts).length || Object.keys(state.accounts).length) throw new Error("accounts remain after destroy");
  } finally {
    await stack.close();
  }
}

async function withCli(cli: string, emulator: RunningEmulator): Promise<void> {
  say(`Path: the real pulumi CLI (${cli}) on a local file backend, pointed at the emulator.`);
  const backend = mkdtempSync(join(tmpdir(), "reclaim-demo-backend-"));
  const env = { ...process.env, ...emulator.environment, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "demo", PULUMI_SKIP_UPDATE_CHECK: "1" };
  const run = (args: string[]) =>
    timed(`pulumi ${args.join(" ")}`, () => {
      const result = spawnSync(cli, args, { cwd: ROOT, env, stdio: "inherit" });
      if (result.status !== 0) throw new Error(`pulumi ${args[0]} exited with ${result.status}`);
    });
  try {
    await run(["stack", "init", "demo", "--non-interactive"]);
    await run(["config", "set", "azure-native:subscriptionId", emulator.subscriptionId]);
    await run(["preview", "--non-interactive"]);
    await run(["up", "--yes", "--non-interactive"]);
    await run(["destroy", "--yes", "--non-interactive"]);
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
    if (cli) await withCli(cli, emulator);
    else await withoutCli(emulator);
    say(`\nDemo finished in ${seconds(started)}: the soft-deleted account was purged and the account created under its name.`);
  } finally {
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`\nDemo FAILED after ${seconds(started)}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
