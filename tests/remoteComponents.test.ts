import { readFileSync } from "node:fs";
import { join } from "node:path";
import { IF_SOFT_DELETED } from "../provider/handlers/softDeletePolicy";
import { ComponentPlugin } from "../harness/engine/remoteComponents";
import { GROUP, seedWorld, useEmulator } from "./harness/emulator";
import { componentPluginFolder, FlowWorld } from "./harness/flows";
import { bindingViolations, metaschemaViolations } from "./harness/packageSchema";
import { firstUpIn, none, withWorld, writes } from "./harness/reclaimWorld";

/**
 * The component package (component/), which gives the package to every Pulumi language, tested through the
 * protocol the engine uses: its plugin started as the nodejs language host runs it, `GetSchema` over gRPC, and flow
 * rows whose program registers the components with `remote: true`, as a Python, Go, .NET, Java or YAML program
 * does, so the engine has the plugin `Construct` them (harness/engine/remoteComponents.ts). The rows are a few of
 * the flow matrix's (tests/reclaimFlows.test.ts, tests/reclaimStates.test.ts, tests/harness/flowRows.ts), held to
 * the same invariants by FlowWorld.up.
 */
const ctx = useEmulator();
jest.setTimeout(240_000);
const ROOT = join(__dirname, "..");

type Schema = {
  name: string;
  version: string;
  resources: Record<string, { isComponent: boolean; inputProperties: Record<string, Record<string, unknown>>; properties: Record<string, Record<string, unknown>>; requiredInputs: string[] }>;
  types: Record<string, { type: string; enum?: { name: string; value: string; description?: string }[]; properties?: Record<string, Record<string, unknown>> }>;
};

describe("the component package's schema, answered by GetSchema", () => {
  let schema: Schema;
  beforeAll(async () => {
    const plugin = await ComponentPlugin.start(componentPluginFolder(), "127.0.0.1:1", process.env);
    try {
      schema = JSON.parse(await plugin.getSchema()) as Schema;
    } finally {
      await plugin.close();
    }
  });

  // `pulumi package add` binds the schema first (pkg/codegen/schema/bind.go bindSpec) and generates no SDK from a
  // schema that fails the metaschema or names unknown required properties; a dangling type reference would give an
  // SDK without that type (see bindingViolations).
  it("passes Pulumi's package metaschema (pulumi.json, vendored) and the binder's reference checks", () => {
    expect(metaschemaViolations(schema)).toEqual([]);
    expect(bindingViolations(schema)).toEqual([]);
  });

  it("is the package cognitive-reclaim at the npm package's version, with the three components", () => {
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    expect({ name: schema.name, version: schema.version }).toEqual({ name: "cognitive-reclaim", version });
    expect(Object.keys(schema.resources).sort()).toEqual(["cognitive-reclaim:index:PurgedDeletedAccount", "cognitive-reclaim:index:ReclaimableAccount", "cognitive-reclaim:index:RecoveredAccount"]);
    for (const resource of Object.values(schema.resources)) expect(resource.isComponent).toBe(true);
  });

  it("describes every input and output, and every field of its object types", () => {
    const undescribed = [
      ...Object.entries(schema.resources).flatMap(([token, r]) =>
        [...Object.entries(r.inputProperties).map(([k, p]) => [`${token} input ${k}`, p] as const), ...Object.entries(r.properties).map(([k, p]) => [`${token} output ${k}`, p] as const)],
      ),
      ...Object.entries(schema.types).flatMap(([token, t]) => Object.entries(t.properties ?? {}).map(([k, p]) => [`${token}.${k}`, p] as const)),
    ].filter(([, p]) => typeof p.description !== "string" || !(p.description as string).trim());
    expect(undescribed.map(([where]) => where)).toEqual([]);
  });

  it("types ReclaimableAccount's arguments: the policy an enum of the package's own values, the account typed", () => {
    const inputs = schema.resources["cognitive-reclaim:index:ReclaimableAccount"].inputProperties;
    expect(inputs.ifSoftDeleted.$ref).toBe("#/types/cognitive-reclaim:index:IfSoftDeleted");
    expect(schema.types["cognitive-reclaim:index:IfSoftDeleted"].enum?.map((e) => e.value)).toEqual([...IF_SOFT_DELETED]);
    expect(inputs.sku.$ref).toBe("#/types/cognitive-reclaim:index:AccountSku");
    expect(schema.types["cognitive-reclaim:index:AccountProperties"].properties?.customSubDomainName).toMatchObject({ type: "string" });
    expect(schema.types["cognitive-reclaim:index:AccountProperties"].properties).not.toHaveProperty("restore");
    expect(schema.resources["cognitive-reclaim:index:ReclaimableAccount"].requiredInputs).toEqual(["accountName", "location", "resourceGroupName"]);
    expect(inputs.timeoutMinutes).toMatchObject({ type: "number" });
  });

  it("the same checks refuse this schema broken where a change to the components could break it (so their silence above means something)", () => {
    const broken = structuredClone(schema) as unknown as Record<string, Record<string, Record<string, unknown>>>;
    const reclaimable = broken.resources["cognitive-reclaim:index:ReclaimableAccount"];
    reclaimable.inputProperties = { x: { $ref: "#/types/cognitive-reclaim:index:Missing" }, y: { type: "array" }, z: { type: "date" } };
    broken.types["not-a-token"] = { type: "object" };
    (broken as Record<string, unknown>).homepageUrl = "x";
    const path = "/resources/cognitive-reclaim:index:ReclaimableAccount";
    expect(metaschemaViolations(broken)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/homepageUrl: property "homepageUrl" is not allowed/),
        expect.stringMatching(/^\/types\/not-a-token: the property name "not-a-token" does not match the pattern/),
        `${path}/inputProperties/y: matches none of the 5 schemas of oneOf (#/$defs/typeSpec/oneOf)`,
        `${path}/inputProperties/z: matches none of the 5 schemas of oneOf (#/$defs/typeSpec/oneOf)`,
      ]),
    );
    expect(bindingViolations(broken)).toEqual(
      expect.arrayContaining([
        `${path}/inputProperties/x/$ref: #/types/cognitive-reclaim:index:Missing names no type of this package`,
        `${path}/requiredInputs/0: names "accountName", which is not among inputProperties`,
      ]),
    );
  });

  it("component/package.json carries the npm package's version and installs that version's tarball", () => {
    const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const component = JSON.parse(readFileSync(join(ROOT, "component", "package.json"), "utf8")) as { version: string; dependencies: Record<string, string> };
    expect(component.version).toBe(root.version);
    expect(component.dependencies["pulumi-cognitive-reclaim"]).toBe(`file:../pulumi-cognitive-reclaim-${root.version}.tgz`);
  });
});

