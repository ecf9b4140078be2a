import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateTlsMaterial, TLS_DIR_VARIABLE, TLS_FILES } from "../emulator/tls";

/**
 * Runs a command with a fresh emulator CA that every process it starts
 * already trusts (a throwaway CA constrained to 127.0.0.1 and localhost,
 * whose key is never written: see emulator/tls.ts).
 *
 * Node reads `NODE_EXTRA_CA_CERTS` once, at start, so the certificate must
 * exist before the test runner (and each provider host it spawns) starts.
 * This makes one per run, in a private temporary folder removed afterwards,
 * and points both `NODE_EXTRA_CA_CERTS` and the emulator at it. Nothing
 * turns TLS verification off. The processes share Node's compile cache.
 */
async function main(command: string[]): Promise<number> {
  if (command.length === 0) throw new Error("usage: with-emulator-ca <command> [args...]");
  const dir = mkdtempSync(join(tmpdir(), "reclaim-emulator-tls-"));
  try {
    await loadOrCreateTlsMaterial(dir);
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, TLS_FILES.ca), [TLS_DIR_VARIABLE]: dir };
    // The tests start hundreds of Node processes (programs, provider hosts) that each compile the same
    // @pulumi/pulumi and azure-native modules; Node's on-disk compile cache (Node 22.1+, keyed by the
    // source's content) spares that work after the first of them.
    env.NODE_COMPILE_CACHE ??= join(process.cwd(), "node_modules", ".cache", "node-compile-cache");
    const bin = command[0] === "jest" ? [process.execPath, require.resolve("jest/bin/jest"), ...command.slice(1)] : command;
    const child = spawn(bin[0], bin.slice(1), { stdio: "inherit", env });
    return await new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
