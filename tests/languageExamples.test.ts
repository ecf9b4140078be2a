import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { accountWrites } from "../harness/engine/armLog";
import { FlowStack } from "../harness/engine/flowStack";
import { installBuiltPackage } from "../harness/installPackage";
import { projectName, readExampleWorld, seedExampleWorld, stackConfigOf } from "../scripts/exampleWorld";
import { useEmulator } from "./harness/emulator";
import { componentPluginFolder } from "./harness/flows";

/**
 * The examples for other languages (examples/yaml-reclaimable, examples/python-reclaimable): each example's
 * program is the user's program, and this test drives what Pulumi would send for it through the flow harness. A
 * YAML program's registrations are read from its own Pulumi.yaml; a Python program's from registrations.json beside
 * it (what its generated SDK sends; no Python SDK is installed here), checked against __main__.py's arguments. Both
 * register `cognitive-reclaim:index:ReclaimableAccount` with `remote: true`, and the engine has the component
 * package's plugin construct it. The project folder has the npm package installed, as docs/languages.md asks
 * (pulumi/pulumi#5455: Pulumi starts the dynamic resources' provider host in the program's folder).
 */
const ctx = useEmulator();
jest.setTimeout(240_000);
const ROOT = join(__dirname, "..");

/** The example as a project folder the harness runs: its files, the stand-in for its language host, the package installed. */
function exampleProject(example: string): string {
  const source = join(ROOT, "examples", example);
  const dir = join(ROOT, ".flows", `example-${example}-${process.env.JEST_WORKER_ID ?? "main"}`);
  mkdirSync(dir, { recursive: true });
  for (const file of ["Pulumi.yaml", "registrations.json"]) if (existsSync(join(source, file))) copyFileSync(join(source, file), join(dir, file));
  for (const file of ["declaredProgram.js", "remoteComponent.js"]) copyFileSync(join(ROOT, "dist", "harness", "flows", "programs", file), join(dir, file));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: example, private: true, main: "declaredProgram.js" }, null, 2));
  installBuiltPackage(ROOT, dir);
  return dir;
}

async function runExample(example: string, env: NodeJS.ProcessEnv = {}) {
  const source = join(ROOT, "examples", example);
  // The packages entry `pulumi package add ../../component` wrote names this repository's component package.
  expect(resolve(source, /^\s+cognitive-reclaim:\s*(\S+)\s*$/m.exec(readFileSync(join(source, "Pulumi.yaml"), "utf8"))?.[1] ?? "")).toBe(join(ROOT, "component"));
  const world = readExampleWorld(source);
  await seedExampleWorld(ctx.emulator, world);
  const project = projectName(source);
  const stack = await FlowStack.create({
    project,
    stack: "dev",
    programDir: exampleProject(example),
    env: { ...ctx.emulator.environment, ...env },
    config: { "azure-native:subscriptionId": ctx.emulator.subscriptionId, ...stackConfigOf(world, project) },
    plugins: { "cognitive-reclaim": componentPluginFolder() },
  });
  const seen = (await ctx.emulator.control.requests()).length;
  try {
    const preview = await stack.preview();
    const up = await stack.up();
    const destroy = await stack.destroy();
    const writes = accountWrites((await ctx.emulator.control.requests()).slice(seen)).filter((w) => w.status < 400);
    return { preview, up, destroy, writes: writes.map((w) => `${w.action} ${w.name}`) };
  } finally {
    await stack.close();
  }
}

it("yaml-reclaimable: the YAML program's ReclaimableAccount restores the soft-deleted account; destroy deletes it", async () => {
  const { preview, up, destroy, writes } = await runExample("yaml-reclaimable");
  expect(preview.ok).toBe(true);
  expect(preview.output).toContain("up will restore soft-deleted account 'contoso-ai-yaml'");
  expect(up.error).toBeUndefined();
  expect(up.outputs).toMatchObject({ restored: true, endpoint: expect.stringMatching(/^https:\/\//) });
  expect(destroy.ok).toBe(true);
  expect(writes).toEqual(["restore contoso-ai-yaml", "delete contoso-ai-yaml"]);
});

it("python-reclaimable: the Python program's ReclaimableAccount (ifSoftDeleted PURGE) purges, then creates the account", async () => {
  // registrations.json says what the generated SDK sends for __main__.py: each argument it names is there, in snake_case.
  const main = readFileSync(join(ROOT, "examples", "python-reclaimable", "__main__.py"), "utf8");
  const sent = JSON.parse(readFileSync(join(ROOT, "examples", "python-reclaimable", "registrations.json"), "utf8")) as { resources: { ai: { properties: Record<string, unknown> } } };
  const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  for (const key of Object.keys(sent.resources.ai.properties)) expect(main).toContain(`${snake(key)}=`);
  expect(main).toContain("custom_sub_domain_name=account_name");
  expect(main).toContain("IfSoftDeleted.PURGE");

  const { preview, up, destroy, writes } = await runExample("python-reclaimable", { DECLARED_PROGRAM: "registrations.json" });
  expect(preview.ok).toBe(true);
  expect(preview.output).toMatch(/up will purge soft-deleted account 'contoso-ai-py'[^\n]*permanent/);
  expect(up.error).toBeUndefined();
  expect(up.outputs).toMatchObject({ purged: true });
  expect(destroy.ok).toBe(true);
  expect(writes).toEqual(["purge contoso-ai-py", "create contoso-ai-py", "delete contoso-ai-py"]);
});
