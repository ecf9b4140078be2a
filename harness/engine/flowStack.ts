import { AzureNativeProvider } from "./azureNative";
import { Callbacks } from "./callbacks";
import { Deployment, type DeploymentOptions, type EngineRelease } from "./deployment";
import type { OrderOptions } from "./order";
import { type Command, render } from "./display";
import { DynamicProvider } from "./dynamicProvider";
import { ComponentPlugin } from "./remoteComponents";
import { ResourceMonitor } from "./resourceMonitor";
import { runProgram } from "./program";
import { nameOfUrn, type PendingOperation, type ResourceState, type Snapshot } from "./state";
import type { StepRecord } from "./steps";
import { isSecret, maskSecrets, type Props, secret, SECRET_SIG, SIG_KEY } from "./values";

export interface FlowStackOptions {
  project: string;
  stack: string;
  /** The project folder: where the program runs and resolves its packages. */
  programDir: string;
  /** The entry point relative to `programDir` (default "."). Each run may name another. */
  program?: string;
  /** The environment of the program and the providers (e.g. the emulator's `AZURE_*`). */
  env?: NodeJS.ProcessEnv;
  /** Stack config, `namespace:key` → value (e.g. `azure-native:subscriptionId`). */
  config?: Record<string, string>;
  /** Config keys whose values are secret (`pulumi config set --secret`). */
  secretKeys?: string[];
  organization?: string;
  /**
   * `runtime.options.typescript` of the project's Pulumi.yaml (Pulumi's default is true): load a `.ts` program
   * through the SDK's ts-node. Off by default here: compiled `.js` programs start faster.
   */
  typescript?: boolean;
  /** How long one program run may take before it is killed (default 5 minutes). */
  programTimeoutInMs?: number;
  /**
   * The order of steps, for every run of this stack: without it one fixed legal order (deterministic); with
   * `{ seed }` a seeded choice among the orders pulumi/pulumi allows (see harness/engine/order.ts).
   */
  order?: OrderOptions;
  /** Which engine release to follow where pulumi/pulumi changed after 3.260 (default "3.260"; see deployment.ts). */
  engine?: EngineRelease;
  /**
   * Component packages the project uses, package name → the folder of its `PulumiPlugin.yaml` (what
   * `pulumi package add <folder>` records under `packages` in Pulumi.yaml): a remote component of that package is
   * constructed by that plugin (harness/engine/remoteComponents.ts).
   */
  plugins?: Record<string, string>;
}

export interface RunOptions {
  /** Another entry point for this run (relative to the program folder). */
  program?: string;
  /** Config merged over the stack's for this run and kept for the next ones (`pulumi config set`). */
  config?: Record<string, string>;
  /** Environment merged over the stack's for this run only. */
  env?: NodeJS.ProcessEnv;
  /** `--replace`: URNs, or resource names, to replace. */
  replace?: string[];
  /** `--refresh`: read every resource first. */
  refresh?: boolean;
  /** `--target`: URNs, or resource names; only these are checked, diffed and changed (no `--target-dependents`). */
  target?: string[];
  /** `--exclude`: URNs, or resource names, left alone (no `--exclude-dependents`). */
  exclude?: string[];
  /** The order of steps for this run (overrides the stack's `order`). */
  order?: OrderOptions;
  /**
   * Kill the update (SIGKILL of the CLI) as its k-th provider Create, Update or Delete returns, before the engine
   * journals it: the cloud did it, the state does not show it, it is pending in the checkpoint, and nothing after
   * it runs (see deployment.ts, `killAfterOperations`). An update that makes fewer operations runs to its end.
   */
  killAfterOperations?: number;
}

export interface RunResult {
  ok: boolean;
  error?: string;
  steps: StepRecord[];
  /** The CLI-like text of the run (see {@link render}). */
  output: string;
  /** Diagnostics not tied to a resource: the program's output and errors. */
  diagnostics: string[];
  /** The stack outputs the program exported (secrets masked). */
  outputs: Props;
  /** How long the run took, in milliseconds. */
  durationInMs: number;
  /** What the engine decided, in order ("decided to …"): print it when a row fails. */
  trace: string[];
}

/**
 * A stack driven through a faithful mini Pulumi engine: a real Pulumi program
 * runs in a child process like the language host runs it, talks to this
 * engine's resource monitor over gRPC, and its resources go through the step
 * generator and executor of {@link Deployment}, with dynamic resources in
 * Pulumi's provider host and azure-native in {@link AzureNativeProvider}.
 */
