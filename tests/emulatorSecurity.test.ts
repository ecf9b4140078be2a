import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer as createTlsServer } from "node:tls";
import { EmulatorClient } from "../emulator/client";
import { CONTROL_TOKEN_VARIABLE } from "../emulator/controlAuth";
import { FAULT_BOUNDS } from "../emulator/faults";
import { createThrowawayCa, loadOrCreateTlsMaterial, PERMITTED_NAMES, TLS_DIR_VARIABLE, TLS_FILES, TLS_VALIDITY_MS } from "../emulator/tls";
import { GROUP, LOCATION, useEmulator } from "./harness/emulator";

/**
 * The emulator's control API is reachable by any local user, and it can
 * rewrite what the token authority answers (a fault on the OpenID metadata
 * sends a client secret wherever its token_endpoint says). So every control
 * route needs the run's token, and no fault pattern can hang the emulator.
 */
const ctx = useEmulator();

interface Answer {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
}

function raw(method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<Answer> {
  const text = options.body === undefined ? "" : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) };
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    const req = request(`${ctx.emulator.url}${path}`, { method, headers, ca: ctx.emulator.certificate }, (res) => {
      let payload = "";
      res.on("data", (c) => (payload += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: payload ? JSON.parse(payload) : {} }));
    });
    req.on("error", reject);
    req.end(text);
  });
}

const metadataPath = () => `/${ctx.emulator.principal.tenantId}/v2.0/.well-known/openid-configuration`;
const seedOne = () => ({ deletedAccounts: [{ subscriptionId: ctx.emulator.subscriptionId, resourceGroupName: GROUP, name: "intruder", location: LOCATION }] });

describe("the control API needs the run's token", () => {
  // Every row has a body (undefined for none): a two-item row would make Jest pass a done callback as the third argument.
  const ROUTES: [string, string, unknown][] = [
    ["GET", "/_emulator/", undefined],
    ["GET", "/_emulator/health", undefined],
    ["POST", "/_emulator/reset", undefined],
    ["POST", "/_emulator/seed", { resourceGroups: [] }],
    ["POST", "/_emulator/remove", {}],
    ["POST", "/_emulator/clock", { advanceMs: 1 }],
    ["PATCH", "/_emulator/settings", { pageSize: 1 }],
    ["POST", "/_emulator/faults", { path: "/x$", times: 1, drop: true }],
    ["POST", "/_emulator/operation-faults", { kind: "purge", outcome: "Never", times: 1 }],
    ["POST", "/_emulator/operations/finish", undefined],
    ["GET", "/_emulator/requests", undefined],
    ["DELETE", "/_emulator/requests", undefined],
    ["GET", "/_emulator/state", undefined],
  ];

  it.each(ROUTES)("%s %s without a token: 401 naming where the token comes from", async (method, path, body) => {
    const answer = await raw(method, path, { body });
    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe("ControlTokenRequired");
    expect(answer.body.error?.message).toContain("npm run emulator");
    expect(answer.body.error?.message).toContain(CONTROL_TOKEN_VARIABLE);
  });

  it("a wrong token or another run's token is refused, and the world is unchanged", async () => {
    const before = (await ctx.emulator.control.state()).state;
    for (const token of ["wrong", `${ctx.emulator.controlToken}x`, ctx.emulator.controlToken.slice(1)]) {
      const answer = await raw("POST", "/_emulator/seed", { body: seedOne(), token });
      expect(answer.status).toBe(401);
      expect(answer.body.error?.message).toContain("not this run's");
    }
    expect((await raw("POST", "/_emulator/seed", { body: seedOne() })).status).toBe(401);
    expect((await ctx.emulator.control.state()).state).toEqual(before);
  });

  it("the token authority's metadata cannot be rewritten without the token", async () => {
    const evil = { status: 200, body: { token_endpoint: "https://attacker.example/steal", issuer: "https://attacker.example/" } };
    const answer = await raw("POST", "/_emulator/faults", { body: { method: "GET", path: "openid-configuration$", times: 1000, response: evil } });
    expect(answer.status).toBe(401);
    const metadata = await raw("GET", metadataPath());
    expect(metadata.status).toBe(200);
    expect(metadata.body.token_endpoint).toBe(`${ctx.emulator.url}/${ctx.emulator.principal.tenantId}/oauth2/v2.0/token`);
  });

  it("with the token, the control client works; a client of an emulator started apart takes it from the environment", async () => {
    await ctx.emulator.control.seed(seedOne());
    const saved = process.env[CONTROL_TOKEN_VARIABLE];
    try {
      process.env[CONTROL_TOKEN_VARIABLE] = ctx.emulator.controlToken;
      const apart = new EmulatorClient(ctx.emulator.url, ctx.emulator.certificate);
      expect(Object.keys((await apart.state()).state.deletedAccounts)).toHaveLength(1);
      delete process.env[CONTROL_TOKEN_VARIABLE];
      await expect(new EmulatorClient(ctx.emulator.url, ctx.emulator.certificate).state()).rejects.toThrow(/401.*ControlTokenRequired/);
    } finally {
      if (saved === undefined) delete process.env[CONTROL_TOKEN_VARIABLE];
      else process.env[CONTROL_TOKEN_VARIABLE] = saved;
    }
  });

  it("the token is not in the environment given to programs and provider hosts", () => {
    expect(JSON.stringify(ctx.emulator.environment)).not.toContain(ctx.emulator.controlToken);
  });
});

