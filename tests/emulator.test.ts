import { ClientSecretCredential } from "@azure/identity";
import { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import { isRestError } from "@azure/core-rest-pipeline";
import { request } from "node:https";
import { GROUP, LOCATION, seedWorld, useEmulator } from "./harness/emulator";

/**
 * Holds the emulator to the real service (../shared/arm-behavior.md), through
 * the real `@azure/arm-cognitiveservices` client and the real
 * `@azure/identity` credential: each row of the operations and errors tables
 * has a test here.
 */
const ctx = useEmulator();
const SCOPE = ["https://management.azure.com/.default"];

function sdk(options: { maxRetries?: number } = {}) {
  const e = ctx.emulator;
  const credential = new ClientSecretCredential(e.principal.tenantId, e.principal.clientId, e.principal.clientSecret, { authorityHost: e.url, disableInstanceDiscovery: true });
  return new CognitiveServicesManagementClient(credential, e.subscriptionId, {
    endpoint: e.url,
    $host: e.url,
    credentialScopes: SCOPE,
    retryOptions: { maxRetries: options.maxRetries ?? 3, retryDelayInMs: 50, maxRetryDelayInMs: 200 },
  });
}

async function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = request(`${ctx.emulator.url}${path}`, { method: "GET", headers, ca: ctx.emulator.certificate }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function armRequests() {
  return (await ctx.emulator.control.requests()).filter((r) => r.kind === "arm");
}

async function caught(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (!isRestError(error)) throw error;
    return { statusCode: error.statusCode, code: error.code, message: error.message };
  }
  throw new Error("expected a RestError");
}

const accountPath = (name: string) => `/subscriptions/${ctx.emulator.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.CognitiveServices/accounts/${name}`;

describe("operations, as the real service answers them", () => {
  it("create: 201 Creating with Azure-AsyncOperation only; the poll reads Succeeded, then the client GETs the account", async () => {
    await seedWorld(ctx.emulator);
    await ctx.emulator.control.settings({ createDurationMs: 300 });
    const account = await sdk().accounts.beginCreateAndWait(GROUP, "fresh", { location: LOCATION, kind: "OpenAI", sku: { name: "S0" } }, { updateIntervalInMs: 100 });
    expect(account.properties?.provisioningState).toBe("Succeeded");
    const log = await armRequests();
    const put = log.find((r) => r.method === "PUT")!;
    expect(put).toMatchObject({ path: accountPath("fresh"), apiVersion: "2025-09-01", status: 201, body: { location: LOCATION, kind: "OpenAI", sku: { name: "S0" } } });
    const polls = log.filter((r) => /operationResults/.test(r.path));
    expect(polls.length).toBeGreaterThanOrEqual(1);
    // The operation URL carries the location as the client wrote it.
    expect(polls[0].path).toMatch(/\/locations\/eastus\/operationResults\//);
    expect(log[log.length - 1]).toMatchObject({ method: "GET", path: accountPath("fresh"), status: 200 });
  });

  it("create answers exactly 201 + Azure-AsyncOperation, no Location, no Retry-After", async () => {
    await seedWorld(ctx.emulator);
    let headers: Record<string, string> = {};
    let status = 0;
    await sdk().accounts.beginCreateAndWait(GROUP, "hdr", { location: LOCATION }, {
      onResponse: (r) => {
        if (r.request.method === "PUT") {
          headers = r.headers.toJSON();
          status = r.status;
        }
      },
    });
    expect(status).toBe(201);
    // Always api-version 2017-04-18, whatever the request used, and a signed query to carry along.
    expect(headers["azure-asyncoperation"]).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.+\/operationResults\/[0-9a-f-]+\?api-version=2017-04-18&t=[^&]+&c=[^&]+&s=[^&]+&h=[^&]+$/);
    expect(headers.location).toBeUndefined();
    expect(headers["retry-after"]).toBeUndefined();
  });

  it("restore: 201, synchronous Succeeded, same internalId, endpoint and dateCreated; createdAt reset; restore not echoed", async () => {
    await seedWorld(ctx.emulator, { live: ["keep"] });
    const client = sdk();
    const before = await client.accounts.get(GROUP, "keep");
    await ctx.emulator.control.advanceClock(60_000);
    await client.accounts.beginDeleteAndWait(GROUP, "keep");
    let status = 0;
    let headers: Record<string, string> = {};
    const restored = await client.accounts.beginCreateAndWait(GROUP, "keep", { location: LOCATION, properties: { restore: true } }, {
      onResponse: (r) => {
        if (r.request.method === "PUT") {
          status = r.status;
          headers = r.headers.toJSON();
        }
      },
    });
    expect(status).toBe(201);
    expect(headers["azure-asyncoperation"]).toBeUndefined();
    expect(restored.properties?.provisioningState).toBe("Succeeded");
    expect(restored.properties?.internalId).toBe(before.properties?.internalId);
    expect(restored.properties?.endpoint).toBe(before.properties?.endpoint);
    expect(restored.properties?.dateCreated).toBe(before.properties?.dateCreated);
    expect(restored.systemData?.createdAt?.getTime()).toBeGreaterThan(before.systemData!.createdAt!.getTime());
    expect(restored.properties?.restore).toBeUndefined();
    const put = (await armRequests()).find((r) => r.method === "PUT")!;
    expect(put.body).toEqual({ location: LOCATION, properties: { restore: true } });
  });

  it("delete: 200, empty body, synchronous; the account becomes soft-deleted", async () => {
    await seedWorld(ctx.emulator, { live: ["gone"] });
    const client = sdk();
    await client.accounts.beginDeleteAndWait(GROUP, "gone");
    const del = (await armRequests()).find((r) => r.method === "DELETE")!;
    expect(del.status).toBe(200);
    expect(await client.deletedAccounts.get(LOCATION, GROUP, "gone")).toMatchObject({ name: "gone" });
  });

  it("get deleted account: its own id and type, Succeeded, the dates 48 h apart with 7 fractional digits, and the whole body", async () => {
    const e = ctx.emulator;
    await e.control.seed({
      resourceGroups: [{ subscriptionId: e.subscriptionId, name: GROUP, location: LOCATION }],
      deletedAccounts: [{
        subscriptionId: e.subscriptionId, resourceGroupName: GROUP, name: "full", location: "East US", kind: "OpenAI", sku: { name: "S0" },
        identity: { type: "SystemAssigned" },
        properties: {
          customSubDomainName: "full-sub",
          encryption: { keySource: "Microsoft.KeyVault", keyVaultProperties: { keyVaultUri: "https://vault1.vault.azure.net/", keyName: "k" } },
          userOwnedStorage: [{ resourceId: `/subscriptions/${e.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.Storage/storageAccounts/st1` }],
          networkAcls: { defaultAction: "Deny" },
        },
      }],
    });
    const raw = await rawGetAuthorized(`/subscriptions/${e.subscriptionId}/providers/Microsoft.CognitiveServices/locations/East%20US/resourceGroups/${GROUP}/deletedAccounts/full?api-version=2025-09-01`);
    expect(raw.status).toBe(200);
    const body = raw.body as unknown as { id: string; type: string; kind: string; identity: unknown; properties: Record<string, unknown> };
    // The location is echoed as written at creation, in the id too.
    expect(body.id).toBe(`/subscriptions/${e.subscriptionId}/providers/Microsoft.CognitiveServices/locations/East US/resourceGroups/${GROUP}/deletedAccounts/full`);
    expect(body.type).toBe("Microsoft.CognitiveServices/deletedAccounts");
    expect(body.properties.provisioningState).toBe("Succeeded");
    expect(body.properties.deletionDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    const deletion = Date.parse(String(body.properties.deletionDate));
    expect(Date.parse(String(body.properties.scheduledPurgeDate)) - deletion).toBe(48 * 3600 * 1000);
    expect(body.kind).toBe("OpenAI");
    expect(body.identity).toEqual({ type: "SystemAssigned" });
    expect(body.properties).toMatchObject({
      customSubDomainName: "full-sub",
      endpoint: "https://full-sub.cognitiveservices.azure.com/",
      encryption: { keySource: "Microsoft.KeyVault" },
      userOwnedStorage: [{ resourceId: expect.stringContaining("storageAccounts/st1") }],
      networkAcls: { defaultAction: "Deny" },
    });
  });

  it("older api-versions omit deletionDate and scheduledPurgeDate", async () => {
    await seedWorld(ctx.emulator, { deleted: ["old"] });
    const raw = await rawGetAuthorized(`/subscriptions/${ctx.emulator.subscriptionId}/providers/Microsoft.CognitiveServices/locations/eastus/resourceGroups/${GROUP}/deletedAccounts/old?api-version=2021-10-01`);
    const properties = (raw.body as unknown as { properties: Record<string, unknown> }).properties;
    expect(properties.deletionDate).toBeUndefined();
    expect(properties.scheduledPurgeDate).toBeUndefined();
  });

  it("purge: 202, empty body, Azure-AsyncOperation and Location (the same url + operationResultResponseType=Location), no Retry-After; polled until Succeeded", async () => {
    await seedWorld(ctx.emulator, { deleted: ["p1"] });
    await ctx.emulator.control.settings({ purgeDurationMs: 400 });
    const client = sdk();
    let initial: { status: number; headers: Record<string, string>; body?: string } | undefined;
    const poller = await client.deletedAccounts.beginPurge(LOCATION, GROUP, "p1", {
      updateIntervalInMs: 100,
      onResponse: (r) => (initial ??= { status: r.status, headers: r.headers.toJSON(), body: r.bodyAsText ?? undefined }),
    });
    await poller.pollUntilDone();
    expect(initial!.status).toBe(202);
    expect(initial!.body ?? "").toBe("");
    const asyncUrl = initial!.headers["azure-asyncoperation"];
    expect(initial!.headers.location).toBe(`${asyncUrl}&operationResultResponseType=Location`);
    expect(initial!.headers["retry-after"]).toBeUndefined();
    const polls = (await armRequests()).filter((r) => /operationResults/.test(r.path));
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(await caught(client.deletedAccounts.get(LOCATION, GROUP, "p1"))).toMatchObject({ statusCode: 404 });
  });

  it("a failed purge operation carries ARM's error code and message", async () => {
    await seedWorld(ctx.emulator, { deleted: ["pf"] });
    await ctx.emulator.control.addOperationFault({ kind: "purge", outcome: "Failed", error: { code: "PurgeFailed", message: "Backend could not purge" }, times: 1 });
    const purge = sdk().deletedAccounts.beginPurgeAndWait(LOCATION, GROUP, "pf", { updateIntervalInMs: 50 });
    await expect(purge).rejects.toThrow("The long-running operation has failed. PurgeFailed. Backend could not purge");
  });

  it.each([
    [204, 204],
    [404, 404],
  ] as const)("purge when nothing is soft-deleted answers %i when so set", async (setting, expected) => {
    await seedWorld(ctx.emulator);
    await ctx.emulator.control.settings({ purgeOfNothingStatus: setting });
    let status = 0;
    await sdk().deletedAccounts.beginPurgeAndWait(LOCATION, GROUP, "none", { onResponse: (r) => (status = r.status) }).catch(() => undefined);
    expect(status).toBe(expected);
  });

  it("get of a live account while it is soft-deleted: 404 ResourceNotFound with ARM's message", async () => {
    await seedWorld(ctx.emulator, { deleted: ["sd"] });
    const error = await caught(sdk().accounts.get(GROUP, "sd"));
    expect(error).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    expect(error.message).toBe(`The Resource 'Microsoft.CognitiveServices/accounts/sd' under resource group '${GROUP}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  });

  it("names of groups and accounts are case-insensitive", async () => {
    await seedWorld(ctx.emulator, { deleted: ["MixedCase"] });
    const found = await sdk().deletedAccounts.get("eastus", GROUP.toUpperCase(), "mixedcase");
    expect(found.name).toBe("MixedCase");
  });

  it("the subscription's deleted accounts are paged with nextLink", async () => {
    await seedWorld(ctx.emulator, { deleted: ["a1", "a2", "a3", "a4", "a5"] });
    await ctx.emulator.control.settings({ pageSize: 2 });
    const names: string[] = [];
    for await (const d of sdk().deletedAccounts.list()) names.push(d.name!);
    expect(names.sort()).toEqual(["a1", "a2", "a3", "a4", "a5"]);
    const lists = (await armRequests()).filter((r) => /deletedAccounts$/.test(r.path));
    expect(lists).toHaveLength(3);
  });

  it("soft-deleted accounts disappear when the clock passes their scheduled purge date", async () => {
    await seedWorld(ctx.emulator, { deleted: ["exp"] });
    await ctx.emulator.control.advanceClock(48 * 3600 * 1000 + 1000);
    expect(await caught(sdk().deletedAccounts.get(LOCATION, GROUP, "exp"))).toMatchObject({ statusCode: 404 });
  });
});

describe("errors, as users quote them", () => {
  it("create over a soft-deleted name: 409 FlagMustBeSetForRestore with the id and the advice", async () => {
    await seedWorld(ctx.emulator, { deleted: ["taken"] });
    const error = await caught(sdk().accounts.beginCreateAndWait(GROUP, "taken", { location: LOCATION }));
    expect(error).toMatchObject({ statusCode: 409, code: "FlagMustBeSetForRestore" });
    expect(error.message).toBe(
      `An existing resource with ID '${accountPath("taken")}' has been soft-deleted. To restore the resource, you must specify 'restore' to be 'true' in the property. If you don't want to restore existing resource, please purge it first.`,
    );
  });

  it("restore with nothing soft-deleted: CanNotRestoreANonExistingResource", async () => {
    await seedWorld(ctx.emulator);
    const error = await caught(sdk().accounts.beginCreateAndWait(GROUP, "nothing", { location: LOCATION, properties: { restore: true } }));
    expect(error.statusCode).toBeGreaterThanOrEqual(400);
    expect(error.statusCode).toBeLessThan(500);
    expect(error).toMatchObject({ code: "CanNotRestoreANonExistingResource", message: "Could not locate a resource to restore" });
  });

  it("restore of a live account: CanNotRestoreAnActiveResource", async () => {
    await seedWorld(ctx.emulator, { live: ["alive"] });
    const error = await caught(sdk().accounts.beginCreateAndWait(GROUP, "alive", { location: LOCATION, properties: { restore: true } }));
    expect(error).toMatchObject({ code: "CanNotRestoreAnActiveResource", message: "Could not restore an active account 'alive'." });
  });

  it("a subdomain held by a soft-deleted account: 409 CustomDomainInUse, advising a purge", async () => {
    await seedWorld(ctx.emulator, { deleted: ["holder"] });
    const error = await caught(sdk().accounts.beginCreateAndWait(GROUP, "other", { location: LOCATION, properties: { customSubDomainName: "holder" } }));
    expect(error).toMatchObject({ statusCode: 409, code: "CustomDomainInUse" });
    expect(error.message).toContain("If the resource using the name was deleted in the last 48 hours, you may need to purge the deleted resource.");
  });

  it("purge without subscription-scope permission: 403 AuthorizationFailed naming the action", async () => {
    await seedWorld(ctx.emulator, { deleted: ["locked"] });
    const { authorizationFailed } = await import("../emulator/wire");
    await ctx.emulator.control.addFault({
      method: "DELETE", path: "/deletedAccounts/locked$", times: 1,
      response: authorizationFailed(ctx.emulator.principal.clientId, "Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/delete", `/subscriptions/${ctx.emulator.subscriptionId}`),
    });
    const error = await caught(sdk().deletedAccounts.beginPurgeAndWait(LOCATION, GROUP, "locked"));
    expect(error).toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
    expect(error.message).toContain("'Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/delete'");
  });

  it("resource group missing: 404 ResourceGroupNotFound", async () => {
    const error = await caught(sdk().accounts.beginCreateAndWait("nogroup", "x1", { location: LOCATION }));
    expect(error).toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound", message: "Resource group 'nogroup' could not be found." });
  });

  it("throttling: 429 + Retry-After is retried by the SDK and then succeeds", async () => {
    await seedWorld(ctx.emulator, { deleted: ["t1"] });
    await ctx.emulator.control.addFault({
      method: "GET", path: "/deletedAccounts/t1$", times: 2,
      response: { status: 429, headers: { "Retry-After": "1" }, body: { error: { code: "TooManyRequests", message: "Please try again after '1' seconds." } } },
    });
    const started = Date.now();
    expect((await sdk().deletedAccounts.get(LOCATION, GROUP, "t1")).name).toBe("t1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    const gets = (await armRequests()).filter((r) => /deletedAccounts\/t1$/.test(r.path));
    expect(gets.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it("the built-in rate limit answers 429 SubscriptionRequestsThrottled with Retry-After", async () => {
    await seedWorld(ctx.emulator, { deleted: ["r1"] });
    await ctx.emulator.control.settings({ throttleRequestsPerSecond: 1, throttleWindowInMs: 600_000 });
    const token = await tokenFor();
    const path = `/subscriptions/${ctx.emulator.subscriptionId}/providers/Microsoft.CognitiveServices/locations/eastus/resourceGroups/${GROUP}/deletedAccounts/r1?api-version=2025-09-01`;
    const first = await rawGet(path, { Authorization: `Bearer ${token}` });
    const second = await rawGet(path, { Authorization: `Bearer ${token}` });
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(second.body.error?.code).toBe("SubscriptionRequestsThrottled");
  });

  it("api-version is required and checked", async () => {
    const token = await tokenFor();
    const base = `/subscriptions/${ctx.emulator.subscriptionId}/providers/Microsoft.CognitiveServices/deletedAccounts`;
    expect((await rawGet(base, { Authorization: `Bearer ${token}` })).body.error?.code).toBe("MissingApiVersionParameter");
    const invalid = await rawGet(`${base}?api-version=1999-01-01`, { Authorization: `Bearer ${token}` });
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: "InvalidApiVersionParameter" } } });
  });

  it("rejects a missing token and a token the authority did not issue with 401", async () => {
    const path = `/subscriptions/${ctx.emulator.subscriptionId}/providers/Microsoft.CognitiveServices/deletedAccounts?api-version=2025-09-01`;
    expect(await rawGet(path)).toMatchObject({ status: 401, body: { error: { code: "AuthenticationFailed" } } });
    const token = await tokenFor();
    const [h, p] = token.split(".");
    const foreign = `${h}.${p}.${Buffer.from("not the emulator's signature").toString("base64url")}`;
    expect(await rawGet(path, { Authorization: `Bearer ${foreign}` })).toMatchObject({ status: 401, body: { error: { code: "InvalidAuthenticationToken" } } });
  });

  it("rejects a wrong client secret at the token authority", async () => {
    const e = ctx.emulator;
    const credential = new ClientSecretCredential(e.principal.tenantId, e.principal.clientId, "wrong-secret", { authorityHost: e.url, disableInstanceDiscovery: true });
    await expect(credential.getToken(SCOPE)).rejects.toThrow(/Invalid client secret/);
  });
});

async function tokenFor(): Promise<string> {
  const e = ctx.emulator;
  const credential = new ClientSecretCredential(e.principal.tenantId, e.principal.clientId, e.principal.clientSecret, { authorityHost: e.url, disableInstanceDiscovery: true });
  return (await credential.getToken(SCOPE)).token;
}

async function rawGetAuthorized(path: string) {
  return rawGet(path, { Authorization: `Bearer ${await tokenFor()}` });
}
