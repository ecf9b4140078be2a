import { existsSync, mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import { ClientSecretCredential } from "@azure/identity";
import type { RunningEmulator } from "../emulator/server";
import { FlowStack, type RunResult } from "../harness/engine/flowStack";
import { installBuiltPackage } from "../harness/installPackage";
import { type CommandRecord, checkCommand, checkConverged, type Ownership, recordOwnership, type Violation } from "./invariants";
import { type Command, type Edit, GROUPS, isCommand, isEdit, NAMES, type ProgramDecl, type Step, type WorldEvent } from "./model";
import { type Write, viewOf, type WorldView, writesOf } from "./world";

/** The repository root, from the source (fuzz/) or the build (dist/fuzz/). */
function findRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const ROOT = findRoot();

/**
 * The project folder a fuzzed stack runs in: the built package installed as
 * from the registry (harness/installPackage.ts, as tests/harness/flows.ts
 * flowProject does) and fuzz/program.js as its entry point.
 */
export function fuzzProject(): string {
  // One folder per process: two fuzz runs at once would otherwise reinstall the package under each other's programs.
  const dir = join(ROOT, ".fuzz", `program-${process.env.JEST_WORKER_ID ?? process.pid}`);
  const program = join(ROOT, "dist", "fuzz", "program.js");
  if (!existsSync(program)) throw new Error(`${program} is missing: run \`npm run build\` first (the fuzzed stack runs the compiled program and package)`);
  mkdirSync(dir, { recursive: true });
  installBuiltPackage(ROOT, dir);
  copyFileSync(program, join(dir, "index.js"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "fuzz-stack", private: true, main: "index.js" }, null, 2));
  writeFileSync(join(dir, "Pulumi.yaml"), "name: fuzz-stack\nruntime: nodejs\n");
  return dir;
}

export interface LifeOptions {
  /** The project folder (fuzzProject()); only needed when the life runs a program. */
  programDir?: string;
  /** A life stops issuing commands past this (its bound in time). */
  deadlineMs?: number;
  /** Check (e) with an extra up after each successful up (default true). */
  checkConvergence?: boolean;
  /** A seeded choice among the step orders the engine allows (harness/engine/order.ts); absent: the one fixed order. */
  orderSeed?: number;
  /** Called with one line per step as it runs. */
  log?: (line: string) => void;
}

export interface LifeResult {
  /** Steps run (a life stops at its first violated command). */
  ran: number;
  commands: number;
  violations: Violation[];
  /** The CLI-like output of the command that broke an invariant, and of its preview. */
  evidence: string[];
  /** Steps that changed nothing (an edit of a slot not declared, an event that found nothing to act on, a preview, a refresh that found nothing): what shrinking drops first. */
  inert: number[];
  /** The first error line of each failed command (not a violation by itself: a report of what stops lives). */
  failures: string[];
  durationMs: number;
}

const ARM_POLL = { updateIntervalInMs: 20 };
const FAULT_MARK = "fuzz-injected-fault";
/**
 * The account names a fuzzed program declares, as the end of a fault's path: the emulator refuses fault patterns
 * with quantifiers (emulator/faults.ts, unsafeFaultPattern), so `/accounts/[^/]+$` is spelled out by name.
 */
const STACK_NAMES = `(${NAMES.join("|")})$`;