export class FlowStack {
  private snapshot: Snapshot = { resources: [] };
  private config: Record<string, string>;

  private constructor(
    private readonly options: FlowStackOptions,
    private readonly monitor: ResourceMonitor,
    private readonly callbacks: Callbacks,
  ) {
    this.config = { ...(options.config ?? {}) };
  }

  static async create(options: FlowStackOptions): Promise<FlowStack> {
    const callbacks = new Callbacks();
    const monitor = new ResourceMonitor(callbacks);
    await monitor.start();
    return new FlowStack(options, monitor, callbacks);
  }

  /** `pulumi preview`: Check and Diff only; nothing changes in the cloud or the state. */
  preview(options: RunOptions = {}): Promise<RunResult> {
    return this.run("preview", options);
  }

  /** `pulumi up --yes`. */
  up(options: RunOptions = {}): Promise<RunResult> {
    return this.run("update", options);
  }

  /** `pulumi refresh --yes` (without `--run-program`: the state's inputs are what Read and Diff see). */
  refresh(options: Pick<RunOptions, "env" | "config" | "order"> = {}): Promise<RunResult> {
    return this.run("refresh", options);
  }

  /** `pulumi destroy --yes`, with `runProgram` as `--run-program` (needed for delete hooks). */
  destroy(options: Pick<RunOptions, "env" | "config" | "program" | "order" | "killAfterOperations"> & { runProgram?: boolean } = {}): Promise<RunResult> {
    return this.run("destroy", options, options.runProgram ?? false);
  }

  /** The checkpoint's pending operations (left by a killed update; see `RunOptions.killAfterOperations`). */
  pendingOperations(): PendingOperation[] {
    return (this.snapshot.pendingOperations ?? []).map((op) => ({ ...op }));
  }

  /** The current state, secrets masked. */
  resources(): ResourceState[] {
    return this.snapshot.resources.map((r) => maskSecrets(structuredClone(r)) as ResourceState);
  }

  /** The state as JSON, secrets encrypted the way a passphrase backend stores them (ciphertext, not plain text). */
  export(): string {
    return JSON.stringify({ version: 3, resources: this.snapshot.resources.map((r) => encryptSecrets(r)), ...(this.snapshot.pendingOperations ? { pendingOperations: this.snapshot.pendingOperations } : {}) }, null, 2);
  }

  /** Replaces the state with an exported one. */
  import(text: string): void {
    const parsed = JSON.parse(text) as { resources: ResourceState[]; pendingOperations?: PendingOperation[] };
    this.snapshot = { resources: parsed.resources.map((r) => decryptSecrets(r) as ResourceState), ...(parsed.pendingOperations ? { pendingOperations: parsed.pendingOperations } : {}) };
  }

  /** The URN of a resource of the current state by name (the last URN component). */
  urnOf(name: string): string {
    const found = this.snapshot.resources.filter((r) => nameOfUrn(r.urn) === name && !r.pendingDelete);
    if (found.length !== 1) throw new Error(`${found.length} resources named '${name}' in the state of ${this.options.stack}; pass the URN`);
    return found[0].urn;
  }

  async close(): Promise<void> {
    this.callbacks.close();
    await this.monitor.stop();
  }

