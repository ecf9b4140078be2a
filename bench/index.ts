import { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import { ClientSecretCredential } from "@azure/identity";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { type RunningEmulator, startEmulator } from "../emulator/server";
import { installBuiltPackage } from "../harness/installPackage";
import { runProgram } from "../harness/program";
import { ProviderHost } from "../harness/providerHost";
import { urnOf } from "../harness/stack";
import type { PurgedDeletedAccount as Guard } from "../provider";

/**
 * `npm run bench`: speed, scale and cost, all through Pulumi's provider host
 * against the emulator, in one run. Prints a table (figure, target, holds)
 * and writes bench/results/latest.json.
 */

const GROUP = "rg-bench";
const LOCATION = "eastus";
const TYPE = "pulumi-nodejs:dynamic/cognitive-reclaim:PurgedDeletedAccount";
const REPO = resolve(__dirname, "..", "..");
/**
 * The user's path: the built package installed into a project's node_modules
 * (as from the registry), so the serialized provider `require`s the package's
 * modules by name, and the provider host runs in that project.
 */
const ROOT = join(REPO, "bench", ".project");

interface Figure {
  name: string;
  value: string;
  target: string;
  holds: boolean;
  detail?: Record<string, unknown>;
}

const figures: Figure[] = [];
const ms = (n: number) => `${Math.round(n)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let provider = "";
async function serializedProvider(): Promise<string> {
  if (!provider) {
    mkdirSync(ROOT, { recursive: true });
    installBuiltPackage(REPO, ROOT);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed copy, as a user's program loads it
    const { PurgedDeletedAccount } = require(join(ROOT, "node_modules", "pulumi-cognitive-reclaim")) as { PurgedDeletedAccount: typeof Guard };
    const [registered] = await runProgram(() => ({ g: new PurgedDeletedAccount("g", { accountName: "bench", location: LOCATION, resourceGroupName: GROUP }) }), { allowedTypes: [TYPE] });
    provider = String(registered.inputs.__provider);
  }
  return provider;
}

async function host(emulator: RunningEmulator): Promise<ProviderHost> {
  const h = await ProviderHost.start({ cwd: ROOT, env: { ...process.env, ...emulator.environment } });
  await h.configure();
  return h;
}

async function seedDeleted(emulator: RunningEmulator, names: string[]): Promise<void> {
  await emulator.control.seed({
    resourceGroups: [{ subscriptionId: emulator.subscriptionId, name: GROUP, location: LOCATION }],
    deletedAccounts: names.map((name) => ({ subscriptionId: emulator.subscriptionId, resourceGroupName: GROUP, name, location: LOCATION })),
  });
}

/** Check (excluded from the timing) then Create of one guard; returns the Create's wall time. */
async function timedCreate(h: ProviderHost, name: string): Promise<number> {
  const news = { __provider: await serializedProvider(), accountName: name, location: LOCATION, resourceGroupName: GROUP };
  const { inputs } = await h.check(urnOf(TYPE, name), { accountName: "existing" }, news); // olds set: no preview lookup
  const started = performance.now();
  await h.create(urnOf(TYPE, name), inputs);
  return performance.now() - started;
}

const polls = async (emulator: RunningEmulator) => (await emulator.control.requests()).filter((r) => r.kind === "arm" && /operationResults/.test(r.path)).length;

async function purgeOverhead(emulator: RunningEmulator): Promise<void> {
  const h = await host(emulator);
  const e = emulator;
  const plain = new CognitiveServicesManagementClient(
    new ClientSecretCredential(e.principal.tenantId, e.principal.clientId, e.principal.clientSecret, { authorityHost: e.url, disableInstanceDiscovery: true }),
    e.subscriptionId,
    { endpoint: e.url, $host: e.url, credentialScopes: ["https://management.azure.com/.default"] },
  );
  try {
    await e.control.reset();
    await seedDeleted(e, ["warm"]);
    await timedCreate(h, "warm"); // token and modules loaded before timing
    await plain.deletedAccounts.get(LOCATION, GROUP, "warm").catch(() => undefined);
    for (const seconds of [1, 5, 20]) {
      const duration = seconds * 1000;
      await e.control.reset();
      await e.control.settings({ purgeDurationMs: duration });
      await seedDeleted(e, [`g${seconds}`, `p${seconds}`]);
      const guardMs = await timedCreate(h, `g${seconds}`);
      const guardPolls = await polls(e);
      await e.control.clearRequests();
      const started = performance.now();
      await plain.deletedAccounts.beginPurgeAndWait(LOCATION, GROUP, `p${seconds}`);
      const plainMs = performance.now() - started;
      const plainPolls = await polls(e);
      const overhead = guardMs - duration;
      const plainOverhead = plainMs - duration;
      const limit = Math.max(0.1 * duration, 300);
      figures.push({
        name: `purge overhead, ${seconds} s purge`,
        value: `${ms(overhead)} (${guardPolls} polls); plain beginPurgeAndWait: ${ms(plainOverhead)} (${plainPolls} polls)`,
        target: `<= ${ms(limit)} and <= plain script's`,
        holds: overhead <= limit && overhead <= plainOverhead,
        detail: { purgeMs: duration, guardCreateMs: guardMs, guardPolls, plainMs, plainPolls },
      });
    }
  } finally {
    await h.stop();
  }
}