/** Applies one edit to the program; an edit of a slot the program does not declare (after shrinking) changes nothing. */
export function applyEdit(program: ProgramDecl, edit: Edit): ProgramDecl {
  const accounts = program.accounts.map((a) => ({ ...a, aliases: [...a.aliases], ignoreChanges: [...a.ignoreChanges] }));
  if (edit.edit === "add") {
    if (!accounts.some((a) => a.slot === edit.decl.slot)) accounts.push(structuredClone(edit.decl));
    return { accounts };
  }
  if (edit.edit === "remove") return { accounts: accounts.filter((a) => a.slot !== edit.slot) };
  const a = accounts.find((x) => x.slot === edit.slot);
  if (!a) return { accounts };
  switch (edit.edit) {
    case "rename":
      if (edit.alias) a.aliases.push(a.resourceName);
      a.resourceName = edit.resourceName;
      break;
    case "accountName": a.accountName = edit.value; break;
    case "resourceGroup": a.resourceGroupName = edit.value; break;
    case "location": a.location = edit.value; break;
    case "subdomain": a.customSubDomainName = edit.value; break;
    case "policy": a.ifSoftDeleted = edit.value; break;
    case "option": a[edit.option] = edit.value; break;
    case "ignoreChanges": a.ignoreChanges = [...edit.value]; break;
    case "tag": a.tag = edit.value; break;
  }
  return { accounts };
}

/**
 * One life: a fresh stack against a reset emulator, its steps played in
 * order, every command held to the invariants (invariants.ts). Stops at the
 * first command that breaks one, or at its deadline.
 */
