import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The README's first command, no-CLI path: the quickstart runs through the flow harness, purges, creates and destroys. */
it("npm run demo (flow harness path) previews the purge, purges then creates on up, converges, and destroys", () => {
  const result = spawnSync(process.execPath, [join(__dirname, "..", "dist", "demo", "index.js")], {
    env: { ...process.env, RECLAIM_DEMO_NO_CLI: "1" },
    encoding: "utf8",
    timeout: 150_000,
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  const out = result.stdout;
  expect(out).toContain("Path: the flow harness");
  // Preview: what the CLI prints, the guard's line naming the purge under it.
  const preview = out.slice(out.indexOf("Previewing update (demo):"), out.indexOf("== pulumi up --yes"));
  expect(preview).toMatch(/ \+ {2}pulumi-nodejs:dynamic\/cognitive-reclaim:PurgedDeletedAccount name-guard create\n {4}\[pulumi-cognitive-reclaim\] PurgedDeletedAccount: up will purge soft-deleted account 'reclaim-quickstart-ai'/);
  expect(preview).toContain(" +  azure-native:cognitiveservices:Account account create");
  expect(preview).toContain("Resources:\n    + 4 to create");
  // Up: the guard purged, then the account was created (it depends on the guard).
  const up = out.slice(out.indexOf("Updating (demo):"), out.indexOf("== pulumi up --yes (again"));
  expect(up).toMatch(/name-guard created\n(.*\n)*.*purge of 'reclaim-quickstart-ai' .*: done in \d+\.\d s\n \+ {2}azure-native:cognitiveservices:Account account created/);
  expect(up).toContain('endpoint: "https://reclaim-quickstart-ai.cognitiveservices.azure.com/"');
  expect(up).toContain("purgedBeforeCreate: true");
  expect(out).toMatch(/Resources:\n {4}4 unchanged\n-- pulumi up --yes \(again: must converge\): took \d+\.\d s\n-> converged: the second up changed nothing\n/);
  // Each step says how long it took; no header shows a bare time that could be read as a duration.
  for (const title of ["pulumi preview", "pulumi up --yes", "pulumi up --yes (again: must converge)", "pulumi destroy --yes"]) {
    expect(out).toMatch(new RegExp(`\\n-- ${title.replace(/[()]/g, "\\$&")}: took \\d+\\.\\d s\\n`));
  }
  expect(out).not.toMatch(/^==.*\[\d+\.\d s\]/m);
  const destroy = out.slice(out.indexOf("Destroying (demo):"));
  expect(destroy).toContain("Resources:\n    - 4 deleted");
  expect(destroy).not.toContain("failed");
  expect(out).toMatch(/Demo finished in \d+\.\d s/);
}, 160_000);

describe("npm run demo / npm run example on an unsupported Node.js (scripts/check-node.js, run before the build)", () => {
  const ROOT = join(__dirname, "..");
  /** The check as the npm scripts run it, in a Node.js that reports `version`. */
  const checkAs = (version: string) =>
    spawnSync(process.execPath, ["-e", `Object.defineProperty(process, "version", { value: ${JSON.stringify(version)} }); require("./scripts/check-node.js").main()`], { cwd: ROOT, encoding: "utf8" });

  it.each(["v20.19.0", "v18.20.4"])("%s is refused in one line naming the supported versions and the installer", (version) => {
    const result = checkAs(version);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`Node.js ${version} is not supported: use Node.js 22 or 24 (install one with: PATH="$(bash scripts/install-node.sh 22):$PATH")\n`);
  });

  it.each(["v22.23.3", "v24.21.0"])("%s passes silently", (version) => {
    const result = checkAs(version);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it("both npm scripts run the check before anything else", () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    for (const name of ["demo", "example"]) expect(scripts[name]).toMatch(/^node scripts\/check-node\.js && /);
  });
});