  private async run(command: Command, options: RunOptions, runProgramForDestroy = false): Promise<RunResult> {
    const started = Date.now();
    Object.assign(this.config, options.config ?? {});
    const env = { ...process.env, ...(this.options.env ?? {}), ...(options.env ?? {}) };
    const programDir = this.options.programDir;
    const dryRun = command === "preview";
    // One plugin per provider resource per run (the engine loads a plugin on first use of its provider). When the
    // state says the program uses dynamic resources, their host starts while the program starts.
    let prestarted = this.snapshot.resources.some((r) => r.type === "pulumi:providers:pulumi-nodejs") ? DynamicProvider.start(programDir, env) : undefined;
    prestarted?.catch(() => undefined);
    const providers: DeploymentOptions["providers"] = async (pkg) => {
      if (pkg === "pulumi-nodejs") {
        const host = prestarted ?? DynamicProvider.start(programDir, env);
        prestarted = undefined;
        return host;
      }
      if (pkg === "azure-native") return new AzureNativeProvider(env);
      const plugin = this.options.plugins?.[pkg];
      if (plugin) return ComponentPlugin.start(plugin, this.monitor.monitorAddress, env);
      throw new Error(`no provider plugin for package '${pkg}': the flow harness runs pulumi-nodejs (dynamic) resources, the azure-native stand-in and the component packages named in its plugins option`);
    };
    const toUrns = (names: string[] | undefined) => (names ?? []).map((r) => (r.startsWith("urn:") ? r : this.urnOf(r)));
    const replaceTargets = toUrns(options.replace);
    const deployment = new Deployment(this.snapshot, {
      kind: command === "destroy" ? "destroy" : "update",
      dryRun,
      stack: this.options.stack,
      project: this.options.project,
      config: this.config,
      replaceTargets,
      targets: toUrns(options.target),
      excludes: toUrns(options.exclude),
      seed: (options.order ?? this.options.order)?.seed,
      engine: this.options.engine,
      destroyProgram: command === "destroy" && runProgramForDestroy,
      killAfterOperations: options.killAfterOperations,
      providers,
      callbacks: this.callbacks,
    });
    try {
      if (command === "refresh" || options.refresh) await deployment.refresh();
      else deployment.warnPendingOperations();
      if (command === "update" || command === "preview" || (command === "destroy" && runProgramForDestroy)) {
        if (!deployment.error) await this.runProgram(deployment, options, env, dryRun);
      } else if (command === "destroy") {
        deployment.checkDestroyWithoutProgram();
        await deployment.finish();
      }
    } finally {
      await deployment.close();
      if (prestarted) await (await prestarted.catch(() => undefined))?.close();
    }
    deployment.settle();
    if (!dryRun) this.snapshot = deployment.snapshot();
    const outputs = maskSecrets(deployment.stackOutputs) as Props;
    return {
      ok: !deployment.error,
      error: deployment.error,
      steps: deployment.steps,
      output: render(command, this.options.stack, deployment.steps, deployment.messages, deployment.error ? {} : outputs, deployment.error),
      diagnostics: deployment.messages,
      outputs,
      durationInMs: Date.now() - started,
      trace: deployment.trace,
    };
  }

  private async runProgram(deployment: Deployment, options: RunOptions, env: NodeJS.ProcessEnv, dryRun: boolean): Promise<void> {
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      await deployment.finish();
    };
    this.monitor.attach(deployment, finish);
    const trace = process.env.FLOW_HARNESS_TRACE ? (what: string) => process.stderr.write(`[flow ${new Date().toISOString()}] ${what}\n`) : () => undefined;
    try {
      trace("program start");
      const exit = await runProgram({
        programDir: this.options.programDir,
        program: options.program ?? this.options.program ?? ".",
        project: this.options.project,
        stack: this.options.stack,
        organization: this.options.organization ?? "organization",
        monitorAddress: this.monitor.monitorAddress,
        engineAddress: this.monitor.monitorAddress,
        dryRun,
        config: this.config,
        secretKeys: this.options.secretKeys ?? [],
        env,
        timeoutInMs: this.options.programTimeoutInMs ?? 5 * 60_000,
        typescript: this.options.typescript ?? false,
      });
      trace(`program exit ${exit.code}`);
      await this.monitor.idle();
      const printed = `${exit.stdout}${exit.stderr}`.split("\n").filter((l) => l.trim());
      if (exit.code === 0) {
        for (const line of printed) deployment.messages.push(line);
        // An SDK that did not signal shutdown: the deletes run once the program is gone (deployment_executor.go, Execute).
        await finish();
      } else if (!deployment.error) {
        for (const line of printed) deployment.messages.push(line);
        deployment.error = `the program exited with code ${exit.code}`;
      }
    } finally {
      this.monitor.detach();
    }
  }
}

function encryptSecrets(value: unknown): unknown {
  if (isSecret(value)) return { [SIG_KEY]: SECRET_SIG, ciphertext: `v1:${Buffer.from(JSON.stringify(value.value)).toString("base64")}` };
  if (Array.isArray(value)) return value.map(encryptSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encryptSecrets(v)]));
  return value;
}

function decryptSecrets(value: unknown): unknown {
  if (typeof value === "object" && value !== null && (value as Props)[SIG_KEY] === SECRET_SIG && typeof (value as Props).ciphertext === "string") {
    return secret(JSON.parse(Buffer.from(String((value as Props).ciphertext).slice(3), "base64").toString("utf8")));
  }
  if (Array.isArray(value)) return value.map(decryptSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decryptSecrets(v)]));
  return value;
}