export async function runLife(emulator: RunningEmulator, steps: Step[], options: LifeOptions = {}): Promise<LifeResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  await emulator.control.reset();
  const sub = emulator.subscriptionId;
  await emulator.control.seed({ resourceGroups: GROUPS.map((name) => ({ subscriptionId: sub, name, location: "eastus" })) });
  const arm = armClient(emulator);
  const ownership: Ownership = { owned: new Map(), deletedByStack: new Set() };
  let program: ProgramDecl = { accounts: [] };
  let applied: ProgramDecl = { accounts: [] };
  let stack: FlowStack | undefined;
  let sabotage: string[] = [];
  let faults: string[] = [];
  /** A kill pending for the next up or destroy (a world event): after how many provider operations. */
  let kill: number | undefined;
  let commands = 0;
  const violations: Violation[] = [];
  const evidence: string[] = [];
  const failures: string[] = [];
  const inert: number[] = [];
  try {
    let index = 0;
    for (; index < steps.length; index++) {
      const step = steps[index];
      if (isEdit(step)) {
        const edited = applyEdit(program, step);
        if (JSON.stringify(edited) === JSON.stringify(program)) inert.push(index);
        program = edited;
        log(`  ${describeStep(step)}`);
        continue;
      }
      if (!isCommand(step)) {
        if (step.event === "sabotage") sabotage.push(step.name);
        else if (step.event === "kill") kill = step.afterOperations;
        else if (step.event === "refuseCreate" || step.event === "throttle" || step.event === "conflicts") faults.push(FAULT_MARK);
        const note = await playEvent(emulator, arm, step);
        if (/\((nothing|already held)/.test(note)) inert.push(index);
        log(`  event ${describeStep(step)}${note}`);
        continue;
      }
      if (options.deadlineMs !== undefined && Date.now() - started > options.deadlineMs) {
        log(`  (deadline: the life stops before step ${index})`);
        break;
      }
      stack ??= await FlowStack.create({
        project: "fuzz-stack",
        stack: "fuzz",
        programDir: options.programDir ?? join(ROOT, ".fuzz", "none"),
        env: emulator.environment,
        config: { "azure-native:subscriptionId": sub },
        programTimeoutInMs: 120_000,
        order: options.orderSeed === undefined ? undefined : { seed: options.orderSeed },
      });
      const config = { "fuzz:program": JSON.stringify(program) };
      const stateBefore = stack.resources();
      const beforeCommand = await snapshot(emulator);
      let preview: RunResult | undefined;
      if (step.command === "up") {
        preview = await stack.preview({ config, refresh: step.refresh, ...replaceOf(stack, program, step) });
        commands += 1;
      }
      const before = preview ? await snapshot(emulator) : beforeCommand;
      // Preview writes nothing (check never writes): held apart from the up's writes.
      const previewWrites = preview ? writesOf(before.requests.slice(beforeCommand.requests.length), beforeCommand.view, before.view) : [];
      for (const name of sabotage) await sabotageAccount(arm, before.view, name);
      sabotage = [];
      const killAfter = step.command === "up" || step.command === "destroy" ? kill : undefined;
      if (killAfter !== undefined) kill = undefined;
      const result = await runCommand(stack, step, config, program, killAfter);
      const killed = result.trace.some((t) => t.startsWith("killed the update"));
      commands += 1;
      const after = await snapshot(emulator);
      const writes = writesOf(after.requests.slice(before.requests.length), before.view, after.view);
      const record: CommandRecord = {
        step: index,
        command: step,
        program: step.command === "destroy" ? applied : program,
        applied,
        before: before.view,
        after: after.view,
        writes,
        stateBefore,
        result,
        preview,
        injectedFaults: [...(faults.length ? ["RequestDisallowedByPolicy", "RequestConflict", "Throttled"] : []), ...(killed ? ["killed midway"] : [])],
      };
      faults = [];
      const found = checkCommand(record, ownership);
      if (previewWrites.length) found.unshift({ invariant: "preview-writes", step: index, message: `the preview before up sent ${previewWrites.map((w) => `${w.action} '${w.name}'`).join(", ")}` });
      recordOwnership(record, ownership);
      if (step.command === "up" || (step.command === "destroy" && result.ok)) applied = step.command === "up" ? program : { accounts: [] };
      if (step.command === "preview" || (step.command === "refresh" && result.ok && !writes.length && result.steps.every((s) => s.op === "same" || (s.op === "refresh" && !s.keys.length)))) inert.push(index);
      if (!result.ok) failures.push(`${describeStep(step)}: ${errorLine(result)}`);
      log(`  ${describeStep(step)}: ${result.ok ? "ok" : `failed: ${errorLine(result)}`}${summarize(writes)}${preview && !preview.ok ? ` (preview failed: ${errorLine(preview)})` : ""} ${(result.durationInMs / 1000).toFixed(1)} s`);
      // (e) needs an up only after one that changed something: an up that changed nothing is itself the no-op.
      // A targeted up leaves the rest of the program for later: the next (untargeted) up may have work to do.
      const changed = writes.length > 0 || result.steps.some((s) => s.op !== "same");
      if (!found.length && step.command === "up" && !step.target && result.ok && changed && options.checkConvergence !== false) {
        const again = await runCommand(stack, { command: "up" }, config, program);
        commands += 1;
        const settled = await snapshot(emulator);
        const againWrites = writesOf(settled.requests.slice(after.requests.length), after.view, settled.view);
        found.push(...checkConverged(index, again, againWrites));
        if (found.length) evidence.push(`the converging up:\n${again.output}`);
      }
      if (found.length) {
        violations.push(...found);
        if (preview) evidence.unshift(`preview:\n${preview.output}`);
        evidence.unshift(`${describeStep(step)}:\n${result.output}`);
        index += 1;
        break;
      }
    }
    return { ran: index, commands, violations, evidence, failures, inert: inert.filter((i) => !violations.some((v) => v.step === i)), durationMs: Date.now() - started };
  } finally {
    await stack?.close();
  }
}

/** `--replace` / `--target` of a slot's main resource, by URN; a slot not in the state (yet) names nothing. */
function replaceOf(stack: FlowStack, program: ProgramDecl, step: Command): { replace?: string[]; target?: string[] } {
  if (step.command !== "up") return {};
  const urnOf = (slot: string | undefined) => {
    const decl = program.accounts.find((a) => a.slot === slot);
    try {
      return decl ? [stack.urnOf(decl.resourceName)] : undefined;
    } catch {
      return undefined;
    }
  };
  const replace = urnOf(step.replace);
  const target = urnOf(step.target);
  return { ...(replace ? { replace } : {}), ...(target ? { target } : {}) };
}

