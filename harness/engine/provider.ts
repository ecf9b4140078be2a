import type { Props } from "./values";

/** A Check failure (pulumirpc.CheckFailure). */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** What a provider's Diff answers (sdk/go/common/resource/plugin/provider.go, DiffResult). */
export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The top-level keys that changed, when the provider says (DiffResponse.diffs). */
  diffs: string[];
}

/**
 * The engine's view of one provider plugin instance (plugin.Provider): the
 * calls the step generator and executor make. One instance per provider
 * resource per run, as the engine loads one plugin per provider.
 */
export interface EngineProvider {
  /** `Configure` with the provider resource's inputs (for default providers: the stack config of the package). */
  configure(config: Record<string, string>): Promise<void>;
  check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  diff(urn: string, id: string, oldInputs: Props, oldOutputs: Props, news: Props): Promise<DiffResult>;
  /** With `preview`, a provider that does not support preview answers the inputs as outputs and no id (provider_plugin.go, Create). */
  create(urn: string, news: Props, preview: boolean): Promise<{ id: string; outputs: Props }>;
  /** An empty id means the resource no longer exists. */
  read(urn: string, id: string, inputs: Props, outputs: Props): Promise<{ id: string; outputs: Props; inputs: Props }>;
  update(urn: string, id: string, oldInputs: Props, oldOutputs: Props, news: Props, preview: boolean): Promise<Props>;
  delete(urn: string, id: string, inputs: Props, outputs: Props): Promise<void>;
  /** A provider function (`Invoke`); providers that have none leave it out. */
  invoke?(token: string, args: Props): Promise<Props>;
  /** What the provider printed since the last call: the CLI shows it as diagnostics of the resource being worked on. */
  takeOutput(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A Create that left a resource behind although it failed (an async operation that failed after ARM accepted the
 * PUT): the provider answers the resource's id and state with the error (pulumirpc.ErrorResourceInitFailed), and
 * the engine records them with the error as `initErrors` (step.go, CreateStep.Apply: `resp.Status ==
 * resource.StatusPartialFailure`, 3.260). pulumi-azure-native: crud.go, HandleErrorWithCheckpoint / partialError.
 */
export class PartialFailure extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly outputs: Props,
  ) {
    super(message);
  }
}
