import { randomUUID } from "node:crypto";
import type { CallbackRef, Callbacks, HookCall, RegisteredHook } from "./callbacks";
import type { DiffResult, EngineProvider } from "./provider";
import {
  type HookBindings,
  emptyHooks,
  isProviderType,
  makeUrn,
  nameOfUrn,
  packageOf,
  parseProviderRef,
  type ResourceState,
  type Snapshot,
  sortByDependencies,
  typeOfUrn,
} from "./state";
import type { StepOp, StepRecord } from "./steps";
import { containsUnknown, deepEqual, markSecretOutputs, type Props, UNKNOWN } from "./values";

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

/** Makes the provider plugin for a provider resource (its package, its inputs as config). */
export type ProviderFactory = (pkg: string) => Promise<EngineProvider>;

export interface DeploymentOptions {
  kind: "update" | "destroy";
  dryRun: boolean;
  stack: string;
  project: string;
  /** Stack config, `namespace:key` → value. */
  config: Record<string, string>;
  /** `up --replace`: URNs to replace even without a diff. */
  replaceTargets: string[];
  /** `destroy --run-program`: registrations are skipped; everything is deleted at the end. */
  destroyProgram?: boolean;
  providers: ProviderFactory;
  callbacks: Callbacks;
}

/** The engine stops an update whose step failed (step_executor.go, cancelDueToError). */
export class StepFailed extends Error {}

/** Bound on error-hook retries (pkg/resource/deploy/retries.go, maxErrorHookRetries). */
const MAX_ERROR_HOOK_RETRIES = 100;

/**
 * One engine run over a snapshot: the step generator and the step executor
 * of pulumi/pulumi (`pkg/resource/deploy/step_generator.go`,
 * `step_executor.go`, `step.go`, `deployment_executor.go`), serialised: one
 * registration at a time (as with `--parallel 1`), each one's steps run
 * before it is answered, deletes after the program finished.
 */
export class Deployment {
  readonly steps: StepRecord[] = [];
  /** Diagnostics not tied to a resource, and the program's own log lines. */
  readonly messages: string[] = [];
  error?: string;
  stackOutputs: Props = {};

  private readonly prev: ResourceState[];
  private readonly olds = new Map<string, ResourceState>();
  private readonly news: ResourceState[] = [];
  /** Old states this run has taken over (same, update, replaced, deleted): they leave the snapshot. */
  private readonly consumed = new Set<ResourceState>();
  /** Old states a registration matched (by URN or alias): not deleted at the end unless pending delete. */
  private readonly seen = new Set<ResourceState>();
  private readonly registeredUrns = new Set<string>();
  /** URNs deleted (or being deleted) in this run, for `deletedWith` (step.go, isDeletedWith). */
  private readonly deletions = new Set<string>();
  /** URNs replaced in this run (step_generator.go, sg.replaces), for `replaceWith`. */
  private readonly replaced = new Set<string>();
  private readonly plugins = new Map<string, Promise<EngineProvider>>();
  private readonly hooks = new Map<string, RegisteredHook>();
  private readonly errorHooks = new Map<string, CallbackRef>();
  private readonly registeredHooks = new Map<string, HookBindings>();
  private current?: StepRecord;

  constructor(
    snapshot: Snapshot,
    private readonly options: DeploymentOptions,
  ) {
    // Copies: the run mutates states (pending delete, pending replacement) and the caller's snapshot must not change.
    this.prev = snapshot.resources.map((r) => structuredClone(r));
    for (const r of this.prev) if (!r.pendingDelete) this.olds.set(r.urn, r);
  }

