import { join } from "node:path";
import { startEmulator } from "./server";
import { TLS_DIR_VARIABLE } from "./tls";

/**
 * `npm run emulator`: starts the emulator and prints the environment a shell
 * (and `pulumi`) needs to use it. Options: `--port N`, `--state-file PATH`.
 * With `RECLAIM_EMULATOR_LITERAL_LOCATIONS=1`, `deletedAccounts` paths match
 * the location only as spelled at creation.
 */
async function main(argv: string[]): Promise<void> {
  const option = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const tlsDir = process.env[TLS_DIR_VARIABLE] ?? join(process.cwd(), ".emulator", "tls");
  const emulator = await startEmulator({ port: Number(option("--port") ?? 0), stateFile: option("--state-file"), tlsDir });
  console.log(`Azure Resource Manager emulator listening on ${emulator.url} (token authority at the same address).`);
  console.log("Export these in the shell that runs pulumi or the examples:\n");
  for (const [name, value] of Object.entries(emulator.environment)) console.log(`export ${name}='${value}'`);
  console.log(`\nControl interface: ${emulator.url}/_emulator/ (seed, clock, faults, requests). Ctrl-C stops.`);
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
