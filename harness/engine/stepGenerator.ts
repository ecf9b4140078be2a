import { randomUUID } from "node:crypto";
import type { Deployment, Goal } from "./deployment";
import type { DiffResult, EngineProvider } from "./provider";
import { dependenciesOf, isProviderType, makeUrn, parseProviderRef, type ResourceState, ROOT_STACK_TYPE } from "./state";
import type { PlannedStep, StepRecord } from "./steps";
import { containsUnknown, deepEqual, markSecretOutputs, type Props, UNKNOWN } from "./values";

/** A Diff as the step generator uses it: the provider's answer plus the keys the display shows. */
interface Diff extends DiffResult {
  /** The changed keys to show (`[diff: ~a,b]`): the provider's, else the changed inputs. Not used to decide. */
  shown: string[];
}

/** The steps of one registration and the state its answer comes from. */
export interface Generated {
  steps: PlannedStep[];
  state: ResourceState;
}

/**
 * The step generator of pulumi/pulumi 3.260 (pkg/resource/deploy/step_generator.go): for each registration it
 * calls Check and Diff and decides the steps; at the end it decides the deletes. It applies nothing (the
 * {@link StepExecutor} does); each decision goes to the run's trace.
 */
export class StepGenerator {
  constructor(private readonly run: Deployment) {}

  /** step_generator.go, generateSteps → generateResourceSteps → continueStepsFromImport → generateStepsFromDiff. */
  async generate(goal: Goal): Promise<Generated> {
    const run = this.run;
    const urn = makeUrn(run.stack, run.project, goal.parent, goal.type, goal.name);
    const state = this.newState(urn, goal);
    const main = run.newRecord("create", state);
    // generateURN: a URN may be registered once per deployment.
    if (run.registeredUrns.has(urn)) run.fail(main, `Duplicate resource URN '${urn}'; try giving it a unique name`);
    run.registeredUrns.add(urn);
    const old = this.oldFor(urn, goal.aliasUrns, main);
    if (old) main.op = "update";

    // continueStepsFromRefresh (sg.mode == destroyMode): `destroy --run-program` creates and updates nothing;
    // custom resources keep their old state (SameStep) or are skipped (SkippedCreateStep).
    if (run.options.destroyProgram) {
      run.decided(`leave ${goal.name} as it is (destroy runs the program only for its hooks)`);
      const kept = old ? { ...state, id: old.id, outputs: old.outputs } : { ...state, outputs: goal.inputs };
      return { steps: [], state: kept };
    }
    if (!goal.custom) return this.componentSteps(state, old);
    state.provider = isProviderType(goal.type) ? undefined : run.registry.refFor(goal.type, goal.version, goal.provider);
    if (isProviderType(goal.type)) return this.providerSteps(state, old);

    try {
      return await this.customSteps(goal, state, old, main);
    } catch (error) {
      return run.fail(main, error);
    }
  }

