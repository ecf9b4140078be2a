import { resetSessions } from "../../provider/azureSession";
import { type RunningEmulator, startEmulator } from "../../emulator/server";

export const GROUP = "rg-reclaim";
export const LOCATION = "eastus";

/** The environment variables of the package's configuration table, as a test sets them. */
const CONFIG_VARIABLES = [
  "AZURE_AUTHORITY_HOST", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_SUBSCRIPTION_ID",
  "AZURE_RESOURCE_MANAGER_ENDPOINT", "AZURE_RESOURCE_MANAGER_AUDIENCE", "ARM_SUBSCRIPTION_ID", "ARM_ENVIRONMENT",
  "ARM_TENANT_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET",
];

/**
 * Starts one emulator for a test file, points this process's environment at
 * it (as a user's shell would be), and resets its state before each test.
 * Needs `NODE_EXTRA_CA_CERTS` from `with-emulator-ca` (the npm test script).
 */
export function useEmulator(): { readonly emulator: RunningEmulator } {
  const holder: { emulator?: RunningEmulator } = {};
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    if (!process.env.NODE_EXTRA_CA_CERTS) throw new Error("run the tests with `npm test` (with-emulator-ca sets NODE_EXTRA_CA_CERTS)");
    holder.emulator = await startEmulator();
    for (const name of CONFIG_VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    Object.assign(process.env, holder.emulator.environment);
    resetSessions();
  });
  beforeEach(async () => {
    await holder.emulator!.control.reset();
    resetSessions();
  });
  afterAll(async () => {
    await holder.emulator?.stop();
    for (const name of CONFIG_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    resetSessions();
  });
  return {
    get emulator() {
      if (!holder.emulator) throw new Error("emulator not started");
      return holder.emulator;
    },
  };
}

/** Seeds the usual world: the group exists, and `deleted` names are soft-deleted in it. */
export async function seedWorld(emulator: RunningEmulator, options: { deleted?: string[]; live?: string[]; group?: boolean } = {}): Promise<void> {
  const sub = emulator.subscriptionId;
  await emulator.control.seed({
    resourceGroups: options.group === false ? [] : [{ subscriptionId: sub, name: GROUP, location: LOCATION }],
    deletedAccounts: (options.deleted ?? []).map((name) => ({ subscriptionId: sub, resourceGroupName: GROUP, name, location: LOCATION, kind: "OpenAI", properties: { customSubDomainName: name } })),
    accounts: (options.live ?? []).map((name) => ({ subscriptionId: sub, resourceGroupName: GROUP, name, location: LOCATION, kind: "OpenAI", properties: { customSubDomainName: name } })),
  });
}
