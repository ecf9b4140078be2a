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
    ["azure-native:subscriptionId wins over both variables", { AZURE_SUBSCRIPTION_ID: "a", ARM_SUBSCRIPTION_ID: "b" }, { subscriptionId: "c" }, "c"],
    ["then AZURE_SUBSCRIPTION_ID", { AZURE_SUBSCRIPTION_ID: "a" }, {}, "a"],
    ["then ARM_SUBSCRIPTION_ID (the one azure-native reads)", { ARM_SUBSCRIPTION_ID: "b" }, {}, "b"],
    ["both variables, agreeing", { AZURE_SUBSCRIPTION_ID: "a", ARM_SUBSCRIPTION_ID: "a" }, {}, "a"],
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

  it("fails when AZURE_SUBSCRIPTION_ID and ARM_SUBSCRIPTION_ID disagree: this package and azure-native (which reads ARM_) would act in two subscriptions", () => {
    expect(() => defaultSubscriptionId({ AZURE_SUBSCRIPTION_ID: "a", ARM_SUBSCRIPTION_ID: "b" } as NodeJS.ProcessEnv, {})).toThrow(/AZURE_SUBSCRIPTION_ID and ARM_SUBSCRIPTION_ID are both set, to "a" and "b".*two subscriptions.*azure-native:subscriptionId/);
    // The stack config is read first by both, so the variables do not matter then.
    expect(defaultSubscriptionId({ AZURE_SUBSCRIPTION_ID: "a", ARM_SUBSCRIPTION_ID: "b" } as NodeJS.ProcessEnv, { subscriptionId: "c" })).toBe("c");
  });

  it("takes the service principal from stack config, then the AZURE_/ARM_ variables, and fails when the two sets disagree (two identities), without printing a secret", () => {
    const both = { ARM_TENANT_ID: "t-arm", ARM_CLIENT_ID: "c-arm", ARM_CLIENT_SECRET: "s-arm", AZURE_TENANT_ID: "t-az", AZURE_CLIENT_ID: "c-az", AZURE_CLIENT_SECRET: "s-az" } as NodeJS.ProcessEnv;
    expect(() => servicePrincipal(both, {})).toThrow(/AZURE_TENANT_ID and ARM_TENANT_ID are both set, to "t-az" and "t-arm".*two identities/);
    let message = "";
    try {
      servicePrincipal({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s-az", ARM_CLIENT_SECRET: "s-arm" } as NodeJS.ProcessEnv, {});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/AZURE_CLIENT_SECRET and ARM_CLIENT_SECRET are both set, to two different values/);
    expect(message).not.toMatch(/s-az|s-arm/);
    const agreeing = { ARM_TENANT_ID: "t", ARM_CLIENT_ID: "c", ARM_CLIENT_SECRET: "s", AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s" } as NodeJS.ProcessEnv;
    expect(servicePrincipal(agreeing, {})).toMatchObject({ tenantId: "t", clientId: "c", clientSecret: "s" });
    expect(servicePrincipal({ ARM_TENANT_ID: "t-arm", ARM_CLIENT_ID: "c-arm", ARM_CLIENT_SECRET: "s-arm" } as NodeJS.ProcessEnv, {})).toMatchObject({ tenantId: "t-arm", clientId: "c-arm", clientSecret: "s-arm", source: "ARM_TENANT_ID / ARM_CLIENT_ID / ARM_CLIENT_SECRET" });
    expect(servicePrincipal(both, { tenantId: "t-cfg", clientId: "c-cfg", clientSecret: "s-cfg" })).toMatchObject({ tenantId: "t-cfg", clientId: "c-cfg", clientSecret: "s-cfg", source: "azure-native:tenantId / azure-native:clientId / azure-native:clientSecret" });
    // azure-native reads each setting on its own (config, else ARM_): a config client id pairs with ARM_CLIENT_SECRET.
    expect(servicePrincipal({ ARM_TENANT_ID: "t-arm", ARM_CLIENT_SECRET: "s-arm" } as NodeJS.ProcessEnv, { clientId: "c-cfg" })).toMatchObject({ tenantId: "t-arm", clientId: "c-cfg", clientSecret: "s-arm" });
    expect(servicePrincipal({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s" } as NodeJS.ProcessEnv, {})?.source).toMatch(/^AZURE_/);
    expect(servicePrincipal({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c" } as NodeJS.ProcessEnv, {})).toBeUndefined();
  });

  it("refuses a client secret from azure-native's sources without its tenant or client id instead of acting as another identity", () => {
    const env = { ARM_CLIENT_SECRET: "s-arm" } as NodeJS.ProcessEnv;
    expect(() => servicePrincipal(env, {})).toThrow(/client secret is set in ARM_CLIENT_SECRET, but a tenant id \(azure-native:tenantId, AZURE_TENANT_ID or ARM_TENANT_ID\) and a client id \(azure-native:clientId, AZURE_CLIENT_ID or ARM_CLIENT_ID\) are not/);
    expect(() => servicePrincipal({} as NodeJS.ProcessEnv, { clientSecret: "s", clientId: "c" })).toThrow(/azure-native:clientSecret, but a tenant id/);
    let message = "";
    try {
      servicePrincipal(env, {});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain("s-arm");
  });

  it("reads the cloud as azure-native does: azure-native:environment, then ARM_ENVIRONMENT (AZURE_ENVIRONMENT must agree with it)", () => {
    expect(resolveEndpoints({ ARM_ENVIRONMENT: "china" } as NodeJS.ProcessEnv, { environment: "usgovernment" }).resourceManager).toBe("https://management.usgovcloudapi.net");
    expect(resolveEndpoints({ AZURE_ENVIRONMENT: "china" } as NodeJS.ProcessEnv, {}).resourceManager).toBe("https://management.chinacloudapi.cn");
  });
});
