import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { AzureNativeStandIn } from "../harness/azureNativeStandIn";
import { ProviderHost } from "../harness/providerHost";

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

type Props = Record<string, unknown>;

/** One resource the program registered, and what `up` made of it. */
interface Step {
  type: string;
  name: string;
  urn: string;
  inputs: Props;
  id?: string;
  state?: Props;
}

const DYNAMIC = "pulumi-nodejs:dynamic/";
const say = (line: string) => console.log(line);

/**
 * Runs the program in `run.folder` as `pulumi preview`, `up`, `refresh` and
 * `destroy` would, without the Pulumi CLI, and prints each step. This is the
 * one function to switch to the flow harness (`harness/engine/`) once it
 * lands; until then it is a small stand-in:
 *
 * - The program runs in this process under the program's own
 *   `@pulumi/pulumi` `runtime.setMocks` (loaded from its folder, as the
 *   language host loads it), its TypeScript transpiled by this repository's.
 * - Each dynamic resource goes through Pulumi's provider host started in the
 *   program's folder: Check during preview; Check and Create during up, in
 *   the order the program registers them, so outputs reach the resources
 *   that use them; Read on refresh; Delete on destroy, in reverse order.
 * - azure-native resource groups and Cognitive Services accounts are sent
 *   to the emulator with the Azure SDK (as azure-native would send them);
 *   other azure-native types are recorded, not run.
 */
export async function runStack(run: StackRun): Promise<void> {
  const host = await ProviderHost.start({ cwd: run.folder, env: { ...process.env, ...run.emulator.environment } });
  const azure = new AzureNativeStandIn(run.emulator);
  Object.assign(process.env, run.emulator.environment);
  try {
    await host.configure(run.config);
    say("\n== pulumi preview");
    await execute(run, host, azure, true);
    say("\n== pulumi up");
    const steps = await execute(run, host, azure, false);
    say("\n== pulumi refresh");
    for (const step of steps.filter((s) => s.type.startsWith(DYNAMIC) && s.id)) {
      const read = await host.read(step.id!, step.urn, step.state!, step.inputs);
      say(`   ${step.name}: ${read.id ? "found" : "gone"}`);
      if (read.id) step.state = read.properties;
    }
    say("\n== pulumi destroy");
    for (const step of [...steps].reverse()) {
      if (step.type.startsWith(DYNAMIC) && step.id) {
        await host.delete(step.id, step.urn, step.state!);
        say(`   - ${step.name} deleted`);
      } else if (step.type === "azure-native:cognitiveservices:Account" && step.id) {
        await azure.deleteAccount(String(step.inputs.resourceGroupName), String(step.inputs.accountName));
        say(`   - ${step.name} deleted (Azure keeps it soft-deleted for 48 hours)`);
      }
    }
  } finally {
    const output = host.output.trim();
    await host.stop();
    if (output) say(`\nProvider output (the Pulumi CLI shows it as diagnostics):\n${output.split("\n").map((l) => `   ${l}`).join("\n")}`);
  }
}

/** Loads and runs the program once under mocks; during `up`, each resource is created as it registers. */
async function execute(run: StackRun, host: ProviderHost, azure: AzureNativeStandIn, preview: boolean): Promise<Step[]> {
  const programRequire = createRequire(join(run.folder, "index.ts"));
  // The program's own copy of the SDK: the one its resources register with.
  const pulumi = programRequire("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const steps: Step[] = [];
  let inFlight = 0;
  pulumi.runtime.setAllConfig(run.config);
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        inFlight++;
        try {
          const step: Step = { type: args.type, name: args.name, urn: `urn:pulumi:${run.stack}::${run.project}::${args.type}::${args.name}`, inputs: args.inputs };
          steps.push(step);
          const outputs = await apply(step, host, azure, preview);
          return { id: step.id ?? (preview ? undefined : `${args.name}-id`), state: outputs };
        } finally {
          inFlight--;
        }
      },
      call(args) {
        throw new Error(`the program calls ${args.token}, which this stand-in does not run`);
      },
    },
    run.project,
    run.stack,
    preview,
  );
  transpileTypeScriptOnRequire(programRequire);
  // Each run loads the program afresh, as each CLI command starts a new process.
  for (const key of Object.keys(programRequire.cache)) if (key.startsWith(run.folder) && !key.includes("node_modules")) delete programRequire.cache[key];
  const loaded = programRequire(join(run.folder, "index.ts")) as unknown;
  if (typeof loaded === "function") await (loaded as () => unknown)();
  // Registrations settle when nothing is in flight and no new one arrived for a while.
  for (let seen = -1, quiet = 0; quiet < 5; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    quiet = inFlight === 0 && steps.length === seen ? quiet + 1 : 0;
    seen = steps.length;
  }
  return steps;
}

/** What one registration does: the engine's step for it, through the provider host or the azure-native stand-in. */
async function apply(step: Step, host: ProviderHost, azure: AzureNativeStandIn, preview: boolean): Promise<Props> {
  if (step.type.startsWith(DYNAMIC)) {
    const checked = await host.check(step.urn, {}, step.inputs);
    if (checked.failures.length) throw new Error(`${step.name}: check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    if (preview) {
      say(`   + ${step.type.slice(DYNAMIC.length)} ${step.name}: create`);
      return checked.inputs;
    }
    const created = await host.create(step.urn, checked.inputs);
    step.id = created.id;
    step.state = created.properties;
    const { __provider: _provider, ...outputs } = created.properties;
    say(`   + ${step.name} created: ${JSON.stringify(outputs)}`);
    return created.properties;
  }
  if (preview) {
    say(`   + ${step.type} ${step.name}: create`);
    return step.inputs; // outputs not known until up, as in a real preview
  }
  if (step.type === "azure-native:resources:ResourceGroup") {
    await azure.createResourceGroup(String(step.inputs.resourceGroupName), String(step.inputs.location));
    say(`   + ${step.name} created (resource group '${String(step.inputs.resourceGroupName)}')`);
    step.id = String(step.inputs.resourceGroupName);
    return { ...step.inputs, name: step.inputs.resourceGroupName };
  }
  if (step.type === "azure-native:cognitiveservices:Account") {
    const result = await azure.putAccount(step.inputs as Parameters<AzureNativeStandIn["putAccount"]>[0]);
    if (result.error) throw new Error(`${step.name}: azure-native's account create would fail: ${result.error}`);
    step.id = String(step.inputs.accountName);
    say(`   + ${step.name} created: endpoint ${result.endpoint}`);
    return { ...step.inputs, name: step.inputs.accountName, properties: { ...(step.inputs.properties as Props | undefined), endpoint: result.endpoint } };
  }
  if (!step.type.startsWith("azure-native:")) say(`   + ${step.type} ${step.name}: component registered`);
  else say(`   + ${step.type} ${step.name}: recorded, not sent (this stand-in sends resource groups and Cognitive Services accounts only)`);
  return step.inputs;
}

/** Lets `require` load the program's `.ts` files, transpiled as Pulumi's TypeScript support would (CommonJS). */
function transpileTypeScriptOnRequire(programRequire: NodeJS.Require): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- this repository's compiler, not the program's
  const ts = require("typescript") as typeof import("typescript");
  programRequire.extensions[".ts"] = (module, filename) => {
    const output = ts.transpileModule(readFileSync(filename, "utf8"), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true }, fileName: filename });
    (module as unknown as { _compile(code: string, file: string): void })._compile(output.outputText, filename);
  };
}
