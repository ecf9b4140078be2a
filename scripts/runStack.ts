import type { RunningEmulator } from "../emulator/server";
import { FlowStack } from "../harness/engine/flowStack";
import type { StepRecord } from "../harness/engine/steps";

/** An installed Pulumi program and where it runs: what `runStack` needs. */
export interface StackRun {
  /** The program's folder: `Pulumi.yaml`, `index.ts`, and its installed `node_modules`. */
  folder: string;
  project: string;
  stack: string;
  /** Stack configuration as `namespace:key` → value. */
  config: Record<string, string>;
  emulator: RunningEmulator;
}

/** The second up's title: what it checks, not what it found (its result line says that). */
export const AGAIN = "pulumi up (again: must converge)";

/**
 * What a second `up` did, in one line: nothing, or only deletes of resources the program no longer
 * declares (bulk-clean drops its guards once nothing is left to purge). Throws when it created,
 * updated or replaced anything: the stack did not converge.
 */
export function convergence(steps: StepRecord[]): string {
  const acted = steps.filter((s) => s.op !== "same" && !s.type.startsWith("pulumi:providers:"));
  const changed = acted.filter((s) => s.op !== "delete");
  if (changed.length) throw new Error(`the second up changed ${changed.map((s) => `${s.op} ${s.name}`).join(", ")}: the stack did not converge`);
  if (!acted.length) return "-> converged: the second up changed nothing";
  return `-> converged: the second up created, updated and replaced nothing; it deleted ${acted.length} resource${acted.length === 1 ? "" : "s"} the program no longer declares (${acted.map((s) => s.name).join(", ")})`;
}

/**
 * Runs the program in `run.folder` as `pulumi preview`, `up`, a second `up`
 * (which must converge: see {@link convergence}), `refresh` and `destroy` do, through the flow
 * harness (`harness/engine/`): the program runs as the Node.js language host
 * runs it (its TypeScript through the SDK's own ts-node), its dynamic
 * resources in Pulumi's provider host, its azure-native resources in the
 * harness's azure-native stand-in, all against the emulator. Prints each run
 * the way the CLI lays it out, and throws on the first failure.
 */
export async function runStack(run: StackRun): Promise<void> {
  const stack = await FlowStack.create({
    project: run.project,
    stack: run.stack,
    programDir: run.folder,
    program: ".",
    typescript: true,
    env: run.emulator.environment,
    config: { "azure-native:subscriptionId": run.emulator.subscriptionId, ...run.config },
  });
  try {
    const steps: [string, () => ReturnType<FlowStack["up"]>][] = [
      ["pulumi preview", () => stack.preview()],
      ["pulumi up", () => stack.up()],
      [AGAIN, () => stack.up()],
      ["pulumi refresh", () => stack.refresh()],
      ["pulumi destroy", () => stack.destroy()],
    ];
    for (const [title, step] of steps) {
      console.log(`\n== ${title}`);
      const result = await step();
      console.log(result.output);
      if (!result.ok) throw new Error(`${title} failed: ${result.error ?? "see the output above"}`);
      if (title === AGAIN) console.log(convergence(result.steps));
    }
  } finally {
    await stack.close();
  }
}
