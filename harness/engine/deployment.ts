import type { CallbackRef, Callbacks, RegisteredHook } from "./callbacks";
import { Order, pause } from "./order";
import { type ProviderFactory, ProviderRegistry } from "./providerRegistry";
import { type HookBindings, isProviderType, nameOfUrn, packageOf, type PendingOperation, type ResourceState, type Snapshot, sortByDependencies } from "./state";
import { StepExecutor } from "./stepExecutor";
import { StepGenerator } from "./stepGenerator";
import type { StepOp, StepRecord } from "./steps";
import type { Props } from "./values";

export { applyReplaceOnChanges, processIgnoreChanges } from "./stepGenerator";
export { containsUnknown } from "./values";
export type { ProviderFactory } from "./providerRegistry";

/** What the program asked for one resource: a `RegisterResourceRequest`, decoded (the engine's `resource.Goal`). */
export interface Goal {
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  inputs: Props;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** An explicit provider reference `urn::id`; empty for the package's default provider. */
  provider?: string;
  version: string;
  protect?: boolean;
  /** Set only when the program set the option (`deleteBeforeReplaceDefined`). */
  deleteBeforeReplace?: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  retainOnDelete?: boolean;
  aliasUrns: string[];
  additionalSecretOutputs: string[];
  hooks: HookBindings;
  /** `replacementTrigger`: a change of this value replaces the resource. */
  replacementTrigger?: unknown;
  /** `replaceWith`: replace this resource whenever one of these is replaced in the same run. */
  replaceWith: string[];
  /** `deletedWith`: no provider Delete when that resource is deleted in the same run. */
  deletedWith?: string;
}

/** What the engine answers a registration with. */
export interface RegisterResult {
  urn: string;
  id: string;
  outputs: Props;
}

/**
 * Which engine release a rule follows where pulumi/pulumi changed it after 3.260:
 * - "3.260" (default): a state pending replacement that a create-before-delete resumption marked pending delete
 *   is deleted at the end with a provider Delete of its old id (step.go, DeleteStep.Apply has no
 *   PendingReplacement case at 3.260).
 * - "after-24588": pulumi/pulumi#24588 (merged 2026-09-08, fixing #24561) never deletes a state pending
 *   replacement: it leaves the state with no provider call.
 */
export type EngineRelease = "3.260" | "after-24588";

export interface DeploymentOptions {
  kind: "update" | "destroy";
  dryRun: boolean;
  stack: string;
  project: string;
  /** Stack config, `namespace:key` → value. */
  config: Record<string, string>;
  /** `up --replace`: URNs to replace even without a diff. */
  replaceTargets: string[];
  /** `--target`: URNs; only these are checked, diffed, created, updated or deleted (empty: all). */
  targets?: string[];
  /** `--exclude`: URNs left alone (empty: none). */
  excludes?: string[];
  /** `destroy --run-program`: registrations are skipped; everything is deleted at the end. */
  destroyProgram?: boolean;
  providers: ProviderFactory;
  callbacks: Callbacks;
  /** A seed for the order of steps among those the engine allows (see order.ts); none: one fixed order. */
  seed?: number;
  engine?: EngineRelease;
  /**
   * The CLI is killed (SIGKILL, a lost runner) as the k-th provider Create, Update or Delete of this update returns,
   * before the engine journals it as done: the cloud did it, the checkpoint holds it as a pending operation
   * (backend/snapshot.go, markOperationPending, 3.260), and nothing after it runs (no after-hooks, no later step).
   */
  killAfterOperations?: number;
}

/** The engine stops an update whose step failed (step_executor.go, cancelDueToError). */
export class StepFailed extends Error {}

const KILLED = "the update was killed midway (the CLI process died; operations in flight are pending in the checkpoint)";

/**
 * One engine run over a snapshot, split as pulumi/pulumi 3.260 splits it (pkg/resource/deploy): the
 * {@link StepGenerator} turns each registration into steps (step_generator.go), the {@link StepExecutor} applies
 * them with hooks and retries (step.go, step_executor.go), the {@link ProviderRegistry} resolves providers
 * (providers/registry.go), and this class holds the run's state and its one failure path
 * (deployment_executor.go, Execute). Registrations are generated one at a time, in arrival order; their steps
 * run in the order {@link Order} picks among those the engine allows; deletes run after the program finished.
 */
