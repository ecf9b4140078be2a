import { join } from "node:path";
import { startBanner } from "./banner";
import { startEmulator } from "./server";
import { TLS_DIR_VARIABLE } from "./tls";

/**
 * `npm run emulator`: starts the emulator and prints the environment a shell
 * (and `pulumi`) needs to use it, its control token and how to seed it.
 * Options: `--port N`, `--state-file PATH`. With
 * `RECLAIM_EMULATOR_LITERAL_LOCATIONS=1`, `deletedAccounts` paths match the
 * location only as spelled at creation.
 */
async function main(argv: string[]): Promise<void> {
  const option = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  // Under with-emulator-ca the folder's CA is already trusted by the processes it started: keep it.
  // Otherwise this run gets a new CA (and a new token and secret), so nothing outlives the run.
  const sharedTlsDir = process.env[TLS_DIR_VARIABLE];
  const tlsDir = sharedTlsDir ?? join(process.cwd(), ".emulator", "tls");
  const emulator = await startEmulator({ port: Number(option("--port") ?? 0), stateFile: option("--state-file"), tlsDir, freshTls: !sharedTlsDir });
  console.log(startBanner(emulator));
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
