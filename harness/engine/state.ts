import type { Props } from "./values";

/** The hook names bound to one resource, per kind (pkg/resource/deploy/resource_hooks.go; sdk ResourceHookBinding). */
export interface HookBindings {
  beforeCreate: string[];
  afterCreate: string[];
  beforeUpdate: string[];
  afterUpdate: string[];
  beforeDelete: string[];
  afterDelete: string[];
  onError: string[];
}

export const HOOK_KINDS = ["beforeCreate", "afterCreate", "beforeUpdate", "afterUpdate", "beforeDelete", "afterDelete", "onError"] as const;

export function emptyHooks(): HookBindings {
  return { beforeCreate: [], afterCreate: [], beforeUpdate: [], afterUpdate: [], beforeDelete: [], afterDelete: [], onError: [] };
}

/**
 * One resource in the stack's state, the fields of pulumi's `resource.State`
 * (sdk/go/common/resource/resource_state.go) that the flows need.
 */
export interface ResourceState {
  urn: string;
  type: string;
  /** False for component resources and the stack: they have no provider and no id. */
  custom: boolean;
  id: string;
  inputs: Props;
  outputs: Props;
  parent?: string;
  dependencies: string[];
  /** `<provider urn>::<provider id>`, for custom resources. */
  provider?: string;
  protect: boolean;
  retainOnDelete: boolean;
  /** A create-before-delete replacement left this one behind: it is deleted at the end of the update (`Delete`). */
  pendingDelete: boolean;
  /** Deleted by a delete-before-replace whose create has not run yet (`PendingReplacement`). */
  pendingReplacement: boolean;
  hooks: HookBindings;
  additionalSecretOutputs: string[];
  replacementTrigger?: unknown;
  replaceWith?: string[];
  deletedWith?: string;
  /**
   * Why the last Create left the resource half made (a partial failure, pulumirpc.ErrorResourceInitFailed): the
   * next update runs an Update even with no diff (step_generator.go, continueStepsFromDiff: hasInitErrors, 3.260).
   */
  initErrors?: string[];
  /** Input key → the URNs its value came from (for delete-before-replace of dependents). */
  propertyDependencies?: Record<string, string[]>;
}

/** The stack's state: resources in dependency order (every resource after what it depends on). */
export interface Snapshot {
  resources: ResourceState[];
  /**
   * Operations a killed update began and never journaled as done (deploy/snapshot.go, `PendingOperations`;
   * backend/snapshot.go, `markOperationPending` in doCreate / doUpdate / doDelete, 3.260).
   */
  pendingOperations?: PendingOperation[];
}

/** One pending operation of the checkpoint (sdk/go/common/resource/operation.go: `creating`, `updating`, `deleting`). */
export interface PendingOperation {
  urn: string;
  type: "creating" | "updating" | "deleting";
}

export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The URN of a resource (sdk/go/common/resource/urn/urn.go, New): the parent's qualified type prefixes the type unless the parent is the stack. */
export function makeUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
  const parentType = parentUrn ? qualifiedTypeOf(parentUrn) : "";
  const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** `a$b$c` of `urn:pulumi:stack::project::a$b$c::name`. */
export function qualifiedTypeOf(urn: string): string {
  return urn.split("::")[2] ?? "";
}

/** The resource's own type: the last element of the qualified type. */
export function typeOfUrn(urn: string): string {
  const qualified = qualifiedTypeOf(urn).split("$");
  return qualified[qualified.length - 1];
}

export function nameOfUrn(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

/** The package of a type token (`azure-native` of `azure-native:cognitiveservices:Account`). */
export function packageOf(type: string): string {
  return type.split(":")[0];
}

export function isProviderType(type: string): boolean {
  return type.startsWith("pulumi:providers:");
}

/** Splits a provider reference `urn::id` (sdk/go/common/resource/plugin/providers reference.go, ParseReference). */
export function parseProviderRef(ref: string): { urn: string; id: string } {
  const at = ref.lastIndexOf("::");
  return { urn: ref.slice(0, at), id: ref.slice(at + 2) };
}

/** Whether a provider URN is a default provider (`default` or `default_<version>`), which the CLI does not display. */
export function isDefaultProviderUrn(urn: string): boolean {
  return isProviderType(typeOfUrn(urn)) && /^default(_.*)?$/.test(nameOfUrn(urn));
}

/** Every URN a resource depends on: parent, dependencies and provider (pkg/resource/graph/dependency_graph.go). */
export function dependenciesOf(state: ResourceState): string[] {
  const all = [...state.dependencies];
  if (state.parent) all.push(state.parent);
  if (state.provider) all.push(parseProviderRef(state.provider).urn);
  return all;
}

/**
 * Orders resources so every one comes after what it depends on, otherwise keeping the given order, as the snapshot
 * invariant requires (pkg/resource/deploy/snapshot.go, VerifyIntegrity).
 */
export function sortByDependencies(resources: ResourceState[]): ResourceState[] {
  const byUrn = new Map<string, ResourceState[]>();
  for (const r of resources) byUrn.set(r.urn, [...(byUrn.get(r.urn) ?? []), r]);
  const placed = new Set<ResourceState>();
  const result: ResourceState[] = [];
  const visit = (r: ResourceState, path: Set<ResourceState>) => {
    if (placed.has(r) || path.has(r)) return;
    path.add(r);
    for (const dep of dependenciesOf(r)) for (const d of byUrn.get(dep) ?? []) if (d !== r) visit(d, path);
    placed.add(r);
    result.push(r);
  };
  for (const r of resources) visit(r, new Set());
  return result;
}
