/**
 * When to poll a long-running operation. The SDK's poller still sends every
 * request (`poller.poll()`); this only decides how long to wait in between.
 *
 * The plain SDK waits 2 s between polls, so a purge that ends just after a
 * poll is seen up to 2 s late, whatever its length: a 1 s purge takes 2 s.
 * Polling every 500 ms fixes that at a cost of 42 polls for a 20 s purge
 * (the SDK needs 12). This schedule waits in proportion to how long the
 * operation has already run: a tenth of the elapsed time, less an allowance
 * for the poll's own round trip, never under 250 ms and never over 1.5 s.
 * Short operations are seen within about 300 ms; long ones within 10 % of
 * their length and at most 1.5 s (less than the SDK's 2 s) late, at under 3
 * times the SDK's polls at 20 s and 60 s (tests/pollSchedule.test.ts has
 * the table, `npm run bench` the measurement).
 */

/** The parameters of the schedule; {@link POLL_SCHEDULE} holds the package's. */
export interface PollSchedule {
  /** The shortest wait between two polls. */
  minimumIntervalInMs: number;
  /** The longest wait between two polls; below the plain SDK's 2 s, so a long operation is never seen later than the SDK would see it. */
  maximumIntervalInMs: number;
  /** Each wait is this fraction of the time the operation has run... */
  elapsedFraction: number;
  /** ...less this allowance for the round trips of the poll that sees the end, so that the end is seen within the fraction. */
  roundTripAllowanceInMs: number;
}

/** The schedule every long-running operation of this package follows. */
export const POLL_SCHEDULE: PollSchedule = Object.freeze({
  minimumIntervalInMs: 250,
  maximumIntervalInMs: 1500,
  elapsedFraction: 0.1,
  roundTripAllowanceInMs: 60,
});

/**
 * How long to wait before the next poll, once the operation has run
 * `elapsedInMs`. A `Retry-After` from the service (`retryAfterInMs`) is a
 * floor: the service asked not to be polled sooner.
 */
export function nextPollDelayInMs(elapsedInMs: number, retryAfterInMs = 0, schedule: PollSchedule = POLL_SCHEDULE): number {
  const proportional = schedule.elapsedFraction * elapsedInMs - schedule.roundTripAllowanceInMs;
  const bounded = Math.min(schedule.maximumIntervalInMs, Math.max(schedule.minimumIntervalInMs, proportional));
  return Math.max(bounded, retryAfterInMs);
}

/**
 * A `Retry-After` header's value in milliseconds (seconds or an HTTP date),
 * 0 when absent, unparsable, or `0` (which ARM's pollers treat as unset).
 */
export function retryAfterInMs(header: string | undefined | null, nowInMs = Date.now()): number {
  if (!header) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - nowInMs) : 0;
}

/** What {@link pollToCompletion} needs of a poller: `@azure/core-lro`'s `SimplePollerLike` has it. */
export interface PollerLike<TResult> {
  poll(options?: { abortSignal?: AbortSignal }): Promise<void>;
  isDone(): boolean;
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<TResult>;
}

/** A response as the SDK's `onResponse` callback hands it over. */
export interface ResponseLike {
  headers: { get(name: string): string | undefined };
}

/**
 * Remembers the `Retry-After` of the latest response of an operation: pass
 * `observe` as (or call it from) the `onResponse` option of the SDK's
 * `begin...` call, and the watcher to {@link pollToCompletion}.
 */
export interface RetryAfterWatcher {
  observe(response: ResponseLike): void;
  /** The latest response's `Retry-After` in ms, 0 when it had none. */
  latestInMs(): number;
}

export function retryAfterWatcher(): RetryAfterWatcher {
  let latest = 0;
  return {
    observe(response) {
      latest = retryAfterInMs(response.headers.get("retry-after"));
    },
    latestInMs: () => latest,
  };
}

export interface PollOptions {
  abortSignal?: AbortSignal;
  /** The `Retry-After` of the operation's responses; without it the schedule alone decides. */
  retryAfter?: RetryAfterWatcher;
  /** When the operation started; default: now (just after the SDK's `begin...` call, which polls once). */
  startedAtInMs?: number;
  schedule?: PollSchedule;
}

/**
 * Drives an SDK poller to its end on {@link POLL_SCHEDULE}: `poller.poll()`
 * sends each request (through the client's pipeline: token, retries), this
 * only waits in between, cut short by the abort signal. Resolves with the
 * operation's result, or throws its error, exactly as `pollUntilDone` would.
 */
export async function pollToCompletion<TResult>(poller: PollerLike<TResult>, options: PollOptions = {}): Promise<TResult> {
  const { setTimeout: sleep } = await import("node:timers/promises");
  const startedAt = options.startedAtInMs ?? Date.now();
  while (!poller.isDone()) {
    const delay = nextPollDelayInMs(Date.now() - startedAt, options.retryAfter?.latestInMs(), options.schedule);
    await sleep(delay, undefined, { signal: options.abortSignal });
    await poller.poll({ abortSignal: options.abortSignal });
  }
  // Done: this sends nothing, it returns the result or throws the operation's error.
  return poller.pollUntilDone({ abortSignal: options.abortSignal });
}
