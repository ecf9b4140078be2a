import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import { ClientSecretCredential } from "@azure/identity";
import type { RunningEmulator } from "../../emulator/server";
import { type AccountWrite, accountWrites } from "../../harness/engine/armLog";
import { FlowStack, type RunOptions, type RunResult } from "../../harness/engine/flowStack";
import { installBuiltPackage } from "../../harness/installPackage";
import { GROUP, passTime } from "./emulator";

/**
 * The flow matrix's world: a Pulumi project made like a user's (the built
 * package installed into its node_modules as from the registry, one of the
 * flow programs as its entry point), a stack driven through the flow harness
 * against the emulator, and the invariants every run is held to.
 */
const ROOT = join(__dirname, "..", "..");

/** The `remote…` programs use the component package (component/) as a program of another language does. */
export type FlowProgram = "aliasMove" | "guarded" | "recovered" | "reclaimable" | "reclaimAll" | "plannedGuard" | "plannedReclaimable" | "remoteReclaimable" | "remoteGuarded";

/**
 * Makes a project folder with the package installed and the program as
 * `index.js`. One folder per program and jest worker: suites in other
 * workers may be running the same program while this one reinstalls it.
 */
export function flowProject(program: FlowProgram): string {
  const dir = join(ROOT, ".flows", `${program}-${process.env.JEST_WORKER_ID ?? "main"}`);
  mkdirSync(dir, { recursive: true });
  installBuiltPackage(ROOT, dir);
  copyFileSync(join(ROOT, "dist", "harness", "flows", "programs", `${program}.js`), join(dir, "index.js"));
  copyFileSync(join(ROOT, "dist", "harness", "flows", "programs", "remoteComponent.js"), join(dir, "remoteComponent.js"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `flow-${program}`, private: true, main: "index.js" }, null, 2));
  writeFileSync(join(dir, "Pulumi.yaml"), `name: flow-${program}\nruntime: nodejs\n`);
  return dir;
}

/**
 * The component package as `pulumi package add component/` finds it once its dependencies are installed: the
 * folder's own files (PulumiPlugin.yaml, package.json, tsconfig.json, the TypeScript the schema is inferred from),
 * its entry compiled beside them (what ts-node would compile), and the built package in its node_modules as npm
 * installs it from the tarball its package.json names. One folder per jest worker.
 */
export function componentPluginFolder(): string {
  const dir = join(ROOT, ".flows", `component-${process.env.JEST_WORKER_ID ?? "main"}`);
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(join(ROOT, "component"))) copyFileSync(join(ROOT, "component", file), join(dir, file));
  for (const file of ["index.js", "components.js"]) copyFileSync(join(ROOT, "dist", "component", file), join(dir, file));
  installBuiltPackage(ROOT, dir);
  return dir;
}

/** What ARM was asked to do in one run, read from the emulator's request log (harness/engine/armLog.ts); names lower-cased as ARM compares them. */
export interface ArmEvents {
  /** Names of live accounts deleted (Azure soft-deletes them). */
  accountDeletes: string[];
  /** Names of soft-deleted accounts purged. */
  purges: string[];
  /** Names of accounts restored (a PUT carrying `properties.restore: true`). */
  restores: string[];
  /** Names of accounts created or updated by a PUT without the restore flag. */
  puts: string[];
  /** Every PUT body that carried the restore flag, by account name (the flag must only restore). */
  restoreBodies: { name: string; status: number }[];
}

const SOFT_DELETE_CONFLICTS = ["FlagMustBeSetForRestore", "CustomDomainInUse", "CanNotRestoreAnActiveResource"];

/**
 * The rows a flow matrix runs. `RECLAIM_FLOW_ROWS=sample` (set by the extra
 * legs of the CI matrix: other Node and SDK versions) keeps every fourth row,
 * the first included, so every leg plays real flows while the whole matrix
 * runs once, on the primary leg, within CI's time.
 */
export function selectRows<T>(rows: T[]): T[] {
  return process.env.RECLAIM_FLOW_ROWS === "sample" ? rows.filter((_, index) => index % 4 === 0) : rows;
}