async function coldStart(emulator: RunningEmulator): Promise<void> {
  const bare: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < 3; i++) {
    let t = performance.now();
    const b = await ProviderHost.start({ cwd: ROOT, env: { ...process.env, ...emulator.environment } });
    bare.push(performance.now() - t);
    await b.stop();
    await emulator.control.reset();
    await seedDeleted(emulator, []);
    const text = await serializedProvider();
    t = performance.now();
    const h = await host(emulator);
    const { inputs } = await h.check(urnOf(TYPE, "cold"), { accountName: "existing" }, { __provider: text, accountName: `cold${i}`, location: LOCATION, resourceGroupName: GROUP });
    await h.create(urnOf(TYPE, "cold"), inputs);
    full.push(performance.now() - t);
    await h.stop();
  }
  const ratio = median(full) / median(bare);
  figures.push({
    name: "cold start: host start to first completed create",
    value: `${ms(median(full))} vs bare host start ${ms(median(bare))}: ratio ${ratio.toFixed(2)} (median of 3)`,
    target: "ratio <= 1.5",
    holds: ratio <= 1.5,
    detail: { fullMs: full, bareMs: bare },
  });
}

async function tokenRequests(emulator: RunningEmulator): Promise<void> {
  await emulator.control.reset();
  await seedDeleted(emulator, Array.from({ length: 50 }, (_, i) => `t${i}`));
  const before = (await emulator.control.state()).tokensIssued;
  const h = await host(emulator);
  try {
    for (let i = 0; i < 100; i++) await timedCreate(h, `t${i}`); // 50 purges, 50 with nothing to purge
  } finally {
    await h.stop();
  }
  const tokens = (await emulator.control.state()).tokensIssued - before;
  figures.push({ name: "token requests per provider process, 100 operations", value: String(tokens), target: "1", holds: tokens === 1 });
}

