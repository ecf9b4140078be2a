import { isDefaultProviderUrn, ROOT_STACK_TYPE } from "./state";
import { isReplacementStep, type StepOp, type StepRecord, SYMBOL } from "./steps";
import { maskSecrets, type Props, UNKNOWN } from "./values";

/** Which command the text describes. */
export type Command = "preview" | "update" | "destroy" | "refresh";

const HEADER: Record<Command, string> = { preview: "Previewing update", update: "Updating", destroy: "Destroying", refresh: "Refreshing" };

/** What a step line says, in preview and when done (the CLI's progress words, pkg/backend/display/progress.go, getStepDoneDescription). */
const WORDS: Record<StepOp, { preview: string; done: string; failed: string }> = {
  same: { preview: "", done: "", failed: "**failed**" },
  create: { preview: "create", done: "created", failed: "**creating failed**" },
  update: { preview: "update", done: "updated", failed: "**updating failed**" },
  replace: { preview: "replace", done: "replaced", failed: "**replacing failed**" },
  "create-replacement": { preview: "create-replacement", done: "created replacement", failed: "**creating replacement failed**" },
  "delete-replaced": { preview: "delete-replaced", done: "deleted original", failed: "**deleting original failed**" },
  delete: { preview: "delete", done: "deleted", failed: "**deleting failed**" },
  refresh: { preview: "refresh", done: "refreshed", failed: "**refreshing failed**" },
};

/** The summary's phrases (pkg/backend/display/progress.go, renderChangesSummary / display.go getSummaryAbbreviation). */
const SUMMARY: [StepOp, string, string][] = [
  ["create", "to create", "created"],
  ["update", "to update", "updated"],
  ["replace", "to replace", "replaced"],
  ["delete", "to delete", "deleted"],
];

/** An unknown value, at any depth, as the CLI prints it during preview (`output<string>`), never the wire placeholder. */
function showUnknowns(value: unknown): unknown {
  if (value === UNKNOWN) return "output<string>";
  if (Array.isArray(value)) return value.map(showUnknowns);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, showUnknowns(v)]));
  return value;
}

function formatValue(value: unknown): string {
  return value === UNKNOWN ? "output<string>" : JSON.stringify(showUnknowns(maskSecrets(value)));
}

/**
 * A refresh step as the CLI shows it. In `pulumi refresh` the engine rewrites each refresh step to its
 * result (pkg/resource/deploy/step.go, RefreshStep.ResultOp; counted so in pkg/engine/update.go): gone is
 * a delete, a changed resource an update, anything else unchanged (counted, not listed). In `up --refresh`
 * a refresh step is not logical (RefreshStep.Logical): it is listed only when it changed something
 * (pkg/backend/display/diff.go, renderDiffResourceOutputsEvent) and never counted.
 */
function shownOp(step: StepRecord, command: Command): StepOp {
  if (step.op !== "refresh") return step.op;
  const gone = step.keys.includes("(deleted)");
  if (command === "refresh") return gone ? "delete" : step.keys.length ? "update" : "same";
  return gone || step.keys.length ? "refresh" : "same";
}

/** Whether the summary counts the step (refresh steps only in `pulumi refresh`, as above). */
function isCounted(step: StepRecord, command: Command): boolean {
  return !isDefaultProviderUrn(step.urn) && !step.error && (step.op !== "refresh" || command === "refresh");
}

/**
 * Lays a run out the way the Pulumi CLI prints it without a terminal
 * (`pulumi preview` / `pulumi up --yes` in CI): a header, one line per step
 * with its symbol, type, name, status and `[diff: ~keys]`, the diagnostics of
 * each resource indented under it, the stack outputs, a `Resources:` summary,
 * and on failure the error under its resource and `error: update failed`.
 * Default providers and unchanged resources are not shown, as in the CLI.
 */
export function render(command: Command, stack: string, steps: StepRecord[], messages: string[], outputs: Props, error: string | undefined, options: { showReplacementSteps?: boolean } = {}): string {
  const preview = command === "preview";
  const lines = [`${HEADER[command]} (${stack}):`];
  for (const step of steps) {
    if (isDefaultProviderUrn(step.urn)) continue;
    const op = shownOp(step, command);
    if (op === "same" && !step.diagnostics.length && !step.error) continue;
    if (isReplacementStep(op) && options.showReplacementSteps === false && !step.error) continue;
    // A refresh that failed is reported as the refresh it was; one that found its resource gone in `up --refresh` as a delete.
    const gone = op === "refresh" && step.keys.includes("(deleted)");
    const words = WORDS[step.error ? step.op : gone ? "delete" : op];
    let status = step.error ? words.failed : preview ? words.preview : words.done;
    if (step.retained) status += " [retain]";
    const keys = step.keys.filter((k) => k !== "(deleted)");
    const diff = keys.length && op !== "delete" && op !== "delete-replaced" ? ` [diff: ${keys.map((k) => `~${k}`).join(",")}]` : "";
    lines.push(` ${SYMBOL[step.error ? step.op : gone ? "delete" : op].padEnd(2)} ${step.type} ${step.name}${status ? ` ${status}` : ""}${diff}`);
    for (const d of step.diagnostics) lines.push(`    ${d}`);
    if (step.error) for (const e of step.error.split("\n")) lines.push(`    error: ${e}`);
  }
  if (messages.length) {
    const root = steps.find((s) => s.type === ROOT_STACK_TYPE);
    lines.push("", "Diagnostics:", `  ${ROOT_STACK_TYPE} (${root?.name ?? stack}):`);
    for (const m of messages) lines.push(`    ${m}`);
  }
  const outputKeys = Object.keys(outputs).sort();
  if (outputKeys.length && command !== "destroy") {
    lines.push("", "Outputs:");
    for (const k of outputKeys) lines.push(`    ${k}: ${formatValue(outputs[k])}`);
  }
  lines.push("", "Resources:");
  const counted = steps.filter((s) => isCounted(s, command));
  let any = false;
  for (const [op, future, past] of SUMMARY) {
    const n = counted.filter((s) => shownOp(s, command) === op).length;
    if (!n) continue;
    any = true;
    const symbol = SYMBOL[op];
    lines.push(`    ${symbol === "+-" ? "+-" : `${symbol} `}${n} ${preview ? future : past}`);
  }
  const unchanged = counted.filter((s) => shownOp(s, command) === "same").length;
  if (unchanged) lines.push(`    ${unchanged} unchanged`);
  if (!any && !unchanged) lines.push("    no changes");
  if (error) lines.push("", `error: ${command === "preview" ? "preview" : command} failed`);
  return `${lines.join("\n")}\n`;
}
