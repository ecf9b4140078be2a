import { credentialMessage, describeFailure, durationText, type FailureContext } from "../provider/errors";
import { runProgram } from "../harness/program";
import { ProviderHost, urnOf } from "../harness/providerHost";
import { PurgedDeletedAccount } from "../provider";
import type { TransportFailure } from "../provider/transportFailures";
import { GROUP, LOCATION, seedWorld, useEmulator } from "./harness/emulator";
import { checkThenCreate } from "./harness/providerCalls";

/**
 * Messages that name the real cause and its fix: a TLS trust failure is not
 * a credential problem, a preview lookup that cannot connect stops at once
 * and states its own bound, and credential errors come without MSAL's
 * boilerplate. First the message builder as a table, then through Pulumi's
 * provider host started as a user's shell would start it.
 */

const isRestError = (e: unknown) => (e as { name?: string })?.name === "RestError";
const base: FailureContext = { action: "purge of soft-deleted account 'a1'", timeoutMinutes: 5, timedOut: false, authorityHost: "login.example:443" };
const restError = (code: string, url: string) => Object.assign(new Error("connect failed"), { name: "RestError", code, request: { url } });
const failure = (code: string, host: string, kind: TransportFailure["kind"]): TransportFailure => ({ code, host, kind, at: 0 });
const msalBoilerplate =
  "invalid_client: Error(s): 7000215 - Timestamp: Not Available - Description: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent is the value. - Correlation ID: Not Available - Trace ID: Not Available";

