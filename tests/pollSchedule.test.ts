import { nextPollDelayInMs, POLL_SCHEDULE, retryAfterInMs } from "../provider/pollSchedule";

/**
 * The poll schedule as a pure function, against the targets: the
 * time from an operation's end to our return ("overhead") at most
 * max(10 %, 300 ms) of the operation's length and at most the plain SDK's,
 * with at most 3 times the plain SDK's polls at 20 s and 60 s.
 *
 * A poll takes `ROUND_TRIP_MS` to answer. The operation starts with the
 * SDK's `begin...` call, which sends the first poll at once; the plain SDK's
 * `pollUntilDone` then polls once more at once and every 2 s after
 * (@azure/core-lro, poller/poller.js, `pollUntilDone`).
 */
const ROUND_TRIP_MS = 25;
const PLAIN_SDK_INTERVAL_MS = 2000;

interface Run {
  polls: number;
  /** From the operation's end to the answer of the poll that sees it. */
  overheadInMs: number;
}

/** The polls one operation of `durationInMs` gets; each poll is sent after the previous answer plus `wait(elapsed)`. */
function simulate(durationInMs: number, wait: (elapsedInMs: number, index: number) => number): Run {
  for (let sentAt = 0, polls = 1; ; polls++) {
    const answeredAt = sentAt + ROUND_TRIP_MS;
    if (sentAt >= durationInMs) return { polls, overheadInMs: answeredAt - durationInMs };
    sentAt = answeredAt + wait(answeredAt, polls);
  }
}

const ours = (durationInMs: number) => simulate(durationInMs, (elapsed) => nextPollDelayInMs(elapsed, { roundTripInMs: ROUND_TRIP_MS }));
const plain = (durationInMs: number) => simulate(durationInMs, (_elapsed, index) => (index === 1 ? 0 : PLAIN_SDK_INTERVAL_MS));

/** The worst overhead over every operation length up to `durationInMs` (3 ms steps), against the limit at that length. */
function worstAgainstLimit(durationInMs: number): { worstOverheadInMs: number; worstExcessInMs: number } {
  let worstOverheadInMs = 0;
  let worstExcessInMs = -Infinity;
  for (let length = 1; length <= durationInMs; length += 3) {
    const { overheadInMs } = ours(length);
    worstOverheadInMs = Math.max(worstOverheadInMs, overheadInMs);
    worstExcessInMs = Math.max(worstExcessInMs, overheadInMs - Math.max(0.1 * length, 300));
  }
  return { worstOverheadInMs, worstExcessInMs };
}

/**
 * The mean overhead over operation lengths every 100 ms across a window
 * around `durationInMs` that spans whole poll intervals of both pollers (as
 * the bench does): real lengths fall anywhere on either poller's grid.
 */
function meanOverheadInMs(run: (durationInMs: number) => Run, durationInMs: number): number {
  const windowInMs = durationInMs >= 20_000 ? 6_000 : 2_000;
  const lengths = Array.from({ length: windowInMs / 100 }, (_, i) => Math.max(1, durationInMs - windowInMs / 2 + 50 + i * 100));
  return lengths.reduce((sum, length) => sum + run(length).overheadInMs, 0) / lengths.length;
}

describe("nextPollDelayInMs", () => {
  it.each([
    { elapsedInMs: 0, roundTripInMs: 5, delayInMs: 280 },
    { elapsedInMs: 0, roundTripInMs: 25, delayInMs: 240 },
    { elapsedInMs: 0, roundTripInMs: undefined, delayInMs: 190 },
    { elapsedInMs: 0, roundTripInMs: 5_000, delayInMs: 190 },
    { elapsedInMs: 5_000, roundTripInMs: 25, delayInMs: 440 },
    { elapsedInMs: 10_000, roundTripInMs: 25, delayInMs: 940 },
    { elapsedInMs: 20_000, roundTripInMs: 25, delayInMs: 1_540 },
    { elapsedInMs: 600_000, roundTripInMs: 5, delayInMs: 1_580 },
  ])("after $elapsedInMs ms, with polls taking $roundTripInMs ms, the next poll waits $delayInMs ms", ({ elapsedInMs, roundTripInMs, delayInMs }) => {
    expect(nextPollDelayInMs(elapsedInMs, { roundTripInMs })).toBe(delayInMs);
  });

  it("waits at least as long as a Retry-After asks", () => {
    expect(nextPollDelayInMs(0, { retryAfterInMs: 5_000 })).toBe(5_000);
    expect(nextPollDelayInMs(60_000, { retryAfterInMs: 1_000, roundTripInMs: 0 })).toBe(POLL_SCHEDULE.seenWithinMaximumInMs - POLL_SCHEDULE.marginInMs);
  });
});

describe("the schedule against the targets", () => {
  it.each([
    { seconds: 1, maxPollRatio: Infinity, polls: 5, plainPolls: 3 },
    { seconds: 5, maxPollRatio: Infinity, polls: 19, plainPolls: 5 },
    { seconds: 20, maxPollRatio: 3, polls: 34, plainPolls: 12 },
    { seconds: 60, maxPollRatio: 3, polls: 59, plainPolls: 32 },
  ])("$seconds s operation: $polls polls (plain SDK $plainPolls), overhead within max(10 %, 300 ms) and the plain SDK's", ({ seconds, maxPollRatio, polls, plainPolls }) => {
    const durationInMs = seconds * 1000;
    expect(ours(durationInMs).polls).toBe(polls);
    expect(plain(durationInMs).polls).toBe(plainPolls);
    expect(polls).toBeLessThanOrEqual(maxPollRatio * plainPolls);

    const { worstOverheadInMs, worstExcessInMs } = worstAgainstLimit(durationInMs);
    expect(worstExcessInMs).toBeLessThanOrEqual(0);
    // Worst case: the plain SDK sees an end up to its 2 s interval (plus a round trip) late.
    expect(worstOverheadInMs).toBeLessThanOrEqual(PLAIN_SDK_INTERVAL_MS + ROUND_TRIP_MS);
    expect(meanOverheadInMs(ours, durationInMs)).toBeLessThan(meanOverheadInMs(plain, durationInMs));
  });
});

describe("retryAfterInMs", () => {
  it.each([
    { header: undefined, ms: 0 },
    { header: "0", ms: 0 },
    { header: "3", ms: 3_000 },
    { header: "soon", ms: 0 },
    { header: new Date(10_000).toUTCString(), ms: 10_000 },
  ])("Retry-After $header is $ms ms", ({ header, ms }) => {
    expect(retryAfterInMs(header, 0)).toBe(ms);
  });
});
