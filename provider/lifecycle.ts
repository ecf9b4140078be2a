import { describeFailure, redact } from "./errors";
import { describeAccount, type ResolvedInputs } from "./inputs";
import { knownSecrets, resolveEndpoints } from "./settings";
import { hostOf, onTransportFailure, recordedTransportFailure, type TransportFailure } from "./transportFailures";

/**
 * The machinery around every hook that talks to Azure, kept apart from what
 * the hooks do: one deadline (`timeoutMinutes`) over all of the hook's waits,
 * progress lines during long waits, and any throw turned into one clear
 * message. Pulumi's `customTimeouts` never reach a dynamic provider, so this
 * deadline is the only bound.
 */

/** Progress lines go to stdout; the Pulumi CLI shows a provider's output as info diagnostics. */
export function report(line: string): void {
  console.log(`[pulumi-cognitive-reclaim] ${line}`);
}

/** How often a long wait prints that it is still waiting. */
export const PROGRESS_INTERVAL_MS = 10_000;

export interface HookRun {
  /** Aborts when the hook's deadline passes; hand it to every Azure call. */
  readonly signal: AbortSignal;
  /** Runs one wait, naming it for progress lines and for the timeout message. */
  waitFor<T>(what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

export interface HookOptions {
  /** What the hook does, for messages: `purge of soft-deleted account 'x' ...`. */
  action: string;
  timeoutMinutes: number;
  subscriptionId?: string;
  resourceGroupName?: string;
  /**
   * Set by {@link previewLookup}: the hook's bound in ms (instead of
   * timeoutMinutes), and it stops at the first TLS or connect failure the
   * process meets rather than let the SDK retry until the bound.
   */
  previewBoundInMs?: number;
}

/** The options of a hook that acts on one account: `<action> 'name' in resource group 'group' (location)`, bounded by its `timeoutMinutes`. */
export function accountHookOptions(action: string, c: ResolvedInputs): HookOptions {
  return { action: `${action} ${describeAccount(c)}`, timeoutMinutes: c.timeoutMinutes, subscriptionId: c.subscriptionId, resourceGroupName: c.resourceGroupName };
}

/** The token authority's `host:port` under the current settings, for telling its failures apart. */
function authorityHostOf(): string | undefined {
  try {
    return hostOf(resolveEndpoints().authorityHost) || undefined;
  } catch {
    return undefined; // the settings error itself is reported by the hook
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Runs `body` under a deadline; any failure becomes an `Error` whose message names the cause and the fix. */
export async function runHook<T>(options: HookOptions, body: (run: HookRun) => Promise<T>): Promise<T> {
  const timeoutMs = options.previewBoundInMs ?? options.timeoutMinutes * 60_000;
  const startedAt = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let fastFailure: TransportFailure | undefined;
  let stopWatching = (): void => undefined;
  // A preview stops at the first failure below HTTP: the SDK would retry it until the bound, and up retries it anyway.
  const failedFast =
    options.previewBoundInMs === undefined
      ? undefined
      : new Promise<never>((_resolve, reject) => {
          stopWatching = onTransportFailure((failure) => {
            fastFailure ??= failure;
            controller.abort();
            reject(new Error(`${failure.code} at ${failure.host}`));
          });
        });
  let waitingFor: string | undefined;
  const run: HookRun = {
    signal: controller.signal,
    async waitFor(what, work) {
      waitingFor = what;
      const started = Date.now();
      const ticker = setInterval(() => report(`${what}: still waiting, ${seconds(Date.now() - started)} elapsed`), PROGRESS_INTERVAL_MS);
      try {
        const result = await work(controller.signal);
        report(`${what}: done in ${seconds(Date.now() - started)}`);
        return result;
      } finally {
        clearInterval(ticker);
      }
    },
  };
  try {
    const work = body(run);
    return await (failedFast ? Promise.race([work, failedFast]) : work);
  } catch (error) {
    const { isRestError } = await import("@azure/core-rest-pipeline");
    const authorityHost = authorityHostOf();
    const message = describeFailure(
      error,
      {
        ...options,
        waitingFor,
        timedOut: controller.signal.aborted && !fastFailure,
        authorityHost,
        // MSAL drops the cause of a failed token request; the watch noted it.
        transportFailure: fastFailure ?? recordedTransportFailure(authorityHost, startedAt),
      },
      isRestError,
    );
    throw new Error(redact(message, knownSecrets()));
  } finally {
    clearTimeout(timer);
    stopWatching();
  }
}

/** How long a preview lookup may take before `check` gives up and leaves the decision to `up`. */
export const PREVIEW_LOOKUP_BOUND_IN_MS = 20_000;

/**
 * A read made at preview (`check`) to tell the user what `up` will do. A
 * lookup that cannot be made (credentials, network) never fails the preview:
 * it is reported, with `mayDo` (what up may do then, such as a purge, in the
 * planner's words), and `undefined` leaves the decision to `up`.
 */
export async function previewLookup<T>(resource: string, what: string, subscriptionId: string, body: (run: HookRun) => Promise<T>, mayDo?: string): Promise<T | undefined> {
  try {
    return await runHook(
      { action: `preview lookup of ${what}`, timeoutMinutes: PREVIEW_LOOKUP_BOUND_IN_MS / 60_000, previewBoundInMs: PREVIEW_LOOKUP_BOUND_IN_MS, subscriptionId },
      body,
    );
  } catch (error) {
    const may = mayDo ? ` ${mayDo.charAt(0).toUpperCase()}${mayDo.slice(1)}.` : "";
    report(`${resource}: could not look up ${what}, so up will decide.${may} ${(error as Error).message}`);
    return undefined;
  }
}

/** Drops `undefined` members: Pulumi fails a create whose outputs hold one ("Unexpected struct type"). */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