async function runCommand(stack: FlowStack, step: Command, config: Record<string, string>, program: ProgramDecl, killAfterOperations?: number): Promise<RunResult> {
  switch (step.command) {
    case "preview":
      return stack.preview({ config });
    case "up":
      return stack.up({ config, refresh: step.refresh, ...replaceOf(stack, program, step), killAfterOperations });
    case "refresh":
      return stack.refresh();
    case "destroy":
      return stack.destroy({ runProgram: step.runProgram ?? false, killAfterOperations });
  }
}

async function snapshot(emulator: RunningEmulator): Promise<{ view: WorldView; requests: Awaited<ReturnType<RunningEmulator["control"]["requests"]>> }> {
  const [state, requests] = [await emulator.control.state(), await emulator.control.requests()];
  return { view: viewOf(state.state), requests };
}

function armClient(emulator: RunningEmulator): CognitiveServicesManagementClient {
  const p = emulator.principal;
  const credential = new ClientSecretCredential(p.tenantId, p.clientId, p.clientSecret, { authorityHost: emulator.url, disableInstanceDiscovery: true });
  return new CognitiveServicesManagementClient(credential, emulator.subscriptionId, { endpoint: emulator.url, $host: emulator.url, credentialScopes: ["https://management.azure.com/.default"] });
}

/** Someone else deletes and purges a live account: only the fuzzer's self-test does this, inside a command, to prove a violation is caught. */
async function sabotageAccount(arm: CognitiveServicesManagementClient, view: WorldView, name: string): Promise<void> {
  for (const a of view.live.filter((x) => x.name === name.toLowerCase())) {
    await arm.accounts.beginDeleteAndWait(a.group, a.name, ARM_POLL);
    await purgeSettled(arm, a.location, a.group, a.name);
  }
}

