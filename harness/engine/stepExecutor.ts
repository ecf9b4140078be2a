import type { HookCall } from "./callbacks";
import type { Deployment } from "./deployment";
import { type EngineProvider, PartialFailure } from "./provider";
import { emptyHooks, type HookBindings, isProviderType, nameOfUrn, type ResourceState } from "./state";
import type { PlannedStep, StepRecord } from "./steps";
import { deepEqual, markSecretOutputs } from "./values";

/** Bound on error-hook retries (pkg/resource/deploy/retries.go, maxErrorHookRetries). */
const MAX_ERROR_HOOK_RETRIES = 100;

/**
 * The step executor of pulumi/pulumi 3.260 (pkg/resource/deploy/step_executor.go, and each step's Apply in
 * step.go): applies the steps the generator decided, a registration's chain in order, with resource hooks,
 * error-hook retries, and the run's one failure path.
 */
export class StepExecutor {
  private readonly running = new Set<StepRecord>();

  constructor(private readonly run: Deployment) {}

  /** The records of steps being applied (for the program's log lines about their resource). */
  inFlight(): StepRecord[] {
    return [...this.running];
  }

  /** Applies one registration's chain; the first failing step fails the run (step_executor.go, executeChain). */
  async runChain(steps: PlannedStep[]): Promise<void> {
    for (const step of steps) await this.apply(step);
  }

  /** Applies one end-of-run delete; a failure stops the run without throwing (deletes run after the program). */
  async runDelete(step: PlannedStep): Promise<void> {
    if (this.run.error) return;
    // A provider still used by a live resource stays (providers are deleted last, after their resources).
    if (isProviderType(step.old!.type) && this.run.registry.stillUsed(step.old!)) return;
    try {
      await this.apply(step);
    } catch {
      // Recorded by the failure path.
    }
  }

  private async apply(step: PlannedStep): Promise<void> {
    this.run.assertAlive();
    this.running.add(step.record);
    try {
      switch (step.kind) {
        case "same":
          return this.same(step);
        case "component":
        case "provider":
          return this.keep(step);
        case "skip-create":
          return this.run.record(step.record);
        case "create":
        case "create-replacement":
          return await this.create(step);
        case "update":
          return await this.update(step);
        case "replace":
          // The logical step: no provider call.
          return this.run.record(step.record);
        case "delete":
          return await this.delete(step);
        case "remove-pending-replace":
          return this.removePendingReplace(step);
      }
    } catch (error) {
      this.run.fail(step.record, error);
    } finally {
      this.running.delete(step.record);
    }
  }

  /** SameStep: the old id and outputs carry over. */
  private same(step: PlannedStep): void {
    const { old, state } = step as Required<PlannedStep>;
    state.id = old.id;
    state.outputs = old.outputs;
    if (old.initErrors) state.initErrors = old.initErrors;
    this.run.consumed.add(old);
    this.run.news.push(state);
    this.run.record(step.record);
  }

  /** Components, the stack and provider resources: their state changes; no provider is called. */
  private keep(step: PlannedStep): void {
    const { old, state } = step;
    if (step.kind === "component" && old) state!.outputs = old.outputs;
    if (old) this.run.consumed.add(old);
    this.run.news.push(state!);
    this.run.record(step.record);
  }

  /** step.go, CreateStep.Apply: beforeCreate hooks, Create (retried while an onError hook asks), afterCreate hooks. */
  private async create(step: PlannedStep): Promise<void> {
    const run = this.run;
    const state = step.state!;
    const record = step.record;
    const plugin = await run.registry.plugin(state.provider!);
    const call: HookCall = { urn: state.urn, id: "", name: nameOfUrn(state.urn), type: state.type, newInputs: state.inputs };
    await this.runHooks(state.hooks.beforeCreate, "before", "beforeCreate", call, record);
    record.providerCalled = !run.dryRun;
    let created: { id: string; outputs: Record<string, unknown> };
    try {
      created = await this.withRetries("create", state.hooks, call, record, () => plugin.create(state.urn, state.inputs, run.dryRun));
      run.operationReturned("creating", state.urn);
    } catch (error) {
      await this.collect(plugin, record);
      // A partial failure: the resource exists half made; its state is kept with the error, and the step fails.
      if (error instanceof PartialFailure && !run.dryRun && !run.killed) {
        state.id = error.id;
        state.outputs = markSecretOutputs(error.outputs, state.inputs, state.additionalSecretOutputs);
        state.initErrors = [error.message];
        this.markReplaced(step);
        run.news.push(state);
        run.trace.push(`kept ${record.name} (id ${error.id}) in the state: its Create failed after the resource was made`);
      }
      throw error;
    }
    await this.collect(plugin, record);
    if (!run.dryRun && !created.id) throw new Error("provider did not return an ID from Create");
    state.id = created.id;
    state.outputs = markSecretOutputs(created.outputs, state.inputs, state.additionalSecretOutputs);
    this.markReplaced(step);
    run.news.push(state);
    run.record(record);
    await this.runHooks(state.hooks.afterCreate, "after", "afterCreate", { ...call, id: state.id, newOutputs: state.outputs }, record);
  }

