import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { AGAIN } from "./runStack";

/**
 * The transcripts quoted in the READMEs, generated from real runs so they cannot drift.
 *
 * A README quotes a step of an example's run between markers:
 *
 *     <!-- transcript:purge-before-recreate:preview -->
 *     ```text
 *     …what `npm run example -- purge-before-recreate` printed for `pulumi preview`…
 *     ```
 *     <!-- /transcript -->
 *
 * `npm run docs:transcripts` runs each example named by a marker through `npm run example`'s own
 * script (packed, installed offline, run against the emulator) and rewrites the blocks;
 * `tests/packaging/exampleCommand.test.ts` runs the same script and fails when a block differs
 * from what the run prints now; `tests/transcripts.test.ts` fails when a README quotes run output
 * outside the markers. Both sides mask what changes from run to run with {@link maskVolatile}.
 */

/** The steps a marker may name, and the title `runStack` prints above each. */
export const TRANSCRIPT_STEPS: Record<string, string> = {
  preview: "pulumi preview",
  up: "pulumi up",
  "up-again": AGAIN,
  refresh: "pulumi refresh",
  destroy: "pulumi destroy",
};

/** One quoted transcript in a README. */
export interface TranscriptBlock {
  example: string;
  step: string;
  /** The quoted text, without the fence. */
  body: string;
}

const BLOCK = /<!-- transcript:([\w.-]+):([\w-]+) -->\n```text\n([\s\S]*?)```\n<!-- \/transcript -->/g;

/** The READMEs that may quote transcripts: the repository's and each example's. */
export function readmeFiles(root: string): string[] {
  const examples = join(root, "examples");
  const inExamples = readdirSync(examples, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(examples, e.name, "README.md")))
    .map((e) => join(examples, e.name, "README.md"));
  return [join(root, "README.md"), ...inExamples];
}

/** The transcript blocks of a README's text, in order. */
export function transcriptBlocks(text: string): TranscriptBlock[] {
  return [...text.matchAll(BLOCK)].map((m) => ({ example: m[1], step: m[2], body: m[3] }));
}

/** The text with each block's body replaced by `bodyOf(block)`. */
export function withTranscripts(text: string, bodyOf: (block: TranscriptBlock) => string): string {
  return text.replace(BLOCK, (_all, example: string, step: string, body: string) => {
    const fresh = bodyOf({ example, step, body });
    return `<!-- transcript:${example}:${step} -->\n\`\`\`text\n${fresh.endsWith("\n") ? fresh : `${fresh}\n`}\`\`\`\n<!-- /transcript -->`;
  });
}

/**
 * What differs between two runs of the same example, masked: times and dates, durations, GUIDs
 * (subscription, tenant, etags), 32-hex ids (`internalId`), and each stack output longer than a
 * line (whole resources: their JSON carries all of the above), shown as `…`.
 */
export function maskVolatile(text: string): string {
  let inOutputs = false;
  return text
    .split("\n")
    .map((line) => {
      if (line === "Outputs:") inOutputs = true;
      else if (line === "Resources:") inOutputs = false;
      const long = inOutputs && /^ {4}[\w$]+: .{80,}$/.exec(line);
      if (long) return line.replace(/^( {4}[\w$]+: ).*$/, "$1…");
      return line
        .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?/g, "<time>")
        .replace(/\b(done in|in|after|took) \d+(?:\.\d+)? s\b/g, "$1 <n> s")
        .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<guid>")
        .replace(/\b[0-9a-f]{32}\b/g, "<id>");
    })
    .join("\n");
}

/** The part of a `runStack` output that one step printed (its title line excluded), masked, without trailing blank lines. */
export function stepTranscript(output: string, step: string): string {
  const title = TRANSCRIPT_STEPS[step];
  if (!title) throw new Error(`unknown transcript step '${step}': use one of ${Object.keys(TRANSCRIPT_STEPS).join(", ")}`);
  const header = `\n== ${title}\n`;
  const start = output.indexOf(header);
  if (start < 0) throw new Error(`the run printed no '== ${title}' step`);
  const from = start + header.length;
  const next = output.indexOf("\n== ", from);
  const section = output.slice(from, next < 0 ? undefined : next);
  // The run's closing line ("<example>: preview, up, … succeeded in 25.0 s") follows the last step.
  const body = section.replace(/\n[\w.-]+: preview, up, refresh and destroy succeeded in [\s\S]*$/, "");
  return `${maskVolatile(body).replace(/\s+$/, "")}\n`;
}

/** The example's run through `npm run example`'s compiled script, as its stdout (throws with the output on failure). */
export function runExampleForTranscripts(root: string, example: string): string {
  try {
    return execFileSync(process.execPath, [join(root, "dist", "scripts", "runExample.js"), example], {
      cwd: root,
      env: { ...process.env, npm_config_offline: "true" },
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm run example -- ${example} failed:\n${failed.stdout ?? ""}\n${failed.stderr ?? failed.message}`);
  }
}

/** `npm run docs:transcripts [example…]`: runs each example the READMEs quote (or those named) once and rewrites its blocks. */
function main(args: string[]): void {
  const root = resolve(__dirname, "..", "..");
  const files = readmeFiles(root);
  const quoted = new Set(files.flatMap((f) => transcriptBlocks(readFileSync(f, "utf8")).map((b) => b.example)));
  const chosen = args.length ? args : [...quoted].sort();
  for (const name of chosen) if (!quoted.has(name)) throw new Error(`no README quotes example '${name}' (quoted: ${[...quoted].sort().join(", ")})`);
  const outputs = new Map<string, string>();
  for (const name of chosen) {
    console.log(`running ${name} …`);
    outputs.set(name, runExampleForTranscripts(root, name));
  }
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const next = withTranscripts(text, (b) => (outputs.has(b.example) ? stepTranscript(outputs.get(b.example)!, b.step) : b.body));
    if (next !== text) {
      writeFileSync(file, next);
      console.log(`updated ${relative(root, file)}`);
    } else console.log(`unchanged ${relative(root, file)}`);
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`\nFAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
