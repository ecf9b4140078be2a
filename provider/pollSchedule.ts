/**
 * When to poll a long-running operation. The SDK's poller still sends every
 * request (`poller.poll()`); this only decides how long to wait in between.
 *
 * The plain SDK waits 2 s between polls, so a purge that ends just after a
 * poll is seen up to 2 s late, whatever its length: a 1 s purge takes 2 s.
 * Polling every 500 ms fixes that at a cost of 42 polls for a 20 s purge
 * (the SDK needs 12). This schedule instead sees the end of an operation
 * within 10 % of the time it has run, or 300 ms, whichever is longer, and
 * never later than 1.6 s (the SDK: 2 s): it waits that long less the round
 * trips of the poll that will see the end, as the last poll measured them.
 * So a short operation is polled about every 280 ms, a long one about every
 * 1.6 s, at under 3 times the SDK's polls at 20 s and 60 s
 * (tests/pollSchedule.test.ts has the table, `npm run bench` the measure).
 */

/** The parameters of the schedule; {@link POLL_SCHEDULE} holds the package's. */
export interface PollSchedule {
  /** An operation's end is seen within this fraction of the time it has run... */
  seenWithinFraction: number;
  /** ...or within this, whichever is longer... */
  seenWithinMinimumInMs: number;
  /** ...but never later than this: below the plain SDK's 2 s, so the end is seen sooner than the SDK would see it. */
  seenWithinMaximumInMs: number;
  /** A poll's round trip counts against the wait up to this, so a slow or throttled ARM cannot make the polls come faster without bound. */
  roundTripCapInMs: number;
  /** Kept in hand for timers and the hop back to the caller. */
  marginInMs: number;
  /** The shortest wait between two polls. */
  minimumIntervalInMs: number;
}

/** The schedule every long-running operation of this package follows. */
export const POLL_SCHEDULE: PollSchedule = Object.freeze({
  seenWithinFraction: 0.1,
  seenWithinMinimumInMs: 300,
  seenWithinMaximumInMs: 1600,
  roundTripCapInMs: 50,
  marginInMs: 10,
  minimumIntervalInMs: 100,
});

/** What the last responses said about pace. */
export interface PollPace {
  /** The latest response's `Retry-After` in ms: a floor, as the service asked not to be polled sooner. */
  retryAfterInMs?: number;
  /** How long the last poll took; the cap when unknown. */
  roundTripInMs?: number;
}

/**
 * How long to wait before the next poll, once the operation has run
 * `elapsedInMs`. The end is seen at worst one wait and two round trips (the
 * poll that found it still running, then the one that finds it done) after
 * it happened, so the wait is the allowed delay less two round trips.
 */
export function nextPollDelayInMs(elapsedInMs: number, pace: PollPace = {}, schedule: PollSchedule = POLL_SCHEDULE): number {
  const seenWithin = Math.min(schedule.seenWithinMaximumInMs, Math.max(schedule.seenWithinMinimumInMs, schedule.seenWithinFraction * elapsedInMs));
  const roundTrip = Math.min(schedule.roundTripCapInMs, pace.roundTripInMs ?? schedule.roundTripCapInMs);
  const wait = Math.max(schedule.minimumIntervalInMs, seenWithin - 2 * roundTrip - schedule.marginInMs);
  return Math.max(wait, pace.retryAfterInMs ?? 0);
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
  let roundTripInMs: number | undefined; // the SDK's first poll, inside begin..., was not timed
  while (!poller.isDone()) {
    const delay = nextPollDelayInMs(Date.now() - startedAt, { retryAfterInMs: options.retryAfter?.latestInMs(), roundTripInMs }, options.schedule);
    await sleep(delay, undefined, { signal: options.abortSignal });
    const sentAt = Date.now();
    await poller.poll({ abortSignal: options.abortSignal });
    roundTripInMs = Date.now() - sentAt;
  }
  // Done: this sends nothing, it returns the result or throws the operation's error.
  return poller.pollUntilDone({ abortSignal: options.abortSignal });
}
