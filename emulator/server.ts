import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { routeArm } from "./arm";
import { Authority, type ServicePrincipal } from "./authority";
import { EmulatorClient } from "./client";
import { handleControl } from "./control";
import { controlTokenDigest, newControlToken } from "./controlAuth";
import { FaultTable, Throttle } from "./faults";
import { RemainingQuota } from "./rateLimit";
import { emptyState, settle, type StoreState } from "./store";
import { loadOrCreateTlsMaterial, TLS_DIR_VARIABLE, TLS_FILES, type TlsMaterial } from "./tls";
import type { WireResponse } from "./wire";

export const DEFAULT_SUBSCRIPTION_ID = "3f2c8a8e-5c1d-4b8e-9a51-6d3e2f1c0b7a";
export const DEFAULT_TENANT_ID = "9b0c7d6e-1f2a-4c3b-8d4e-5a6b7c8d9e0f";
export const DEFAULT_CLIENT_ID = "6a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";

export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Keep the state in this file, so a restart resumes where it stopped. */
  stateFile?: string;
  /** Folder holding (or receiving) the TLS files (`ca.pem`, `cert.pem`, `key.pem`); default `$RECLAIM_EMULATOR_TLS_DIR`, else fresh ones in memory. */
  tlsDir?: string;
  /** Make new certificates even when `tlsDir` holds valid ones (`npm run emulator`: a new CA per run). */
  freshTls?: boolean;
  /** The service principal the authority knows; the secret is random unless given. */
  principal?: Partial<ServicePrincipal>;
  /** The control API's token; a fresh random one per run unless given. */
  controlToken?: string;
}

/** One entry of the request log. Never holds a token or a secret. */
export interface LoggedRequest {
  seq: number;
  at: number;
  kind: "arm" | "authority";
  method: string;
  path: string;
  apiVersion: string | null;
  status: number;
  dropped?: boolean;
  /** The JSON body the client sent to ARM, when it sent one. */
  body?: unknown;
}

/** Everything the emulator's routes share. */
export interface EmulatorContext {
  state: StoreState;
  readonly faults: FaultTable;
  readonly throttle: Throttle;
  readonly quota: RemainingQuota;
  readonly authority: Authority;
  readonly log: LoggedRequest[];
  /** SHA-256 of the run's control token (see controlAuth.ts). */
  readonly controlTokenDigest: Buffer;
  now(): number;
  persist(): void;
}

export interface RunningEmulator {
  /** `https://127.0.0.1:<port>`: both the ARM endpoint and the token authority. */
  readonly url: string;
  readonly port: number;
  /** The PEM certificate clients must trust: the throwaway CA, constrained to 127.0.0.1 and localhost (tls.ts). */
  readonly certificate: string;
  /** Path of that certificate on disk, when it has one (for `NODE_EXTRA_CA_CERTS`). */
  readonly certificatePath?: string;
  readonly principal: ServicePrincipal;
  readonly subscriptionId: string;
  /** The environment a client needs, per the package's configuration table. */
  readonly environment: Record<string, string>;
  /**
   * The control API's per-run token (`Authorization: Bearer <token>` on
   * `/_emulator/...`); {@link control} sends it. Never part of
   * {@link environment}: a program or provider host has no use for it.
   */
  readonly controlToken: string;
  /** The control interface (seed, clock, faults, request log), with the token. */
  readonly control: EmulatorClient;
  readonly context: EmulatorContext;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const tlsDir = options.tlsDir ?? process.env[TLS_DIR_VARIABLE];
  const tls: TlsMaterial = await loadOrCreateTlsMaterial(tlsDir, { fresh: options.freshTls });
  const principal: ServicePrincipal = {
    tenantId: options.principal?.tenantId ?? DEFAULT_TENANT_ID,
    clientId: options.principal?.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: options.principal?.clientSecret ?? `emu~${randomBytes(18).toString("base64url")}`,
  };
  const controlToken = options.controlToken ?? newControlToken();
  let baseUrl = "";
  const loaded = options.stateFile && existsSync(options.stateFile) ? (JSON.parse(readFileSync(options.stateFile, "utf8")) as StoreState) : undefined;
  const context: EmulatorContext = {
    state: loaded ?? emptyState(),
    faults: new FaultTable(),
    throttle: new Throttle(),
    quota: new RemainingQuota(),
    authority: new Authority(principal, () => baseUrl),
    log: [],
    controlTokenDigest: controlTokenDigest(controlToken),
    now() {
      return Date.now() + this.state.clockOffsetMs;
    },
    persist() {
      if (options.stateFile) writeFileSync(options.stateFile, JSON.stringify(this.state));
    },
  };

