import { join } from "node:path";
import { GROUP, seedWorld, useEmulator } from "./harness/emulator";
import { installBuiltPackage } from "../harness/installPackage";
import { runProgram, type RegisteredResource } from "../harness/program";
import { ProviderHost } from "../harness/providerHost";
import { EngineResource, urnOf } from "../harness/stack";

/**
 * Each example as a user runs it: the built package installed into the
 * example's node_modules, the program run under setMocks, and its dynamic
 * resources' serialized providers run by Pulumi's provider host (started in
 * the example's folder) against the emulator: preview, up, refresh, destroy.
 */
const ctx = useEmulator();
const ROOT = join(__dirname, "..");
const GUARD = "pulumi-nodejs:dynamic/cognitive-reclaim:PurgedDeletedAccount";
const RECOVERED = "pulumi-nodejs:dynamic/cognitive-reclaim:RecoveredAccount";

async function runExample(name: string, config: Record<string, string>, allowedTypes: string[], outputs?: Record<string, Record<string, unknown>>) {
  const dir = join(ROOT, "examples", name);
  installBuiltPackage(ROOT, dir);
  const project = `reclaim-${name}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a Pulumi program is loaded by require, as the language host does
  const registered = await runProgram(() => require(join(dir, "index.ts")), {
    project,
    config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project}:${k}`, v])),
    allowedTypes,
    outputs,
  });
  const host = await ProviderHost.start({ cwd: dir });
  await host.configure();
  const engine = (r: RegisteredResource) => new EngineResource(host, urnOf(r.type, r.name, "test", project), r.inputs);
  return { registered, host, engine };
}

