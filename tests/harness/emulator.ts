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

/** How long before a test's first command an account seeded as soft-deleted was deleted, unless a row says otherwise. */
export const DEFAULT_DELETED_HOURS_AGO = 6;

/** A soft-deleted account to seed: its name, and how old its deletion is (hours; default {@link DEFAULT_DELETED_HOURS_AGO}). */
export type DeletedSeed = string | { name: string; deletedHoursAgo: number };

const HOUR_MS = 3600 * 1000;

/**
 * Seeds the usual world: the group exists, `live` names are live accounts in it, and `deleted` names are
 * soft-deleted in it — deleted hours ago by default, as a deletion is when the next `up` meets it in life (Azure
 * keeps a deleted account 48 hours, then purges it). A row about "moments ago" says `deletedHoursAgo: 0`; 47 puts
 * the account an hour from its automatic purge; 49 seeds one Azure has already purged (it is gone).
 */
export async function seedWorld(emulator: RunningEmulator, options: { deleted?: DeletedSeed[]; live?: string[]; group?: boolean; deletedHoursAgo?: number } = {}): Promise<void> {
  const sub = emulator.subscriptionId;
  const age = options.deletedHoursAgo ?? DEFAULT_DELETED_HOURS_AGO;
  await emulator.control.seed({
    resourceGroups: options.group === false ? [] : [{ subscriptionId: sub, name: GROUP, location: LOCATION }],
    deletedAccounts: (options.deleted ?? []).map((seed) => {
      const { name, deletedHoursAgo } = typeof seed === "string" ? { name: seed, deletedHoursAgo: age } : seed;
      return { subscriptionId: sub, resourceGroupName: GROUP, name, location: LOCATION, kind: "OpenAI", properties: { customSubDomainName: name }, deletedMsAgo: deletedHoursAgo * HOUR_MS };
    }),
    accounts: (options.live ?? []).map((name) => ({ subscriptionId: sub, resourceGroupName: GROUP, name, location: LOCATION, kind: "OpenAI", properties: { customSubDomainName: name } })),
  });
}

/**
 * Lets time pass in the world (the emulator's clock, POST /_emulator/clock): soft-deleted accounts age, and
 * those past Azure's 48 hours are purged. Between two commands of a flow, as hours pass between two `up`s in life.
 */
export async function passTime(emulator: RunningEmulator, hours: number): Promise<void> {
  await emulator.control.advanceClock(hours * HOUR_MS);
}