  private async customSteps(goal: Goal, state: ResourceState, old: ResourceState | undefined, main: StepRecord): Promise<Generated> {
    const run = this.run;
    const urn = state.urn;
    const plugin = await run.registry.plugin(state.provider!);
    // continueStepsFromImport: `recreating` — deleted earlier in this run by a delete-before-replace it depends on.
    const recreating = run.deletes.has(urn) && !!old;
    const targetedReplace = this.isTargetedReplace(urn, old);
    const included = this.isIncludedInOperation(urn);
    // "Set inputs back to their old values (if any) for any 'ignored' properties".
    const inputs = old ? processIgnoreChanges(goal.inputs, old.inputs, goal.ignoreChanges) : goal.inputs;

    // continueStepsFromImport: Check. An untargeted resource is not checked: its old inputs stand in. A resource
    // re-created, replaced by `--replace`, or new gets Check with no olds and the program's raw inputs.
    if (!included) {
      state.inputs = old?.inputs ?? inputs;
    } else if (recreating || targetedReplace || !old) {
      state.inputs = await this.check(plugin, urn, {}, goal.inputs, main);
    } else {
      state.inputs = await this.check(plugin, urn, old.inputs, inputs, main);
    }

    // Case 1: recreating. "Planner decided to re-create replaced resource deleted due to dependent DBR".
    if (recreating && old) {
      run.deletes.delete(urn);
      run.replaces.add(urn);
      run.decided(`re-create ${goal.name}, deleted earlier in this run because a resource it depends on was replaced delete-first (no Diff)`);
      const keys = run.dependentReplaceKeys.get(urn) ?? [];
      const replace = { ...main, op: "replace" as const, keys };
      return { state, steps: [{ kind: "replace", record: replace, old, state }, { kind: "create-replacement", record: { ...replace, op: "create-replacement", diagnostics: [] }, old, state, pendingDelete: false }] };
    }

    if (!old) {
      if (!included) {
        run.decided(`skip creating ${goal.name}: not targeted`);
        main.op = "same";
        return { state: { ...state, outputs: state.inputs }, steps: [{ kind: "skip-create", record: main, state }] };
      }
      run.decided(`create ${goal.name}`);
      main.op = "create";
      return { state, steps: [{ kind: "create", record: main, state }] };
    }

    // Case 3: hasOld.
    if (!included) {
      run.decided(`leave ${goal.name} as it is: not targeted (no Check, no Diff)`);
      main.op = "same";
      // NewUntargetedSameStep: the old state carries over as it is.
      const kept = structuredClone(old);
      return { state: kept, steps: [{ kind: "same", record: main, old, state: kept }] };
    }
    return this.stepsFromDiff(goal, state, old, plugin, main);
  }

  /** generateStepsFromDiff + continueStepsFromDiff. */
  private async stepsFromDiff(goal: Goal, state: ResourceState, old: ResourceState, plugin: EngineProvider, main: StepRecord): Promise<Generated> {
    const run = this.run;
    const urn = state.urn;
    if (!run.dryRun && containsUnknown(goal.replacementTrigger)) throw new Error(`replacement trigger contains unknowns for ${urn}`);
    const triggered = shouldTriggerReplace(goal.replacementTrigger, old.replacementTrigger);
    // A changed trigger: "Return that there is a diff, but don't fill in any details".
    let diff: Diff = triggered ? { changes: "some", replaces: [], deleteBeforeReplace: false, diffs: [], shown: ["replacementTrigger"] } : await this.diff(plugin, old, state, goal, main);
    diff = { ...applyReplaceOnChanges(diff, goal.replaceOnChanges), shown: diff.shown };

    if (diff.changes === "some" || old.pendingReplacement) {
      if (diff.replaces.length || triggered || old.pendingReplacement) return this.replaceSteps(goal, state, old, plugin, main, diff, triggered);
      run.decided(`update ${goal.name} in place: the diff changes [${diff.shown.join(", ")}] and replaces nothing`);
      main.op = "update";
      main.keys = diff.shown;
      return { state, steps: [{ kind: "update", record: main, old, state }] };
    }
    // "If resource was unchanged, but there were initialization errors, generate an empty update step".
    if (old.initErrors?.length) {
      run.decided(`update ${goal.name}: no diff, but its last Create left it half made (${old.initErrors[0]})`);
      main.op = "update";
      return { state, steps: [{ kind: "update", record: main, old, state }] };
    }
    main.op = "same";
    return { state, steps: [{ kind: "same", record: main, old, state }] };
  }