  /**
   * CreateStep.Apply: "Mark the old resource as pending deletion if necessary" (a create-first replacement, even
   * of a state pending replacement); the successor of a delete-before-replace takes its pending-replacement
   * state's place in the snapshot.
   */
  private markReplaced(step: PlannedStep): void {
    const old = step.old;
    if (step.kind !== "create-replacement" || !old) return;
    if (step.pendingDelete) old.pendingDelete = true;
    else if (old.pendingReplacement) this.run.consumed.add(old);
  }

  /** step.go, UpdateStep.Apply. */
  private async update(step: PlannedStep): Promise<void> {
    const run = this.run;
    const { old, state, record } = step as Required<PlannedStep>;
    const plugin = await run.registry.plugin(state.provider!);
    const call: HookCall = { urn: state.urn, id: old.id, name: nameOfUrn(state.urn), type: state.type, newInputs: state.inputs, oldInputs: old.inputs, oldOutputs: old.outputs };
    await this.runHooks(state.hooks.beforeUpdate, "before", "beforeUpdate", call, record);
    record.providerCalled = !run.dryRun;
    const outputs = await this.withRetries("update", state.hooks, call, record, () => plugin.update(state.urn, old.id, old.inputs, old.outputs, state.inputs, run.dryRun));
    run.operationReturned("updating", state.urn);
    await this.collect(plugin, record);
    state.id = old.id;
    state.outputs = markSecretOutputs(outputs, state.inputs, state.additionalSecretOutputs);
    run.consumed.add(old);
    run.news.push(state);
    run.record(record);
    await this.runHooks(state.hooks.afterUpdate, "after", "afterUpdate", { ...call, newOutputs: state.outputs }, record);
  }

  /**
   * step.go, DeleteStep.Apply: the hooks bound in the OLD state (`s.old.ResourceHooks`, resolved by name among the
   * hooks this run registered); a protected resource is refused unless replacing; preview, `retainOnDelete` and
   * `deletedWith` a resource deleted in this run skip the provider's Delete; pending replacement is set only after
   * the delete succeeded.
   */
  private async delete(step: PlannedStep): Promise<void> {
    const run = this.run;
    const old = step.old!;
    const record = step.record;
    const hooks = { ...emptyHooks(), ...old.hooks };
    const call: HookCall = { urn: old.urn, id: old.id, name: nameOfUrn(old.urn), type: old.type, oldInputs: old.inputs, oldOutputs: old.outputs };
    await this.runHooks(hooks.beforeDelete, "before", "beforeDelete", call, record);
    if (!step.replacing && old.protect) {
      throw new Error(`resource "${old.urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, either remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${old.urn}'\``);
    }
    if (run.dryRun) {
      // Preview deletes nothing.
    } else if (old.retainOnDelete) {
      record.retained = true; // "Deleting a 'drop on delete' is a no-op as the user has explicitly asked us to not delete the resource."
    } else if (old.deletedWith && run.deletes.has(old.deletedWith)) {
      // "No need to delete this resource since this resource will be deleted by the another deletion".
    } else if (old.pendingReplacement && run.engine === "after-24588") {
      // pulumi/pulumi#24588: a state pending replacement is already deleted; no Delete is sent again.
    } else if (old.custom && !isProviderType(old.type)) {
      // A provider resource's delete only unloads its plugin (providers/registry.go, Registry.Delete).
      const plugin = await run.registry.plugin(old.provider!);
      record.providerCalled = true;
      await this.withRetries("delete", hooks, call, record, () => plugin.delete(old.urn, old.id, old.inputs, old.outputs));
      run.operationReturned("deleting", old.urn);
      await this.collect(plugin, record);
    }
    // DeleteStep.Apply: "PendingReplacement ... set after we know it's succeeded".
    if (step.pendingReplacement) {
      if (!run.dryRun) old.pendingReplacement = true;
    } else {
      run.consumed.add(old);
    }
    run.record(record);
    await this.runHooks(hooks.afterDelete, "after", "afterDelete", call, record);
  }

  /** step.go, RemovePendingReplaceStep: the state leaves the snapshot; no provider call, no hooks. */
  private removePendingReplace(step: PlannedStep): void {
    step.record.removedPendingReplacement = true;
    this.run.consumed.add(step.old!);
    this.run.record(step.record);
  }

