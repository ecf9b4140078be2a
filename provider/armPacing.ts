import { processSlot } from "./processCache";
import type { PipelinePolicy, PipelineResponse } from "@azure/core-rest-pipeline";

/**
 * How many requests one provider process keeps in flight to ARM. Enough for
 * ARM's latency (16 in flight at 200 ms is 80 requests a second, above ARM's
 * read rate per principal), few enough that a burst of hundreds of resources
 * reuses a handful of keep-alive connections instead of opening one each.
 */
export const MAX_CONCURRENT_REQUESTS = 16;

function retryAfterMs(response: PipelineResponse): number {
  const header = response.headers.get("retry-after");
  if (!header) return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : 1000;
}

/** The shared state of one pacing limit; plain data, so it can live in the process cache. */
export interface ArmPacer {
  readonly maxConcurrent: number;
  active: number;
  /** No request is sent before this time (ms since epoch): the latest 429's `Retry-After`. */
  gateUntil: number;
  queue: (() => void)[];
}

export function createArmPacer(maxConcurrent = MAX_CONCURRENT_REQUESTS): ArmPacer {
  return { maxConcurrent, active: 0, gateUntil: 0, queue: [] };
}

/**
 * The pacing limit of this process: one, whatever the number of sessions
 * (subscriptions, endpoint settings) or of clients built concurrently, so
 * `MAX_CONCURRENT_REQUESTS` holds for the process from its first request.
 */
export function processArmPacer(): ArmPacer {
  return processSlot<ArmPacer>("armPacer", () => createArmPacer());
}

/**
 * A per-attempt pipeline policy that paces the process's ARM requests: at
 * most `MAX_CONCURRENT_REQUESTS` in flight, the rest wait in arrival order;
 * and after a 429 every request waits until its `Retry-After` has passed.
 *
 * Without it, hundreds of requests throttled together retry together on the
 * same `Retry-After` boundary, a random few win each window, and an unlucky
 * request exhausts its retries; with it, a throttled stack drains in order at
 * the rate ARM allows. Retrying itself stays the SDK's retry policy.
 */
export function armPacingPolicy(pacer: ArmPacer = processArmPacer()): PipelinePolicy {
  const acquire = (): Promise<void> => {
    if (pacer.active < pacer.maxConcurrent && pacer.queue.length === 0) {
      pacer.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => pacer.queue.push(resolve)); // the slot is handed over on release
  };
  const release = (): void => {
    const next = pacer.queue.shift();
    if (next) next();
    else pacer.active -= 1;
  };
  return {
    name: "pulumiCognitiveReclaimArmPacing",
    async sendRequest(request, next) {
      await acquire();
      try {
        for (let wait = pacer.gateUntil - Date.now(); wait > 0; wait = pacer.gateUntil - Date.now()) {
          const { setTimeout: sleep } = await import("node:timers/promises");
          await sleep(wait, undefined, { signal: request.abortSignal as AbortSignal | undefined });
        }
        const response = await next(request);
        if (response.status === 429) pacer.gateUntil = Math.max(pacer.gateUntil, Date.now() + retryAfterMs(response));
        return response;
      } finally {
        release();
      }
    },
  };
}
