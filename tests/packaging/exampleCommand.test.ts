import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { readmeFiles, stepTranscript, transcriptBlocks } from "../../scripts/transcripts";

/**
 * Each example through the command its README documents
 * (`npm run example -- <name>`, here its compiled script): packed, installed
 * offline into a copy, and run against the emulator, preview to destroy.
 * Needs `npm run build` and `with-emulator-ca` (the `test:packaging` script).
 * Every README transcript of the example (`<!-- transcript:<example>:<step> -->`) must be what
 * this run printed, masked as `npm run docs:transcripts` masks it (scripts/transcripts.ts).
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
  for (const file of readmeFiles(ROOT)) {
    for (const block of transcriptBlocks(readFileSync(file, "utf8")).filter((b) => b.example === name)) {
      const where = `${relative(ROOT, file)}, transcript ${name}:${block.step} (npm run docs:transcripts -- ${name} rewrites it)`;
      expect({ where, quoted: block.body }).toEqual({ where, quoted: stepTranscript(stdout, block.step) });
    }
  }
}, 180_000);