  /**
   * step.go, RefreshStep.Apply (3.260): components, providers and states pending replacement are left as they are;
   * otherwise Read. No id: the resource is gone and leaves the state. Otherwise the state takes what Read answered,
   * and the provider's Diff of the read inputs and outputs against the state's inputs ("the diff that a user would
   * see if they immediately ran an up on a no-change program") gives the keys shown; a failing Diff fails the step.
   */
  async refresh(old: ResourceState): Promise<void> {
    const run = this.run;
    if (!old.custom || isProviderType(old.type) || old.pendingReplacement) return;
    const record = run.newRecord("refresh", old);
    this.running.add(record);
    try {
      const plugin = await run.registry.plugin(old.provider!);
      record.providerCalled = true;
      const read = await plugin.read(old.urn, old.id, old.inputs, old.outputs);
      await this.collect(plugin, record);
      if (!read.id) {
        record.keys = ["(deleted)"];
        run.consumed.add(old);
        run.olds.delete(old.urn);
        run.record(record);
        return;
      }
      const outputs = markSecretOutputs(read.outputs, old.inputs, old.additionalSecretOutputs);
      const inputs = Object.keys(read.inputs).length ? markSecretOutputs(read.inputs, old.inputs) : old.inputs;
      const diff = await plugin.diff(old.urn, read.id, inputs, outputs, old.inputs);
      await this.collect(plugin, record);
      const changedOutputs = [...new Set([...Object.keys(old.outputs), ...Object.keys(outputs)])].filter((k) => !deepEqual(old.outputs[k], outputs[k])).sort();
      record.keys = diff.changes === "some" && diff.diffs.length ? diff.diffs : changedOutputs;
      old.id = read.id;
      old.outputs = outputs;
      old.inputs = inputs;
      run.record(record);
    } catch (error) {
      try {
        run.fail(record, error);
      } catch {
        // The failure stops the run; refresh goes no further.
      }
    } finally {
      this.running.delete(record);
    }
  }

  /** step.go: Create/Update/Delete wrapped in withRetries: on failure the onError hooks decide whether to try again. */
  private async withRetries<T>(operation: "create" | "update" | "delete", hooks: HookBindings, call: HookCall, record: StepRecord, attempt: () => Promise<T>): Promise<T> {
    const failures: string[] = [];
    for (;;) {
      // A killed run calls no provider and no error hook: the engine process is gone.
      this.run.assertAlive();
      try {
        return await attempt();
      } catch (error) {
        if (this.run.killed) throw error;
        failures.unshift(error instanceof Error ? error.message : String(error));
        // retries.go, withRetries.
        if (failures.length >= MAX_ERROR_HOOK_RETRIES) {
          record.diagnostics.push(`warning: maximum number of error hook retries (${MAX_ERROR_HOOK_RETRIES}) reached`);
          throw error;
        }
        let retry = false;
        // deployment.go, RunErrorHooks: every hook runs; any asking for a retry retries.
        for (const name of hooks.onError) {
          const callback = this.run.errorHooks.get(name);
          if (!callback) throw new Error(`error hooks execution failed: error hook "${name}" was not registered`);
          try {
            retry = (await this.run.options.callbacks.errorHook(callback, call, operation, [...failures])) || retry;
          } catch (hookError) {
            throw new Error(`error hooks execution failed: error hook "${name}" failed: ${(hookError as Error).message}`);
          }
        }
        if (!retry) throw error;
        record.diagnostics.push(`warning: retrying ${operation} due to on-error hook request (${failures.length}/${MAX_ERROR_HOOK_RETRIES})`);
      }
    }
  }

  /**
   * deployment.go, RunHooks: in preview only hooks registered with `onDryRun`; a failing before-hook fails the
   * step; a failing after-hook (its resource already made, changed or deleted) is reported under the resource and
   * recorded for the end of the run, which goes on (step.go, CreateStep.Apply / UpdateStep.Apply / DeleteStep.Apply:
   * RecordPostStepError, 3.260, pulumi/pulumi#22935).
   */
  private async runHooks(names: string[], phase: "before" | "after", kind: string, call: HookCall, record: StepRecord): Promise<void> {
    for (const name of names) {
      this.run.assertAlive();
      const hook = this.run.hooks.get(name);
      if (!hook) {
        const message = `hook "${name}" was not registered`;
        if (phase === "before") throw new Error(message);
        this.afterHookFailed(message, record);
        continue;
      }
      if (this.run.dryRun && !hook.onDryRun) continue;
      const error = await this.run.options.callbacks.resourceHook(hook, call);
      if (!error) continue;
      if (hook.ignoreErrors) {
        record.diagnostics.push(`warning: ${kind} hook "${name}" failed: ${error}`);
        continue;
      }
      if (phase === "before") throw new Error(`before hook "${name}" failed: ${error}`);
      this.afterHookFailed(`after hook "${name}" failed: ${error}`, record);
    }
  }

  private afterHookFailed(message: string, record: StepRecord): void {
    record.diagnostics.push(`error: ${message}`);
    this.run.postStepErrors.push(message);
    this.run.trace.push(`recorded ${message} (${record.name}); the update goes on and fails at the end`);
  }

  /** Attaches what the provider printed to the step being applied. */
  private async collect(plugin: EngineProvider, record: StepRecord): Promise<void> {
    const text = await plugin.takeOutput();
    for (const line of text.split("\n")) if (line.trim()) record.diagnostics.push(line.trimEnd());
  }
}