  private async replaceSteps(goal: Goal, state: ResourceState, old: ResourceState, plugin: EngineProvider, main: StepRecord, diff: Diff, triggered: boolean): Promise<Generated> {
    const run = this.run;
    const urn = state.urn;
    const why = old.pendingReplacement && !diff.replaces.length && !triggered ? "it is pending replacement (an earlier delete-before-replace deleted it, its create did not finish)" : `[${(diff.replaces.length ? diff.replaces : diff.shown).join(", ")}] changed`;
    // "If this resource is protected we can't replace it because that entails a delete". Preview reports it and goes on.
    if (state.protect && old.protect) {
      const message = `unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\``;
      if (!run.dryRun) throw new Error(message);
      main.diagnostics.push(`error: ${message}`);
      run.postStepErrors.push(message);
    }
    run.replaces.add(urn);
    main.op = "replace";
    main.keys = diff.replaces.length ? diff.replaces : diff.shown;
    // "we need to recompute the default values" — Check again with no olds; a `--replace` target already was.
    if (!this.isTargetedReplace(urn, old)) state.inputs = await this.check(plugin, urn, {}, goal.inputs, main);
    // The option, when set, wins over the provider's answer.
    const deleteBeforeReplace = goal.deleteBeforeReplace ?? diff.deleteBeforeReplace;
    const create: StepRecord = { ...main, op: "create-replacement", diagnostics: [] };
    if (!deleteBeforeReplace) {
      run.decided(`replace ${goal.name} create-first: ${why}; the old one (id ${old.id}) is deleted at the end`);
      return { state, steps: [{ kind: "create-replacement", record: create, old, state, pendingDelete: true }, { kind: "replace", record: main, old, state }] };
    }
    const steps: PlannedStep[] = [];
    // "we must also eagerly delete all resources that depend directly or indirectly on the resource being replaced
    // and would be replaced by a change to the relevant dependency", then the replace-with / deleted-with cascades.
    const toReplace = [...(await this.dependentReplacements(old)), ...this.cascadeReplacements(urn)];
    for (const { res, keys } of [...toReplace].reverse()) {
      if (run.pendingDeletes.has(res)) continue;
      run.dependentReplaceKeys.set(res.urn, keys);
      run.decided(`delete ${nameOf(res)} before ${goal.name} is replaced delete-first: it depends on it${keys.length ? ` through [${keys.join(", ")}]` : ""}`);
      if (res.pendingDelete) {
        steps.push({ kind: "delete", record: run.newRecord("delete", res), old: res });
      } else {
        if (res.protect) {
          throw new Error(`unable to replace resource "${res.urn}" as part of replacing "${urn}" as it is currently marked for protection. To unprotect the resource, remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${res.urn}'\``);
        }
        steps.push({ kind: "delete", record: run.newRecord("delete-replaced", res), old: res, pendingReplacement: true, replacing: true });
      }
      run.deletes.add(res.urn);
      run.pendingDeletes.add(res);
    }
    // "If the resource is already pending replacement we don't need to emit any step".
    if (!old.pendingReplacement) {
      run.deletes.add(old.urn);
      const deleteOld = run.newRecord("delete-replaced", old);
      deleteOld.keys = main.keys;
      steps.push({ kind: "delete", record: deleteOld, old, pendingReplacement: true, replacing: true });
      run.decided(`replace ${goal.name} delete-first: ${why}; ${goal.deleteBeforeReplace !== undefined ? "the deleteBeforeReplace option says so" : "the provider's diff asks for it"}`);
    } else {
      run.decided(`finish replacing ${goal.name} delete-first: ${why}; the old one is already deleted`);
    }
    steps.push({ kind: "replace", record: main, old, state }, { kind: "create-replacement", record: create, old, state, pendingDelete: false });
    return { state, steps };
  }

  /**
   * step_generator.go, calculateDependentReplacements (3.260): the old dependents of `root` not yet registered
   * in this run, in dependency order, that must go when it is deleted first: those whose provider or
   * `deletedWith` target goes, and those whose provider Diff, with the inputs that come from a condemned resource
   * unknown, asks for a replacement.
   */
  private async dependentReplacements(root: ResourceState): Promise<{ res: ResourceState; keys: string[] }[]> {
    const run = this.run;
    const result: { res: ResourceState; keys: string[] }[] = [];
    const condemned = new Set([root.urn]);
    for (const candidate of this.dependingOn(root)) {
      if (!candidate.custom) continue;
      if (candidate.provider && condemned.has(parseProviderRef(candidate.provider).urn)) {
        result.push({ res: candidate, keys: [] });
        condemned.add(candidate.urn);
        continue;
      }
      // "A resource deleted with a replaced resource is destroyed by that delete".
      if (candidate.deletedWith && condemned.has(candidate.deletedWith)) {
        result.push({ res: candidate, keys: [] });
        condemned.add(candidate.urn);
        continue;
      }
      const keys = Object.entries(candidate.propertyDependencies ?? {})
        .filter(([, deps]) => deps.some((d) => condemned.has(d)))
        .map(([k]) => k);
      if (!keys.length || isProviderType(candidate.type)) continue;
      const plugin = await run.registry.plugin(candidate.provider!);
      const news = { ...candidate.inputs, ...Object.fromEntries(keys.map((k) => [k, UNKNOWN])) };
      const diff = await plugin.diff(candidate.urn, candidate.id, candidate.inputs, candidate.outputs, news);
      if (diff.replaces.length) {
        result.push({ res: candidate, keys: diff.replaces });
        condemned.add(candidate.urn);
      }
    }
    return result;
  }