export class Deployment {
  readonly steps: StepRecord[] = [];
  /** Diagnostics not tied to a resource, and the program's own log lines. */
  readonly messages: string[] = [];
  /** Every decision the step generator took, in order ("decided to …"), for a failing row to print. */
  readonly trace: string[] = [];
  error?: string;
  /**
   * Failures after a step's cloud operation succeeded (an after-hook failed) or that preview reports and goes on
   * past: the run goes on and fails at the end (deployment.go, RecordPostStepError; deployment_executor.go,
   * Execute: `postStepError`, 3.260, pulumi/pulumi#22935).
   */
  readonly postStepErrors: string[] = [];
  stackOutputs: Props = {};

  readonly prev: ResourceState[];
  readonly olds = new Map<string, ResourceState>();
  readonly news: ResourceState[] = [];
  /** Old states this run has taken over (same, update, replaced, deleted): they leave the snapshot. */
  readonly consumed = new Set<ResourceState>();
  /** Old states a registration matched (by URN or alias): not deleted at the end unless pending delete. */
  readonly seen = new Set<ResourceState>();
  /** Old URNs claimed through an alias in this run, and by which resource (step_generator.go, `sg.aliased`). */
  readonly aliased = new Map<string, string>();
  readonly registeredUrns = new Set<string>();
  /** URNs deleted in this run (step_generator.go, sg.deletes): `deletedWith`, and dependents to re-create. */
  readonly deletes = new Set<string>();
  /** Old states deleted early by a delete-before-replace (sg.pendingDeletes): not deleted again at the end. */
  readonly pendingDeletes = new Set<ResourceState>();
  /** URNs replaced in this run (sg.replaces), for `replaceWith` and `deletedWith`. */
  readonly replaces = new Set<string>();
  /** Why each dependent deleted by a delete-before-replace is replaced (sg.dependentReplaceKeys). */
  readonly dependentReplaceKeys = new Map<string, string[]>();
  readonly hooks = new Map<string, RegisteredHook>();
  readonly errorHooks = new Map<string, CallbackRef>();
  readonly registry: ProviderRegistry;
  readonly order: Order;
  /** Operations this run began and never finished because it was killed (see `killAfterOperations`). */
  readonly pendingOperations: PendingOperation[] = [];
  /** Set when the run was killed: from then on nothing starts and nothing is journaled. */
  killed = false;
  private operations = 0;
  private readonly prevPendingOperations: PendingOperation[];
  private readonly generator: StepGenerator;
  private readonly executor: StepExecutor;
  /** Registrations are generated one at a time (deployment_executor.go, Execute: one event at a time). */
  private generation: Promise<unknown> = Promise.resolve();

  constructor(
    snapshot: Snapshot,
    readonly options: DeploymentOptions,
  ) {
    // Copies: the run mutates states (pending delete, pending replacement) and the caller's snapshot must not change.
    this.prev = snapshot.resources.map((r) => structuredClone(r));
    for (const r of this.prev) if (!r.pendingDelete) this.olds.set(r.urn, r);
    this.prevPendingOperations = (snapshot.pendingOperations ?? []).map((op) => ({ ...op }));
    this.order = new Order(options.seed);
    this.registry = new ProviderRegistry(this, options.providers);
    this.generator = new StepGenerator(this);
    this.executor = new StepExecutor(this);
  }

  get dryRun(): boolean {
    return this.options.dryRun;
  }

  get stack(): string {
    return this.options.stack;
  }

  get project(): string {
    return this.options.project;
  }

  get config(): Record<string, string> {
    return this.options.config;
  }

  get engine(): EngineRelease {
    return this.options.engine ?? "3.260";
  }

  /** With a seed, registrations are handled concurrently (their generation still one at a time). */
  get concurrent(): boolean {
    return this.order.seeded;
  }

  // ---- hooks registration (source_eval.go, resmon.RegisterResourceHook / RegisterErrorHook)

  registerHook(hook: RegisteredHook): void {
    if (this.hooks.has(hook.name) || this.errorHooks.has(hook.name)) throw new Error(`resource hook already registered for name "${hook.name}"`);
    this.hooks.set(hook.name, hook);
  }

