import type { Violation } from "./invariants";
import type { Step } from "./model";

export interface ShrinkOptions {
  /** At most this many replays (each replay is a whole life). */
  maxRuns: number;
  /** Stop shrinking past this time, keeping the smallest life found so far. */
  deadlineMs: number;
}

/** Whether a candidate life still breaks the invariant: a replay through runLife. */
export type Reproduces = (steps: Step[]) => Promise<Violation[] | undefined>;

/**
 * Delta debugging (Zeller's ddmin) over the step list: drop chunks of steps,
 * halving the chunk size, while the life still breaks the same invariant.
 * Edits of a slot no longer added become no-ops (applyEdit), so any subset
 * is a playable life.
 */
export async function shrinkLife(steps: Step[], reproduces: Reproduces, options: ShrinkOptions & { inert?: number[] }): Promise<{ steps: Step[]; violations?: Violation[]; runs: number }> {
  const started = Date.now();
  let runs = 0;
  let current = steps;
  let violations: Violation[] | undefined;
  // First, in one replay, every step the life itself saw change nothing: a replay costs a whole life, and
  // ddmin's first halvings rarely keep both the opening world and the failing command.
  const inert = new Set(options.inert ?? []);
  if (inert.size && options.maxRuns > 0) {
    const candidate = steps.filter((_, i) => !inert.has(i));
    runs += 1;
    const found = candidate.some((s) => "command" in s) ? await reproduces(candidate) : undefined;
    if (found) {
      current = candidate;
      violations = found;
    }
  }
  let chunks = 2;
  const budgetLeft = () => runs < options.maxRuns && Date.now() - started < options.deadlineMs;
  while (current.length > 1 && budgetLeft()) {
    const size = Math.ceil(current.length / chunks);
    let reduced = false;
    for (let start = 0; start < current.length && budgetLeft(); start += size) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      if (!candidate.some((s) => "command" in s)) continue;
      runs += 1;
      const found = await reproduces(candidate);
      if (found) {
        current = candidate;
        violations = found;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (size <= 1) break;
      chunks = Math.min(chunks * 2, current.length);
    }
  }
  return { steps: current, violations, runs };
}