describe("describeFailure", () => {
  it.each([
    {
      case: "ARM's certificate not trusted (code on the RestError)",
      error: restError("SELF_SIGNED_CERT_IN_CHAIN", "https://arm.example/subscriptions/x"),
      ctx: base,
      has: ["TLS certificate of Azure Resource Manager (arm.example)", "SELF_SIGNED_CERT_IN_CHAIN", "NODE_EXTRA_CA_CERTS", "not a credential problem"],
      hasNot: ["az login", "AZURE_CLIENT_ID"],
    },
    {
      case: "the token authority's certificate not trusted (MSAL hides it; the watch noted it)",
      error: Object.assign(new Error("endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details"), { name: "CredentialUnavailableError" }),
      ctx: { ...base, transportFailure: failure("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "login.example:443", "tls") },
      has: ["TLS certificate of the token authority (login.example:443)", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "NODE_EXTRA_CA_CERTS", "No setting turns certificate verification off"],
      hasNot: ["az login", "aka.ms"],
    },
    {
      case: "a certificate for another host name",
      error: restError("ERR_TLS_CERT_ALTNAME_INVALID", "https://arm.example/"),
      ctx: base,
      has: ["ERR_TLS_CERT_ALTNAME_INVALID", "another host name", "AZURE_RESOURCE_MANAGER_ENDPOINT"],
      hasNot: ["az login"],
    },
    {
      case: "an expired certificate",
      error: restError("CERT_HAS_EXPIRED", "https://arm.example/"),
      ctx: base,
      has: ["CERT_HAS_EXPIRED", "clock"],
      hasNot: ["az login"],
    },
    {
      case: "a preview lookup that cannot connect",
      error: new Error("ECONNREFUSED at arm.example"),
      ctx: { ...base, action: "preview lookup of account 'a1'", timeoutMinutes: 1 / 3, previewBoundInMs: 20_000, transportFailure: failure("ECONNREFUSED", "arm.example", "connect") },
      has: ["could not connect to Azure Resource Manager (arm.example) (ECONNREFUSED)", "Preview lookups stop at the first connection failure", "20 s", "does not affect up", "timeoutMinutes"],
      hasNot: ["0.333", "raise timeoutMinutes"],
    },
    {
      case: "a preview lookup that reaches its bound",
      error: Object.assign(new Error("The operation was aborted."), { name: "AbortError" }),
      ctx: { ...base, action: "preview lookup of account 'a1'", timeoutMinutes: 1 / 3, previewBoundInMs: 20_000, timedOut: true },
      has: ["gave up after 20 s, the bound of preview lookups", "does not affect up, whose bound is timeoutMinutes"],
      hasNot: ["0.333", "raise timeoutMinutes"],
    },
    {
      case: "up timing out while it could not connect",
      error: Object.assign(new Error("The operation was aborted."), { name: "AbortError" }),
      ctx: { ...base, timeoutMinutes: 0.2, timedOut: true, transportFailure: failure("ECONNREFUSED", "arm.example", "connect") },
      has: ["timed out after 0.2 minutes (timeoutMinutes) while waiting for Azure Resource Manager", "could not connect to Azure Resource Manager (arm.example): ECONNREFUSED"],
      hasNot: [],
    },
    {
      case: "an HTTP answer is not blamed on a TLS failure noted elsewhere",
      error: Object.assign(new Error("The client 'c' with object id 'c' does not have authorization to perform action 'Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/delete' over scope '/subscriptions/s' or the scope is invalid."), { name: "RestError", statusCode: 403, code: "AuthorizationFailed" }),
      ctx: { ...base, transportFailure: failure("SELF_SIGNED_CERT_IN_CHAIN", "other.example", "tls") },
      has: ["403 AuthorizationFailed", "subscription scope"],
      hasNot: ["TLS", "NODE_EXTRA_CA_CERTS"],
    },
    {
      case: "an odd timeoutMinutes is shown as a duration",
      error: Object.assign(new Error("aborted"), { name: "AbortError" }),
      ctx: { ...base, timeoutMinutes: 1 / 3, timedOut: true },
      has: ["timed out after 20 s (timeoutMinutes)"],
      hasNot: ["0.333"],
    },
    {
      case: "a wrong client secret",
      error: Object.assign(new Error(msalBoilerplate), { name: "AuthenticationRequiredError" }),
      ctx: base,
      has: ["no token for Azure Resource Manager", "AADSTS7000215: Invalid client secret provided.", "AZURE_CLIENT_SECRET"],
      hasNot: ["Timestamp", "Trace ID", "Correlation ID", "Not Available", "Ensure the secret"],
    },
  ])("$case", ({ error, ctx, has, hasNot }) => {
    const message = describeFailure(error, ctx, isRestError);
    for (const text of has) expect(message).toContain(text);
    for (const text of hasNot) expect(message).not.toContain(text);
  });
});

/** ARM's AuthorizationFailed text (emulator/wire.ts, authorizationFailed, quotes the same shape). */
const refusal = (action: string, scope: string) =>
  Object.assign(new Error(`The client 'c1' with object id 'o1' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`), {
    name: "RestError",
    statusCode: 403,
    code: "AuthorizationFailed",
  });

describe("a 403 names the action Azure refused and the narrowest built-in role that grants it", () => {
  const ctx: FailureContext = { ...base, subscriptionId: "sub-1", resourceGroupName: "rg-1" };
  const scope = "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.CognitiveServices/accounts/a1";
  it.each([
    {
      case: "purge: Cognitive Services Contributor at subscription scope",
      action: "Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/delete",
      has: ["'Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/delete'", "Cognitive Services Contributor", "subscription scope (/subscriptions/sub-1)", "a role on the resource group is not enough"],
      hasNot: ["Reader"],
    },
    {
      case: "restore (PUT of the account): Cognitive Services Contributor on the group",
      action: "Microsoft.CognitiveServices/accounts/write",
      has: ["'Microsoft.CognitiveServices/accounts/write'", `over scope '${scope}'`, "Cognitive Services Contributor", "resource group 'rg-1'"],
      hasNot: ["deletedAccounts/delete", "subscription scope", "not enough"],
    },
    {
      case: "delete of a restored account: Cognitive Services Contributor on the group",
      action: "Microsoft.CognitiveServices/accounts/delete",
      has: ["'Microsoft.CognitiveServices/accounts/delete'", "Cognitive Services Contributor", "resource group 'rg-1'"],
      hasNot: ["deletedAccounts/delete"],
    },
    {
      case: "reading the live account: Reader on the group",
      action: "Microsoft.CognitiveServices/accounts/read",
      has: ["'Microsoft.CognitiveServices/accounts/read'", "Reader", "resource group 'rg-1'"],
      hasNot: ["Contributor", "deletedAccounts/delete"],
    },
    {
      case: "reading a soft-deleted account: Reader at subscription scope",
      action: "Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/read",
      has: ["'Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/read'", "Reader", "subscription scope (/subscriptions/sub-1)"],
      hasNot: ["Contributor"],
    },
    {
      case: "reading the resource group: Reader",
      action: "Microsoft.Resources/subscriptions/resourceGroups/read",
      has: ["'Microsoft.Resources/subscriptions/resourceGroups/read'", "Reader"],
      hasNot: ["Contributor", "deletedAccounts/delete"],
    },
    {
      case: "an action the package never sends: named, no role guessed",
      action: "Microsoft.Authorization/roleAssignments/write",
      has: ["'Microsoft.Authorization/roleAssignments/write'", "a role that includes this action"],
      hasNot: ["Contributor", "Reader", "deletedAccounts/delete"],
    },
  ])("$case", ({ action, has, hasNot }) => {
    const message = describeFailure(refusal(action, scope), ctx, isRestError);
    expect(message).toContain("403 AuthorizationFailed");
    for (const text of has) expect(message).toContain(text);
    for (const text of hasNot) expect(message).not.toContain(text);
  });

  it("a 403 that names no action is not explained as the purge permission", () => {
    const message = describeFailure(Object.assign(new Error("Forbidden"), { name: "RestError", statusCode: 403, code: "AuthorizationFailed" }), ctx, isRestError);
    expect(message).toContain("did not name the action");
    expect(message).not.toContain("deletedAccounts/delete");
    expect(message).not.toContain("Contributor");
  });

  it("reads the action from a LinkedAuthorizationFailed too", () => {
    const error = Object.assign(
      new Error("The client 'c1' has permission to perform action 'Microsoft.CognitiveServices/accounts/write' on scope 's1'; however, it does not have permission to perform action(s) 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '/subscriptions/sub-1/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/x' (respectively) or the linked scope(s) are invalid."),
      { name: "RestError", statusCode: 403, code: "LinkedAuthorizationFailed" },
    );
    const message = describeFailure(error, ctx, isRestError);
    expect(message).toContain("'Microsoft.Network/virtualNetworks/subnets/join/action'");
    expect(message).not.toContain("Cognitive Services Contributor");
  });
});

describe("credentialMessage", () => {
  it.each([
    { raw: msalBoilerplate, clean: "AADSTS7000215: Invalid client secret provided." },
    {
      raw: "AADSTS700016: Application with identifier 'x' was not found in the directory 'y'. This can happen if ...\r\nTrace ID: 1\r\nCorrelation ID: 2\r\nTimestamp: 2025-01-01 00:00:00Z",
      clean: "AADSTS700016: Application with identifier 'x' was not found in the directory 'y'.",
    },
    { raw: "EnvironmentCredential is unavailable. No credential found. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.", clean: "EnvironmentCredential is unavailable. No credential found." },
    { raw: "endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details", clean: "endpoints_resolution_error" },
  ])("$clean", ({ raw, clean }) => {
    expect(credentialMessage(raw)).toBe(clean);
  });
});

it.each([
  { ms: 2_400, text: "2.4 s" },
  { ms: 20_000, text: "20 s" },
  { ms: 90_000, text: "1.5 min" },
])("durationText($ms) is $text", ({ ms, text }) => {
  expect(durationText(ms)).toBe(text);
});

describe("through the provider host", () => {
  const ctx = useEmulator();
  const GUARD = "pulumi-nodejs:dynamic/cognitive-reclaim:PurgedDeletedAccount";
  let provider = "";
  beforeAll(async () => {
    const [registered] = await runProgram(() => ({ g: new PurgedDeletedAccount("g", { accountName: "a1", location: LOCATION, resourceGroupName: GROUP }) }), { allowedTypes: [GUARD] });
    provider = String(registered.inputs.__provider);
  });
  const guard = (name: string) => ({ urn: urnOf(GUARD, name), news: { __provider: provider, accountName: name, location: LOCATION, resourceGroupName: GROUP } });
  /** `pulumi preview` of a new guard: Check with no olds (its lookup prints what up will do). */
  const preview = (host: ProviderHost, name: string) => host.check(guard(name).urn, {}, guard(name).news);
  /** `pulumi up` of a new guard: Check, then Create. */
  const up = (host: ProviderHost, name: string) => checkThenCreate(host, guard(name).urn, guard(name).news);

  async function withHost(env: NodeJS.ProcessEnv, run: (host: ProviderHost) => Promise<void>): Promise<void> {
    const host = await ProviderHost.start({ env });
    try {
      await host.configure();
      await run(host);
    } finally {
      await host.stop();
    }
  }

  it("without NODE_EXTRA_CA_CERTS, preview and up name TLS trust and NODE_EXTRA_CA_CERTS, not credentials", async () => {
    await seedWorld(ctx.emulator, { deleted: ["trust"] });
    const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
    await withHost(env, async (host) => {
      expect((await preview(host, "trust")).failures).toEqual([]);
      expect(host.output).toMatch(/could not look up account 'trust'.*Node refused the TLS certificate of the token authority \(127\.0\.0\.1:\d+\) \(SELF_SIGNED_CERT_IN_CHAIN\).*NODE_EXTRA_CA_CERTS/);
      const failed = await up(host, "trust").then(() => "no error", (e: Error) => e.message);
      expect(failed).toMatch(/Node refused the TLS certificate of the token authority.*NODE_EXTRA_CA_CERTS/);
      expect(failed).not.toMatch(/az login|Timestamp|aka\.ms/);
    });
    expect(Object.keys((await ctx.emulator.control.state()).state.deletedAccounts)).toHaveLength(1);
  });

  it("a preview lookup whose Resource Manager refuses connections stops at once and states its own bound", async () => {
    await seedWorld(ctx.emulator, { deleted: ["refused"] });
    // Port 1 on the loopback: nothing listens there, so every connection is refused.
    await withHost({ ...process.env, AZURE_RESOURCE_MANAGER_ENDPOINT: "https://127.0.0.1:1" }, async (host) => {
      const started = Date.now();
      expect((await preview(host, "refused")).failures).toEqual([]);
      // Well under the 20 s bound: the SDK's retries would have taken all of it.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(host.output).toContain("could not connect to Azure Resource Manager (127.0.0.1:1) (ECONNREFUSED). Preview lookups stop at the first connection failure (and give up after 20 s at most); this does not affect up");
      expect(host.output).not.toMatch(/0\.333|raise timeoutMinutes/);
    });
  });
});
