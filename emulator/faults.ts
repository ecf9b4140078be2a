import type { WireResponse } from "./wire";

/**
 * Faults a test or demo injects: for requests whose method and path match,
 * the next `times` answers are replaced by a given response, or the
 * connection is dropped without an answer.
 */
export interface FaultRule {
  /** HTTP method to match; any method when absent. */
  method?: string;
  /**
   * Regular expression (case-insensitive) matched against any part of the
   * request path, without the query: at most 200 characters, and no
   * quantifiers, backreferences or lookarounds (see {@link unsafeFaultPattern}).
   */
  path: string;
  /** How many matching requests the fault applies to (1 to 10,000). */
  times: number;
  /** The answer to send instead: status, headers and body (for example a 429 with `Retry-After`). */
  response?: WireResponse;
  /** Drop the connection instead of answering. */
  drop?: boolean;
}

/** The bounds a fault rule must keep, so that no rule can make the emulator hang or hold much memory. */
export const FAULT_BOUNDS = {
  /** Characters of `path`. */
  pathLength: 200,
  /** `times` of one rule. */
  times: 10_000,
  /** Rules waiting at once (a rule leaves once used `times` times). */
  rules: 100,
  /** Characters of the substitute response, as JSON. */
  responseLength: 64 * 1024,
} as const;

/** A control request the emulator refuses: the route answers 400 with this message. */
export class ControlInputError extends Error {}

/**
 * Why a fault path would be unsafe to match against every request, or
 * undefined when it is safe. Patterns are regular expressions without
 * quantifiers, backreferences or lookarounds: each is matched against every
 * request path, and with those a 200-character pattern can backtrack for
 * minutes (`(a+)+$`, `.*.*x`, even a single `.*x` costs half a second on a
 * long path). A fault matches any part of the path, so the fixed parts are
 * enough (`/deletedAccounts/name$`).
 */
export function unsafeFaultPattern(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9k]/.test(next)) return `a backreference (\\${next}) at character ${i + 1}`;
      i += 1;
    } else if (c === "[") {
      // A class is one character whatever it holds; skip to its closing bracket.
      for (i += 1; i < pattern.length && pattern[i] !== "]"; i++) if (pattern[i] === "\\") i += 1;
    } else if (c === "(" && pattern[i + 1] === "?") {
      if (pattern[i + 2] !== ":") return `a lookaround or named group ('${pattern.slice(i, i + 4)}') at character ${i + 1}; only (...) and (?:...) groups are allowed`;
      i += 2;
    } else if ("*+?{".includes(c)) {
      return `a quantifier ('${c}') at character ${i + 1}; write the fixed parts of the path (a fault matches any part of it), or escape the character (\\${c})`;
    }
  }
  return undefined;
}

/** Checks a rule against {@link FAULT_BOUNDS} and the pattern rules; throws a {@link ControlInputError} naming the bound. */
export function validateFaultRule(rule: FaultRule): void {
  if (typeof rule !== "object" || rule === null) throw new ControlInputError("a fault is a JSON object: { method?, path, times, response? | drop: true }");
  if (typeof rule.path !== "string" || rule.path.length === 0) throw new ControlInputError("a fault needs `path`, a pattern matched against the request path");
  if (rule.path.length > FAULT_BOUNDS.pathLength) {
    throw new ControlInputError(`fault path is ${rule.path.length} characters; the limit is ${FAULT_BOUNDS.pathLength} (pathLength)`);
  }
  const unsafe = unsafeFaultPattern(rule.path);
  if (unsafe) throw new ControlInputError(`fault path '${rule.path}' has ${unsafe} (pattern complexity: no quantifiers, backreferences or lookarounds)`);
  try {
    new RegExp(rule.path, "i");
  } catch (error) {
    throw new ControlInputError(`fault path '${rule.path}' is not a regular expression: ${(error as Error).message}`);
  }
  if (!Number.isInteger(rule.times) || rule.times < 1 || rule.times > FAULT_BOUNDS.times) {
    throw new ControlInputError(`fault times is ${JSON.stringify(rule.times)}; it must be a whole number from 1 to ${FAULT_BOUNDS.times} (times)`);
  }
  if (rule.method !== undefined && (typeof rule.method !== "string" || !/^[A-Za-z]{1,10}$/.test(rule.method))) {
    throw new ControlInputError(`fault method ${JSON.stringify(rule.method)} is not an HTTP method (GET, PUT, DELETE...)`);
  }
  if (!rule.response && rule.drop !== true) throw new ControlInputError("a fault needs a response or drop: true");
  if (rule.response) {
    const { status } = rule.response;
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new ControlInputError(`fault response status ${JSON.stringify(status)} is not an HTTP status (100-599)`);
    const size = JSON.stringify(rule.response).length;
    if (size > FAULT_BOUNDS.responseLength) {
      throw new ControlInputError(`fault response is ${size} characters as JSON; the limit is ${FAULT_BOUNDS.responseLength} (responseLength)`);
    }
  }
}

export class FaultTable {
  private rules: (FaultRule & { pattern: RegExp })[] = [];

  /** Adds a rule after {@link validateFaultRule}; at most {@link FAULT_BOUNDS}.rules wait at once. */
  add(rule: FaultRule): void {
    validateFaultRule(rule);
    if (this.rules.length >= FAULT_BOUNDS.rules) {
      throw new ControlInputError(`${this.rules.length} faults are waiting; the limit is ${FAULT_BOUNDS.rules} (rules). Reset the emulator or let them be used first`);
    }
    this.rules.push({ ...rule, pattern: new RegExp(rule.path, "i") });
  }

  clear(): void {
    this.rules = [];
  }

  /** Takes one use of the first rule that matches, if any. */
  take(method: string, path: string): FaultRule | undefined {
    const rule = this.rules.find((r) => r.times > 0 && (!r.method || r.method.toUpperCase() === method) && r.pattern.test(path));
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
