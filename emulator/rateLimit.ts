/**
 * ARM's `x-ms-ratelimit-remaining-subscription-{reads,writes,deletes}`
 * headers: how many requests of that kind the subscription may still send
 * before ARM throttles it. Modelled as ARM's token buckets per subscription
 * (reads: 250, refilled at 25 a second; writes and deletes: 200, refilled at
 * 10 a second). The headers only inform; throttling itself is the
 * `throttleRequestsPerSecond` setting.
 */

type RequestKind = "reads" | "writes" | "deletes";

const BUCKETS: Record<RequestKind, { size: number; refillPerSecond: number }> = {
  reads: { size: 250, refillPerSecond: 25 },
  writes: { size: 200, refillPerSecond: 10 },
  deletes: { size: 200, refillPerSecond: 10 },
};

/** Which bucket a method draws from. */
export function requestKind(method: string): RequestKind {
  if (method === "GET" || method === "HEAD") return "reads";
  return method === "DELETE" ? "deletes" : "writes";
}

/** The buckets of every subscription the emulator has answered, cleared by a reset. */
export class RemainingQuota {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes one request from the subscription's bucket; returns the header to send. */
  take(subscriptionId: string, method: string, nowInMs: number): Record<string, string> {
    const kind = requestKind(method);
    const { size, refillPerSecond } = BUCKETS[kind];
    const key = `${subscriptionId.toLowerCase()}/${kind}`;
    const bucket = this.buckets.get(key) ?? { tokens: size, at: nowInMs };
    const refilled = Math.min(size, bucket.tokens + ((nowInMs - bucket.at) / 1000) * refillPerSecond);
    const tokens = Math.max(0, refilled - 1);
    this.buckets.set(key, { tokens, at: nowInMs });
    return { [`x-ms-ratelimit-remaining-subscription-${kind}`]: String(Math.floor(tokens)) };
  }

  clear(): void {
    this.buckets.clear();
  }
}
