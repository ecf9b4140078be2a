import * as https from "node:https";
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

describe("the recovery prerequisites never request what Azure's answer names elsewhere", () => {
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

  it("a well-formed storage id of the account's subscription is still checked", async () => {
    const own = `/subscriptions/${ctx.emulator.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.Storage/storageAccounts/st1`;
    await seedDeleted("byos-own", { userOwnedStorage: [{ resourceId: own }] }, [own]);
    const session = await armSession(ctx.emulator.subscriptionId);
    expect((await planRecovery(session, c("byos-own"))).kind).toBe("restore");
    expect((await armPaths()).some((p) => p.toLowerCase() === own.toLowerCase())).toBe(true);
  });
});