/** Purges once Azure has settled the soft delete: a purge right after the delete answers 409 RequestConflict for a moment (arm-behavior.md). */
async function purgeSettled(arm: CognitiveServicesManagementClient, location: string, group: string, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await arm.deletedAccounts.beginPurgeAndWait(location, group, name, ARM_POLL);
      return;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 409 || attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Plays a world event; returns a note of what it found to act on. */
async function playEvent(emulator: RunningEmulator, arm: CognitiveServicesManagementClient, event: WorldEvent): Promise<string> {
  const sub = emulator.subscriptionId;
  const view = viewOf((await emulator.control.state()).state);
  const attempt = async (what: () => Promise<unknown>) => what().then(() => "", (e: Error) => ` (failed: ${e.message.split("\n")[0].slice(0, 120)})`);
  switch (event.event) {
    case "deleteAccount": {
      const found = view.live.filter((a) => a.name === event.name);
      let note = found.length ? "" : " (nothing live)";
      for (const a of found) note += await attempt(() => arm.accounts.beginDeleteAndWait(a.group, a.name, ARM_POLL));
      return note;
    }
    case "purgeAccount": {
      const found = view.deleted.filter((a) => a.name === event.name);
      let note = found.length ? "" : " (nothing soft-deleted)";
      for (const a of found) note += await attempt(() => purgeSettled(arm, a.location, a.group, a.name));
      return note;
    }
    case "restoreAccount": {
      const found = view.deleted.filter((a) => a.name === event.name && !view.live.some((l) => l.name === a.name && l.group === a.group));
      let note = found.length ? "" : " (nothing to restore)";
      for (const a of found.slice(0, 1)) note += await attempt(() => arm.accounts.beginCreateAndWait(a.group, a.name, { location: a.location, kind: "OpenAI", sku: { name: "S0" }, properties: { restore: true } }, ARM_POLL));
      return note;
    }
    case "deleteGroup":
      await emulator.control.remove({ resourceGroups: [{ subscriptionId: sub, name: event.group }] });
      return "";
    case "createGroup":
      await emulator.control.seed({ resourceGroups: [{ subscriptionId: sub, name: event.group, location: "eastus" }] });
      return "";
    case "foreign": {
      const account = { subscriptionId: sub, resourceGroupName: event.group, name: event.name, location: "eastus", kind: "OpenAI", properties: { customSubDomainName: event.subdomain } };
      // Azure lets no account take a name a live or soft-deleted account holds in the group, nor a subdomain
      // any of them holds; seeding one anyway would make a world Azure cannot be in (seed 8107 life 65).
      const held = [...view.live, ...view.deleted];
      const nameHeld = held.some((a) => a.name === event.name.toLowerCase() && a.group === event.group.toLowerCase());
      const subdomainHeld = held.some((a) => a.subdomain === event.subdomain.toLowerCase());
      if (nameHeld || subdomainHeld) return " (already held: skipped)";
      if (event.deleted) await emulator.control.seed({ deletedAccounts: [{ ...account, deletedMsAgo: 3 * 3600_000 }] });
      else await emulator.control.seed({ resourceGroups: [{ subscriptionId: sub, name: event.group, location: "eastus" }], accounts: [account] });
      return "";
    }
    case "conflicts":
      await emulator.control.addFault({ method: "DELETE", path: `/deletedAccounts/${STACK_NAMES}`, times: event.count, response: { status: 409, body: { error: { code: "RequestConflict", message: `The request conflicts with the current state (${FAULT_MARK})` } } } });
      return "";
    case "throttle":
      await emulator.control.addFault({ path: "/providers/Microsoft.CognitiveServices/", times: event.times, response: { status: 429, headers: { "Retry-After": "1" }, body: { error: { code: "Throttled", message: `Too many requests (${FAULT_MARK})` } } } });
      return "";
    case "refuseCreate":
      await emulator.control.addFault({ method: "PUT", path: `/accounts/${STACK_NAMES}`, times: 1, response: { status: 403, body: { error: { code: "RequestDisallowedByPolicy", message: `Resource was disallowed by policy (${FAULT_MARK})` } } } });
      return "";
    case "clock":
      await emulator.control.advanceClock(event.hours * 3600_000);
      return "";
    case "sabotage":
    case "kill":
      return "";
  }
}

function errorLine(result: RunResult): string {
  const line = result.output.split("\n").find((l) => /^\s+error: /.test(l)) ?? result.error ?? "";
  return line.trim().slice(0, 200);
}

function summarize(writes: Write[]): string {
  const done = writes.filter((w) => w.status < 400).map((w) => `${w.action} ${w.name}`);
  return done.length ? ` [${done.join(", ")}]` : "";
}

export function describeStep(step: Step): string {
  if (isCommand(step)) {
    if (step.command === "up") return `up${step.refresh ? " --refresh" : ""}${step.replace ? ` --replace ${step.replace}` : ""}${step.target ? ` --target ${step.target}` : ""}`;
    if (step.command === "destroy") return `destroy${step.runProgram ? " --run-program" : ""}`;
    return step.command;
  }
  if (isEdit(step)) {
    if (step.edit === "add") return `add ${step.decl.slot} ${step.decl.form} '${step.decl.accountName}'`;
    const { edit, slot, ...rest } = step as { edit: string; slot: string };
    return `edit ${slot} ${edit} ${JSON.stringify(rest)}`;
  }
  const { event, ...rest } = step;
  return `${event} ${JSON.stringify(rest)}`;
}

/** A flow row the fuzzer printed (fuzz/row.ts). */
export interface FuzzRow {
  flow: string;
  /** The seeded step order the life ran in (absent: the harness's fixed order). */
  orderSeed?: number;
  steps: Step[];
}

/** Replays a printed row's steps in a fresh stack against the (reset) emulator, with the fuzzer's program installed. */
export function playFuzzRow(emulator: RunningEmulator, steps: Step[], orderSeed?: number): Promise<LifeResult> {
  return runLife(emulator, steps, { programDir: fuzzProject(), orderSeed });
}
