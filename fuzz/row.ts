import type { Violation } from "./invariants";
import { describeStep } from "./life";
import type { Step } from "./model";

/**
 * A shrunk failing life as a flow row: a TypeScript snippet in the style of
 * tests/harness/flowRows.ts that replays it through the fuzzer's own program
 * and checks (`playFuzzRow` in fuzz/replay.ts), to paste into a suite.
 */
export function flowRow(seed: number, life: number, steps: Step[], violations: Violation[], orderSeed?: number): string {
  const first = violations[0];
  const flow = `fuzz seed ${seed} life ${life}: (${first.invariant}) ${first.message}`.replace(/"/g, "'");
  const lines = [
    "{",
    `  flow: ${JSON.stringify(flow)},`,
    ...(orderSeed === undefined ? [] : [`  orderSeed: ${orderSeed},`]),
    "  // " + steps.map(describeStep).join(" → "),
    "  steps: [",
    ...steps.map((s) => `    ${JSON.stringify(s)},`),
    "  ] as Step[],",
    "  play: async (emulator: RunningEmulator, row: FuzzRow) => {",
    "    const { violations } = await playFuzzRow(emulator, row.steps, row.orderSeed);",
    "    expect(violations).toEqual([]);",
    "  },",
    "},",
  ];
  return lines.join("\n");
}
