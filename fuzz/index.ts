import { readFileSync, rmSync } from "node:fs";
import { startEmulator } from "../emulator/server";
import { generateLife, lifeSeed } from "./generate";
import { type Violation } from "./invariants";
import { describeStep, fuzzProject, type LifeResult, runLife } from "./life";
import type { Step } from "./model";
import { flowRow } from "./row";
import { shrinkLife } from "./shrink";

/**
 * `npm run fuzz -- [--seed S] [--lives N] [--commands C] [--shrink-runs R] [--no-shrink] [--verbose]`:
 * random lives of a stack (fuzz/generate.ts), each in a fresh stack against a
 * reset emulator, every command held to the invariants of the API contract
 * (fuzz/invariants.ts); a failing life is shrunk and printed as a flow row.
 * The last line is `fuzz: N lives, M commands, K violations (seed S)`; the exit code is 1 when K > 0.
 */
interface Args {
  seed: number;
  lives: number;
  commands: number;
  shrinkRuns: number;
  lifeTimeoutMs: number;
  shrinkMinutes: number;
  verbose: boolean;
  /** Run each life in a seeded legal step order (the life's seed), or the harness's one fixed order. */
  orders: boolean;
  only?: number;
  /** The first life to run: a long soak of one seed can run in parts (`--from-life 60 --lives 140` continues lives 0-59). */
  fromLife: number;
  /** A file of steps to play as the only life (a printed row's `steps`, as JSON: an array, or `{ steps, orderSeed }`). */
  replay?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seed: Math.floor(Math.random() * 2 ** 31), lives: 10, commands: 6, shrinkRuns: 12, shrinkMinutes: 8, lifeTimeoutMs: 5 * 60_000, verbose: false, orders: true, fromLife: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${flag} needs a whole number, got '${argv[i]}'`);
      return v;
    };
    if (flag === "--seed") args.seed = value();
    else if (flag === "--lives") args.lives = value();
    else if (flag === "--commands") args.commands = Math.max(1, value());
    else if (flag === "--shrink-runs") args.shrinkRuns = value();
    else if (flag === "--no-shrink") args.shrinkRuns = 0;
    else if (flag === "--shrink-minutes") args.shrinkMinutes = value();
    else if (flag === "--life-timeout") args.lifeTimeoutMs = value() * 1000;
    else if (flag === "--life") args.only = value();
    else if (flag === "--from-life") args.fromLife = value();
    else if (flag === "--verbose" || flag === "-v") args.verbose = true;
    else if (flag === "--fixed-order") args.orders = false;
    else if (flag === "--replay") {
      args.replay = argv[++i];
      if (!args.replay) throw new Error("--replay needs a file: a JSON array of steps, or { steps, orderSeed } (a printed flow row's steps)");
    }
    else throw new Error(`unknown flag '${flag}': use --seed S, --lives N, --replay FILE, --commands C (per life), --shrink-runs R, --shrink-minutes M, --no-shrink, --life-timeout SECONDS, --life I (run only life I), --from-life F (run lives F to F+N-1), --fixed-order, --verbose`);
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!process.env.NODE_EXTRA_CA_CERTS) throw new Error("run through `npm run fuzz` (with-emulator-ca sets NODE_EXTRA_CA_CERTS for the emulator's certificate)");
  const emulator = await startEmulator();
  const programDir = fuzzProject();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let lives = 0;
  let commands = 0;
  let violations = 0;
  const failures = new Map<string, number>();
  const started = Date.now();
  const first = args.replay !== undefined || args.only !== undefined ? 0 : args.fromLife;
  try {
    const replayed = args.replay === undefined ? undefined : readReplay(args.replay);
    for (let i = first; i < first + (replayed ? 1 : args.lives); i++) {
      if (!replayed && args.only !== undefined && i !== args.only) continue;
      const seed = lifeSeed(args.seed, i);
      const steps = replayed?.steps ?? generateLife(seed, { commands: args.commands });
      const orderSeed = replayed ? replayed.orderSeed : args.orders ? seed : undefined;
      out(replayed ? `life ${i} (replay of ${args.replay}): ${steps.length} steps` : `life ${i} (seed ${args.seed}): ${steps.length} steps`);
      const options = { programDir, deadlineMs: args.lifeTimeoutMs, log: args.verbose ? out : undefined, orderSeed };
      const result = await runLife(emulator, steps, options);
      lives += 1;
      commands += result.commands;
      violations += result.violations.length;
      for (const f of result.failures) {
        const cause = f.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "<sub>").replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>").slice(0, 160);
        failures.set(cause, (failures.get(cause) ?? 0) + 1);
      }
      out(`life ${i}: ${result.commands} commands, ${result.violations.length} violations, ${(result.durationMs / 1000).toFixed(1)} s`);
      if (result.violations.length) await report(args, i, options.orderSeed, steps, result, (candidate, converge) => runLife(emulator, candidate, { ...options, log: undefined, checkConvergence: converge }), out);
    }
  } finally {
    await emulator.stop();
    rmSync(programDir, { recursive: true, force: true });
  }
  if (failures.size) {
    out("fuzz: commands that failed (not violations by themselves), by cause:");
    for (const [cause, n] of [...failures].sort((a, b) => b[1] - a[1])) out(`  ${n} × ${cause}`);
  }
  const minutes = (Date.now() - started) / 60_000;
  out(`fuzz: ${(lives / Math.max(minutes, 1e-9)).toFixed(2)} lives per minute, ${(commands / Math.max(minutes, 1e-9)).toFixed(1)} commands per minute`);
  out(`fuzz: ${lives} lives, ${commands} commands, ${violations} violations (seed ${args.seed}${first > 0 ? `, lives ${first}-${first + lives - 1}` : ""})`);
  return violations > 0 ? 1 : 0;
}

/** The steps of `--replay FILE`: a JSON array of steps, or a row's `{ steps, orderSeed }`. */
function readReplay(file: string): { steps: Step[]; orderSeed?: number } {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Step[] | { steps: Step[]; orderSeed?: number };
  const replay = Array.isArray(parsed) ? { steps: parsed } : parsed;
  if (!Array.isArray(replay.steps) || !replay.steps.length) throw new Error(`--replay ${file}: expected a JSON array of steps or { steps: [...], orderSeed }, found no steps`);
  return replay;
}

async function report(args: Args, life: number, orderSeed: number | undefined, steps: Step[], result: LifeResult, replay: (steps: Step[], converge: boolean) => Promise<LifeResult>, out: (line: string) => void): Promise<void> {
  for (const v of result.violations) out(`  VIOLATION (${v.invariant}) at step ${v.step} [${describeStep(steps[v.step])}]: ${v.message}`);
  for (const e of result.evidence) out(e.split("\n").map((l) => `    | ${l}`).join("\n"));
  const played = steps.slice(0, result.ran);
  let shrunk: { steps: Step[]; violations?: Violation[]; runs: number } = { steps: played, violations: result.violations, runs: 0 };
  if (args.shrinkRuns > 0) {
    const target = result.violations[0].invariant;
    shrunk = await shrinkLife(played, async (candidate) => {
      const replayed = await replay(candidate, target === "e");
      return replayed.violations.some((v) => v.invariant === target) ? replayed.violations : undefined;
    }, { maxRuns: args.shrinkRuns, deadlineMs: args.shrinkMinutes * 60_000, inert: result.inert });
    out(`  shrunk from ${played.length} to ${shrunk.steps.length} steps in ${shrunk.runs} replays`);
  }
  out(`  flow row (replay: npm run fuzz -- ${args.replay === undefined ? `--seed ${args.seed} --life ${life} --lives ${life + 1}` : `--replay ${args.replay}`}):`);
  out(flowRow(args.seed, life, shrunk.steps, shrunk.violations ?? result.violations, orderSeed).split("\n").map((l) => `    ${l}`).join("\n"));
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`fuzz failed: ${error.stack ?? error.message}\n`);
    process.exit(2);
  },
);