  /**
   * The old resources that depend on `root`, transitively, in snapshot (dependency) order: through dependencies,
   * property dependencies, parent, provider and `deletedWith` (graph/dependency_graph.go, DependingOn), leaving out
   * those already registered in this run ("impossibleDependents").
   */
  private dependingOn(root: ResourceState): ResourceState[] {
    const run = this.run;
    const reached = new Set([root.urn]);
    const result: ResourceState[] = [];
    for (const candidate of run.prev) {
      if (candidate === root || candidate.pendingDelete || run.registeredUrns.has(candidate.urn)) continue;
      const edges = [...dependenciesOf(candidate), ...(candidate.deletedWith ? [candidate.deletedWith] : [])];
      if (edges.some((u) => reached.has(u))) {
        reached.add(candidate.urn);
        result.push(candidate);
      }
    }
    return result;
  }

  /** findDependentCascadeReplacements: old resources whose `replaceWith` names `urn`, or `deletedWith` is `urn`. */
  private cascadeReplacements(urn: string): { res: ResourceState; keys: string[] }[] {
    return this.run.prev
      .filter((r) => !r.pendingDelete && !this.run.registeredUrns.has(r.urn) && (r.replaceWith?.includes(urn) || r.deletedWith === urn))
      .map((res) => ({ res, keys: [] }));
  }

  /**
   * step_generator.go, diff: a `--replace` target replaces without asking the provider (blaming "id"); then
   * `replaceWith` and `deletedWith` cascades; a changed provider reference; else the provider's Diff
   * (diffResource: an "unknown" answer becomes the engine's own comparison of the inputs).
   */
  private async diff(plugin: EngineProvider, old: ResourceState, state: ResourceState, goal: Goal, main: StepRecord): Promise<Diff> {
    const run = this.run;
    const replaceWith = (key: string): Diff => ({ changes: "some", replaces: [key], deleteBeforeReplace: false, diffs: [], shown: [key] });
    if (this.isTargetedReplace(state.urn, old)) return replaceWith("id");
    if (goal.replaceWith.some((u) => run.replaces.has(u))) return replaceWith("replaceWith");
    if (goal.deletedWith && run.replaces.has(goal.deletedWith)) return replaceWith("deletedWith");
    // providerChanged: from or to no provider replaces; between two providers the new one's DiffConfig decides, and
    // both plugins here answer DiffConfig with no replacement (azure-native provider.go, DiffConfig; the dynamic host).
    if ((old.provider ? 1 : 0) !== (state.provider ? 1 : 0)) return replaceWith("provider");
    const answer = await plugin.diff(state.urn, old.id, old.inputs, old.outputs, state.inputs);
    await this.collect(plugin, main);
    const changedInputs = [...new Set([...Object.keys(old.inputs), ...Object.keys(state.inputs)])].filter((k) => !deepEqual(old.inputs[k], state.inputs[k])).sort();
    if (answer.changes === "unknown") return { changes: changedInputs.length ? "some" : "none", replaces: answer.replaces, deleteBeforeReplace: answer.deleteBeforeReplace, diffs: changedInputs, shown: changedInputs };
    // A provider that names no changed keys (the dynamic host never does): nothing for replaceOnChanges to match;
    // the display shows the changed inputs.
    const shown = answer.diffs.length ? answer.diffs : changedInputs.filter((k) => k !== "__provider").length ? changedInputs.filter((k) => k !== "__provider") : changedInputs;
    return { ...answer, shown };
  }