  registerErrorHook(name: string, callback: CallbackRef): void {
    if (this.hooks.has(name) || this.errorHooks.has(name)) throw new Error(`resource hook already registered for name "${name}"`);
    this.errorHooks.set(name, callback);
  }

  // ---- registrations

  /** Handles one `RegisterResource`: generates its steps, runs them, answers; throws {@link StepFailed} when one fails. */
  async register(goal: Goal): Promise<RegisterResult> {
    if (this.error) throw new StepFailed(`the update was stopped by an earlier failure: ${this.error}`);
    const { steps, state } = await this.inGeneration(() => this.generator.generate(goal));
    // Later registrations are generated while this chain waits and runs (step_executor.go: one worker per chain).
    await pause(this.order.holdMs());
    await this.executor.runChain(steps);
    return { urn: state.urn, id: state.id, outputs: state.outputs };
  }

  /**
   * Work the step generator does in turn with the registrations (deployment_executor.go, Execute: one event at a
   * time), such as registering the default provider a remote component's `Construct` needs (source_eval.go,
   * resmon.RegisterResource, `if remote`; default_providers.go, handleRequest: that registration is an event on
   * the same channel as the program's).
   */
  inGeneration<T>(work: () => T | Promise<T>): Promise<T> {
    const next = this.generation.then(work);
    this.generation = next.catch(() => undefined);
    return next;
  }

  /** `RegisterResourceOutputs`: a component's or the stack's outputs (step_executor.go, ExecuteRegisterResourceOutputs). */
  registerOutputs(urn: string, outputs: Props): void {
    const state = this.news.find((r) => r.urn === urn);
    if (state) state.outputs = outputs;
    if (state?.type === "pulumi:pulumi:Stack") this.stackOutputs = outputs;
  }

  /**
   * A provider function called by the program (source_eval.go, resmon.Invoke): the given provider, or the
   * default provider of the token's package, registered on first use like a resource's.
   */
  async invoke(token: string, args: Props, provider?: string): Promise<Props> {
    const ref = this.registry.refFor(token, "", provider || undefined);
    const plugin = await this.registry.plugin(ref);
    if (!plugin.invoke) throw new Error(`invoke ${token}: the ${packageOf(token)} provider of the flow harness has no functions`);
    return plugin.invoke(token, args);
  }

  /** Records a diagnostic from the program (Engine.Log) under its resource, or the run's messages. */
  log(severity: string, message: string, urn: string): void {
    // The CLI shows debug messages only with `-v` / `--debug`.
    if (severity === "debug") return;
    // After a step failed, the program's own errors are the engine's cancellation echoing back.
    if (this.error && severity === "error") return;
    const text = severity === "info" ? message : `${severity}: ${message}`;
    const step = urn ? [...this.steps, ...this.executor.inFlight()].reverse().find((s) => s.urn === urn) : undefined;
    if (step) step.diagnostics.push(text.trimEnd());
    else this.messages.push(text.trimEnd());
  }

  // ---- the end of the run: deletes (step_generator.go, GenerateDeletes + ScheduleDeletes)

  /** Deletes what the program no longer declares and what replacements left pending, after the program finished. */
  async finish(): Promise<void> {
    if (this.error) return;
    const antichains = this.generator.generateDeletes();
    for (const antichain of antichains) {
      if (this.error) return;
      if (this.concurrent) {
        // ScheduleDeletes + ExecuteParallel: the steps of one antichain run at once, in a seeded order.
        await Promise.all(this.order.shuffle(antichain).map(async (step) => {
          await pause(this.order.holdMs() / 4);
          await this.executor.runDelete(step);
        }));
      } else {
        for (const step of antichain) {
          if (this.error) return;
          await this.executor.runDelete(step);
        }
      }
    }
  }

  /**
   * `pulumi refresh` / `up --refresh`: Read every custom resource first (deployment_executor.go, refresh;
   * step.go, RefreshStep.Apply, 3.260), then Diff what was read against the state's inputs.
   */
  async refresh(): Promise<void> {
    for (const old of this.prev) {
      if (this.error) return;
      await this.executor.refresh(old);
    }
  }

