import { isRestError } from "@azure/core-rest-pipeline";
import type { SeedRequest } from "../emulator/control";
import type { NewAccount, Settings } from "../emulator/store";
import { GROUP, useEmulator } from "./harness/emulator";
import { sdkClient, send, type WireAnswer } from "./harness/sdk";

/**
 * Every row of ../shared/arm-behavior.md, held against the emulator through
 * the real `@azure/arm-cognitiveservices` client's pipeline and the real
 * `@azure/identity` credential. Single requests are rows of data (method,
 * path, api-version, body -> status, headers, body shape); what takes several
 * requests (operations, paging, etags) follows as flows. Changing the
 * emulator's answer in any row makes a test here fail.
 */
const ctx = useEmulator();
const API = "2025-09-01";
const COGNITIVE = "providers/Microsoft.CognitiveServices";

const sub = () => ctx.emulator.subscriptionId;
const accountPath = (name: string, group = GROUP) => `/subscriptions/${sub()}/resourceGroups/${group}/${COGNITIVE}/accounts/${name}`;
const deletedPath = (location: string, name: string, group = GROUP) =>
  `/subscriptions/${sub()}/${COGNITIVE}/locations/${encodeURIComponent(location)}/resourceGroups/${group}/deletedAccounts/${name}`;
const deletedListPath = () => `/subscriptions/${sub()}/${COGNITIVE}/deletedAccounts`;
const withVersion = (path: string, apiVersion: string | null = API) => (apiVersion === null ? path : `${path}${path.includes("?") ? "&" : "?"}api-version=${apiVersion}`);

/** A seed: the group, and accounts as a client created them (`location` as written). */
function world(options: { live?: [string, string, Partial<NewAccount>?][]; deleted?: [string, string][]; group?: boolean } = {}): SeedRequest {
  const s = sub();
  return {
    resourceGroups: options.group === false ? [] : [{ subscriptionId: s, name: GROUP, location: "eastus" }],
    accounts: (options.live ?? []).map(([name, location, extra]) => ({ subscriptionId: s, resourceGroupName: GROUP, name, location, kind: "OpenAI", ...(extra ?? {}) })),
    deletedAccounts: (options.deleted ?? []).map(([name, location]) => ({ subscriptionId: s, resourceGroupName: GROUP, name, location, kind: "OpenAI", properties: { customSubDomainName: name } })),
  };
}