  private async check(plugin: EngineProvider, urn: string, olds: Props, news: Props, record: StepRecord): Promise<Props> {
    const checked = await plugin.check(urn, olds, news);
    await this.collect(plugin, record);
    if (checked.failures.length) throw new Error(checked.failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("\n"));
    // provider_plugin.go, Check: annotateSecrets — what was secret in the news stays secret in the checked inputs.
    return markSecretOutputs(checked.inputs, news);
  }

  private async collect(plugin: EngineProvider, record: StepRecord): Promise<void> {
    const text = await plugin.takeOutput();
    for (const line of text.split("\n")) if (line.trim()) record.diagnostics.push(line.trimEnd());
  }

  /** Component resources and the stack: no provider; same or update of their (empty) inputs, create when new. */
  private componentSteps(state: ResourceState, old: ResourceState | undefined): Generated {
    const record = this.run.newRecord(!old ? "create" : deepEqual(old.inputs, state.inputs) ? "same" : "update", state);
    return { state, steps: [{ kind: "component", record, old, state }] };
  }

  /**
   * An explicit provider resource (`new azure.Provider(...)`): the registry keeps its id across runs and configures
   * a plugin with its inputs on first use (providers/registry.go, Registry.Create/Same).
   */
  private providerSteps(state: ResourceState, old: ResourceState | undefined): Generated {
    const record = this.run.newRecord(!old ? "create" : deepEqual(old.inputs, state.inputs) ? "same" : "update", state);
    state.id = old?.id ?? (this.run.dryRun ? UNKNOWN : randomUUID());
    state.outputs = state.inputs;
    return { state, steps: [{ kind: "provider", record, old, state }] };
  }

  /** getOldResource: the old state by URN, else by the first alias that names one not already taken. */
  /**
   * step_generator.go, getOldResource (3.260 and main alike): the URN first, then the aliases. An alias that names a
   * resource registered in this run, or that another resource already claimed, and a resource whose URN another one
   * claimed as its alias, make the registration invalid (GetDuplicateResourceAliasError / ...AliasedError): the
   * engine bails ("resource … is invalid").
   */
  private oldFor(urn: string, aliases: string[], main: StepRecord): ResourceState | undefined {
    const run = this.run;
    const claimedBy = run.aliased.get(urn);
    if (claimedBy) run.fail(main, `Duplicate resource alias: resource '${urn}' was already claimed through an alias by '${claimedBy}'`);
    let old = run.olds.get(urn);
    if (!old) {
      for (const alias of aliases) {
        const candidate = run.olds.get(alias);
        if (!candidate) continue;
        if (run.registeredUrns.has(alias)) run.fail(main, `Duplicate resource alias '${alias}' applied to resource with URN '${urn}' conflicting with resource with URN '${alias}'`);
        const earlier = run.aliased.get(alias);
        if (earlier) run.fail(main, `Duplicate resource alias '${alias}' applied to resource with URN '${urn}' conflicting with resource with URN '${earlier}'`);
        run.aliased.set(alias, urn);
        old = candidate;
        break;
      }
    }
    if (old) run.seen.add(old);
    return old;
  }

