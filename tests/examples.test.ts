import { join } from "node:path";
import { GROUP, seedWorld, useEmulator } from "./harness/emulator";
import { installBuiltPackage } from "../harness/installPackage";
import { runProgram, type RegisteredResource } from "../harness/program";
import { ProviderHost, urnOf } from "../harness/providerHost";
import { checkThenCreate, outputsOf, plain } from "./harness/providerCalls";

/**
 * Each example as a user runs it: the built package installed into the
 * example's node_modules, the program run under setMocks, and its dynamic
 * resources' serialized providers run by Pulumi's provider host (started in
 * the example's folder) against the emulator: the calls preview, up, refresh
 * and destroy send (Check; Check and Create; Read; Delete). The
 * reclaimable-account and reclaim-all-accounts examples run whole through the
 * flow harness in tests/exampleFlows.test.ts.
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
  return { registered, host, calls: lifecycle(host, project) };
}

/** The provider calls of one new resource's life, in `host`, each answering what the test asserts on. */
function lifecycle(host: ProviderHost, project: string) {
  return (r: RegisteredResource) => {
    const urn = urnOf(r.type, r.name, "test", project);
    let id = "";
    let state: Record<string, unknown> = {};
    return {
      get outputs() {
        return outputsOf(state);
      },
      /** `pulumi preview` of a new resource: Check with no olds. */
      preview: () => host.check(urn, {}, plain(r.inputs)),
      /** `pulumi up` of a new resource: Check, then Create. */
      up: async () => {
        ({ id, state } = await checkThenCreate(host, urn, r.inputs));
      },
      /** `pulumi refresh`: Read; false when the provider says it is gone. */
      refresh: async () => {
        const read = await host.read(id, urn, state, plain(r.inputs));
        if (read.id) state = read.properties;
        return Boolean(read.id);
      },
      /** `pulumi destroy`: Delete, in `on` (the engine runs a destroy in a provider process of its own). */
      destroy: (on: ProviderHost = host) => on.delete(id, urn, state),
    };
  };
}

it("purge-before-recreate: the guard precedes the account, purges, and purges on destroy when throwaway", async () => {
  await seedWorld(ctx.emulator, { deleted: ["contoso-ai"] });
  const { registered, host, calls } = await runExample("purge-before-recreate", { accountName: "contoso-ai", resourceGroupName: GROUP, throwaway: "true" }, [
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
    const guard = calls(guardRegistration);
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
  const { registered, host, calls } = await runExample(
    "recover-in-deployment",
    { accountName: "contoso-ai", resourceGroupName: GROUP, webAppName: "contoso-web" },
    [RECOVERED, "azure-native:web:WebAppApplicationSettings"],
    { [RECOVERED]: { endpoint: "https://contoso-ai.cognitiveservices.azure.com/" } },
  );
  try {
    const settings = registered.find((r) => r.type === "azure-native:web:WebAppApplicationSettings")!;
    expect(settings.inputs).toMatchObject({ name: "contoso-web", properties: { AZURE_OPENAI_ENDPOINT: "https://contoso-ai.cognitiveservices.azure.com/" } });
    const recovered = calls(registered.find((r) => r.type === RECOVERED)!);
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
  const { registered, host, calls } = await runExample("bulk-clean", { resourceGroupName: GROUP }, [GUARD]);
  try {
    expect(registered.map((r) => r.name).sort()).toEqual(["purge-old-1", "purge-old-2", "purge-old-3"]);
    for (const r of registered) {
      const guard = calls(r);
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

// reclaimable-account: played whole (preview, up, an up that must change nothing, refresh, destroy) in
// tests/exampleFlows.test.ts, which asserts the restore ARM made and the `restored` stack output.
