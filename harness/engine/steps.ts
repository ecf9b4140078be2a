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
