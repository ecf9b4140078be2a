import { CONTROL_TOKEN_VARIABLE } from "./controlAuth";
import type { RunningEmulator } from "./server";

/** A single-quoted shell word. */
const quoted = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * What `npm run emulator` prints: the variables to export (the package's
 * configuration, the CA to trust, the control token), how to seed a
 * soft-deleted account with curl, and where the routes are listed.
 */
export function startBanner(emulator: RunningEmulator): string {
  const exports = { ...emulator.environment, [CONTROL_TOKEN_VARIABLE]: emulator.controlToken };
  const seed = {
    resourceGroups: [{ subscriptionId: emulator.subscriptionId, name: "rg-ai", location: "eastus" }],
    deletedAccounts: [
      { subscriptionId: emulator.subscriptionId, resourceGroupName: "rg-ai", name: "contoso-ai", location: "eastus", kind: "OpenAI", properties: { customSubDomainName: "contoso-ai" } },
    ],
  };
  const curl = (method: string, route: string, body?: unknown) =>
    [
      `curl -sS --cacert "$NODE_EXTRA_CA_CERTS" -H "Authorization: Bearer $${CONTROL_TOKEN_VARIABLE}"`,
      ...(body === undefined ? [] : [`-H 'Content-Type: application/json' -X ${method} -d ${quoted(JSON.stringify(body))}`]),
      `${emulator.url}${route}`,
    ].join(" \\\n     ");
  return [
    `Azure Resource Manager emulator listening on ${emulator.url} (token authority at the same address).`,
    "Export these in the shell that runs pulumi, the examples or curl:",
    "",
    ...Object.entries(exports).map(([name, value]) => `export ${name}=${quoted(value)}`),
    "",
    `The emulator starts empty. Seed a soft-deleted account (the control API needs ${CONTROL_TOKEN_VARIABLE}):`,
    "",
    curl("POST", "/_emulator/seed", seed),
    "",
    "List the control routes (seed, remove, clock, settings, faults, requests, state, reset):",
    "",
    curl("GET", "/_emulator/"),
    "",
    "Documentation: emulator/README.md. Ctrl-C stops.",
  ].join("\n");
}