  // The chain (leaf, then CA) always, so a client that does not trust the CA always reads SELF_SIGNED_CERT_IN_CHAIN
  // (OpenSSL would add the CA itself only when this process happens to trust it).
  const server: Server = createServer({ cert: `${tls.cert}${tls.ca}`, key: tls.key }, (req, res) => {
    handle(context, () => baseUrl, req, res).catch((error: unknown) => {
      send(res, { status: 500, body: { error: { code: "EmulatorError", message: String(error) } } });
    });
  });
  // Keep-alive sockets would hold `stop()` open; close them with the server.
  const sockets = new Set<import("node:net").Socket>();
  server.on("secureConnection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `https://127.0.0.1:${port}`;
  const certificatePath = tlsDir ? join(tlsDir, TLS_FILES.ca) : undefined;
  const environment: Record<string, string> = {
    AZURE_AUTHORITY_HOST: baseUrl,
    AZURE_TENANT_ID: principal.tenantId,
    AZURE_CLIENT_ID: principal.clientId,
    AZURE_CLIENT_SECRET: principal.clientSecret,
    AZURE_SUBSCRIPTION_ID: DEFAULT_SUBSCRIPTION_ID,
    AZURE_RESOURCE_MANAGER_ENDPOINT: baseUrl,
    ...(certificatePath ? { NODE_EXTRA_CA_CERTS: certificatePath } : {}),
  };
  return {
    url: baseUrl,
    port,
    certificate: tls.ca,
    certificatePath,
    principal,
    subscriptionId: DEFAULT_SUBSCRIPTION_ID,
    environment,
    controlToken,
    control: new EmulatorClient(baseUrl, tls.ca, controlToken),
    context,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, response: WireResponse): void {
  const text = response.body === undefined ? "" : JSON.stringify(response.body);
  const headers: Record<string, string> = { "x-ms-request-id": randomBytes(16).toString("hex"), ...(response.headers ?? {}) };
  if (text) headers["Content-Type"] = "application/json; charset=utf-8";
  headers["Content-Length"] = String(Buffer.byteLength(text));
  res.writeHead(response.status, headers);
  res.end(text);
}

const AUTHORITY_METADATA = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i;
const AUTHORITY_TOKEN = /^\/([^/]+)\/oauth2\/v2\.0\/token$/i;

async function handle(ctx: EmulatorContext, baseUrl: () => string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", baseUrl());
  const method = (req.method ?? "GET").toUpperCase();
  const text = await readBody(req);
  if (url.pathname === "/_emulator" || url.pathname.startsWith("/_emulator/")) {
    send(res, await handleControl(ctx, method, url, text, req.headers.authorization));
    return;
  }
  const isAuthority = AUTHORITY_METADATA.test(url.pathname) || AUTHORITY_TOKEN.test(url.pathname);
  const entry: LoggedRequest = {
    seq: ctx.log.length + 1,
    at: Date.now(),
    kind: isAuthority ? "authority" : "arm",
    method,
    path: url.pathname,
    apiVersion: url.searchParams.get("api-version"),
    status: 0,
  };
  ctx.log.push(entry);

  const fault = ctx.faults.take(method, url.pathname);
  if (fault?.drop) {
    entry.dropped = true;
    req.socket.destroy();
    return;
  }
  let response: WireResponse;
  if (fault?.response) {
    response = fault.response;
  } else if (isAuthority) {
    const metadata = AUTHORITY_METADATA.exec(url.pathname);
    response = metadata
      ? ctx.authority.openIdConfiguration(metadata[1])
      : method === "POST"
        ? ctx.authority.token(AUTHORITY_TOKEN.exec(url.pathname)![1], new URLSearchParams(text))
        : { status: 405 };
  } else {
    response = answerArm(ctx, baseUrl(), method, url, text, req.headers.authorization, entry);
    const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(url.pathname)?.[1];
    if (subscriptionId && response.status !== 401) {
      response = { ...response, headers: { ...ctx.quota.take(subscriptionId, method, Date.now()), ...(response.headers ?? {}) } };
    }
  }
  entry.status = response.status;
  send(res, response);
}

function answerArm(ctx: EmulatorContext, baseUrl: string, method: string, url: URL, text: string, authorization: string | undefined, entry: LoggedRequest): WireResponse {
  const caller = ctx.authority.authenticate(authorization);
  if ("status" in caller) return caller;
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(url.pathname)?.[1] ?? "";
  const throttled = ctx.throttle.check(ctx.state.settings.throttleRequestsPerSecond, ctx.state.settings.throttleWindowInMs, subscriptionId);
  if (throttled) return throttled;
  let body: unknown;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      return { status: 400, body: { error: { code: "InvalidRequestContent", message: "The request content was invalid and could not be deserialized." } } };
    }
    entry.body = body;
  }
  const now = ctx.now();
  settle(ctx.state, now);
  const response = routeArm(ctx.state, { method, path: url.pathname, query: url.searchParams, body, baseUrl, clientId: caller.clientId, now });
  if (method !== "GET") ctx.persist();
  return response;
}