/** One world per test: a stack of a flow program, the emulator, and a cursor into its request log. */
export class FlowWorld {
  private seen = 0;
  readonly previews: RunResult[] = [];

  private constructor(
    readonly emulator: RunningEmulator,
    readonly stack: FlowStack,
    readonly config: Record<string, string>,
  ) {}

  static async create(emulator: RunningEmulator, program: FlowProgram, config: Record<string, string>): Promise<FlowWorld> {
    const stack = await FlowStack.create({
      project: `flow-${program}`,
      stack: "test",
      programDir: flowProject(program),
      env: emulator.environment,
      config: { "azure-native:subscriptionId": emulator.subscriptionId, ...Object.fromEntries(Object.entries(config).map(([k, v]) => [`flow:${k}`, v])) },
      // FLOW_ORDER_SEED plays the matrix in another legal order of steps (harness/engine/order.ts).
      order: process.env.FLOW_ORDER_SEED ? { seed: Number(process.env.FLOW_ORDER_SEED) } : undefined,
      plugins: program.startsWith("remote") ? { "cognitive-reclaim": componentPluginFolder() } : undefined,
    });
    const world = new FlowWorld(emulator, stack, config);
    world.seen = (await emulator.control.requests()).length;
    return world;
  }

  /** Flow config keys (`flow:<key>`) for one run, kept for later runs like `pulumi config set`. */
  static configOf(config: Record<string, string> = {}): Record<string, string> {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [`flow:${k}`, v]));
  }

  /** Lets hours pass in the world between two commands (the emulator's clock; see passTime in ./emulator). */
  async passTime(hours: number): Promise<void> {
    await passTime(this.emulator, hours);
  }

  /** ARM requests since the last call. */
  async events(): Promise<ArmEvents> {
    const log = (await this.emulator.control.requests()).slice(this.seen);
    this.seen += log.length;
    const writes = accountWrites(log);
    const names = (action: AccountWrite["action"]) => writes.filter((w) => w.action === action && w.status < 400).map((w) => w.name);
    return {
      accountDeletes: names("delete"),
      purges: names("purge"),
      restores: names("restore"),
      puts: names("create"),
      restoreBodies: writes.filter((w) => w.action === "restore").map((w) => ({ name: w.name, status: w.status })),
    };
  }

  /**
   * `pulumi preview` then `pulumi up` with the same options, as a user runs
   * them, holding the run to the invariants that need no knowledge of the row:
   * (c) no create meets a soft-deleted account; (d) preview named every purge
   * (saying it is permanent), every restore and every account delete that up
   * then made. Returns up's result and what ARM was asked.
   */
  async up(options: RunOptions & { preview?: boolean } = {}): Promise<{ result: RunResult; events: ArmEvents; preview: RunResult }> {
    const { preview: withPreview = true, ...rest } = options;
    const runOptions = { ...rest, config: FlowWorld.configOf(rest.config as Record<string, string> | undefined) };
    if (!withPreview) {
      // An up the row knows to be an in-place change: with no preview to hold it to, it must purge, restore and delete nothing.
      const result = await this.stack.up(runOptions);
      const events = await this.events();
      holdsInvariants(result, events, result);
      expect({ deletes: events.accountDeletes, purges: events.purges, restores: events.restores }).toEqual({ deletes: [], purges: [], restores: [] });
      return { result, events, preview: result };
    }
    const preview = await this.stack.preview(runOptions);
    this.previews.push(preview);
    const previewEvents = await this.events();
    expect(previewEvents.accountDeletes.concat(previewEvents.purges, previewEvents.restores, previewEvents.puts)).toEqual([]); // preview never writes
    const result = await this.stack.up(runOptions);
    const events = await this.events();
    holdsInvariants(result, events, preview);
    return { result, events, preview };
  }

  /** `pulumi destroy` (a provider process of its own, no program unless `runProgram`). */
  async destroy(options: { runProgram?: boolean } = {}): Promise<{ result: RunResult; events: ArmEvents }> {
    const result = await this.stack.destroy(options);
    const events = await this.events();
    for (const code of SOFT_DELETE_CONFLICTS) expect(result.output).not.toContain(code);
    return { result, events };
  }

  /** `pulumi refresh`. */
  async refresh(): Promise<RunResult> {
    const result = await this.stack.refresh();
    await this.events();
    return result;
  }

  /** The next up changes nothing: every step is `same` and ARM sees no write. */
  async converges(): Promise<void> {
    const result = await this.stack.up();
    const events = await this.events();
    expect(result.ok).toBe(true);
    expect(result.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`)).toEqual([]);
    expect({ deletes: events.accountDeletes, purges: events.purges, restores: events.restores, puts: events.puts }).toEqual({ deletes: [], purges: [], restores: [], puts: [] });
  }

  /** Someone deletes the account outside Pulumi (Azure soft-deletes it). */
  async deleteAccountOutOfBand(name: string): Promise<void> {
    await this.arm().accounts.beginDeleteAndWait(GROUP, name);
    this.seen = (await this.emulator.control.requests()).length;
  }

  /** Someone deletes the resource group outside Pulumi: its accounts are soft-deleted, then the group is gone. */
  async deleteGroupOutOfBand(accounts: string[]): Promise<void> {
    for (const name of accounts) await this.arm().accounts.beginDeleteAndWait(GROUP, name);
    await this.emulator.control.remove({ resourceGroups: [{ subscriptionId: this.emulator.subscriptionId, name: GROUP }] });
    this.seen = (await this.emulator.control.requests()).length;
  }

  /** What Azure holds under a name now. */
  async nameState(name: string): Promise<{ live: boolean; deleted: boolean; internalId?: string }> {
    const { state } = await this.emulator.control.state();
    const live = Object.values(state.accounts).find((a) => a.name.toLowerCase() === name.toLowerCase());
    const deleted = Object.values(state.deletedAccounts).find((d) => d.account.name.toLowerCase() === name.toLowerCase());
    return { live: Boolean(live), deleted: Boolean(deleted), internalId: (live?.properties.internalId ?? deleted?.account.properties.internalId) as string | undefined };
  }

  private arm(): CognitiveServicesManagementClient {
    const p = this.emulator.principal;
    const credential = new ClientSecretCredential(p.tenantId, p.clientId, p.clientSecret, { authorityHost: this.emulator.url, disableInstanceDiscovery: true });
    return new CognitiveServicesManagementClient(credential, this.emulator.subscriptionId, { endpoint: this.emulator.url, $host: this.emulator.url, credentialScopes: ["https://management.azure.com/.default"] });
  }

  async close(): Promise<void> {
    await this.stack.close();
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Invariants (c) and (d), which hold in every row whatever it does; a broken one prints what the engine decided. */
export function holdsInvariants(result: RunResult, events: ArmEvents, preview: RunResult): void {
  try {
    checkInvariants(result, events, preview);
  } catch (error) {
    if (error instanceof Error) error.message += `\n\nWhat the engine decided (RunResult.trace):\n${result.trace.join("\n")}\n\n${result.output}`;
    throw error;
  }
}

function checkInvariants(result: RunResult, events: ArmEvents, preview: RunResult): void {
  // (c) A stack that declares purge-before-recreate (or recovery) never meets a soft-deleted account on create.
  for (const code of SOFT_DELETE_CONFLICTS) expect(result.output).not.toContain(code);
  // The restore flag only ever travels in a request that restores (Azure refuses it on a live account).
  for (const put of events.restoreBodies) expect(put.status).toBeLessThan(400);
  // (d) Preview named each purge (as permanent), each restore and each account delete before up made it.
  for (const name of events.purges) expect(preview.output).toMatch(new RegExp(`purge[^\\n]*'${escape(name)}'[^\\n]*permanent|'${escape(name)}'[^\\n]*purge[^\\n]*permanent`, "i"));
  for (const name of events.restores) expect(preview.output).toMatch(new RegExp(`restore[^\\n]*'${escape(name)}'`, "i"));
  if (events.accountDeletes.length) {
    const deleting = preview.steps.filter((s) => ["delete", "replace", "delete-replaced"].includes(s.op));
    expect(deleting.length).toBeGreaterThan(0);
  }
}
