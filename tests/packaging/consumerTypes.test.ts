import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { installPacked, packPackage, type PackedPackage } from "../../scripts/packedInstall";

/**
 * The shipped typings as a user's compiler sees them: the package packed with
 * `npm pack`, installed from the tarball into two fresh projects (one without
 * `@pulumi/azure-native`, one with it), and a consumer program type-checked
 * with `skipLibCheck: false`, so every `.d.ts` the package ships is checked.
 * Needs `npm run build` (the `test:packaging` script does it).
 */
const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const TSC = require.resolve("typescript/bin/tsc", { paths: [ROOT] });

let scratch: string;
let packed: PackedPackage;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "reclaim-consumer-types-"));
  packed = packPackage(ROOT, scratch);
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs our TypeScript on `consumer.ts` in `project`; resolves to its diagnostics, one a line (empty when it compiles). */
async function typeCheck(project: string, moduleOptions: { module: string; moduleResolution: string }): Promise<string> {
  const tsconfig = {
    compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, target: "ES2022", ...moduleOptions, types: ["node"] },
    files: ["consumer.ts"],
  };
  const name = `tsconfig.${moduleOptions.moduleResolution}.json`;
  writeFileSync(join(project, name), JSON.stringify(tsconfig, null, 2));
  try {
    await run(process.execPath, [TSC, "-p", name, "--pretty", "false"], { cwd: project });
    return "";
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ""}${stderr ?? ""}`.trim() || String(error);
  }
}

/** A project with the packed package and `others`, holding the consumer program `fixture` as `consumer.ts`. */
function consumerProject(name: string, others: string[], fixture: string): string {
  const project = join(scratch, name);
  installPacked(ROOT, project, packed, others);
  copyFileSync(join(__dirname, "consumers", fixture), join(project, "consumer.ts"));
  return project;
}

it("a project without @pulumi/azure-native compiles against the packed typings (commonjs and node16 resolution)", async () => {
  const project = consumerProject("without-azure-native", ["@pulumi/pulumi", "@types/node"], "withoutAzureNative.ts");
  const [commonjs, node16] = await Promise.all([
    typeCheck(project, { module: "commonjs", moduleResolution: "node10" }),
    typeCheck(project, { module: "node16", moduleResolution: "node16" }),
  ]);
  // The diagnostics are the failure message: each names the .d.ts file and the missing module or type.
  expect({ commonjs, node16 }).toEqual({ commonjs: "", node16: "" });
}, 180_000);

it("a project with @pulumi/azure-native compiles against the packed typings, with one copy of @pulumi/pulumi", async () => {
  const project = consumerProject("with-azure-native", ["@pulumi/pulumi", "@pulumi/azure-native", "@types/node"], "withAzureNative.ts");
  expect(await typeCheck(project, { module: "commonjs", moduleResolution: "node10" })).toBe("");
  // The SDK is a peer: the package and azure-native share the project's copy.
  const { stdout } = await run("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], { cwd: project });
  expect(stdout.trim().split("\n")).toEqual([join(project, "node_modules", "@pulumi", "pulumi")]);
}, 180_000);