describe("GET /_emulator/ lists the routes", () => {
  it("every route the control API answers, with how to authenticate and where the documentation is", async () => {
    const listing = await ctx.emulator.control.routes();
    expect(listing.routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /_emulator/",
      "GET /_emulator/health",
      "POST /_emulator/reset",
      "POST /_emulator/seed",
      "POST /_emulator/remove",
      "POST /_emulator/clock",
      "PATCH /_emulator/settings",
      "POST /_emulator/faults",
      "POST /_emulator/operation-faults",
      "POST /_emulator/operations/finish",
      "GET /_emulator/requests",
      "DELETE /_emulator/requests",
      "GET /_emulator/state",
    ]);
    expect(listing.authentication).toContain(CONTROL_TOKEN_VARIABLE);
    expect(listing.documentation).toBe("emulator/README.md");
    // An unknown route points at the list.
    const unknown = await raw("GET", "/_emulator/nothing", { token: ctx.emulator.controlToken });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.message).toContain("GET /_emulator/ lists them");
  });
});

describe("fault patterns are bounded", () => {
  const addFault = (body: unknown) => raw("POST", "/_emulator/faults", { body, token: ctx.emulator.controlToken });
  const drop = { times: 1, drop: true };

  it.each([
    ["nested quantifiers", { path: "(a+)+$", ...drop }, "quantifier ('+')"],
    ["a catastrophic wildcard pair", { path: ".*.*x", ...drop }, "quantifier ('*')"],
    ["a repeat count", { path: "a{1000000}", ...drop }, "quantifier ('{')"],
    ["a backreference", { path: "(a)\\1", ...drop }, "backreference"],
    ["a lookahead", { path: "(?=a)", ...drop }, "lookaround"],
    ["a 5,000-character path", { path: "a".repeat(5000), ...drop }, `the limit is ${FAULT_BOUNDS.pathLength} (pathLength)`],
    ["a huge times", { path: "/x$", times: 1e9, drop: true }, `from 1 to ${FAULT_BOUNDS.times} (times)`],
    ["a fractional times", { path: "/x$", times: 1.5, drop: true }, "(times)"],
    ["a huge response", { path: "/x$", times: 1, response: { status: 500, body: "x".repeat(70_000) } }, "(responseLength)"],
    ["an invalid pattern", { path: "(", ...drop }, "not a regular expression"],
  ])("%s: 400 naming the bound", async (_what, rule, bound) => {
    const answer = await addFault(rule);
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe("InvalidControlRequest");
    expect(answer.body.error?.message).toContain(bound);
  });

  it(`at most ${FAULT_BOUNDS.rules} faults wait at once`, async () => {
    for (let i = 0; i < FAULT_BOUNDS.rules; i++) await ctx.emulator.control.addFault({ path: `/never-${i}$`, times: 1, drop: true });
    const answer = await addFault({ path: "/one-more$", times: 1, drop: true });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toContain(`the limit is ${FAULT_BOUNDS.rules} (rules)`);
  });

  it("after a refused pattern the emulator still answers, and allowed patterns (anchors, classes, alternation) still apply", async () => {
    expect((await addFault({ path: "(a+)+$", ...drop })).status).toBe(400);
    await ctx.emulator.control.addFault({ method: "GET", path: "/(alpha|beta)[0-9]$", times: 1, response: { status: 503, body: { error: { code: "ServiceUnavailable", message: "x" } } } });
    const long = `/${"a".repeat(8000)}!`;
    expect((await raw("GET", long)).status).toBe(401); // ARM's answer without a bearer token, not a hang
    expect((await raw("GET", metadataPath().replace(/\/v2\.0.*/, "/beta7"))).status).toBe(503);
  });

  it("operation faults are bounded too", async () => {
    const answer = await raw("POST", "/_emulator/operation-faults", { body: { kind: "purge", outcome: "Never", times: 1e12 }, token: ctx.emulator.controlToken });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toContain("(times)");
  });
});

