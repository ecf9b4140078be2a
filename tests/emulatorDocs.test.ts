import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EmulatorClient } from "../emulator/client";
import { CONTROL_TOKEN_VARIABLE } from "../emulator/controlAuth";
import { defaultSettings } from "../emulator/store";
import { TLS_DIR_VARIABLE, TLS_FILES } from "../emulator/tls";
import { checkExampleWorld, readExampleWorld, seedExampleWorld } from "../scripts/exampleWorld";
import { useEmulator } from "./harness/emulator";

/**
 * emulator/README.md against the emulator: every control route and setting is
 * documented, the `emulator.json` example seeds what it says, and
 * `npm run emulator` prints a seed command that works as printed.
 * The last test runs dist/emulator/cli.js: it needs `npm run build`.
 */
const ctx = useEmulator();
const ROOT = resolve(__dirname, "..");
const README = readFileSync(join(ROOT, "emulator", "README.md"), "utf8");

/** The ```json block right after `<!-- marker -->` in the README. */
function jsonAfter(marker: string): unknown {
  const at = README.indexOf(`<!-- ${marker} -->`);
  expect(at).toBeGreaterThan(0);
  const block = /```json\n([\s\S]*?)\n```/.exec(README.slice(at));
  return JSON.parse(block![1]);
}

describe("emulator/README.md", () => {
  it("has a section for every route GET /_emulator/ lists, and a row for every setting", async () => {
    const { routes } = await ctx.emulator.control.routes();
    for (const { method, path } of routes) expect(README).toContain(`### \`${method} ${path}\``);
    for (const name of Object.keys(defaultSettings())) expect(README).toContain(`| \`${name}\` |`);
  });

  it("its emulator.json example seeds each kind of account it describes", async () => {
    const example = checkExampleWorld(jsonAfter("emulator.json example"));
    await seedExampleWorld(ctx.emulator, example);
    const { state, now } = await ctx.emulator.control.state();
    const sub = ctx.emulator.subscriptionId;
    const deleted = Object.fromEntries(Object.values(state.deletedAccounts).map((d) => [d.account.name, d]));
    expect(Object.values(state.accounts).map((a) => [a.name, a.tags])).toEqual([["contoso-live", { team: "ai" }]]);
    expect(Object.keys(deleted).sort()).toEqual(["contoso-ai", "contoso-byos", "contoso-cmk", "contoso-old", "contoso-regional", "other"]);
    expect((now - deleted["contoso-old"].deletedAt) / 3_600_000).toBeCloseTo(30, 1);
    expect(now - deleted["contoso-ai"].deletedAt).toBeLessThan(60_000);
    expect(deleted["contoso-ai"].account.properties.endpoint).toBe("https://contoso-ai.cognitiveservices.azure.com/");
    expect(deleted["contoso-regional"].account.properties.customSubDomainName).toBeUndefined();
    expect(deleted["contoso-regional"].account.properties.endpoint).toBe("https://eastus.api.cognitive.microsoft.com/");
    expect(deleted.other.account.location).toBe("West US");
    expect(deleted["contoso-byos"].account.properties.userOwnedStorage).toEqual([
      { resourceId: `/subscriptions/${sub}/resourceGroups/rg-ai/providers/Microsoft.Storage/storageAccounts/stcontoso` },
    ]);
    expect(Object.values(state.dependencies).map((d) => [d.type, d.name, d.properties])).toEqual([
      ["Microsoft.KeyVault/vaults", "kv-contoso", { vaultUri: "https://kv-contoso.vault.azure.net/" }],
      ["Microsoft.Storage/storageAccounts", "stcontoso", {}],
    ]);
    expect((deleted["contoso-cmk"].account.properties.encryption as { keyVaultProperties: { keyVaultUri: string } }).keyVaultProperties.keyVaultUri).toBe(
      "https://kv-contoso.vault.azure.net/",
    );
  });

  it("every example's emulator.json keeps to the format, and a field it does not have is refused by name", () => {
    const folders = readdirSync(join(ROOT, "examples"), { withFileTypes: true }).filter((e) => e.isDirectory());
    const worlds = folders.map((f) => readExampleWorld(join(ROOT, "examples", f.name)));
    expect(worlds.filter((w) => w.world).length).toBeGreaterThanOrEqual(5);
    expect(() => checkExampleWorld({ world: { softdeleted: [] } }, "x/emulator.json")).toThrow(/x\/emulator\.json: world has an unknown field 'softdeleted'; the fields are resourceGroups, softDeleted/);
    expect(() => checkExampleWorld({ world: { softDeleted: [{ name: "a", resourceGroupName: "rg", deletedHoursAgo: 50 }] } })).toThrow(/deletedHoursAgo is 50; it must be from 0 to under 48/);
  });
});

