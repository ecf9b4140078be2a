import { AzureNativeStandIn } from "../harness/azureNativeStandIn";
import { revealSecrets } from "../harness/engine/values";
import { runProgram } from "../harness/program";
import { ProviderHost } from "../harness/providerHost";
import { EngineResource, urnOf } from "../harness/stack";
import { ReclaimableAccount } from "../provider";
import type { IfSoftDeleted } from "../provider/softDeletePolicy";
import { GROUP, seedWorld, useEmulator } from "./harness/emulator";

/**
 * ReclaimableAccount in every state of the name (free, soft-deleted here,
 * live and managed by this stack) under every policy. The program runs under
 * setMocks; the policy's serialized provider runs in Pulumi's provider host;
 * the azure-native account is sent as azure-native would send it (the stand-in),
 * with the inputs the component computed from the policy's real outputs.
 */
const ctx = useEmulator();
const COMPONENT = "cognitive-reclaim:index:ReclaimableAccount";
const POLICY = "pulumi-nodejs:dynamic/cognitive-reclaim:SoftDeletePolicy";
const ACCOUNT = "azure-native:cognitiveservices:Account";
let host: ProviderHost;
beforeAll(async () => {
  host = await ProviderHost.start();
  await host.configure();
});
afterAll(async () => host?.stop());

type NameState = "free" | "soft-deleted" | "live";

async function program(name: string, policy: IfSoftDeleted, policyOutputs?: Record<string, unknown>) {
  const registered = await runProgram(
    () => ({
      a: new ReclaimableAccount("ai", {
        accountName: name, location: "East US", resourceGroupName: GROUP, kind: "OpenAI", sku: { name: "S0" },
        properties: { customSubDomainName: name }, ifSoftDeleted: policy, purgeOnDestroy: true,
      }),
    }),
    { allowedTypes: [COMPONENT, POLICY, ACCOUNT], outputs: policyOutputs ? { [POLICY]: policyOutputs } : undefined },
  );
  const byType = (t: string) => registered.find((r) => r.type === t)!;
  return { policy: byType(POLICY), account: byType(ACCOUNT), types: registered.map((r) => r.type) };
}

/** `pulumi up` of the component: the policy through the host, then the account as azure-native sends it. */
async function up(name: string, policy: IfSoftDeleted, existing?: EngineResource) {
  const first = await program(name, policy);
  const resource = existing ?? new EngineResource(host, urnOf(POLICY, "ai-soft-delete-policy"), first.policy.inputs);
  const mark = host.output.length;
  const preview = await resource.preview(first.policy.inputs);
  if (preview.failures.length) return { resource, preview, line: "", failed: preview.failures[0].reason };
  const action = await resource.up(first.policy.inputs);
  const line = host.output.slice(mark).split("\n").find((l) => l.includes("ReclaimableAccount:")) ?? "";
  const second = await program(name, policy, resource.outputs);
  const azure = new AzureNativeStandIn(ctx.emulator);
  const inputs = second.account.inputs as { accountName: string; resourceGroupName: string; location: string; kind: string; sku: { name: string }; properties: Record<string, unknown> };
  const put = action === "create" ? await azure.putAccount(inputs) : undefined;
  return { resource, preview, line, action, accountInputs: inputs, put, azure, types: second.types };
}

const STATES: NameState[] = ["free", "soft-deleted", "live"];
const POLICIES: IfSoftDeleted[] = ["recover", "purge", "fail"];
const COMBOS = STATES.flatMap((state) => POLICIES.map((policy) => [state, policy] as const));