function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function scale(emulator: RunningEmulator): Promise<void> {
  const count = 200;
  const rate = 20;
  await emulator.control.reset();
  const names = Array.from({ length: count }, (_, i) => `s${i}`);
  await seedDeleted(emulator, names);
  const h = await host(emulator);
  const text = await serializedProvider();
  try {
    const checked = await Promise.all(names.map((name) => h.check(urnOf(TYPE, name), { accountName: "existing" }, { __provider: text, accountName: name, location: LOCATION, resourceGroupName: GROUP })));
    await emulator.control.clearRequests();
    await emulator.control.settings({ throttleRequestsPerSecond: rate });
    const started = performance.now();
    const results = await Promise.allSettled(names.map((name, i) => h.create(urnOf(TYPE, name), checked[i].inputs)));
    const wall = performance.now() - started;
    const rss = peakRss(h.pid!);
    await emulator.control.settings({ throttleRequestsPerSecond: 0 });
    const failures = results.filter((r) => r.status === "rejected");
    const log = (await emulator.control.requests()).filter((r) => r.kind === "arm");
    const served = log.filter((r) => r.status !== 429).length;
    const throttled = log.length - served;
    const bound = (served / rate) * 1000;
    const ratio = wall / bound;
    const left = Object.keys((await emulator.control.state()).state.deletedAccounts).length;
    figures.push({
      name: `scale: ${count} guards at once, ARM limited to ${rate} req/s`,
      value: `${failures.length} failures, ${left} left unpurged; ${ms(wall)} vs throttling bound ${ms(bound)} (${served} requests served, ${throttled} answered 429): ratio ${ratio.toFixed(2)}; host peak RSS ${(rss / 1048576).toFixed(0)} MB`,
      target: "0 failures, ratio <= 1.3, peak RSS < 250 MB",
      holds: failures.length === 0 && left === 0 && ratio <= 1.3 && rss < 250 * 1048576,
      detail: { wallMs: wall, boundMs: bound, served, throttled, peakRssBytes: rss, failures: failures.map((f) => String((f as PromiseRejectedResult).reason).slice(0, 300)) },
    });
  } finally {
    await h.stop();
  }
}

async function previewCost(emulator: RunningEmulator): Promise<void> {
  const count = 200;
  await emulator.control.reset();
  const names = Array.from({ length: count }, (_, i) => `v${i}`);
  await seedDeleted(emulator, names.slice(0, count / 2));
  const h = await host(emulator);
  const text = await serializedProvider();
  try {
    await h.check(urnOf(TYPE, "warm"), {}, { __provider: text, accountName: "warm", location: LOCATION, resourceGroupName: GROUP });
    await emulator.control.clearRequests();
    const started = performance.now();
    await Promise.all(
      names.map(async (name) => {
        const news = { __provider: text, accountName: name, location: LOCATION, resourceGroupName: GROUP };
        const { inputs } = await h.check(urnOf(TYPE, name), {}, news);
        await h.diff("", urnOf(TYPE, name), inputs, inputs);
      }),
    );
    const wall = performance.now() - started;
    const lookups = (await emulator.control.requests()).filter((r) => r.kind === "arm").length;
    figures.push({ name: `preview: Check + Diff for ${count} new guards`, value: `${ms(wall)} (${lookups} lookups)`, target: "< 2000 ms", holds: wall < 2000 && lookups === count });
  } finally {
    await h.stop();
  }
}

async function main(): Promise<void> {
  const emulator = await startEmulator();
  const started = Date.now();
  try {
    console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
    console.log(`serialized provider: ${(await serializedProvider()).length} characters (package installed in bench/.project)`);
    await purgeOverhead(emulator);
    await coldStart(emulator);
    await tokenRequests(emulator);
    await scale(emulator);
    await previewCost(emulator);
  } finally {
    await emulator.stop();
  }
  const width = Math.max(...figures.map((f) => f.name.length));
  console.log("");
  for (const f of figures) console.log(`${f.holds ? "HOLDS" : "MISSES"}  ${f.name.padEnd(width)}  ${f.value}  [target: ${f.target}]`);
  const out = join(REPO, "bench", "results");
  mkdirSync(out, { recursive: true });
  const report = { at: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, totalMemBytes: totalmem(), elapsedMs: Date.now() - started, figures };
  writeFileSync(join(out, "latest.json"), JSON.stringify(report, null, 2));
  console.log(`\nwritten: bench/results/latest.json (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
