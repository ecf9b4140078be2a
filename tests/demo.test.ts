import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** The README's first command, no-CLI path: it must purge the soft-deleted account and create the account. */
it("npm run demo (provider host path) purges, creates and destroys, and exits 0", () => {
  const result = spawnSync(process.execPath, [join(__dirname, "..", "dist", "demo", "index.js")], {
    env: { ...process.env, RECLAIM_DEMO_NO_CLI: "1" },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(result.stdout).toContain("Path: Pulumi's provider host");
  expect(result.stdout).toMatch(/name-guard\s+create\s+up will purge soft-deleted account 'reclaim-quickstart-ai'/);
  expect(result.stdout).toContain("account create fails: 409 FlagMustBeSetForRestore");
  expect(result.stdout).toContain("name-guard  created  purged=true");
  expect(result.stdout).toContain("account     created  endpoint https://reclaim-quickstart-ai.cognitiveservices.azure.com/");
  expect(result.stdout).toMatch(/Demo finished in \d+\.\d s/);
});
