/**
 * The step kinds of pulumi/pulumi `pkg/resource/deploy/step.go` (StepOp),
 * as the flow harness records and prints them.
 */
export type StepOp = "same" | "create" | "update" | "replace" | "create-replacement" | "delete-replaced" | "delete" | "refresh";

/** One step the engine ran (or, in preview, would run). */
export interface StepRecord {
  op: StepOp;
  urn: string;
  type: string;
  name: string;
  /** The properties whose change caused an update or replacement (the CLI's `[diff: ~a,b]`). */
  keys: string[];
  /** Whether the provider was asked to act (false for `retainOnDelete`, preview, components). */
  providerCalled: boolean;
  /** What the provider and the hooks printed while this step ran (check and diff included). */
  diagnostics: string[];
  error?: string;
  /** For `delete` / `delete-replaced`: the resource was kept in the cloud (`retainOnDelete`). */
  retained?: boolean;
  /**
   * For `delete`: a state left pending replacement by an interrupted delete-before-replace, no longer declared,
   * removed from the state with no provider call (step.go, RemovePendingReplaceStep, 3.260).
   */
  removedPendingReplacement?: boolean;
}

/** The CLI's symbol for each step (pkg/display/... deploy.StepOp Prefix: `+`, `~`, `+-`, `++`, `--`, `-`). */
export const SYMBOL: Record<StepOp, string> = {
  same: " ",
  create: "+",
  update: "~",
  replace: "+-",
  "create-replacement": "++",
  "delete-replaced": "--",
  delete: "-",
  refresh: "~",
};

/** Whether a step is one half of a replacement, hidden by default (display.go, shouldShow: ShowReplacementSteps). */
export function isReplacementStep(op: StepOp): boolean {
  return op === "create-replacement" || op === "delete-replaced";
}

/**
 * What the step generator decided for one registration or delete, for the executor to apply
 * (pkg/resource/deploy/step.go's Step kinds, 3.260). `record` is what the run reports for it.
 */
export interface PlannedStep {
  kind: "same" | "component" | "provider" | "skip-create" | "create" | "update" | "replace" | "create-replacement" | "delete" | "remove-pending-replace";
  record: StepRecord;
  /** The state being replaced, updated, kept or deleted. */
  old?: ResourceStateRef;
  /** The new state (registrations). */
  state?: ResourceStateRef;
  /** create-replacement: mark `old` pending delete once created (CreateStep.pendingDelete: create-before-delete). */
  pendingDelete?: boolean;
  /** delete: mark `old` pending replacement once deleted (DeleteStep.pendingReplacement: delete-before-replace). */
  pendingReplacement?: boolean;
  /** delete: part of a replacement (DeleteStep.replacing): `protect` was checked by the generator, not here. */
  replacing?: boolean;
}

/** A resource state as the planned steps carry it (see state.ts). */
export type ResourceStateRef = import("./state").ResourceState;
