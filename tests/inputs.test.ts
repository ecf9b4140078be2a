import { checkInputs, normalizeLocation, UNKNOWN } from "../provider/inputs";
import { DIFF_TABLE, diffInputs } from "../provider/diff";
import { deletedAccountId, parseDeletedAccountId, vaultNameFromUri } from "../provider/armIds";
import { defaultSubscriptionId, resolveEndpoints, servicePrincipal } from "../provider/settings";
import { BAD_INPUTS } from "./badInputs";

const SUB = "3f2c8a8e-5c1d-4b8e-9a51-6d3e2f1c0b7a";
const GOOD = { accountName: "acct-1", location: "East US", resourceGroupName: "rg-1", subscriptionId: SUB };

describe("check rules (pure)", () => {
  it.each(BAD_INPUTS)("rejects %s, naming the property", (_label, change, property) => {
    const result = checkInputs({ ...GOOD, ...change }, undefined);
    expect(result.failures.map((f) => f.property)).toEqual([property]);
    expect(result.failures[0].reason.startsWith(property)).toBe(true);
    expect(result.allKnown).toBe(false);
  });

  it.each([
    ["minimal name", { accountName: "ab" }],
    ["name of 64", { accountName: "a".repeat(64) }],
    ["name with _ . -", { accountName: "a_b.c-d" }],
    ["group of 90 with ()", { resourceGroupName: "(g)".repeat(30) }],
    ["fractional timeout", { timeoutMinutes: 0.5 }],
    ["24 h timeout", { timeoutMinutes: 1440 }],
    ["upper-case GUID", { subscriptionId: SUB.toUpperCase() }],
  ])("accepts %s", (_label, change) => {
    expect(checkInputs({ ...GOOD, ...change }, undefined).failures).toEqual([]);
  });

  it("normalizes the location and fills defaults, without trimming or coercion", () => {
    const { inputs } = checkInputs({ accountName: "acct", location: "West Europe", resourceGroupName: "rg" }, SUB);
    expect(inputs).toEqual({ accountName: "acct", location: "westeurope", resourceGroupName: "rg", subscriptionId: SUB, purgeOnDestroy: false, timeoutMinutes: 30 });
  });

  it("asks for a subscription when none is given or configured, saying where to set it", () => {
    const { failures } = checkInputs({ accountName: "acct", location: "eastus", resourceGroupName: "rg" }, undefined);
    expect(failures).toEqual([{ property: "subscriptionId", reason: expect.stringContaining("azure-native:subscriptionId") }]);
  });

  it("passes unknown values untouched and marks the inputs not all known", () => {
    const result = checkInputs({ ...GOOD, accountName: UNKNOWN }, undefined);
    expect(result).toMatchObject({ failures: [], allKnown: false, inputs: { accountName: UNKNOWN } });
  });

  it.each([["East US", "eastus"], ["eastus", "eastus"], ["West  Europe", "westeurope"], ["UKSOUTH", "uksouth"]])("normalizes %p to %p", (given, expected) => {
    expect(normalizeLocation(given)).toBe(expected);
  });
});

