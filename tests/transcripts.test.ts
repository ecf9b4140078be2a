import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { maskVolatile, readmeFiles, stepTranscript, TRANSCRIPT_STEPS, transcriptBlocks, withTranscripts } from "../scripts/transcripts";

/**
 * The READMEs quote run output only as generated transcripts (scripts/transcripts.ts): the
 * packaging test runs each example and compares the blocks; this suite, fast, checks that no
 * README quotes run output outside the markers and that every marker names a real example and step.
 */
const ROOT = join(__dirname, "..");
const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
/** What only a run prints: a step line's header, a diagnostic of the package, the summary. */
const RUN_OUTPUT = /\[pulumi-cognitive-reclaim\]|\bup will\b|nothing to recover|^(Previewing update|Updating|Refreshing|Destroying) \(|^Resources:$|^ {4}[+~-] \d+ (to )?(create|update|delete)/m;

it.each(readmeFiles(ROOT).map((f) => relative(ROOT, f)))("%s quotes run output only inside generated transcript blocks", (file) => {
  const text = readFileSync(join(ROOT, file), "utf8");
  const outside = withTranscripts(text, () => "(generated)\n");
  const quoted = [...outside.matchAll(fence)].filter((m) => m[1] !== "ts" && m[1] !== "sh" && RUN_OUTPUT.test(m[2])).map((m) => m[2]);
  expect(quoted).toEqual([]);
  for (const block of transcriptBlocks(text)) {
    expect({ block: `${block.example}:${block.step}`, example: existsSync(join(ROOT, "examples", block.example, "Pulumi.yaml")), step: block.step in TRANSCRIPT_STEPS }).toEqual({
      block: `${block.example}:${block.step}`, example: true, step: true,
    });
  }
});

it("the README quotes transcripts, and so does each example's README", () => {
  const quoting = readmeFiles(ROOT).filter((f) => transcriptBlocks(readFileSync(f, "utf8")).length).map((f) => relative(ROOT, f));
  expect(quoting).toContain("README.md");
  expect(quoting.filter((f) => f.startsWith("examples/")).length).toBeGreaterThanOrEqual(4);
});

it("masks what differs between runs, the same way for the generator and the test", () => {
  const run = [
    "== pulumi preview",
    "Previewing update (emulator):",
    " +  pulumi-nodejs:dynamic/cognitive-reclaim:PurgedDeletedAccount name-guard create",
    "    [pulumi-cognitive-reclaim] PurgedDeletedAccount: up will purge soft-deleted account 'a' in resource group 'rg' (eastus), deleted at 2026-12-07T02:14:13.1465403Z; purge of 'a': done in 0.5 s",
    "",
    "Outputs:",
    `    account: {"id":"/subscriptions/3f2c8a8e-5c1d-4b8e-9a51-6d3e2f1c0b7a/resourceGroups/rg","internalId":"0eb76363f27361725c6473cc4e1a2d89"}`,
    `    endpoint: "https://a.cognitiveservices.azure.com/"`,
    "",
    "Resources:",
    "    + 1 to create",
    "",
    "",
    "== pulumi up",
    "Updating (emulator):",
  ].join("\n");
  expect(stepTranscript(`\n${run}`, "preview")).toBe([
    "Previewing update (emulator):",
    " +  pulumi-nodejs:dynamic/cognitive-reclaim:PurgedDeletedAccount name-guard create",
    "    [pulumi-cognitive-reclaim] PurgedDeletedAccount: up will purge soft-deleted account 'a' in resource group 'rg' (eastus), deleted at <time>; purge of 'a': done in <n> s",
    "",
    "Outputs:",
    "    account: …",
    `    endpoint: "https://a.cognitiveservices.azure.com/"`,
    "",
    "Resources:",
    "    + 1 to create",
    "",
  ].join("\n"));
  expect(maskVolatile("subscription 3f2c8a8e-5c1d-4b8e-9a51-6d3e2f1c0b7a")).toBe("subscription <guid>");
  expect(() => stepTranscript("\n== pulumi up\n", "preview")).toThrow("the run printed no '== pulumi preview' step");
});

it("rewrites a block in place and leaves the rest of the README alone", () => {
  const readme = "intro\n<!-- transcript:bulk-clean:preview -->\n```text\nold\n```\n<!-- /transcript -->\noutro\n";
  expect(withTranscripts(readme, (b) => `${b.example} ${b.step} new`)).toBe("intro\n<!-- transcript:bulk-clean:preview -->\n```text\nbulk-clean preview new\n```\n<!-- /transcript -->\noutro\n");
});
