import type { WireResponse } from "./wire";

/**
 * Faults a test or demo injects: for requests whose method and path match,
 * the next `times` answers are replaced by a given response, or the
 * connection is dropped without an answer.
 */
export interface FaultRule {
  /** HTTP method to match; any method when absent. */
  method?: string;
  /** Regular expression (case-insensitive) matched against the request path, without the query. */
  path: string;
  /** How many matching requests the fault applies to. */
  times: number;
  /** The answer to send instead: status, headers and body (for example a 429 with `Retry-After`). */
  response?: WireResponse;
  /** Drop the connection instead of answering. */
  drop?: boolean;
}

export class FaultTable {
  private rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    if (!rule.response && !rule.drop) throw new Error("a fault needs a response or drop: true");
    new RegExp(rule.path, "i"); // reject a bad pattern when it is added, not when it is used
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  /** Takes one use of the first rule that matches, if any. */
  take(method: string, path: string): FaultRule | undefined {
    const rule = this.rules.find((r) => r.times > 0 && (!r.method || r.method.toUpperCase() === method) && new RegExp(r.path, "i").test(path));
    if (!rule) return undefined;
    rule.times -= 1;
    this.rules = this.rules.filter((r) => r.times > 0);
    return rule;
  }
}

/**
 * ARM's request limit, as a fixed window per emulator: past `limit` requests
 * in one window, requests get 429 with `Retry-After` until the window turns
 * over. A window opens at the first request after the last one closed, so a
 * test that sets a window longer than itself gets the same answers however
 * slowly its requests are served.
 */
export class Throttle {
  private windowStart = 0;
  private count = 0;
  /** How many requests were answered 429. */
  throttled = 0;

  /** Starts over: the next request opens a new window (on reset and on a change of settings). */
  restart(): void {
    this.windowStart = 0;
    this.count = 0;
  }

  check(limit: number, windowInMs: number, subscriptionId: string): WireResponse | undefined {
    if (limit <= 0) return undefined;
    const now = Date.now();
    if (now - this.windowStart >= windowInMs) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count < limit) {
      this.count += 1;
      return undefined;
    }
    this.throttled += 1;
    const retryAfter = Math.max(1, Math.ceil((this.windowStart + windowInMs - now) / 1000));
    return {
      status: 429,
      headers: { "Retry-After": String(retryAfter) },
      body: {
        error: {
          code: "SubscriptionRequestsThrottled",
          message: `Number of requests for subscription '${subscriptionId}' exceeded the limit. Please try again after '${retryAfter}' seconds.`,
        },
      },
    };
  }
}