it.each(COMBOS)("name %s, ifSoftDeleted %s: preview says the path, up works (or fails as asked), destroy cleans up", async (state, policy) => {
  const name = `ra-${state.replace("-", "")}-${policy}`;
  await seedWorld(ctx.emulator, { deleted: state === "soft-deleted" ? [name] : [] });
  const before = (await ctx.emulator.control.state()).state;
  const internalIdBefore = Object.values(before.deletedAccounts)[0]?.account.properties.internalId;

  let managed: EngineResource | undefined;
  let firstAccountInputs: unknown;
  if (state === "live") {
    // Already managed by this stack: a first up created the policy and the account.
    const first = await up(name, policy);
    expect(first.put?.endpoint).toBe(`https://${name}.cognitiveservices.azure.com/`);
    managed = first.resource;
    firstAccountInputs = first.accountInputs;
    await ctx.emulator.control.clearRequests();
  }

  const result = await up(name, policy, managed);

  if (state === "soft-deleted" && policy === "fail") {
    expect(result.failed).toContain(`account '${name}' in resource group '${GROUP}' (eastus) is soft-deleted`);
    expect(result.failed).toContain('ifSoftDeleted: "recover"');
    expect(result.failed).toContain('ifSoftDeleted: "purge"');
    expect((await ctx.emulator.control.requests()).filter((r) => r.method !== "GET")).toEqual([]);
    return;
  }
  expect(result.failed).toBeUndefined();
  expect(result.types).toEqual([COMPONENT, POLICY, ACCOUNT]);

  if (state === "live") {
    // The second up changes nothing: no diff on the policy, and the account's inputs (restore flag included) are as before.
    expect(result.action).toBe("same");
    expect(result.accountInputs).toEqual(firstAccountInputs);
    expect((await ctx.emulator.control.requests()).filter((r) => r.method !== "GET")).toEqual([]);
  } else {
    expect(result.line).toContain(
      state === "free" ? `name is free: up will create account '${name}'` : policy === "recover" ? `up will restore soft-deleted account '${name}'` : `up will purge soft-deleted account '${name}'`,
    );
    expect(result.put?.endpoint).toBe(`https://${name}.cognitiveservices.azure.com/`);
    const restored = state === "soft-deleted" && policy === "recover";
    expect(result.resource.outputs).toMatchObject({ found: state, restore: restored, purged: state === "soft-deleted" && policy === "purge" });
    expect(result.accountInputs!.properties.restore).toBe(restored ? true : undefined);
    const live = Object.values((await ctx.emulator.control.state()).state.accounts).find((a) => a.name === name)!;
    if (restored) expect(live.properties.internalId).toBe(internalIdBefore); // the same account back: keys, endpoint, data
    else if (state === "soft-deleted") expect(live.properties.internalId).not.toBe(internalIdBefore);
  }

  // destroy: the account (azure-native deletes it: soft-deleted), then the policy (purgeOnDestroy purges it).
  await result.azure!.deleteAccount(GROUP, name);
  // pulumi destroy runs in a provider process of its own.
  const destroyHost = await ProviderHost.start();
  try {
    await destroyHost.configure();
    await result.resource.destroy(destroyHost);
  } finally {
    await destroyHost.stop();
  }
  const after = (await ctx.emulator.control.state()).state;
  expect(Object.values(after.accounts).map((a) => a.name)).toEqual([]);
  expect(Object.values(after.deletedAccounts).map((d) => d.account.name)).toEqual([]);
});

it("rejects an unknown policy at check, before any request", async () => {
  const { policy } = await program("ra-bad", "recover");
  await ctx.emulator.control.clearRequests();
  // As the engine sends them to a host that accepts no secrets: the fingerprint is a secret.
  const checked = await host.check(urnOf(POLICY, "x"), {}, { ...(revealSecrets(policy.inputs) as Record<string, unknown>), ifSoftDeleted: "restore" });
  expect(checked.failures).toEqual([{ property: "ifSoftDeleted", reason: 'ifSoftDeleted must be one of "recover", "purge", "fail", got "restore"' }]);
  expect(await ctx.emulator.control.requests()).toEqual([]);
});

it("recover refuses when a prerequisite is unmet (the group is gone)", async () => {
  await seedWorld(ctx.emulator, { deleted: ["ra-orphan"], group: false });
  const { policy } = await program("ra-orphan", "recover");
  const checked = await host.check(urnOf(POLICY, "y"), {}, revealSecrets(policy.inputs) as Record<string, unknown>);
  expect(checked.failures[0].reason).toContain("recreate it");
});
