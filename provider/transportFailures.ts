import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { processSlot } from "./processCache";

/**
 * Failures below HTTP (a certificate Node does not trust, a host that cannot
 * be reached), recognised by Node's error `code`, never by message text.
 *
 * `@azure/identity` (through MSAL) turns a TLS failure at the token
 * authority into "endpoints_resolution_error" and drops the cause, so a
 * pipeline policy on both the credential and the ARM client notes each such
 * failure per host as it happens; the hook's message then names the real
 * cause, and a preview lookup stops at the first one instead of retrying.
 */

/** Node's codes for a certificate it does not trust, or one that is not for the host it came from. */
export const TLS_TRUST_CODES: readonly string[] = [
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_REVOKED",
  "CERT_SIGNATURE_FAILURE",
  "INVALID_CA",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
];

/** Node's codes for a host that cannot be reached at all (as opposed to one that dropped a connection). */
export const CONNECT_CODES: readonly string[] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"];

/** A failure below HTTP: which host, and Node's code for it. */
export interface TransportFailure {
  host: string;
  code: string;
  kind: "tls" | "connect";
  /** When it happened (ms since epoch). */
  at: number;
}

const kindOf = (code: unknown): TransportFailure["kind"] | undefined =>
  typeof code !== "string" ? undefined : TLS_TRUST_CODES.includes(code) ? "tls" : CONNECT_CODES.includes(code) ? "connect" : undefined;

interface ErrorLike {
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
  request?: { url?: unknown };
}

/** The first TLS or connect failure on an error's cause chain (`cause`, `errors` of an aggregate), with the request's host when known. */
export function transportFailureOf(error: unknown, depth = 0): TransportFailure | undefined {
  if (!error || typeof error !== "object" || depth > 8) return undefined;
  const e = error as ErrorLike;
  const kind = kindOf(e.code);
  if (kind) return { host: hostOf(e.request?.url), code: String(e.code), kind, at: Date.now() };
  const inner = [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  for (const next of inner) {
    const found = transportFailureOf(next, depth + 1);
    if (found) return found;
  }
  return undefined;
}

interface Watch {
  /** The latest failure per host. */
  byHost: Record<string, TransportFailure | undefined>;
  listeners: ((failure: TransportFailure) => void)[];
}

const watch = (): Watch => processSlot<Watch>("transportFailures", () => ({ byHost: {}, listeners: [] }));

/**
 * The failure to report for a hook that started at `sinceInMs`: the latest
 * at `preferredHost` (the token authority, whose failures MSAL hides), else
 * the latest anywhere during the hook. A TLS failure at the preferred host
 * counts whenever it happened: trust is fixed when the process starts
 * (`NODE_EXTRA_CA_CERTS`), and a credential that failed may not ask again.
 * Anything else counts only if it happened during the hook.
 */
export function recordedTransportFailure(preferredHost: string | undefined, sinceInMs: number): TransportFailure | undefined {
  const recent = (f: TransportFailure | undefined): f is TransportFailure => f !== undefined && f.at >= sinceInMs;
  const preferred = preferredHost === undefined ? undefined : watch().byHost[preferredHost];
  if (preferred && (preferred.kind === "tls" || recent(preferred))) return preferred;
  return Object.values(watch().byHost).filter(recent).sort((a, b) => b.at - a.at)[0];
}

/** Calls `listener` on every failure noted from now on; returns the function that stops it. */
export function onTransportFailure(listener: (failure: TransportFailure) => void): () => void {
  watch().listeners.push(listener);
  return () => {
    const listeners = watch().listeners;
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  };
}

/**
 * A per-attempt pipeline policy that notes TLS and connect failures at the
 * given hosts (`host[:port]`, as `URL.host` spells it), then rethrows them
 * unchanged: retrying stays the SDK's. Other hosts are not watched: the
 * `DefaultAzureCredential` chain probes hosts that are expected to be
 * unreachable (the managed identity endpoint on a workstation).
 */
export function transportWatchPolicy(hosts: readonly string[]): PipelinePolicy {
  return {
    name: "pulumiCognitiveReclaimTransportWatch",
    async sendRequest(request, next) {
      try {
        return await next(request);
      } catch (error) {
        const host = hostOf(request.url);
        const failure = hosts.includes(host) ? transportFailureOf(error) : undefined;
        if (failure) {
          const noted = { ...failure, host };
          const all = watch();
          all.byHost[host] = noted;
          for (const listener of [...all.listeners]) listener(noted);
        }
        throw error;
      }
    },
  };
}

/** `URL.host` of a URL (`host[:port]`, default port left out), or "" when it is not one. */
export function hostOf(url: unknown): string {
  try {
    return typeof url === "string" ? new URL(url).host : "";
  } catch {
    return "";
  }
}