  private newState(urn: string, goal: Goal): ResourceState {
    const state: ResourceState = {
      urn,
      type: goal.type,
      custom: goal.custom,
      id: "",
      inputs: goal.inputs,
      outputs: {},
      parent: goal.parent || undefined,
      dependencies: goal.dependencies,
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
    return state;
  }

  /** isTargetedReplace: named by `--replace` (taint is not modelled). */
  private isTargetedReplace(urn: string, old: ResourceState | undefined): boolean {
    const targets = this.run.options.replaceTargets;
    return targets.includes(urn) || (!!old && targets.includes(old.urn));
  }

  /**
   * isIncludedInOperation: with `--target`, only the named resources (no `--target-dependents`); with `--exclude`,
   * all but the named ones (no `--exclude-dependents`). Providers and the stack are always included.
   */
  isIncludedInOperation(urn: string): boolean {
    const { targets = [], excludes = [] } = this.run.options;
    if (isProviderType(typeOfUrnSafe(urn)) || typeOfUrnSafe(urn) === ROOT_STACK_TYPE) return true;
    if (targets.length) return targets.includes(urn);
    if (excludes.length) return !excludes.includes(urn);
    return true;
  }

  /**
   * step_generator.go, GenerateDeletes + ScheduleDeletes (3.260): the old states to delete at the end, as
   * antichains in reverse dependency order (each antichain's steps may run in parallel). A state marked pending
   * delete by a create-first replacement is deleted (DeleteReplacementStep) unless a delete-before-replace already
   * deleted it; an old state no registration took is deleted, or, when it is pending replacement, removed with no
   * provider call (RemovePendingReplaceStep). `--target` / `--exclude` limit both.
   */
  generateDeletes(): PlannedStep[][] {
    const run = this.run;
    const destroying = run.options.kind === "destroy";
    const planned: PlannedStep[] = [];
    for (const res of run.prev) {
      if (run.consumed.has(res) || !this.isIncludedInOperation(res.urn)) continue;
      if (res.pendingDelete) {
        if (run.pendingDeletes.has(res)) continue;
        run.decided(`delete ${nameOf(res)} (id ${res.id}): replaced earlier, pending delete${res.pendingReplacement ? " — and pending replacement" : ""}`);
        planned.push({ kind: "delete", record: run.newRecord("delete-replaced", res), old: res, replacing: true });
      } else if (destroying || !(run.seen.has(res) || run.deletes.has(res.urn))) {
        if (res.pendingReplacement) {
          run.decided(`remove ${nameOf(res)} from the state: pending replacement and no longer declared (no provider call)`);
          planned.push({ kind: "remove-pending-replace", record: run.newRecord("delete", res), old: res });
        } else {
          run.decided(`delete ${nameOf(res)}: ${destroying ? "destroy" : "no longer declared"}`);
          planned.push({ kind: "delete", record: run.newRecord("delete", res), old: res });
        }
      }
    }
    for (const step of planned) if (!step.old!.pendingDelete) run.deletes.add(step.old!.urn);
    if (!run.concurrent) return planned.reverse().map((s) => [s]);
    return scheduleDeletes(planned);
  }
}

/** ScheduleDeletes: antichains of states with no dependency among the states still condemned, reversed. */
function scheduleDeletes(planned: PlannedStep[]): PlannedStep[][] {
  const condemned = new Set(planned);
  const antichains: PlannedStep[][] = [];
  const urnsOf = (steps: Set<PlannedStep>) => new Set([...steps].map((s) => s.old!.urn));
  while (condemned.size) {
    const remaining = urnsOf(condemned);
    const layer = [...condemned].filter((s) => !dependenciesOf(s.old!).some((d) => d !== s.old!.urn && remaining.has(d)));
    // A cycle cannot happen in a valid snapshot; take one anyway rather than loop.
    const take = layer.length ? layer : [[...condemned][0]];
    for (const s of take) condemned.delete(s);
    antichains.push(take);
  }
  return antichains.reverse();
}

function nameOf(state: ResourceState): string {
  return state.urn.split("::").slice(3).join("::");
}

function typeOfUrnSafe(urn: string): string {
  const qualified = (urn.split("::")[2] ?? "").split("$");
  return qualified[qualified.length - 1];
}

/** step_generator.go, shouldTriggerReplace: unknowns always trigger; an absent trigger never does; else a change does. */
function shouldTriggerReplace(news: unknown, olds: unknown): boolean {
  if (containsUnknown(news) || containsUnknown(olds)) return true;
  if (news === undefined || news === null || olds === undefined || olds === null) return false;
  return !deepEqual(news, olds);
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

/**
 * step_generator.go, applyReplaceOnChanges: the provider's changed keys (DiffResult.ChangedKeys) under a
 * `replaceOnChanges` path (or `*`) force a replacement. A provider that names no changed keys — Pulumi's Node
 * dynamic provider host never does (cmd/dynamic-provider, diff) — leaves nothing to match: the option is inert.
 */
export function applyReplaceOnChanges(diff: DiffResult, replaceOnChanges: string[]): DiffResult {
  if (!replaceOnChanges.length || diff.changes !== "some") return diff;
  const forced = diff.diffs.filter((key) => replaceOnChanges.some((path) => path === "*" || path === key || path.startsWith(`${key}.`) || key.startsWith(`${path}.`)));
  return { ...diff, replaces: [...new Set([...diff.replaces, ...forced])] };
}
