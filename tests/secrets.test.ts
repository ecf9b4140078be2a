import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import * as https from "node:https";
import { join } from "node:path";
import { accountWrites } from "../harness/engine/armLog";
import { FlowStack, type RunResult } from "../harness/engine/flowStack";
import { installBuiltPackage } from "../harness/installPackage";
import { parseKeyVaultUri, parseStorageAccountId } from "../provider/armIds";
import { armSession } from "../provider/azureSession";
import { planRecovery } from "../provider/recovery";
import { GROUP, LOCATION, useEmulator } from "./harness/emulator";

/**
 * Issue #19: secrets stay secret, and nothing the package reads can steer
 * where it sends a token. Each finding is a test that failed on the code
 * before the fix.
 */

const OTHER_SUBSCRIPTION = "00000000-0000-4000-8000-0000000000ff";

describe("ids read from Azure's answers", () => {
  const SUB = "3f2c8a8e-5c1d-4b8e-9a51-6d3e2f1c0b7a";
  const storage = (sub: string, name = "st1") => `/subscriptions/${sub}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/${name}`;

  it.each([
    ["another subscription", storage(OTHER_SUBSCRIPTION), /in subscription '00000000-0000-4000-8000-0000000000ff', not in the account's own/],
    ["another host in front of the path", `.attacker.example${storage(SUB)}`, /segments of a resource id/],
    ["an absolute URL", `https://attacker.example${storage(SUB)}`, /segments of a resource id/],
    ["another resource type", `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.KeyVault/vaults/st1`, /of type 'Microsoft.KeyVault\/vaults'/],
    ["a query in the name", `${storage(SUB, "st1?x=1")}`, /'st1\?x=1' is not a Microsoft.Storage\/storageAccounts name/],
    ["a `..` segment", `/subscriptions/${SUB}/resourceGroups/../providers/Microsoft.Storage/storageAccounts/st1`, /'..' is not a resource group name/],
    ["an encoded slash", `${storage(SUB, "st1%2F..")}`, /is not a Microsoft.Storage\/storageAccounts name/],
    ["a child resource", `${storage(SUB)}/blobServices/default`, /segments of a resource id/],
  ])("a storage id with %s is refused", (_case, id, reason) => {
    const parsed = parseStorageAccountId(id, SUB);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it("a storage id of the account's subscription gives a path rebuilt from its parts", () => {
    expect(parseStorageAccountId(storage(SUB.toUpperCase()), SUB)).toEqual({
      ok: true,
      value: { subscriptionId: SUB, resourceGroupName: "rg-data", type: "Microsoft.Storage/storageAccounts", name: "st1", path: storage(SUB) },
    });
  });

  it.each([
    ["https://kv1.vault.azure.net/", "kv1"],
    ["https://KV-2.vault.usgovcloudapi.net", "kv-2"],
    ["https://kv3.vault.azure.cn/", "kv3"],
  ])("Key Vault URI %s names vault %s", (uri, name) => {
    expect(parseKeyVaultUri(uri)).toEqual({ ok: true, value: name });
  });

  it.each([
    "https://kv1.vault.attacker.example/",
    "http://kv1.vault.azure.net/",
    "https://kv1.vault.azure.net:8443/",
    "https://user:pw@kv1.vault.azure.net/",
    "https://kv1.vault.azure.net/keys/k?x=1",
    "not a url",
  ])("Key Vault URI %s is refused", (uri) => {
    expect(parseKeyVaultUri(uri).ok).toBe(false);
  });
});

describe("requests go only to the configured endpoint, whatever Azure's answer names", () => {
  const ctx = useEmulator();
  /** Every HTTPS request this process starts: host and whether it carried a bearer token. */
  let sent: { host: string; path: string; bearer: boolean }[] = [];
  let spy: jest.SpyInstance | undefined;
  beforeEach(() => {
    sent = [];
    const original = https.request.bind(https);
    spy = jest.spyOn(https, "request").mockImplementation(((...args: unknown[]) => {
      const options = (typeof args[0] === "object" && !(args[0] instanceof URL) ? args[0] : args[1]) as https.RequestOptions | undefined;
      const target = args[0] instanceof URL ? args[0] : typeof args[0] === "string" ? new URL(args[0]) : undefined;
      const headers = (options?.headers ?? {}) as Record<string, string>;
      sent.push({
        host: String(target?.hostname ?? options?.hostname ?? options?.host ?? ""),
        path: String(target?.pathname ?? options?.path ?? ""),
        bearer: Object.entries(headers).some(([k, v]) => k.toLowerCase() === "authorization" && String(v).startsWith("Bearer")),
      });
      return (original as (...a: unknown[]) => ReturnType<typeof https.request>)(...args);
    }) as typeof https.request);
  });
  afterEach(() => spy?.mockRestore());

  const c = (accountName: string) => ({ accountName, location: LOCATION, resourceGroupName: GROUP, subscriptionId: ctx.emulator.subscriptionId });

  async function seedDeleted(name: string, properties: Record<string, unknown>, dependencies: string[] = []): Promise<void> {
    const sub = ctx.emulator.subscriptionId;
    await ctx.emulator.control.seed({
      resourceGroups: [{ subscriptionId: sub, name: GROUP, location: LOCATION }],
      deletedAccounts: [{ subscriptionId: sub, resourceGroupName: GROUP, name, location: LOCATION, kind: "OpenAI", properties }],
      dependencies: dependencies.map((id) => ({ id })),
    });
  }

  const armPaths = async () => (await ctx.emulator.control.requests()).filter((r) => r.kind === "arm").map((r) => r.path);

  it("a userOwnedStorage id in another subscription is not fetched as given, and the refusal says why", async () => {
    const foreign = `/subscriptions/${OTHER_SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.Storage/storageAccounts/st1`;
    await seedDeleted("byos-foreign", { userOwnedStorage: [{ resourceId: foreign }] }, [foreign]);
    const session = await armSession(ctx.emulator.subscriptionId);
    const plan = await planRecovery(session, c("byos-foreign"));
    expect(plan.kind).toBe("impossible");
    expect(plan.kind === "impossible" && plan.reason).toMatch(/customer-managed storage as ".*" is not a resource id .*in subscription '00000000-0000-4000-8000-0000000000ff', not in the account's own\. No request was sent to it/);
    expect((await armPaths()).filter((p) => p.includes(OTHER_SUBSCRIPTION))).toEqual([]);
  });

  it.each([
    ["another host in front of the path", (sub: string) => `.attacker.invalid/subscriptions/${sub}/resourceGroups/${GROUP}/providers/Microsoft.Storage/storageAccounts/st1`],
    ["an absolute URL", (sub: string) => `https://attacker.invalid/subscriptions/${sub}/resourceGroups/${GROUP}/providers/Microsoft.Storage/storageAccounts/st1`],
  ])("a userOwnedStorage id with %s sends no request, and no token, anywhere but the configured endpoint", async (_case, hostile) => {
    await seedDeleted("byos-host", { userOwnedStorage: [{ resourceId: hostile(ctx.emulator.subscriptionId) }] });
    const session = await armSession(ctx.emulator.subscriptionId);
    const plan = await planRecovery(session, c("byos-host"));
    expect(plan.kind === "impossible" && plan.reason).toMatch(/is not a resource id of the form .*No request was sent to it/);
    const endpointHost = new URL(ctx.emulator.url).hostname;
    expect(sent.length).toBeGreaterThan(0); // the spy sees the package's requests
    expect(sent.filter((r) => r.host !== endpointHost)).toEqual([]);
  });

  it("a keyVaultUri on a host that is not an Azure Key Vault is refused, not looked up by its first label", async () => {
    const vault = `/subscriptions/${ctx.emulator.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.KeyVault/vaults/kv1`;
    await seedDeleted("cmk-host", { encryption: { keySource: "Microsoft.KeyVault", keyVaultProperties: { keyVaultUri: "https://kv1.vault.attacker.invalid/", keyName: "k" } } }, [vault]);
    const session = await armSession(ctx.emulator.subscriptionId);
    const plan = await planRecovery(session, c("cmk-host"));
    expect(plan.kind === "impossible" && plan.reason).toMatch(/customer-managed key as "https:\/\/kv1.vault.attacker.invalid\/" is not a Key Vault URI.*No request was sent to it/);
    expect(sent.filter((r) => r.host.includes("attacker"))).toEqual([]);
  });

  it("a polling URL on another host (Azure-AsyncOperation of a purge) gets no request and no token", async () => {
    const sub = ctx.emulator.subscriptionId;
    await seedDeleted("poll-elsewhere", {});
    await ctx.emulator.control.addFault({
      method: "DELETE",
      path: "/deletedAccounts/poll-elsewhere$",
      times: 1,
      response: { status: 202, headers: { "Azure-AsyncOperation": `https://attacker.invalid/subscriptions/${sub}/providers/Microsoft.CognitiveServices/locations/eastus/operationResults/op1?api-version=2017-04-18` } },
    });
    const session = await armSession(sub);
    const deleted = await session.getDeletedAccount(c("poll-elsewhere"));
    expect(deleted).toBeDefined();
    // Bounded: code that follows the URL would otherwise retry the unresolvable host until its own deadline.
    const error = await session.purgeDeletedAccount(deleted!, { abortSignal: AbortSignal.timeout(5_000) }).catch((e: Error) => e);
    expect(String(error)).toMatch(/refused to send a request to "https:\/\/attacker\.invalid\/subscriptions\/.*": it is not on the configured Resource Manager endpoint https:\/\/127\.0\.0\.1:\d+ .*No request and no token were sent there/);
    expect(sent.filter((r) => r.host === "attacker.invalid")).toEqual([]);
  });

  it("a well-formed storage id of the account's subscription is still checked", async () => {
    const own = `/subscriptions/${ctx.emulator.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.Storage/storageAccounts/st1`;
    await seedDeleted("byos-own", { userOwnedStorage: [{ resourceId: own }] }, [own]);
    const session = await armSession(ctx.emulator.subscriptionId);
    expect((await planRecovery(session, c("byos-own"))).kind).toBe("restore");
    expect((await armPaths()).some((p) => p.toLowerCase() === own.toLowerCase())).toBe(true);
  });
});

// ---- secrets through every path --------------------------------------------------------------------

/** A recognisable secret: in the account's `properties` and tags, and a secret stack config value. */
const SECRET = "s3cr3t-Owner-7f4e2a";

/** The flow program `harness/flows/programs/secrets.ts`, installed with the built package as a user's project would be. */
function secretsProject(): string {
  const root = join(__dirname, "..");
  const dir = join(root, ".flows", `secrets-${process.env.JEST_WORKER_ID ?? "main"}`);
  mkdirSync(dir, { recursive: true });
  installBuiltPackage(root, dir);
  copyFileSync(join(root, "dist", "harness", "flows", "programs", "secrets.js"), join(dir, "index.js"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "flow-secrets", private: true, main: "index.js" }, null, 2));
  writeFileSync(join(dir, "Pulumi.yaml"), "name: flow-secrets\nruntime: nodejs\n");
  return dir;
}

describe("secrets stay secret through every path", () => {
  const ctx = useEmulator();
  let dir = "";
  beforeAll(() => {
    dir = secretsProject();
  });
  let counter = 0;

  type Path = "component" | "transform" | "guard" | "recovered";

  /** A stack of one path's program; the service principal also comes from stack config, its secret a secret config value. */
  async function stackOf(path: Path, name: string, config: Record<string, string> = {}): Promise<FlowStack> {
    const e = ctx.emulator;
    return FlowStack.create({
      project: "flow-secrets",
      stack: `secrets-${counter++}`,
      programDir: dir,
      env: e.environment,
      config: {
        "azure-native:subscriptionId": e.subscriptionId,
        "azure-native:tenantId": e.principal.tenantId,
        "azure-native:clientId": e.principal.clientId,
        "azure-native:clientSecret": e.principal.clientSecret,
        "flow:path": path,
        "flow:accountName": name,
        "flow:resourceGroupName": GROUP,
        "flow:secretValue": SECRET,
        ...config,
      },
      secretKeys: ["azure-native:clientSecret", "flow:secretValue"],
    });
  }

  async function seed(options: { deleted?: string[] } = {}): Promise<void> {
    const sub = ctx.emulator.subscriptionId;
    await ctx.emulator.control.seed({
      resourceGroups: [{ subscriptionId: sub, name: GROUP, location: LOCATION }],
      deletedAccounts: (options.deleted ?? []).map((name) => ({ subscriptionId: sub, resourceGroupName: GROUP, name, location: LOCATION, kind: "OpenAI", properties: { customSubDomainName: name } })),
    });
  }

  /**
   * Nothing a user can read holds a secret: the state as stored, the outputs, and everything printed.
   * Left out of the state: the azure-native provider's own config (the flow harness keeps a default
   * provider's inputs without secret marks, harness/engine/deployment.ts) and the azure-native account's
   * outputs as azure-native reads them back (azure-native's to mark): neither is this package's. The
   * account's inputs, which this package shapes (restore flag, transform), are searched.
   */
  function expectNothingLeaks(stack: FlowStack, runs: RunResult[], secrets: string[]): void {
    const ours = (resources: { type: string; inputs: unknown; outputs: unknown }[]) =>
      resources
        .filter((r) => !r.type.startsWith("pulumi:providers:"))
        .map((r) => (r.type === "azure-native:cognitiveservices:Account" ? { ...r, outputs: undefined } : r));
    const exported = JSON.parse(stack.export()) as { resources: { type: string; inputs: unknown; outputs: unknown }[] };
    const readable: Record<string, string> = { "state export": JSON.stringify(ours(exported.resources)), "state": JSON.stringify(ours(stack.resources())) };
    runs.forEach((run, i) => {
      readable[`run ${i} output`] = run.output;
      readable[`run ${i} outputs`] = JSON.stringify(run.outputs);
      readable[`run ${i} diagnostics`] = run.diagnostics.join("\n");
      readable[`run ${i} error`] = run.error ?? "";
    });
    const leaks = Object.entries(readable).flatMap(([where, text]) => secrets.filter((secret) => text.includes(secret)).map((secret) => `${where} holds ${secret.slice(0, 4)}…`));
    expect(leaks).toEqual([]);
  }

  /** The policy's digests of the account's inputs are stored as secrets (they can be reversed for a short secret). */
  function expectFingerprintsSecret(stack: FlowStack): void {
    const policies = stack.resources().filter((r) => r.type.endsWith("SoftDeletePolicy"));
    expect(policies.length).toBe(1);
    const outputs = policies[0].outputs;
    expect(outputs.accountFingerprint).toBe("[secret]");
    if ("restoredFingerprint" in outputs) expect(outputs.restoredFingerprint).toBe("[secret]");
    expect(policies[0].inputs.accountFingerprint).toBe("[secret]");
  }

  /** ARM's accepted account writes since a point of the request log (a 409 answered while a soft delete settles is retried, not a write). */
  const armWrites = async (since: number) => accountWrites((await ctx.emulator.control.requests()).slice(since)).filter((w) => w.status < 400);
  const requestCount = async () => (await ctx.emulator.control.requests()).length;

  it.each(["component", "transform"] as const)(
    "%s: a secret in properties keeps the restore flag, the account is restored (not purged), and the fingerprints are secret",
    async (path) => {
      const name = `sec-${path}-restore`;
      await seed({ deleted: [name] });
      const stack = await stackOf(path, name);
      try {
        const preview = await stack.preview();
        expect(preview.output).toContain(`up will restore soft-deleted account '${name}'`);
        const from = await requestCount();
        const up = await stack.up();
        expect(up.error).toBeUndefined();
        const writes = await armWrites(from);
        expect(writes.filter((w) => w.action === "purge")).toEqual([]);
        expect(writes.filter((w) => w.action === "restore").map((w) => [w.name, w.status])).toEqual([[name, 201]]);
        expectFingerprintsSecret(stack);
        const again = await stack.up();
        expect(again.steps.filter((st) => st.op !== "same").map((st) => `${st.op} ${st.name}`)).toEqual([]);
        expectNothingLeaks(stack, [preview, up, again], [SECRET, ctx.emulator.principal.clientSecret]);
      } finally {
        await stack.close();
      }
    },
  );

  it("hooks: a replacement (region change) of an account whose properties are secret purges its own predecessor and leaks nothing", async () => {
    const name = "sec-hooks-replace";
    await seed();
    const stack = await stackOf("component", name);
    try {
      const first = await stack.up();
      expect(first.error).toBeUndefined();
      const from = await requestCount();
      const replaced = await stack.up({ config: { "flow:location": "westus" } });
      expect(replaced.error).toBeUndefined();
      const writes = await armWrites(from);
      expect(writes.filter((w) => w.action === "purge").map((w) => w.name)).toEqual([name]);
      expect(writes.filter((w) => w.action === "restore")).toEqual([]);
      expectFingerprintsSecret(stack);
      expectNothingLeaks(stack, [first, replaced], [SECRET, ctx.emulator.principal.clientSecret]);
    } finally {
      await stack.close();
    }
  });

  it("guard: a service error that echoes the client secret and a token reaches the user redacted", async () => {
    const name = "sec-guard";
    await seed({ deleted: [name] });
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXRzIn0.c2lnbmF0dXJlLXZhbHVl";
    await ctx.emulator.control.addFault({
      method: "DELETE",
      path: `/deletedAccounts/${name}$`,
      times: 1,
      response: { status: 400, body: { error: { code: "BadRequest", message: `rejected request with Authorization: Bearer ${token} for client_secret=${ctx.emulator.principal.clientSecret}` } } },
    });
    const stack = await stackOf("guard", name);
    try {
      const failed = await stack.up();
      expect(failed.ok).toBe(false);
      expect(failed.output).toContain("BadRequest");
      expect(failed.output).toContain("<redacted>");
      const retried = await stack.up();
      expect(retried.error).toBeUndefined();
      expectNothingLeaks(stack, [failed, retried], [SECRET, ctx.emulator.principal.clientSecret, token]);
    } finally {
      await stack.close();
    }
  });

  it("RecoveredAccount: a refused restore that echoes the client secret reaches the user redacted; the recovery then succeeds", async () => {
    const name = "sec-recovered";
    await seed({ deleted: [name] });
    await ctx.emulator.control.addFault({
      method: "PUT",
      path: `/accounts/${name}$`,
      times: 1,
      response: { status: 400, body: { error: { code: "BadRequest", message: `echo: secret=${ctx.emulator.principal.clientSecret}` } } },
    });
    const stack = await stackOf("recovered", name);
    try {
      const failed = await stack.up();
      expect(failed.ok).toBe(false);
      expect(failed.output).toContain("<redacted>");
      const retried = await stack.up();
      expect(retried.error).toBeUndefined();
      expect(retried.outputs.restored).toBe(true);
      expectNothingLeaks(stack, [failed, retried], [SECRET, ctx.emulator.principal.clientSecret]);
    } finally {
      await stack.close();
    }
  });
});