describe("ReclaimableAccount constructed remotely", () => {
  // The failing step is a child the plugin registered: the engine cancels, and the program's remote registration is
  // answered although Construct never returns. (The switch to "purge" afterwards is the Python example's first up.)
  it('ifSoftDeleted "fail": preview and up fail naming the policy, and nothing is written', async () => {
    await withWorld(ctx.emulator, "remoteReclaimable", "soft-deleted", "fail", async (world, name) => {
      expect(await firstUpIn(world, name, "soft-deleted", "fail")).toBe("failed");
    }, false);
  });

  it("a replacement of the account (region change) purges its own predecessor: the hooks bound in the plugin run", async () => {
    await withWorld(ctx.emulator, "remoteReclaimable", "soft-deleted", "recover", async (world, name) => {
      expect(await firstUpIn(world, name, "soft-deleted", "recover")).toBe("converged");
      const { result, events, preview } = await world.up({ config: { location: "westus" } });
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual({ ...none, accountDeletes: [name], purges: [name] });
      expect(preview.output).toMatch(/will be created again: the replacement deletes it first/);
      expect(result.outputs).toMatchObject({ restored: false });
    });
  });
});

describe("PurgedDeletedAccount constructed remotely, guarding a plain azure-native account", () => {
  it("first up purges, then the account is created; deleted out of band, up --refresh purges it and creates the account again", async () => {
    const name = "flow-remoteguarded-0";
    await seedWorld(ctx.emulator, { deleted: [name] });
    const world = await FlowWorld.create(ctx.emulator, "remoteGuarded", { accountName: name, resourceGroupName: GROUP });
    try {
      const first = await world.up();
      expect(first.result.error).toBeUndefined();
      expect(writes(first.events)).toEqual({ ...none, purges: [name] });
      expect(first.events.puts).toEqual([name]);
      expect(first.preview.output).toContain(`up will purge soft-deleted account '${name}'`);
      expect(first.result.outputs).toMatchObject({ purged: true });
      await world.deleteAccountOutOfBand(name);
      const { result, events, preview } = await world.up({ refresh: true });
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual({ ...none, purges: [name] });
      expect(events.puts).toEqual([name]);
      expect(preview.output).toMatch(/refresh found account '[^']+'[^\n]*soft-deleted: up will purge soft-deleted account '[^']+'[^\n]*; a purge is permanent/);
      await world.converges();
    } finally {
      await world.close();
    }
  });
});
