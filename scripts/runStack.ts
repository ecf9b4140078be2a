import type { RunningEmulator } from "../emulator/server";
import { FlowStack } from "../harness/engine/flowStack";

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

/**
 * Runs the program in `run.folder` as `pulumi preview`, `up`, a second `up`
 * (which must change nothing), `refresh` and `destroy` do, through the flow
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
      ["pulumi up (again: nothing to do)", () => stack.up()],
      ["pulumi refresh", () => stack.refresh()],
      ["pulumi destroy", () => stack.destroy()],
    ];
    for (const [title, step] of steps) {
      console.log(`\n== ${title}`);
      const result = await step();
      console.log(result.output);
      if (!result.ok) throw new Error(`${title} failed: ${result.error ?? "see the output above"}`);
      // Converged: nothing created, updated or replaced again (a program may stop declaring what it no longer needs,
      // as bulk-clean drops its guards once nothing is left to purge).
      const changed = result.steps.filter((s) => s.op !== "same" && s.op !== "delete");
      if (title.includes("again") && changed.length) {
        throw new Error(`${title} changed ${changed.map((s) => `${s.op} ${s.name}`).join(", ")}: the stack did not converge`);
      }
    }
  } finally {
    await stack.close();
  }
}