describe("npm run emulator", () => {
  let child: ChildProcess | undefined;
  const cwd = mkdtempSync(join(tmpdir(), "reclaim-emulator-cli-"));
  afterAll(() => {
    child?.kill("SIGTERM");
    rmSync(cwd, { recursive: true, force: true });
  });

  it("prints the variables to export, the control token and a seed command that works as printed", async () => {
    const { [TLS_DIR_VARIABLE]: _shared, [CONTROL_TOKEN_VARIABLE]: _token, ...env } = process.env;
    child = spawn(process.execPath, [join(ROOT, "dist", "emulator", "cli.js")], { cwd, env, stdio: ["ignore", "pipe", "inherit"] });
    let printed = "";
    await new Promise<void>((done, fail) => {
      child!.stdout!.on("data", (chunk: Buffer) => {
        printed += chunk.toString("utf8");
        if (printed.includes("Ctrl-C stops.")) done();
      });
      child!.on("exit", (code) => fail(new Error(`cli exited (${code}) having printed:\n${printed}`)));
    });
    const exports = Object.fromEntries([...printed.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(exports)).toEqual(expect.arrayContaining(["AZURE_CLIENT_SECRET", "AZURE_RESOURCE_MANAGER_ENDPOINT", "NODE_EXTRA_CA_CERTS", CONTROL_TOKEN_VARIABLE]));
    // A new CA for this run in ./.emulator/tls, without its key.
    expect(exports.NODE_EXTRA_CA_CERTS).toBe(join(cwd, ".emulator", "tls", TLS_FILES.ca));
    expect(readdirSync(join(cwd, ".emulator", "tls")).sort()).toEqual([TLS_FILES.ca, TLS_FILES.cert, TLS_FILES.key].sort());

    const seedCommand = printed.slice(printed.indexOf("curl "), printed.indexOf("/_emulator/seed") + "/_emulator/seed".length);
    expect(seedCommand).toContain(`Bearer $${CONTROL_TOKEN_VARIABLE}`);
    const shell = (script: string) => execFileSync("bash", ["-c", script], { env: { PATH: process.env.PATH, ...exports }, encoding: "utf8" });
    expect(JSON.parse(shell(seedCommand))).toEqual({ ok: true });
    const listCommand = printed.slice(printed.lastIndexOf("curl "), printed.indexOf("\n", printed.lastIndexOf("/_emulator/")));
    expect(JSON.parse(shell(listCommand)).routes.length).toBeGreaterThan(10);

    const control = new EmulatorClient(exports.AZURE_RESOURCE_MANAGER_ENDPOINT, readFileSync(exports.NODE_EXTRA_CA_CERTS, "utf8"), exports[CONTROL_TOKEN_VARIABLE]);
    expect(Object.values((await control.state()).state.deletedAccounts).map((d) => d.account.name)).toEqual(["contoso-ai"]);
    // Without the token, the printed command's own route refuses.
    expect(shell(seedCommand.replace(/ -H "Authorization: [^"]*"/, ""))).toContain("ControlTokenRequired");
  });
});
