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

function formatValue(value: unknown): string {
  const masked = maskSecrets(value);
  if (masked === UNKNOWN) return "output<string>";
  return JSON.stringify(masked);
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
    if (step.op === "same" && !step.diagnostics.length && !step.error) continue;
    if (isReplacementStep(step.op) && options.showReplacementSteps === false && !step.error) continue;
    const gone = step.op === "refresh" && step.keys.includes("(deleted)");
    const symbol = gone ? "-" : SYMBOL[step.op];
    const words = WORDS[step.op];
    let status = step.error ? words.failed : preview ? words.preview : words.done;
    if (gone) status = "deleted";
    if (step.retained) status += " [retain]";
    const keys = step.keys.filter((k) => k !== "(deleted)");
    const diff = keys.length && step.op !== "delete" && step.op !== "delete-replaced" ? ` [diff: ${keys.map((k) => `~${k}`).join(",")}]` : "";
    lines.push(` ${symbol.padEnd(2)} ${step.type} ${step.name}${status ? ` ${status}` : ""}${diff}`);
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
  const counted = steps.filter((s) => !isDefaultProviderUrn(s.urn) && !s.error);
  let any = false;
  for (const [op, future, past] of SUMMARY) {
    const n = counted.filter((s) => s.op === op || (op === "delete" && s.op === "refresh" && s.keys.includes("(deleted)"))).length;
    if (!n) continue;
    any = true;
    const symbol = SYMBOL[op];
    lines.push(`    ${symbol === "+-" ? "+-" : `${symbol} `}${n} ${preview ? future : past}`);
  }
  const unchanged = counted.filter((s) => s.op === "same" || (s.op === "refresh" && !s.keys.length)).length;
  if (unchanged) lines.push(`    ${unchanged} unchanged`);
  if (!any && !unchanged) lines.push("    no changes");
  if (error) lines.push("", `error: ${command === "preview" ? "preview" : command} failed`);
  return `${lines.join("\n")}\n`;
}