it("purge-before-recreate: the guard precedes the account, purges, and purges on destroy when throwaway", async () => {
  await seedWorld(ctx.emulator, { deleted: ["contoso-ai"] });
  const { registered, host, engine } = await runExample("purge-before-recreate", { accountName: "contoso-ai", resourceGroupName: GROUP, throwaway: "true" }, [
    GUARD, "azure-native:resources:ResourceGroup", "azure-native:cognitiveservices:Account",
  ]);
  try {
    expect(registered.map((r) => r.type)).toEqual(["azure-native:resources:ResourceGroup", GUARD, "azure-native:cognitiveservices:Account"]);
    const guardRegistration = registered.find((r) => r.type === GUARD)!;
    // Installed from node_modules, the package's modules are required by name, not copied.
    // The stored code requires only the package's stable entry: `pulumi-cognitive-reclaim/runtime` where the
    // serializer can read the package's exports map (the SDK beside the package, as in a user's project), or
    // the file it maps to (here the SDK is hoisted above the example); both paths are kept stable.
    const required = [...String(guardRegistration.inputs.__provider).matchAll(/require\("(pulumi-cognitive-reclaim[^"]*)"\)/g)].map((m) => m[1]);
    expect(required.length).toBe(1);
    expect(["pulumi-cognitive-reclaim/runtime", "pulumi-cognitive-reclaim/dist/provider/runtime.js"]).toContain(required[0]);
    const guard = engine(guardRegistration);
    expect((await guard.preview()).failures).toEqual([]);
    await host.waitForOutput("up will purge soft-deleted account 'contoso-ai'");
    await guard.up();
    expect(guard.outputs).toMatchObject({ purged: true, purgeOnDestroy: true });
    expect(await guard.refresh()).toBe(true);
    await seedWorld(ctx.emulator, { deleted: ["contoso-ai"] }); // the account was destroyed after the guard was created
    await guard.destroy();
    expect((await ctx.emulator.control.state()).state.deletedAccounts).toEqual({});
  } finally {
    await host.stop();
  }
});

it("recover-in-deployment: restores the account and hands its endpoint to the web app", async () => {
  await seedWorld(ctx.emulator, { deleted: ["contoso-ai"] });
  const { registered, host, engine } = await runExample(
    "recover-in-deployment",
    { accountName: "contoso-ai", resourceGroupName: GROUP, webAppName: "contoso-web" },
    [RECOVERED, "azure-native:web:WebAppApplicationSettings"],
    { [RECOVERED]: { endpoint: "https://contoso-ai.cognitiveservices.azure.com/" } },
  );
  try {
    const settings = registered.find((r) => r.type === "azure-native:web:WebAppApplicationSettings")!;
    expect(settings.inputs).toMatchObject({ name: "contoso-web", properties: { AZURE_OPENAI_ENDPOINT: "https://contoso-ai.cognitiveservices.azure.com/" } });
    const recovered = engine(registered.find((r) => r.type === RECOVERED)!);
    expect((await recovered.preview()).failures).toEqual([]);
    await host.waitForOutput("up will restore soft-deleted account 'contoso-ai'");
    await recovered.up();
    expect(recovered.outputs).toMatchObject({ restored: true, endpoint: "https://contoso-ai.cognitiveservices.azure.com/" });
    expect(await recovered.refresh()).toBe(true);
    // pulumi destroy runs in a provider process of its own.
    const destroyHost = await ProviderHost.start({ cwd: join(ROOT, "examples", "recover-in-deployment") });
    try {
      await destroyHost.configure();
      await recovered.destroy(destroyHost);
    } finally {
      await destroyHost.stop();
    }
    const { state } = await ctx.emulator.control.state();
    expect(Object.keys(state.accounts)).toEqual([]);
    expect(Object.values(state.deletedAccounts).map((d) => d.account.name)).toEqual(["contoso-ai"]); // recoverable again
  } finally {
    await host.stop();
  }
});

it("bulk-clean: one guard per soft-deleted account of the group, each purged", async () => {
  await seedWorld(ctx.emulator, { deleted: ["old-1", "old-2", "old-3"] });
  await ctx.emulator.control.seed({ deletedAccounts: [{ subscriptionId: ctx.emulator.subscriptionId, resourceGroupName: "rg-keep", name: "other", location: "westus" }] });
  const { registered, host, engine } = await runExample("bulk-clean", { resourceGroupName: GROUP }, [GUARD]);
  try {
    expect(registered.map((r) => r.name).sort()).toEqual(["purge-old-1", "purge-old-2", "purge-old-3"]);
    for (const r of registered) {
      const guard = engine(r);
      expect((await guard.preview()).failures).toEqual([]);
      await guard.up();
      expect(guard.outputs.purged).toBe(true);
      expect(await guard.refresh()).toBe(true);
      await guard.destroy();
    }
    const left = Object.values((await ctx.emulator.control.state()).state.deletedAccounts).map((d) => d.account.name);
    expect(left).toEqual(["other"]);
  } finally {
    await host.stop();
  }
});

it("reclaimable-account: a soft-deleted name is recovered through azure-native's restore flag", async () => {
  await seedWorld(ctx.emulator, { deleted: ["contoso-ai"] });
  const POLICY = "pulumi-nodejs:dynamic/cognitive-reclaim:SoftDeletePolicy";
  const types = ["cognitive-reclaim:index:ReclaimableAccount", POLICY, "azure-native:cognitiveservices:Account"];
  const { registered, host, engine } = await runExample("reclaimable-account", { accountName: "contoso-ai", resourceGroupName: GROUP }, types, { [POLICY]: { restore: true } });
  try {
    expect(registered.map((r) => r.type)).toEqual(types);
    const account = registered.find((r) => r.type === "azure-native:cognitiveservices:Account")!;
    expect(account.inputs).toMatchObject({ accountName: "contoso-ai", properties: { customSubDomainName: "contoso-ai", restore: true } });
    const policy = engine(registered.find((r) => r.type === POLICY)!);
    expect((await policy.preview()).failures).toEqual([]);
    await host.waitForOutput("ReclaimableAccount: up will restore soft-deleted account 'contoso-ai'");
    await policy.up();
    expect(policy.outputs).toMatchObject({ found: "soft-deleted", restore: true, ifSoftDeleted: "recover" });
    expect(await policy.refresh()).toBe(true);
    await policy.destroy();
  } finally {
    await host.stop();
  }
});
