import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { startEmulator } from "../emulator/server";
import { projectName, readExampleWorld, seedExampleWorld, stackConfigOf } from "./exampleWorld";
import { installPacked, packPackage } from "./packedInstall";
import { runStack, type StackRun } from "./runStack";

/**
 * `npm run example -- <example>` (or `-- <path to your program>`): a Pulumi
 * program run as a user runs it, offline, against the emulator.
 *
 * 1. The package is packed (`npm pack`), and the program folder is copied to a
 *    temporary folder and installed from that tarball with `npm ci --offline`
 *    (a lockfile cut from this repository's: no registry needed).
 * 2. The emulator starts and is seeded from the program's `emulator.json`.
 * 3. `runStack` runs preview, up, refresh and destroy, and prints each step.
 *
 * `--keep` leaves the installed copy in place (to run it again, or with the
 * Pulumi CLI). Needs `npm run build` (the npm script does it).
 */

const ROOT = resolve(__dirname, "..", "..");

function usage(problem: string): never {
  const examples = readdirSync(join(ROOT, "examples"), { withFileTypes: true }).filter((e) => e.isDirectory() && existsSync(join(ROOT, "examples", e.name, "package.json")));
  throw new Error(`${problem}\nusage: npm run example -- <example or program folder> [--keep]\nexamples: ${examples.map((e) => e.name).join(", ")}`);
}

async function main(args: string[]): Promise<void> {
  const keep = args.includes("--keep");
  const target = args.filter((a) => a !== "--keep");
  if (target.length !== 1) usage(`expected one example name or program folder, got ${JSON.stringify(target)}`);
  const source = existsSync(join(ROOT, "examples", target[0], "Pulumi.yaml")) ? join(ROOT, "examples", target[0]) : resolve(target[0]);
  if (!existsSync(join(source, "Pulumi.yaml"))) usage(`'${target[0]}' is neither an example nor a folder with a Pulumi.yaml`);
  if (!existsSync(join(source, "package.json"))) usage(`'${target[0]}' is not a Node.js program (no package.json): programs of other languages use the component package, see docs/languages.md`);
  const example = readExampleWorld(source);
  const project = projectName(source);

  const started = Date.now();
  const folder = mkdtempSync(join(tmpdir(), `reclaim-${basename(source)}-`));
  try {
    console.log(`== install: ${source} copied to ${folder}, the package packed and installed from its tarball (offline)`);
    cpSync(source, folder, { recursive: true, filter: (path) => !path.includes("node_modules") });
    const packed = packPackage(ROOT, folder, "pulumi-cognitive-reclaim.tgz");
    installPacked(ROOT, folder, packed);
    console.log(`   installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const emulator = await startEmulator();
    try {
      await seedExampleWorld(emulator, example);
      const run: StackRun = { folder, project, stack: "emulator", config: stackConfigOf(example, project), emulator };
      await runStack(run);
    } finally {
      await emulator.stop();
    }
    console.log(`\n${basename(source)}: preview, up, refresh and destroy succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (keep) console.log(`kept the installed program in ${folder}`);
    else rmSync(folder, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`\nFAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
