import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * Each example through the command its README documents
 * (`npm run example -- <name>`, here its compiled script): packed, installed
 * offline into a copy, and run against the emulator, preview to destroy.
 * Needs `npm run build` and `with-emulator-ca` (the `test:packaging` script).
 */
const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
// The Node.js examples; those of other languages (no package.json) go through the component package and are run by tests/languageExamples.test.ts.
const EXAMPLES = readdirSync(join(ROOT, "examples"), { withFileTypes: true }).filter((e) => e.isDirectory() && existsSync(join(ROOT, "examples", e.name, "package.json"))).map((e) => e.name);

it("there are examples to run", () => {
  expect(EXAMPLES.length).toBeGreaterThanOrEqual(4);
});

it.each(EXAMPLES)("npm run example -- %s: preview, up, refresh and destroy succeed offline", async (name) => {
  const { stdout } = await run(process.execPath, [join(ROOT, "dist", "scripts", "runExample.js"), name], {
    cwd: ROOT,
    env: { ...process.env, npm_config_offline: "true" },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`npm run example -- ${name} failed:\n${error.stdout ?? ""}\n${error.stderr ?? error.message}`);
  });
  for (const step of ["== pulumi preview", "== pulumi up", "== pulumi refresh", "== pulumi destroy"]) expect(stdout).toContain(step);
  expect(stdout).toContain(`${name}: preview, up, refresh and destroy succeeded`);
}, 180_000);