  get dryRun(): boolean {
    return this.options.dryRun;
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

  // ---- registration: step generation (step_generator.go, generateSteps) and execution

  /** Handles one `RegisterResource`: generates its steps and runs them; throws {@link StepFailed} when a step fails. */
  async register(goal: Goal): Promise<RegisterResult> {
    if (this.error) throw new StepFailed(`the update was stopped by an earlier failure: ${this.error}`);
    const urn = makeUrn(this.options.stack, this.options.project, goal.parent, goal.type, goal.name);
    // step_generator.go, generateURN: a URN may be registered once per deployment.
    if (this.registeredUrns.has(urn)) return this.fail(urn, goal.type, "create", `Duplicate resource URN '${urn}'; try giving it a unique name`);
    this.registeredUrns.add(urn);
    this.registeredHooks.set(urn, goal.hooks);

    // step_generator.go, getOldResource: the old state by URN, else by the first alias that names one.
    let old = this.olds.get(urn);
    if (!old) {
      for (const alias of goal.aliasUrns) {
        const candidate = this.olds.get(alias);
        if (candidate && !this.seen.has(candidate)) {
          old = candidate;
          break;
        }
      }
    }
    if (old) this.seen.add(old);

    // step_generator.go, generateResourceSteps (destroyMode): a destroy that runs the program creates and updates nothing.
    if (this.options.destroyProgram) {
      if (old) return { urn, id: old.id, outputs: old.outputs };
      return { urn, id: "", outputs: goal.inputs };
    }

    const provider = goal.custom && !isProviderType(goal.type) ? await this.providerRefFor(goal) : undefined;
    const state: ResourceState = {
      urn,
      type: goal.type,
      custom: goal.custom,
      id: "",
      inputs: goal.inputs,
      outputs: {},
      parent: goal.parent || undefined,
      dependencies: goal.dependencies,
      provider,
      protect: goal.protect ?? false,
      retainOnDelete: goal.retainOnDelete ?? false,
      pendingDelete: false,
      pendingReplacement: false,
      hooks: goal.hooks,
      additionalSecretOutputs: goal.additionalSecretOutputs,
    };
    if (Object.keys(goal.propertyDependencies).length) state.propertyDependencies = goal.propertyDependencies;
    if (goal.replacementTrigger !== undefined) state.replacementTrigger = goal.replacementTrigger;
    if (goal.replaceWith.length) state.replaceWith = goal.replaceWith;
    if (goal.deletedWith) state.deletedWith = goal.deletedWith;

    if (!goal.custom) return this.registerComponent(state, old);
    if (isProviderType(goal.type)) return this.registerProvider(state, old);

    const step = this.begin(old ? "update" : "create", state);
    try {
      const plugin = await this.plugin(state.provider!);
      // step_generator.go, generateSteps: "Set inputs back to their old values (if any) for any 'ignored' properties".
      let inputs = old ? processIgnoreChanges(goal.inputs, old.inputs, goal.ignoreChanges) : goal.inputs;
      // step_generator.go, generateSteps: Check with the old inputs as olds.
      const checked = await plugin.check(urn, old?.inputs ?? {}, inputs);
      await this.collect(plugin);
      if (checked.failures.length) throw new Error(checkFailureText(checked.failures));
      // provider_plugin.go, Check: annotateSecrets — what was secret in the news stays secret in the checked inputs.
      inputs = markSecretOutputs(checked.inputs, inputs);
      state.inputs = inputs;

      if (!old) {
        step.op = "create";
        await this.create(step, plugin, state, undefined);
        this.news.push(state);
        return this.answer(state);
      }

      const targeted = this.options.replaceTargets.includes(old.urn) || this.options.replaceTargets.includes(urn);
      // step_generator.go, generateStepsFromDiff: a changed replacement trigger replaces without asking the provider.
      if (!this.dryRun && containsUnknown(goal.replacementTrigger)) throw new Error(`replacement trigger contains unknowns for ${urn}`);
      const triggered = shouldTriggerReplace(goal.replacementTrigger, old.replacementTrigger);
      // step_generator.go, diff: "replaced because ... (in its ReplaceWith list) is being replaced".
      const replacedWith = goal.replaceWith.find((u) => this.replaced.has(u));
      let diff: DiffResult = triggered
        ? { changes: "some", replaces: ["replacementTrigger"], deleteBeforeReplace: false, diffs: ["replacementTrigger"] }
        : replacedWith
          ? { changes: "some", replaces: ["replaceWith"], deleteBeforeReplace: false, diffs: ["replaceWith"] }
          : await this.diff(plugin, old, state, goal);
      await this.collect(plugin);
      // step_generator.go, applyReplaceOnChanges: a changed key under `replaceOnChanges` turns the update into a replace.
      diff = applyReplaceOnChanges(diff, goal.replaceOnChanges);

      if (diff.changes === "some" || old.pendingReplacement || targeted) {
        if (diff.replaces.length || targeted || old.pendingReplacement) {
          // step_generator.go, continueStepsFromDiff: "If this resource is protected we can't replace it".
          if (state.protect && old.protect) {
            throw new Error(`unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\``);
          }
          step.op = "replace";
          step.keys = diff.replaces.length ? diff.replaces : diff.diffs;
          this.replaced.add(urn);
          if (!targeted) {
            // continueStepsFromDiff: "we need to recompute the default values" — Check again with no olds.
            const rechecked = await plugin.check(urn, {}, goal.inputs);
            await this.collect(plugin);
            if (rechecked.failures.length) throw new Error(checkFailureText(rechecked.failures));
            state.inputs = markSecretOutputs(rechecked.inputs, goal.inputs);
          }
          // continueStepsFromDiff: the option, when set, wins over the provider's answer.
          const deleteBeforeReplace = goal.deleteBeforeReplace ?? diff.deleteBeforeReplace;
          await this.replace(step, plugin, old, state, deleteBeforeReplace);
          return this.answer(state);
        }
        step.op = "update";
        step.keys = diff.diffs;
        await this.update(step, plugin, old, state);
        this.consumed.add(old);
        this.news.push(state);
        return this.answer(state);
      }

      // SameStep: the old id and outputs carry over.
      step.op = "same";
      state.id = old.id;
      state.outputs = old.outputs;
      this.consumed.add(old);
      this.news.push(state);
      this.steps.push(step);
      return this.answer(state);
    } catch (error) {
      return this.failStep(step, error);
    } finally {
      this.current = undefined;
    }
  }

  /** Component resources and the stack: no provider; same or update of their (empty) inputs, create when new. */
  private registerComponent(state: ResourceState, old: ResourceState | undefined): RegisterResult {
    const op: StepOp = !old ? "create" : deepEqual(old.inputs, state.inputs) ? "same" : "update";
    const step = this.begin(op, state);
    step.providerCalled = false;
    if (old) {
      state.outputs = old.outputs;
      this.consumed.add(old);
    }
    this.news.push(state);
    this.steps.push(step);
    this.current = undefined;
    return this.answer(state);
  }

  /**
   * An explicit provider resource (`new azure.Provider(...)`): the providers registry keeps its id across runs and
   * configures a plugin with its inputs on first use (pkg/resource/deploy/providers/registry.go, Registry.Create/Same).
   */
  private registerProvider(state: ResourceState, old: ResourceState | undefined): RegisterResult {
    const op: StepOp = !old ? "create" : deepEqual(old.inputs, state.inputs) ? "same" : "update";
    const step = this.begin(op, state);
    state.id = old?.id ?? (this.dryRun ? UNKNOWN : randomUUID());
    state.outputs = state.inputs;
    if (old) this.consumed.add(old);
    this.news.push(state);
    this.steps.push(step);
    this.current = undefined;
    return this.answer(state);
  }

  /** `RegisterResourceOutputs`: a component's or the stack's outputs (step_executor.go, ExecuteRegisterResourceOutputs). */
  registerOutputs(urn: string, outputs: Props): void {
    const state = this.news.find((r) => r.urn === urn);
    if (state) state.outputs = outputs;
    if (state?.type === "pulumi:pulumi:Stack") this.stackOutputs = outputs;
  }

  /** Records a diagnostic from the program (Engine.Log) under its resource, or the run's messages. */
  log(severity: string, message: string, urn: string): void {
    // The CLI shows debug messages only with `-v` / `--debug`.
    if (severity === "debug") return;
    // After a step failed, the program's own errors are the engine's cancellation echoing back.
    if (this.error && severity === "error") return;
    const text = severity === "info" ? message : `${severity}: ${message}`;
    const step = urn ? [...this.steps, ...(this.current ? [this.current] : [])].reverse().find((s) => s.urn === urn) : undefined;
    if (step) step.diagnostics.push(text.trimEnd());
    else this.messages.push(text.trimEnd());
  }

  // ---- the end of the run: deletes (step_generator.go, GenerateDeletes + ScheduleDeletes)

  /**
   * Deletes what the program no longer declares and what replacements left pending, after the program finished:
   * old states in reverse snapshot order, which is reverse dependency order (step_generator.go, ScheduleDeletes).
   */
  async finish(): Promise<void> {
    if (this.error) return;
    const doomed = this.prev.filter((r) => !this.consumed.has(r) && (this.options.kind === "destroy" || r.pendingDelete || !this.seen.has(r)));
    for (const r of doomed) if (!r.pendingDelete) this.deletions.add(r.urn);
    for (const old of [...doomed].reverse()) {
      if (this.error) return;
      // A provider still used by a live resource stays (providers are deleted last, after their resources).
      if (isProviderType(old.type) && this.providerStillUsed(old)) continue;
      // GenerateDeletes: a pending delete is the second half of a replacement (DeleteReplacementStep).
      const step = this.begin(old.pendingDelete ? "delete-replaced" : "delete", old);
      try {
        await this.delete(step, old, old.pendingDelete);
        this.consumed.add(old);
      } catch (error) {
        this.failStep(step, error, false);
      } finally {
        this.current = undefined;
      }
    }
  }

  /**
   * `pulumi refresh` / `up --refresh`: Read every custom resource first (step_generator.go, GenerateRefreshes;
   * step.go, RefreshStep.Apply). A resource whose Read answers no id leaves the state, so the update that follows
   * creates it again; otherwise its outputs (and inputs, when the provider returns them) are what Read found.
   */
  async refresh(): Promise<void> {
    for (const old of this.prev) {
      if (this.error) return;
      if (!old.custom || isProviderType(old.type) || old.pendingReplacement) continue;
      const step = this.begin("refresh", old);
      try {
        const plugin = await this.plugin(old.provider!);
        step.providerCalled = true;
        const read = await plugin.read(old.urn, old.id, old.inputs, old.outputs);
        await this.collect(plugin);
        if (!read.id) {
          step.keys = ["(deleted)"];
          this.consumed.add(old);
          this.olds.delete(old.urn);
        } else {
          const outputs = markSecretOutputs(read.outputs, old.inputs, old.additionalSecretOutputs);
          step.keys = [...new Set([...Object.keys(old.outputs), ...Object.keys(outputs)])].filter((k) => !deepEqual(old.outputs[k], outputs[k])).sort();
          old.id = read.id;
          old.outputs = outputs;
          if (Object.keys(read.inputs).length) old.inputs = markSecretOutputs(read.inputs, old.inputs);
        }
        this.steps.push(step);
      } catch (error) {
        this.failStep(step, error, false);
      } finally {
        this.current = undefined;
      }
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

  /** The snapshot after the run: new states, then old states this run did not take over, in dependency order. */
  snapshot(): Snapshot {
    const kept = this.prev.filter((r) => !this.consumed.has(r));
    return { resources: sortByDependencies([...this.news, ...kept]) };
  }

  async close(): Promise<void> {
    for (const plugin of this.plugins.values()) await (await plugin.catch(() => undefined))?.close();
  }

  // ---- step execution (step.go)

  private async create(step: StepRecord, plugin: EngineProvider, state: ResourceState, old: ResourceState | undefined): Promise<void> {
    // step.go, CreateStep.Apply: beforeCreate hooks, Create (retried while an onError hook asks), afterCreate hooks.
    await this.runHooks(state.hooks.beforeCreate, "before", "beforeCreate", { urn: state.urn, id: "", name: nameOfUrn(state.urn), type: state.type, newInputs: state.inputs });
    step.providerCalled = !this.dryRun;
    const created = await this.withRetries("create", state.hooks, { urn: state.urn, id: "", name: nameOfUrn(state.urn), type: state.type, newInputs: state.inputs }, () =>
      plugin.create(state.urn, state.inputs, this.dryRun),
    );
    await this.collect(plugin);
    if (!this.dryRun && !created.id) throw new Error("provider did not return an ID from Create");
    state.id = created.id;
    state.outputs = markSecretOutputs(created.outputs, state.inputs, state.additionalSecretOutputs);
    // CreateStep.Apply (preview too): "Mark the old resource as pending deletion" — unless a delete-before-replace
    // already deleted it (GenerateDeletes skips `pendingDeletes`).
    if (old && !old.pendingReplacement) old.pendingDelete = true;
    this.steps.push(step);
    await this.runHooks(state.hooks.afterCreate, "after", "afterCreate", { urn: state.urn, id: state.id, name: nameOfUrn(state.urn), type: state.type, newInputs: state.inputs, newOutputs: state.outputs });
  }

  private async update(step: StepRecord, plugin: EngineProvider, old: ResourceState, state: ResourceState): Promise<void> {
    // step.go, UpdateStep.Apply.
    const call: HookCall = { urn: state.urn, id: old.id, name: nameOfUrn(state.urn), type: state.type, newInputs: state.inputs, oldInputs: old.inputs, oldOutputs: old.outputs };
    await this.runHooks(state.hooks.beforeUpdate, "before", "beforeUpdate", call);
    step.providerCalled = !this.dryRun;
    const outputs = await this.withRetries("update", state.hooks, call, () => plugin.update(state.urn, old.id, old.inputs, old.outputs, state.inputs, this.dryRun));
    await this.collect(plugin);
    state.id = old.id;
    state.outputs = markSecretOutputs(outputs, state.inputs, state.additionalSecretOutputs);
    this.steps.push(step);
    await this.runHooks(state.hooks.afterUpdate, "after", "afterUpdate", { ...call, newOutputs: state.outputs });
  }

  /**
   * A replacement (step_generator.go, continueStepsFromDiff). Create-before-delete: create the successor now, mark
   * the old one pending delete; it is deleted at the end. Delete-before-replace: delete the dependents that must be
   * replaced too, then the old one, then create.
   */
  private async replace(step: StepRecord, plugin: EngineProvider, old: ResourceState, state: ResourceState, deleteBeforeReplace: boolean): Promise<void> {
    const keys = step.keys;
    if (!deleteBeforeReplace) {
      const create = { ...step, op: "create-replacement" as const, diagnostics: [] };
      this.current = create;
      await this.create(create, plugin, state, old);
      this.steps.push({ ...step, providerCalled: false });
      if (old.pendingReplacement) this.consumed.add(old);
      this.news.push(state);
      return;
    }
    if (!old.pendingReplacement) {
      // calculateDependentReplacements: dependents whose inputs come from the old resource and would be replaced.
      for (const dependent of (await this.dependentReplacements(old)).reverse()) {
        const deleteDependent = this.begin("delete-replaced", dependent);
        await this.delete(deleteDependent, dependent, true);
        if (!this.dryRun) dependent.pendingReplacement = true;
        this.current = step;
      }
      const deleteOld = this.begin("delete-replaced", old);
      deleteOld.keys = keys;
      await this.delete(deleteOld, old, true);
      // DeleteStep.Apply: "PendingReplacement ... set after we know it's succeeded".
      if (!this.dryRun) old.pendingReplacement = true;
    }
    this.steps.push({ ...step, providerCalled: false });
    const create = { ...step, op: "create-replacement" as const, diagnostics: [] };
    this.current = create;
    await this.create(create, plugin, state, undefined);
    this.consumed.add(old);
    this.news.push(state);
  }

  private async delete(step: StepRecord, old: ResourceState, replacing: boolean): Promise<void> {
    const hooks = this.registeredHooks.get(old.urn) ?? old.hooks;
    const call: HookCall = { urn: old.urn, id: old.id, name: nameOfUrn(old.urn), type: old.type, oldInputs: old.inputs, oldOutputs: old.outputs };
    // step.go, DeleteStep.Apply: beforeDelete hooks; refuse a protected resource unless replacing; then the provider's Delete.
    await this.runHooks(hooks.beforeDelete, "before", "beforeDelete", call);
    if (!replacing && old.protect) {
      throw new Error(`unable to delete resource "${old.urn}"\nas it is currently marked for protection. To unprotect the resource, either remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${old.urn}'\``);
    }
    if (this.dryRun) {
      // Preview deletes nothing.
    } else if (old.retainOnDelete) {
      step.retained = true; // "Deleting a 'drop on delete' is a no-op as the user has explicitly asked us to not delete the resource."
    } else if (old.deletedWith && this.deletions.has(old.deletedWith)) {
      // "No need to delete this resource since this resource will be deleted by the another deletion".
    } else if (old.custom && !isProviderType(old.type)) {
      // A provider resource's delete only unloads its plugin (providers/registry.go, Registry.Delete).
      const plugin = await this.plugin(old.provider!);
      step.providerCalled = true;
      await this.withRetries("delete", hooks, call, () => plugin.delete(old.urn, old.id, old.inputs, old.outputs));
      await this.collect(plugin);
    }
    this.steps.push(step);
    await this.runHooks(hooks.afterDelete, "after", "afterDelete", call);
  }

  /** step.go: Create/Update/Delete wrapped in withRetries: on failure the onError hooks decide whether to try again. */
  private async withRetries<T>(operation: "create" | "update" | "delete", hooks: HookBindings, call: HookCall, run: () => Promise<T>): Promise<T> {
    const failures: string[] = [];
    for (;;) {
      try {
        return await run();
      } catch (error) {
        failures.unshift(error instanceof Error ? error.message : String(error));
        // retries.go, withRetries.
        if (failures.length >= MAX_ERROR_HOOK_RETRIES) {
          this.note(`warning: maximum number of error hook retries (${MAX_ERROR_HOOK_RETRIES}) reached`);
          throw error;
        }
        let retry = false;
        // deployment.go, RunErrorHooks: every hook runs; any asking for a retry retries.
        for (const name of hooks.onError) {
          const callback = this.errorHooks.get(name);
          if (!callback) throw new Error(`error hooks execution failed: error hook "${name}" was not registered`);
          try {
            retry = (await this.options.callbacks.errorHook(callback, call, operation, [...failures])) || retry;
          } catch (hookError) {
            throw new Error(`error hooks execution failed: error hook "${name}" failed: ${(hookError as Error).message}`);
          }
        }
        if (!retry) throw error;
        this.note(`warning: retrying ${operation} due to on-error hook request (${failures.length}/${MAX_ERROR_HOOK_RETRIES})`);
      }
    }
  }

  /** deployment.go, RunHooks: in preview only hooks registered with `onDryRun`; a failing before-hook fails the step. */
  private async runHooks(names: string[], phase: "before" | "after", kind: string, call: HookCall): Promise<void> {
    for (const name of names) {
      const hook = this.hooks.get(name);
      if (!hook) throw new Error(`hook "${name}" was not registered`);
      if (this.dryRun && !hook.onDryRun) continue;
      const error = await this.options.callbacks.resourceHook(hook, call);
      if (!error) continue;
      if (hook.ignoreErrors) {
        this.note(`warning: ${kind} hook "${name}" failed: ${error}`);
        continue;
      }
      if (phase === "before") throw new Error(`before hook "${name}" failed: ${error}`);
      // step.go, CreateStep.Apply: "only the after-hook failed. Surface the error ... record it as a deployment-level failure".
      this.note(`error: after hook "${name}" failed: ${error}`);
      this.error ??= `after hook "${name}" failed: ${error}`;
    }
  }

  /** step_generator.go, diff: the provider's Diff; when it cannot tell, the engine compares the inputs itself (diffResource). */
  private async diff(plugin: EngineProvider, old: ResourceState, state: ResourceState, goal: Goal): Promise<DiffResult> {
    const diff = await plugin.diff(state.urn, old.id, old.inputs, old.outputs, state.inputs);
    void goal;
    const changedInputs = [...new Set([...Object.keys(old.inputs), ...Object.keys(state.inputs)])].filter((k) => !deepEqual(old.inputs[k], state.inputs[k])).sort();
    // diffResource: a provider that cannot tell gets the engine's own comparison of the inputs.
    if (diff.changes === "unknown") return { changes: changedInputs.length ? "some" : "none", replaces: diff.replaces, deleteBeforeReplace: diff.deleteBeforeReplace, diffs: changedInputs };
    // A provider that names no changed keys (dynamic providers cannot): the changed inputs, as the display shows them.
    if (diff.changes === "some" && !diff.diffs.length) return { ...diff, diffs: changedInputs.filter((k) => k !== "__provider").length ? changedInputs.filter((k) => k !== "__provider") : changedInputs };
    return diff;
  }

  /**
   * step_generator.go, calculateDependentReplacements: an old resource whose inputs depend on the one being deleted
   * first is asked (Diff, with those inputs unknown) whether it would be replaced; if so it is deleted too.
   */
  private async dependentReplacements(root: ResourceState): Promise<ResourceState[]> {
    const result: ResourceState[] = [];
    const condemned = new Set([root.urn]);
    for (const candidate of this.prev) {
      if (candidate === root || candidate.pendingDelete || !candidate.custom) continue;
      const propertyDependencies = candidate.propertyDependencies ?? {};
      const keys = Object.entries(propertyDependencies)
        .filter(([, deps]) => deps.some((d) => condemned.has(d)))
        .map(([k]) => k);
      if (!keys.length) continue;
      const plugin = await this.plugin(candidate.provider!);
      const news = { ...candidate.inputs, ...Object.fromEntries(keys.map((k) => [k, UNKNOWN])) };
      const diff = applyReplaceOnChanges(await plugin.diff(candidate.urn, candidate.id, candidate.inputs, candidate.outputs, news), []);
      if (diff.replaces.length) {
        result.push(candidate);
        condemned.add(candidate.urn);
      }
    }
    return result;
  }

  // ---- providers (deployment.go, EnsureProvider; providers/registry.go; default providers: source_eval.go, defaultProviders)

  /** The provider reference for a custom resource: its explicit one, or the package's default provider, registered on first use. */
  private async providerRefFor(goal: Goal): Promise<string> {
    if (goal.provider) return goal.provider;
    const pkg = packageOf(goal.type);
    // source_eval.go, defaultProviders.newRegisterDefaultProviderEvent: name "default" or "default_<version with _>".
    const name = goal.version ? `default_${goal.version.replace(/[.+-]/g, "_")}` : "default";
    const type = `pulumi:providers:${pkg}`;
    const urn = makeUrn(this.options.stack, this.options.project, undefined, type, name);
    const existing = this.news.find((r) => r.urn === urn);
    if (existing) return `${urn}::${existing.id}`;
    const inputs: Props = Object.fromEntries(
      Object.entries(this.options.config)
        .filter(([k]) => k.startsWith(`${pkg}:`))
        .map(([k, v]) => [k.slice(pkg.length + 1), v]),
    );
    if (goal.version) inputs.version = goal.version;
    const old = this.olds.get(urn);
    if (old) this.seen.add(old);
    const state: ResourceState = {
      urn,
      type,
      custom: true,
      id: old?.id ?? (this.dryRun ? UNKNOWN : randomUUID()),
      inputs,
      outputs: inputs,
      dependencies: [],
      protect: false,
      retainOnDelete: false,
      pendingDelete: false,
      pendingReplacement: false,
      hooks: emptyHooks(),
      additionalSecretOutputs: [],
    };
    if (old) this.consumed.add(old);
    this.news.push(state);
    // Default providers are not displayed (engine/events.go, isDefaultProviderStep), but they are steps.
    this.steps.push({ op: old ? (deepEqual(old.inputs, inputs) ? "same" : "update") : "create", urn, type, name, keys: [], providerCalled: false, diagnostics: [] });
    return `${urn}::${state.id}`;
  }

  /**
   * A remote component's provider plugin and what its `Construct` needs from this run (source_eval.go,
   * resmon.RegisterResource, remote branch: the provider reference as for a custom resource, then GetProvider).
   */
  async remoteComponentProvider(type: string, version: string, provider: string): Promise<{ plugin: EngineProvider; info: { project: string; stack: string; organization: string; config: Record<string, string>; dryRun: boolean } }> {
    const plugin = await this.plugin(await this.providerRefFor({ type, version, provider: provider || undefined } as Goal));
    return { plugin, info: { project: this.options.project, stack: this.options.stack, organization: "organization", config: this.options.config, dryRun: this.dryRun } };
  }

  /**
   * A provider function called by the program (source_eval.go, resmon.Invoke): the given provider, or the
   * default provider of the token's package, registered on first use like a resource's.
   */
  async invoke(token: string, args: Props, provider?: string): Promise<Props> {
    const ref = provider || (await this.providerRefFor({ type: token, version: "" } as Goal));
    const plugin = await this.plugin(ref);
    if (!plugin.invoke) throw new Error(`invoke ${token}: the ${packageOf(token)} provider of the flow harness has no functions`);
    return plugin.invoke(token, args);
  }

  private providerStillUsed(provider: ResourceState): boolean {
    const live = [...this.news, ...this.prev.filter((r) => !this.consumed.has(r) && r !== provider)];
    return live.some((r) => r.provider && parseProviderRef(r.provider).urn === provider.urn);
  }

  /** The plugin instance for a provider reference, configured with the provider's inputs on first use. */
  private plugin(ref: string): Promise<EngineProvider> {
    const { urn } = parseProviderRef(ref);
    let plugin = this.plugins.get(urn);
    if (!plugin) {
      const pkg = typeOfUrn(urn).slice("pulumi:providers:".length);
      const state = this.news.find((r) => r.urn === urn) ?? this.prev.find((r) => r.urn === urn);
      plugin = (async () => {
        const instance = await this.options.providers(pkg);
        const config: Record<string, string> = { ...this.options.config };
        for (const [k, v] of Object.entries(state?.inputs ?? {})) if (k !== "version") config[`${pkg}:${k}`] = String(v);
        await instance.configure(config);
        return instance;
      })();
      this.plugins.set(urn, plugin);
    }
    return plugin;
  }

  // ---- bookkeeping

  private begin(op: StepOp, state: ResourceState): StepRecord {
    const step: StepRecord = { op, urn: state.urn, type: state.type, name: nameOfUrn(state.urn), keys: [], providerCalled: false, diagnostics: [] };
    this.current = step;
    return step;
  }

  /** Attaches what the provider printed to the step being worked on. */
  private async collect(plugin: EngineProvider): Promise<void> {
    const text = await plugin.takeOutput();
    for (const line of text.split("\n")) if (line.trim()) this.note(line.trimEnd());
  }

  private note(line: string): void {
    if (this.current) this.current.diagnostics.push(line);
    else this.messages.push(line);
  }

  private answer(state: ResourceState): RegisterResult {
    return { urn: state.urn, id: state.id, outputs: state.outputs };
  }

  private fail(urn: string, type: string, op: StepOp, message: string): never {
    this.steps.push({ op, urn, type, name: nameOfUrn(urn), keys: [], providerCalled: false, diagnostics: [], error: message });
    this.error = message;
    throw new StepFailed(message);
  }

  /** Records the failure on the step in flight (the failing half of a replacement, or the step itself) and stops the update. */
  private failStep(step: StepRecord, error: unknown, rethrow = true): never {
    const message = error instanceof Error ? error.message : String(error);
    const failed = this.current ?? step;
    failed.error = message;
    if (!this.steps.includes(failed)) this.steps.push(failed);
    this.error ??= message;
    if (rethrow) throw new StepFailed(message);
    return undefined as never;
  }
}

/** step_generator.go, shouldTriggerReplace: unknowns always trigger; an absent trigger never does; else a change does. */
function shouldTriggerReplace(news: unknown, olds: unknown): boolean {
  if (containsUnknown(news) || containsUnknown(olds)) return true;
  if (news === undefined || news === null || olds === undefined || olds === null) return false;
  return !deepEqual(news, olds);
}

function checkFailureText(failures: { property: string; reason: string }[]): string {
  return failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("\n");
}

/**
 * step_generator.go, processIgnoreChanges: for each ignored path, the old value (or its absence) replaces the new
 * one. Paths are top-level keys or dotted paths into objects.
 */
export function processIgnoreChanges(news: Props, olds: Props, ignoreChanges: string[]): Props {
  const result = structuredClone(news);
  for (const path of ignoreChanges) {
    if (path === "*") return structuredClone(olds);
    const parts = path.split(".");
    let from: unknown = olds;
    for (const p of parts) from = typeof from === "object" && from !== null ? (from as Props)[p] : undefined;
    let target: Props = result;
    for (const p of parts.slice(0, -1)) {
      if (typeof target[p] !== "object" || target[p] === null) target[p] = {};
      target = target[p] as Props;
    }
    const last = parts[parts.length - 1];
    if (from === undefined) delete target[last];
    else target[last] = structuredClone(from);
  }
  return result;
}

/** step_generator.go, applyReplaceOnChanges: changed keys matching a `replaceOnChanges` path (or `*`) force a replacement. */
export function applyReplaceOnChanges(diff: DiffResult, replaceOnChanges: string[]): DiffResult {
  if (!replaceOnChanges.length || diff.changes !== "some") return diff;
  const forced = diff.diffs.filter((key) => replaceOnChanges.some((path) => path === "*" || path === key || path.startsWith(`${key}.`) || key.startsWith(`${path}.`)));
  return { ...diff, replaces: [...new Set([...diff.replaces, ...forced])] };
}

export { containsUnknown };