  /** Before a destroy without the program: resources with delete hooks cannot be destroyed (engine/destroy.go, newDestroySource). */
  checkDestroyWithoutProgram(): void {
    const withHooks = this.prev.filter((r) => r.hooks.beforeDelete.length || r.hooks.afterDelete.length);
    if (withHooks.length) {
      for (const r of withHooks) this.messages.push(`error: ${r.urn}: Resource has delete hooks registered, but the program is not running. Hooks: ${[...r.hooks.beforeDelete, ...r.hooks.afterDelete].join(", ")}`);
      this.error = "You must run with the `--run-program` flag to use delete hooks during destroy.";
    }
  }

  /** Ends the run: failures recorded after their step succeeded now fail it (deployment_executor.go, Execute). */
  settle(): void {
    if (!this.error && this.postStepErrors.length) this.error = this.postStepErrors.join("\n");
  }

  /**
   * The snapshot after the run: new states, then old states this run did not take over, in dependency order; the
   * operations a kill left pending, and the base's pending creates, which only an interactive (or
   * `--clear-pending-creates`) refresh clears (backend/snapshot.go, SnapshotManager.Snap: "we don't want to clear pending CREATE
   * operations"; cmd/pulumi/operations/refresh.go, 3.260). Other pending operations of the base are dropped.
   */
  snapshot(): Snapshot {
    const kept = this.prev.filter((r) => !this.consumed.has(r));
    const pendingOperations = [...this.pendingOperations, ...this.prevPendingOperations.filter((op) => op.type === "creating")];
    return { resources: sortByDependencies([...this.news, ...kept]), ...(pendingOperations.length ? { pendingOperations } : {}) };
  }

  /**
   * deployment_executor.go, Execute / printPendingOperationsWarning (3.260): an update or destroy that is not a
   * preview and does not refresh first warns about the operations a killed run left pending, and goes on.
   */
  warnPendingOperations(): void {
    if (this.dryRun || !this.prevPendingOperations.length) return;
    const ops = this.prevPendingOperations.map((op) => `  * ${op.urn}, interrupted while ${op.type}`).join("\n");
    this.messages.push(`warning: Attempting to deploy or update resources with ${this.prevPendingOperations.length} pending operations from previous deployment.\n${ops}\nThese resources are in an unknown state because the Pulumi CLI was interrupted while waiting for changes to these resources to complete.`);
  }

  /** A step may not start (nor call its provider) once the run was killed: the process that would run it is gone. */
  assertAlive(): void {
    if (this.killed) throw new StepFailed(KILLED);
  }

  /**
   * Called as a provider Create, Update or Delete returns, before its result is journaled: when this is the
   * operation the run is killed at (or the run is already dead), the operation stays pending and the step fails
   * without recording what the provider answered.
   */
  operationReturned(type: PendingOperation["type"], urn: string): void {
    if (this.dryRun) return;
    this.operations += 1;
    if (this.options.killAfterOperations !== undefined && this.operations >= this.options.killAfterOperations && !this.killed) {
      this.killed = true;
      this.trace.push(`killed the update as ${type.replace(/ing$/, "e")} of ${nameOfUrn(urn)} returned (operation ${this.operations})`);
    }
    if (!this.killed) return;
    this.pendingOperations.push({ urn, type });
    throw new Error(KILLED);
  }

  async close(): Promise<void> {
    await this.registry.close();
  }

  // ---- bookkeeping shared by the generator and the executor

  /** A step's record, named after the state it acts on. */
  newRecord(op: StepOp, state: ResourceState): StepRecord {
    return { op, urn: state.urn, type: state.type, name: nameOfUrn(state.urn), keys: [], providerCalled: false, diagnostics: [] };
  }

  record(step: StepRecord): void {
    if (!this.steps.includes(step)) this.steps.push(step);
  }

  decided(what: string): void {
    this.trace.push(`decided to ${what}`);
  }

  note(line: string, step?: StepRecord): void {
    if (step) step.diagnostics.push(line);
    else this.messages.push(line);
  }

  /**
   * The one failure path: the step's record carries the error, the run remembers the first one, and the update
   * stops (step_executor.go, cancelDueToError: no new steps start; steps in flight finish).
   */
  fail(step: StepRecord, error: unknown): never {
    const message = error instanceof Error ? error.message : String(error);
    step.error = message;
    this.record(step);
    this.error ??= message;
    this.trace.push(`failed ${step.op} ${step.name}: ${message.split("\n")[0]}`);
    throw new StepFailed(message);
  }

  isProvider(state: ResourceState): boolean {
    return isProviderType(state.type);
  }
}