describe("the emulator's certificate authority vouches only for 127.0.0.1 and localhost", () => {
  /** A real TLS handshake: a server on 127.0.0.1 presenting `leaf`, a client trusting only `ca` and asking for `servername`. */
  async function handshake(ca: string, leaf: { cert: string; key: string }, servername?: string): Promise<string> {
    const server = createTlsServer({ cert: leaf.cert, key: leaf.key }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      return await new Promise<string>((resolve) => {
        const socket = connect({ host: "127.0.0.1", port, servername, ca: [ca] }, () => {
          resolve("accepted");
          socket.destroy();
        });
        socket.on("error", (error) => resolve(`refused: ${error.message}`));
      });
    } finally {
      server.close();
    }
  }

  it("a certificate for management.azure.com signed by the CA is refused; its server certificate for 127.0.0.1 and localhost is accepted", async () => {
    const ca = createThrowawayCa();
    expect(await handshake(ca.certificate, ca.issue(["management.azure.com"]), "management.azure.com")).toBe("refused: permitted subtree violation");
    expect(await handshake(ca.certificate, ca.issue(["management.azure.com", "127.0.0.1"]), "management.azure.com")).toBe("refused: permitted subtree violation");
    expect(await handshake(ca.certificate, ca.issue(["login.microsoftonline.com"]), "login.microsoftonline.com")).toBe("refused: permitted subtree violation");
    expect(await handshake(ca.certificate, ca.issue(["10.0.0.1"]))).toBe("refused: permitted subtree violation");
    const leaf = ca.issue(PERMITTED_NAMES);
    expect(await handshake(ca.certificate, leaf)).toBe("accepted");
    expect(await handshake(ca.certificate, leaf, "localhost")).toBe("accepted");
  });

  it("the CA a run trusts is a CA with path length 0, and no file of the run holds its private key", async () => {
    const ca = new X509Certificate(ctx.emulator.certificate);
    expect(ca.ca).toBe(true);
    const dir = process.env[TLS_DIR_VARIABLE]!;
    expect(ctx.emulator.environment.NODE_EXTRA_CA_CERTS).toBe(join(dir, TLS_FILES.ca));
    expect(readFileSync(join(dir, TLS_FILES.ca), "utf8")).toBe(ctx.emulator.certificate);
    const keys = readdirSync(dir).filter((file) => /PRIVATE KEY/.test(readFileSync(join(dir, file), "utf8")));
    expect(keys).toEqual([TLS_FILES.key]);
    for (const file of keys) expect(ca.checkPrivateKey(createPrivateKey(readFileSync(join(dir, file), "utf8")))).toBe(false);
    // The server's own certificate is a leaf under that CA, for exactly 127.0.0.1 and localhost.
    const leaf = new X509Certificate(readFileSync(join(dir, TLS_FILES.cert), "utf8"));
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe("IP Address:127.0.0.1, DNS:localhost");
    // And clients that trust the CA reach the emulator over TLS.
    expect((await ctx.emulator.control.health())).toEqual({ ok: true });
  });

  it("a folder's certificates are replaced when about to expire, and on request; otherwise reused (the CA its processes already trust)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reclaim-tls-test-"));
    try {
      const first = await loadOrCreateTlsMaterial(dir);
      expect((await loadOrCreateTlsMaterial(dir)).ca).toBe(first.ca);
      expect((await loadOrCreateTlsMaterial(dir, { fresh: true })).ca).not.toBe(first.ca);
      const expiring = createThrowawayCa(10 * 60 * 1000);
      const leaf = expiring.issue(PERMITTED_NAMES);
      writeFileSync(join(dir, TLS_FILES.ca), expiring.certificate);
      writeFileSync(join(dir, TLS_FILES.cert), leaf.cert);
      writeFileSync(join(dir, TLS_FILES.key), leaf.key);
      const renewed = await loadOrCreateTlsMaterial(dir);
      expect(renewed.ca).not.toBe(expiring.certificate);
      expect(Date.parse(new X509Certificate(renewed.ca).validTo) - Date.now()).toBeGreaterThan(TLS_VALIDITY_MS - 60_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
