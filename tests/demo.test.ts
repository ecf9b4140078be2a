import { spawnSync } from "node:child_process";
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
  expect(out).toContain("Resources:\n    4 unchanged");
  const destroy = out.slice(out.indexOf("Destroying (demo):"));
  expect(destroy).toContain("Resources:\n    - 4 deleted");
  expect(destroy).not.toContain("failed");
  expect(out).toMatch(/Demo finished in \d+\.\d s/);
}, 160_000);