describe("diff table", () => {
  const olds = { ...GOOD, location: "eastus", purgeOnDestroy: false, timeoutMinutes: 30 };
  it.each(Object.entries(DIFF_TABLE))("%s: %o", (name, rule) => {
    const changed = { ...olds, [name]: name === "subscriptionId" ? "00000000-0000-0000-0000-000000000000" : name === "purgeOnDestroy" ? true : name === "timeoutMinutes" ? 5 : "other" };
    expect(diffInputs(olds, changed)).toEqual({ changes: true, replaces: rule.kind === "replace" ? [name] : [], deleteBeforeReplace: false });
  });
  it("identity fields compare case-insensitively and locations normalized", () => {
    expect(diffInputs(olds, { ...olds, accountName: "ACCT-1", resourceGroupName: "RG-1", location: "East US" })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });
  it("a pending purge forces an in-place update", () => {
    expect(diffInputs(olds, olds, true)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
});

describe("ids", () => {
  it("builds and parses deleted-account ids", () => {
    const c = { subscriptionId: SUB, location: "eastus", resourceGroupName: "rg", accountName: "a1" };
    expect(deletedAccountId(c)).toBe(`/subscriptions/${SUB}/providers/Microsoft.CognitiveServices/locations/eastus/resourceGroups/rg/deletedAccounts/a1`);
    expect(parseDeletedAccountId(deletedAccountId(c))).toEqual(c);
    expect(parseDeletedAccountId("/subscriptions/x/resourceGroups/rg")).toBeUndefined();
  });
  it.each([["https://kv1.vault.azure.net/", "kv1"], ["https://my-vault.vault.usgovcloudapi.net", "my-vault"], ["http://x.vault.azure.net/", undefined]])("vault name of %s", (uri, name) => {
    expect(vaultNameFromUri(uri)).toBe(name);
  });
});

describe("run-time settings", () => {
  it.each([
    ["input wins over everything", { AZURE_SUBSCRIPTION_ID: "a", ARM_SUBSCRIPTION_ID: "b" }, { subscriptionId: "c" }, "c"],
    ["then AZURE_SUBSCRIPTION_ID", { AZURE_SUBSCRIPTION_ID: "a", ARM_SUBSCRIPTION_ID: "b" }, {}, "a"],
    ["then ARM_SUBSCRIPTION_ID", { ARM_SUBSCRIPTION_ID: "b" }, {}, "b"],
    ["none", {}, {}, undefined],
  ])("subscription: %s", (_l, env, stack, expected) => {
    expect(defaultSubscriptionId(env as NodeJS.ProcessEnv, stack)).toBe(expected);
  });

  it.each([
    ["public by default", {}, { resourceManager: "https://management.azure.com", audience: "https://management.azure.com", authorityHost: "https://login.microsoftonline.com", disableInstanceDiscovery: false }],
    ["usgovernment", { ARM_ENVIRONMENT: "usgovernment" }, { resourceManager: "https://management.usgovcloudapi.net", audience: "https://management.usgovcloudapi.net", authorityHost: "https://login.microsoftonline.us", disableInstanceDiscovery: false }],
    ["china", { ARM_ENVIRONMENT: "china" }, { resourceManager: "https://management.chinacloudapi.cn", audience: "https://management.chinacloudapi.cn", authorityHost: "https://login.chinacloudapi.cn", disableInstanceDiscovery: false }],
    ["custom endpoint and authority", { AZURE_RESOURCE_MANAGER_ENDPOINT: "https://127.0.0.1:9/", AZURE_AUTHORITY_HOST: "https://127.0.0.1:9" }, { resourceManager: "https://127.0.0.1:9", audience: "https://management.azure.com", authorityHost: "https://127.0.0.1:9", disableInstanceDiscovery: true }],
    ["explicit audience", { AZURE_RESOURCE_MANAGER_AUDIENCE: "https://management.core.windows.net/" }, { audience: "https://management.core.windows.net" }],
  ])("endpoints: %s", (_l, env, expected) => {
    expect(resolveEndpoints(env as NodeJS.ProcessEnv, {})).toMatchObject(expected);
  });

  it("rejects an unknown cloud name", () => {
    expect(() => resolveEndpoints({ ARM_ENVIRONMENT: "mars" } as NodeJS.ProcessEnv, {})).toThrow(/expected one of public, usgovernment, china/);
  });

  it("takes a complete service principal from stack config, AZURE_ or ARM_ variables, in that order", () => {
    expect(servicePrincipal({ ARM_TENANT_ID: "t", ARM_CLIENT_ID: "c", ARM_CLIENT_SECRET: "s" } as NodeJS.ProcessEnv, {})?.source).toMatch(/^ARM_/);
    expect(servicePrincipal({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c" } as NodeJS.ProcessEnv, {})).toBeUndefined();
    expect(servicePrincipal({} as NodeJS.ProcessEnv, { tenantId: "t", clientId: "c", clientSecret: "s" })?.source).toBe("azure-native stack config");
  });
});