const client = () => sdkClient(ctx.emulator, { maxRetries: 0 });
const call = (method: string, path: string, body?: unknown) => send(client(), ctx.emulator, method, path, body);
const errorOf = (answer: WireAnswer) => (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
const SEVEN_DIGITS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;
const WHOLE_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

interface Row {
  /** The row of arm-behavior.md this holds the emulator to. */
  row: string;
  seed?: () => SeedRequest;
  settings?: Partial<Settings>;
  /** Requests that bring the world into the row's state, through the SDK. */
  before?: () => Promise<unknown>;
  method: string;
  path: () => string;
  /** null: send no api-version. */
  apiVersion?: string | null;
  body?: unknown;
  status: number;
  /** Header values (lower-case names) the answer must carry; `undefined`: must not carry. */
  headers?: Record<string, string | RegExp | undefined>;
  /** The error's code and message (exact text, or a pattern). */
  error?: { code: string; message?: string | RegExp };
  /** Anything else about the body. */
  check?: (answer: WireAnswer) => void;
}

const ROWS: Row[] = [
  // ---- Paths ----
  {
    row: "every request carries api-version: a missing one is refused",
    method: "GET", path: deletedListPath, apiVersion: null,
    status: 400, error: { code: "MissingApiVersionParameter" },
  },
  {
    row: "an unknown api-version is refused",
    method: "GET", path: deletedListPath, apiVersion: "1999-01-01",
    status: 400, error: { code: "InvalidApiVersionParameter", message: /The api-version '1999-01-01' is invalid/ },
  },
  {
    row: "2026-05-15-preview is accepted (recorded October 2025)",
    method: "GET", path: deletedListPath, apiVersion: "2026-05-15-preview",
    status: 200, check: (a) => expect(a.body).toEqual({ value: [] }),
  },
  {
    row: "names of groups and accounts are case-insensitive",
    seed: () => world({ deleted: [["MixedCase", "eastus"]] }),
    method: "GET", path: () => deletedPath("eastus", "mixedcase", GROUP.toUpperCase()),
    status: 200, check: (a) => expect(a.body).toMatchObject({ name: "MixedCase" }),
  },
  {
    row: "the account body echoes the location as written at creation",
    seed: () => world({ live: [["echo", "SOUTHCENTRALUS"]] }),
    method: "GET", path: () => accountPath("echo"),
    status: 200, check: (a) => expect(a.body).toMatchObject({ location: "SOUTHCENTRALUS", id: accountPath("echo") }),
  },
  {
    row: "a deletedAccounts path spelled as at creation finds the account (literal matching on)",
    seed: () => world({ deleted: [["lit", "Central US EUAP"]] }),
    settings: { literalLocations: true },
    method: "GET", path: () => deletedPath("Central US EUAP", "lit"),
    status: 200, check: (a) => expect(a.body).toMatchObject({ location: "Central US EUAP" }),
  },
  {
    row: "a deletedAccounts path spelled otherwise finds nothing when literal matching is on",
    seed: () => world({ deleted: [["lit", "Central US EUAP"]] }),
    settings: { literalLocations: true },
    method: "GET", path: () => deletedPath("centraluseuap", "lit"),
    status: 404, error: { code: "ResourceNotFound" },
  },
  {
    row: "a deletedAccounts path spelled otherwise finds the account when literal matching is off",
    seed: () => world({ deleted: [["lit", "Central US EUAP"]] }),
    settings: { literalLocations: false },
    method: "GET", path: () => deletedPath("centraluseuap", "lit"),
    status: 200, check: (a) => expect(a.body).toMatchObject({ location: "Central US EUAP" }),
  },

  // ---- Operations ----
  {
    row: "create: 201 Creating, Azure-AsyncOperation only (api-version 2017-04-18, the client's spelling), location echoed",
    seed: () => world(),
    method: "PUT", path: () => accountPath("fresh"), apiVersion: "2023-05-01", body: { location: "Central US EUAP", kind: "OpenAI", sku: { name: "S0" } },
    status: 201,
    headers: {
      "azure-asyncoperation": /^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/[^/]+\/providers\/Microsoft\.CognitiveServices\/locations\/Central%20US%20EUAP\/operationResults\/[0-9a-f-]{36}\?api-version=2017-04-18&t=/,
      location: undefined,
      "retry-after": undefined,
      "x-ms-ratelimit-remaining-subscription-writes": /^\d+$/,
    },
    check: (a) => {
      const body = a.body as { location: string; etag: string; properties: Record<string, string>; systemData: Record<string, string> };
      expect(body.location).toBe("Central US EUAP");
      expect(body.properties.provisioningState).toBe("Creating");
      expect(body.etag).toMatch(/^"[0-9a-f-]{36}"$/);
      expect(body.systemData.createdAt).toMatch(SEVEN_DIGITS);
      expect(body.systemData.lastModifiedAt).toMatch(SEVEN_DIGITS);
      expect(body.properties.dateCreated).toMatch(SEVEN_DIGITS);
      expect(body.properties.dateCreated).not.toMatch(/\.0000000Z$/);
    },
  },
  {
    row: "restore: 201, synchronous Succeeded, no async headers, restore not echoed",
    seed: () => world({ deleted: [["back", "East US"]] }),
    method: "PUT", path: () => accountPath("back"), body: { location: "eastus", properties: { restore: true } },
    status: 201, headers: { "azure-asyncoperation": undefined, location: undefined },
    check: (a) => {
      const body = a.body as { location: string; properties: Record<string, unknown> };
      expect(body.properties.provisioningState).toBe("Succeeded");
      expect(body.properties.restore).toBeUndefined();
      expect(body.location).toBe("East US");
    },
  },
  {
    row: "delete account: 200, empty body, synchronous",
    seed: () => world({ live: [["gone", "eastus"]] }),
    method: "DELETE", path: () => accountPath("gone"),
    status: 200, headers: { "x-ms-ratelimit-remaining-subscription-deletes": /^\d+$/, "azure-asyncoperation": undefined, location: undefined },
    check: (a) => expect(a.text).toBe(""),
  },
  {
    row: "delete account when the resource group is gone: 404 ResourceGroupNotFound (not 204)",
    seed: () => world({ group: false }),
    method: "DELETE", path: () => accountPath("x", "rg-gone"),
    status: 404, error: { code: "ResourceGroupNotFound", message: "Resource group 'rg-gone' could not be found." },
  },
  {
    row: "delete of an AI Foundry account that still has projects: 409 CannotDeleteResource",
    seed: () => world({ live: [["foundry", "eastus", { kind: "AIServices", projects: ["proj1"] }]] }),
    method: "DELETE", path: () => accountPath("foundry"),
    status: 409,
    error: { code: "CannotDeleteResource", message: /^Cannot delete resource while nested resources exist\. .*'Microsoft\.CognitiveServices\/accounts\/foundry\/projects\/proj1'.*Please delete all nested resources/ },
  },
  {
    row: "get deleted account: its own id and type (location as at creation), Succeeded, both dates 48 h apart with 7 digits, a new etag",
    seed: () => world({ deleted: [["sd", "Central US EUAP"]] }),
    method: "GET", path: () => deletedPath("Central US EUAP", "sd"),
    status: 200, headers: { "x-ms-ratelimit-remaining-subscription-reads": /^\d+$/ },
    check: (a) => {
      const body = a.body as { id: string; type: string; location: string; etag: string; properties: Record<string, string> };
      expect(body.id).toBe(`/subscriptions/${sub()}/providers/Microsoft.CognitiveServices/locations/Central US EUAP/resourceGroups/${GROUP}/deletedAccounts/sd`);
      expect(body.type).toBe("Microsoft.CognitiveServices/deletedAccounts");
      expect(body.location).toBe("Central US EUAP");
      expect(body.etag).toMatch(/^"[0-9a-f-]{36}"$/);
      expect(body.properties.provisioningState).toBe("Succeeded");
      expect(body.properties.deletionDate).toMatch(SEVEN_DIGITS);
      expect(body.properties.scheduledPurgeDate).toBe(
        `${new Date(Date.parse(body.properties.deletionDate) + 48 * 3600 * 1000).toISOString().slice(0, 23)}${body.properties.deletionDate.slice(23)}`,
      );
      expect(body.properties).toMatchObject({ customSubDomainName: "sd", endpoint: "https://sd.cognitiveservices.azure.com/" });
      expect(body.properties.internalId).toMatch(/^[0-9a-f]{32}$/);
    },
  },
  {
    row: "get deleted account at 2021-10-01 omits the two dates",
    seed: () => world({ deleted: [["old", "eastus"]] }),
    method: "GET", path: () => deletedPath("eastus", "old"), apiVersion: "2021-10-01",
    status: 200,
    check: (a) => {
      const properties = (a.body as { properties: Record<string, unknown> }).properties;
      expect(properties.deletionDate).toBeUndefined();
      expect(properties.scheduledPurgeDate).toBeUndefined();
    },
  },
  {
    row: "get deleted account at 2022-03-01 carries the two dates",
    seed: () => world({ deleted: [["old", "eastus"]] }),
    method: "GET", path: () => deletedPath("eastus", "old"), apiVersion: "2022-03-01",
    status: 200,
    check: (a) => expect((a.body as { properties: Record<string, unknown> }).properties).toMatchObject({ deletionDate: expect.stringMatching(SEVEN_DIGITS), scheduledPurgeDate: expect.stringMatching(SEVEN_DIGITS) }),
  },
  {
    row: "purge: 202, empty body, Azure-AsyncOperation and Location (+ operationResultResponseType=Location), no Retry-After",
    seed: () => world({ deleted: [["p1", "East US"]] }),
    method: "DELETE", path: () => deletedPath("East US", "p1"),
    status: 202,
    headers: {
      "azure-asyncoperation": /\/locations\/East%20US\/operationResults\/[0-9a-f-]{36}\?api-version=2017-04-18&t=[^&]+&c=[^&]+&s=[^&]+&h=[^&]+$/,
      "retry-after": undefined,
      "x-ms-ratelimit-remaining-subscription-deletes": /^\d+$/,
    },
    check: (a) => {
      expect(a.text).toBe("");
      expect(a.headers.location).toBe(`${a.headers["azure-asyncoperation"]}&operationResultResponseType=Location`);
    },
  },
  {
    row: "purge right after the account's delete: 409 RequestConflict (the first N purges after a delete)",
    seed: () => world({ live: [["fresh-del", "eastus"]] }),
    settings: { purgeConflictsAfterDelete: 1, purgeConflictAfterDeleteMs: 0 },
    before: () => call("DELETE", withVersion(accountPath("fresh-del"))),
    method: "DELETE", path: () => deletedPath("eastus", "fresh-del"),
    status: 409, error: { code: "RequestConflict", message: /fresh-del.*retry/ },
  },
  {
    row: "purge within the settling window after the account's delete: 409 RequestConflict",
    seed: () => world({ live: [["fresh-del", "eastus"]] }),
    settings: { purgeConflictsAfterDelete: 0, purgeConflictAfterDeleteMs: 60_000 },
    before: () => call("DELETE", withVersion(accountPath("fresh-del"))),
    method: "DELETE", path: () => deletedPath("eastus", "fresh-del"),
    status: 409, error: { code: "RequestConflict" },
  },
  {
    row: "purge after the settling window: 202",
    seed: () => world({ live: [["fresh-del", "eastus"]] }),
    settings: { purgeConflictsAfterDelete: 0, purgeConflictAfterDeleteMs: 60_000 },
    before: async () => {
      await call("DELETE", withVersion(accountPath("fresh-del")));
      await ctx.emulator.control.advanceClock(60_001);
    },
    method: "DELETE", path: () => deletedPath("eastus", "fresh-del"),
    status: 202,
  },
  {
    row: "purge with the wrong location in the path: 404",
    seed: () => world({ deleted: [["elsewhere", "eastus"]] }),
    method: "DELETE", path: () => deletedPath("westus", "elsewhere"),
    status: 404, error: { code: "ResourceNotFound" },
  },
  {
    row: "purge when nothing is soft-deleted: 204 (the spec), by default",
    seed: () => world(),
    method: "DELETE", path: () => deletedPath("eastus", "none"),
    status: 204,
  },
  {
    row: "purge when nothing is soft-deleted: 404 (a user report), when so set",
    seed: () => world(),
    settings: { purgeOfNothingStatus: 404 },
    method: "DELETE", path: () => deletedPath("eastus", "none"),
    status: 404, error: { code: "ResourceNotFound" },
  },
  {
    row: "get live account while it is soft-deleted: 404 ResourceNotFound with ARM's text, x-ms-failure-cause: gateway",
    seed: () => world({ deleted: [["sd", "eastus"]] }),
    method: "GET", path: () => accountPath("sd"),
    status: 404, headers: { "x-ms-failure-cause": "gateway" },
    error: { code: "ResourceNotFound", message: `The Resource 'Microsoft.CognitiveServices/accounts/sd' under resource group '${GROUP}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix` },
  },
  {
    row: "get account when the group is missing: 404 ResourceGroupNotFound",
    seed: () => world({ group: false }),
    method: "GET", path: () => accountPath("x", "rg-gone"),
    status: 404, headers: { "x-ms-failure-cause": "gateway" }, error: { code: "ResourceGroupNotFound", message: "Resource group 'rg-gone' could not be found." },
  },
  {
    row: "list accounts when the group is missing: 404 ResourceGroupNotFound",
    seed: () => world({ group: false }),
    method: "GET", path: () => `/subscriptions/${sub()}/resourceGroups/rg-gone/${COGNITIVE}/accounts`,
    status: 404, error: { code: "ResourceGroupNotFound", message: "Resource group 'rg-gone' could not be found." },
  },
  {
    row: "list deleted accounts: a page of about a dozen carries a nextLink with an opaque %24skiptoken",
    seed: () => world({ deleted: Array.from({ length: 14 }, (_, i) => [`l${String(i).padStart(2, "0")}`, i % 2 ? "West US 2" : "westeurope"] as [string, string]) }),
    method: "GET", path: deletedListPath,
    status: 200,
    // Gathered from every region: one original request id per region (here two).
    headers: { "x-ms-original-request-ids": /^[0-9a-f-]{36}, [0-9a-f-]{36}$/ },
    check: (a) => {
      const body = a.body as { value: { name: string; location: string }[]; nextLink: string };
      expect(body.value).toHaveLength(12);
      // In no useful order: not sorted by name.
      const names = body.value.map((d) => d.name);
      expect(names).not.toEqual([...names].sort());
      expect(body.nextLink).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/[^?]+\/deletedAccounts\?api-version=2025-09-01&%24skiptoken=[A-Za-z0-9_-]{8,}$/);
      expect(body.nextLink).not.toMatch(/skiptoken=\d+$/);
    },
  },

  // ---- Errors ----
  {
    row: "create over a soft-deleted name: 409 FlagMustBeSetForRestore",
    seed: () => world({ deleted: [["taken", "eastus"]] }),
    method: "PUT", path: () => accountPath("taken"), body: { location: "eastus" },
    status: 409,
    error: {
      code: "FlagMustBeSetForRestore",
      message: `An existing resource with ID '${"/subscriptions/SUB/resourceGroups/" + GROUP + "/providers/Microsoft.CognitiveServices/accounts/taken"}' has been soft-deleted. To restore the resource, you must specify 'restore' to be 'true' in the property. If you don't want to restore existing resource, please purge it first.`,
    },
  },
  {
    row: "restore with nothing soft-deleted: CanNotRestoreANonExistingResource",
    seed: () => world(),
    method: "PUT", path: () => accountPath("nothing"), body: { location: "eastus", properties: { restore: true } },
    status: 400, error: { code: "CanNotRestoreANonExistingResource", message: "Could not locate a resource to restore" },
  },
  {
    row: "restore of a live account (a redeployment still carrying restore: true): 409 CanNotRestoreAnActiveResource",
    seed: () => world({ live: [["alive", "eastus"]] }),
    method: "PUT", path: () => accountPath("alive"), body: { location: "eastus", properties: { restore: true } },
    status: 409, error: { code: "CanNotRestoreAnActiveResource", message: "Could not restore an active account 'alive'." },
  },
  {
    row: "a subdomain held by a soft-deleted account: 409 CustomDomainInUse",
    seed: () => world({ deleted: [["holder", "eastus"]] }),
    method: "PUT", path: () => accountPath("other"), body: { location: "eastus", properties: { customSubDomainName: "holder" } },
    status: 409, error: { code: "CustomDomainInUse", message: /If the resource using the name was deleted in the last 48 hours, you may need to purge the deleted resource\.$/ },
  },
  {
    row: "purge without subscription-scope permission: 403 AuthorizationFailed naming the action",
    seed: () => world({ deleted: [["locked", "eastus"]] }),
    before: async () => {
      const { authorizationFailed } = await import("../emulator/wire");
      await ctx.emulator.control.addFault({
        method: "DELETE", path: "/deletedAccounts/locked$", times: 1,
        response: authorizationFailed(ctx.emulator.principal.clientId, "Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/delete", `/subscriptions/${sub()}`),
      });
    },
    method: "DELETE", path: () => deletedPath("eastus", "locked"),
    status: 403, error: { code: "AuthorizationFailed", message: /'Microsoft\.CognitiveServices\/locations\/resourceGroups\/deletedAccounts\/delete' over scope '\/subscriptions\// },
  },
  {
    row: "resource group missing on create: 404 ResourceGroupNotFound",
    seed: () => world({ group: false }),
    method: "PUT", path: () => accountPath("x1", "nogroup"), body: { location: "eastus" },
    status: 404, error: { code: "ResourceGroupNotFound", message: "Resource group 'nogroup' could not be found." },
  },
  {
    row: "throttling: 429 SubscriptionRequestsThrottled with Retry-After",
    seed: () => world(),
    // A window longer than the test, so both requests fall in it however slowly they are served.
    settings: { throttleRequestsPerSecond: 1, throttleWindowInMs: 600_000 },
    before: () => call("GET", withVersion(deletedListPath())),
    method: "GET", path: deletedListPath,
    status: 429, headers: { "retry-after": /^\d+$/ }, error: { code: "SubscriptionRequestsThrottled", message: /try again after '\d+' seconds/ },
  },
  {
    row: "a soft-deleted free-tier (F0) account blocks a new F0 of the same kind: 409 CanNotCreateMultipleFreeAccounts",
    seed: () => ({ ...world(), deletedAccounts: [{ subscriptionId: sub(), resourceGroupName: "rg-other", name: "free-old", location: "westus", kind: "TextAnalytics", sku: { name: "F0" } }] }),
    method: "PUT", path: () => accountPath("free-new"), body: { location: "eastus", kind: "TextAnalytics", sku: { name: "F0" } },
    status: 409, error: { code: "CanNotCreateMultipleFreeAccounts", message: /TextAnalytics/ },
  },
  {
    row: "a soft-deleted F0 account of another kind does not block a new F0",
    seed: () => ({ ...world(), deletedAccounts: [{ subscriptionId: sub(), resourceGroupName: GROUP, name: "free-old", location: "westus", kind: "Face", sku: { name: "F0" } }] }),
    method: "PUT", path: () => accountPath("free-new"), body: { location: "eastus", kind: "TextAnalytics", sku: { name: "F0" } },
    status: 201,
  },
];

describe("arm-behavior.md, row by row (one request each)", () => {
  it.each(ROWS.map((r) => [r.row, r] as const))("%s", async (_name, row) => {
    const e = ctx.emulator;
    if (row.seed) await e.control.seed(row.seed());
    if (row.settings) await e.control.settings(row.settings);
    if (row.before) await row.before();
    const answer = await call(row.method, withVersion(row.path(), row.apiVersion === undefined ? API : row.apiVersion), row.body);
    expect({ status: answer.status, text: answer.status === row.status ? "" : answer.text }).toEqual({ status: row.status, text: "" });
    for (const [name, wanted] of Object.entries(row.headers ?? {})) {
      if (wanted === undefined) expect([name, answer.headers[name]]).toEqual([name, undefined]);
      else if (typeof wanted === "string") expect([name, answer.headers[name]]).toEqual([name, wanted]);
      else expect([name, answer.headers[name]]).toEqual([name, expect.stringMatching(wanted)]);
    }
    if (row.error) {
      const error = errorOf(answer);
      expect(error?.code).toBe(row.error.code);
      const message = typeof row.error.message === "string" ? row.error.message.replace("/subscriptions/SUB/", `/subscriptions/${sub()}/`) : row.error.message;
      if (typeof message === "string") expect(error?.message).toBe(message);
      else if (message) expect(error?.message).toMatch(message);
    }
    row.check?.(answer);
  });
});

/** Polls an operation URL through the pipeline until its document says it is done; returns every document. */
async function pollDocuments(url: string, limit = 10): Promise<{ status: string; startTime: string; endTime?: string; id: string }[]> {
  const documents: { status: string; startTime: string; endTime?: string; id: string }[] = [];
  for (let i = 0; i < limit; i += 1) {
    const answer = await call("GET", url);
    expect(answer.status).toBe(200);
    const document = answer.body as { status: string; startTime: string; endTime?: string; id: string };
    documents.push(document);
    if (!["Creating", "Running"].includes(document.status)) break;
  }
  return documents;
}

describe("arm-behavior.md, what takes several requests", () => {
  it("create: the operation reads Creating, then Succeeded, in whole seconds; the SDK then GETs the account", async () => {
    const e = ctx.emulator;
    await e.control.seed(world());
    const put = await call("PUT", withVersion(accountPath("fresh")), { location: "SOUTHCENTRALUS", kind: "OpenAI", sku: { name: "S0" } });
    const url = put.headers["azure-asyncoperation"];
    expect(url).toContain("/locations/SOUTHCENTRALUS/operationResults/");
    const documents = await pollDocuments(url);
    expect(documents.map((d) => d.status)).toEqual(["Creating", "Succeeded"]);
    expect(documents[0].startTime).toMatch(WHOLE_SECONDS);
    expect(documents[0].endTime).toBeUndefined();
    expect(documents[1].endTime).toMatch(WHOLE_SECONDS);
    expect(documents[1].id).toMatch(/\/locations\/SOUTHCENTRALUS\/operationResults\/[0-9a-f-]{36}$/);

    // The same through the SDK's poller: it polls until Succeeded, then reads the account.
    await e.control.clearRequests();
    const account = await client().accounts.beginCreateAndWait(GROUP, "fresh2", { location: "SOUTHCENTRALUS", kind: "OpenAI", sku: { name: "S0" } }, { updateIntervalInMs: 20 });
    expect(account.properties?.provisioningState).toBe("Succeeded");
    expect(account.location).toBe("SOUTHCENTRALUS");
    const log = (await e.control.requests()).filter((r) => r.kind === "arm");
    expect(log.map((r) => `${r.method} ${/operationResults/.test(r.path) ? "operation" : r.path} ${r.status}`)).toEqual([
      `PUT ${accountPath("fresh2")} 201`,
      "GET operation 200",
      "GET operation 200",
      `GET ${accountPath("fresh2")} 200`,
    ]);
    expect(log.filter((r) => /operationResults/.test(r.path)).every((r) => r.apiVersion === "2017-04-18")).toBe(true);
  });

  it("purge: Succeeded only on the third poll; the Location url answers 202 while it runs and 200 with an empty body once done", async () => {
    const e = ctx.emulator;
    await e.control.seed(world({ deleted: [["p2", "eastus"]] }));
    const purge = await call("DELETE", withVersion(deletedPath("eastus", "p2")));
    expect(purge.status).toBe(202);
    const location = await call("GET", purge.headers.location);
    expect({ status: location.status, text: location.text }).toEqual({ status: 202, text: "" });
    const documents = await pollDocuments(purge.headers["azure-asyncoperation"]);
    expect(documents.map((d) => d.status)).toEqual(["Running", "Succeeded"]); // the Location poll above was the first
    const done = await call("GET", purge.headers.location);
    expect({ status: done.status, text: done.text }).toEqual({ status: 200, text: "" });
    expect((await call("GET", withVersion(deletedPath("eastus", "p2")))).status).toBe(404);
  });

  it("purge through the SDK's poller: three polls, then gone", async () => {
    const e = ctx.emulator;
    await e.control.seed(world({ deleted: [["p3", "eastus"]] }));
    await client().deletedAccounts.beginPurgeAndWait("eastus", GROUP, "p3", { updateIntervalInMs: 20 });
    const log = (await e.control.requests()).filter((r) => r.kind === "arm");
    expect(log.map((r) => `${r.method} ${/operationResults/.test(r.path) ? "operation" : r.path} ${r.status}`)).toEqual([
      `DELETE ${deletedPath("eastus", "p3")} 202`,
      "GET operation 200",
      "GET operation 200",
      "GET operation 200",
    ]);
    expect((await e.control.state()).state.deletedAccounts).toEqual({});
  });

  it("a failed purge carries ARM's error object in its final document", async () => {
    const e = ctx.emulator;
    await e.control.seed(world({ deleted: [["pf", "eastus"]] }));
    await e.control.addOperationFault({ kind: "purge", outcome: "Failed", error: { code: "PurgeFailed", message: "Backend could not purge" }, times: 1 });
    const purge = await call("DELETE", withVersion(deletedPath("eastus", "pf")));
    const documents = await pollDocuments(purge.headers["azure-asyncoperation"]);
    expect(documents[documents.length - 1]).toMatchObject({ status: "Failed", error: { code: "PurgeFailed", message: "Backend could not purge" } });
  });

  it("list of deleted accounts: the SDK follows every nextLink; five spellings of locations side by side, each as written", async () => {
    const e = ctx.emulator;
    const spellings = ["West US 2", "westeurope", "SOUTHCENTRALUS", "CentralUSEUAP", "Central US EUAP"];
    await e.control.seed(world({ deleted: Array.from({ length: 30 }, (_, i) => [`d${String(i).padStart(2, "0")}`, spellings[i % 5]] as [string, string]) }));
    const found: { name: string; location: string; id: string }[] = [];
    for await (const d of client().deletedAccounts.list()) found.push({ name: d.name!, location: d.location!, id: d.id! });
    expect(found).toHaveLength(30);
    expect(new Set(found.map((d) => d.location))).toEqual(new Set(spellings));
    for (const d of found) expect(d.id).toContain(`/locations/${d.location}/resourceGroups/`);
    const lists = (await e.control.requests()).filter((r) => /deletedAccounts$/.test(r.path));
    expect(lists).toHaveLength(3);
  });

  it("list of a subscription's live accounts: every group, paged with nextLink, which the SDK follows", async () => {
    const e = ctx.emulator;
    await e.control.seed(world({ live: Array.from({ length: 30 }, (_, i) => [`l${String(i).padStart(2, "0")}`, "eastus"] as [string, string]) }));
    const names: string[] = [];
    for await (const a of client().accounts.list()) names.push(a.name!);
    expect(names.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `l${String(i).padStart(2, "0")}`));
    expect((await e.control.requests()).filter((r) => /providers\/Microsoft\.CognitiveServices\/accounts$/i.test(r.path))).toHaveLength(3);
  });

  it("checkDomainAvailability: a subdomain held live, soft-deleted or in another subscription is unavailable, a free one available", async () => {
    const e = ctx.emulator;
    const other = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
    await e.control.seed({
      ...world({ live: [["live-one", "eastus", { properties: { customSubDomainName: "held-live" } }]], deleted: [["held-deleted", "eastus"]] }),
      resourceGroups: [{ subscriptionId: sub(), name: GROUP, location: "eastus" }, { subscriptionId: other, name: "rg-other", location: "eastus" }],
    });
    await e.control.seed({ accounts: [{ subscriptionId: other, resourceGroupName: "rg-other", name: "theirs", location: "eastus", kind: "OpenAI", properties: { customSubDomainName: "held-elsewhere" } }] });
    const availability = async (name: string) => (await client().checkDomainAvailability(name, "Microsoft.CognitiveServices/accounts", { kind: "OpenAI" })).isSubdomainAvailable;
    expect({ live: await availability("held-live"), deleted: await availability("held-deleted"), elsewhere: await availability("held-elsewhere"), free: await availability("free-one") }).toEqual({
      live: false,
      deleted: false,
      elsewhere: false,
      free: true,
    });
  });

  it("etag: new on every write, and new for the deleted record", async () => {
    const e = ctx.emulator;
    await e.control.seed(world());
    await e.control.settings({ purgeConflictAfterDeleteMs: 0 });
    const etag = async (path: string) => ((await call("GET", withVersion(path))).body as { etag: string }).etag;
    const created = await client().accounts.beginCreateAndWait(GROUP, "tagged", { location: "eastus", kind: "OpenAI", sku: { name: "S0" } }, { updateIntervalInMs: 20 });
    const first = await etag(accountPath("tagged"));
    expect(first).toBe(created.etag);
    await call("PUT", withVersion(accountPath("tagged")), { location: "eastus", tags: { team: "ai" } });
    const second = await etag(accountPath("tagged"));
    await call("DELETE", withVersion(accountPath("tagged")));
    const deleted = await etag(deletedPath("eastus", "tagged"));
    await call("PUT", withVersion(accountPath("tagged")), { location: "eastus", properties: { restore: true } });
    const restored = await etag(accountPath("tagged"));
    expect(new Set([first, second, deleted, restored]).size).toBe(4);
  });

  it("restore keeps internalId, endpoint and dateCreated; resets systemData.createdAt", async () => {
    const e = ctx.emulator;
    await e.control.seed(world({ live: [["keep", "East US"]] }));
    const before = (await call("GET", withVersion(accountPath("keep")))).body as { properties: Record<string, string>; systemData: Record<string, string> };
    await e.control.advanceClock(60_000);
    await call("DELETE", withVersion(accountPath("keep")));
    const restored = (await call("PUT", withVersion(accountPath("keep")), { location: "eastus", properties: { restore: true } })).body as typeof before;
    expect(restored.properties).toMatchObject({ internalId: before.properties.internalId, endpoint: before.properties.endpoint, dateCreated: before.properties.dateCreated });
    expect(Date.parse(restored.systemData.createdAt)).toBeGreaterThan(Date.parse(before.systemData.createdAt));
  });

  it("an account can read Accepted after its operation said Succeeded (the cause of AccountProvisioningStateInvalid)", async () => {
    const e = ctx.emulator;
    await e.control.seed(world());
    await e.control.settings({ provisioningLagMs: 60_000 });
    await client().accounts.beginCreateAndWait(GROUP, "lag", { location: "eastus" }, { updateIntervalInMs: 20 });
    expect((await client().accounts.get(GROUP, "lag")).properties?.provisioningState).toBe("Accepted");
    await e.control.advanceClock(60_001);
    expect((await client().accounts.get(GROUP, "lag")).properties?.provisioningState).toBe("Succeeded");
  });

  it("an AI Foundry account can be deleted once its projects are gone", async () => {
    const e = ctx.emulator;
    await e.control.seed(world({ live: [["foundry", "eastus", { kind: "AIServices", projects: ["proj1"] }]] }));
    const refused = await client().accounts.beginDeleteAndWait(GROUP, "foundry").catch((error: unknown) => error);
    expect(isRestError(refused) && refused.statusCode).toBe(409);
    expect((await call("DELETE", withVersion(`${accountPath("foundry")}/projects/proj1`))).status).toBe(200);
    await client().accounts.beginDeleteAndWait(GROUP, "foundry");
    expect((await client().deletedAccounts.get("eastus", GROUP, "foundry")).name).toBe("foundry");
  });

  it("deleting a resource group out of band soft-deletes its accounts", async () => {
    const e = ctx.emulator;
    await e.control.seed(world({ live: [["ingroup", "East US"]] }));
    await e.control.remove({ resourceGroups: [{ subscriptionId: sub(), name: GROUP }] });
    expect((await call("GET", withVersion(accountPath("ingroup")))).status).toBe(404);
    expect(((await call("GET", withVersion(deletedPath("East US", "ingroup")))).body as { location: string }).location).toBe("East US");
  });

  it("each kind of request draws on its own bucket: a fresh subscription has 249 reads, 199 writes and 199 deletes left after its first of each", async () => {
    const e = ctx.emulator;
    await e.control.seed(world({ live: [["rl", "eastus"]] }));
    const read = await call("GET", withVersion(accountPath("rl")));
    const write = await call("PUT", withVersion(accountPath("rl")), { location: "eastus", tags: { a: "b" } });
    const deletion = await call("DELETE", withVersion(accountPath("rl")));
    const remaining = (a: WireAnswer) => Object.fromEntries(Object.entries(a.headers).filter(([name]) => name.startsWith("x-ms-ratelimit-remaining-subscription-")));
    expect([remaining(read), remaining(write), remaining(deletion)]).toEqual([
      { "x-ms-ratelimit-remaining-subscription-reads": "249" },
      { "x-ms-ratelimit-remaining-subscription-writes": "199" },
      { "x-ms-ratelimit-remaining-subscription-deletes": "199" },
    ]);
  });
});
