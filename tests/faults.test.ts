import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../emulator/server";
import { authorizationFailed } from "../emulator/wire";
import { runProgram } from "../harness/program";
import { ProviderHost, urnOf } from "../harness/providerHost";
import { PurgedDeletedAccount, RecoveredAccount } from "../provider";
import { GROUP, LOCATION, seedWorld, useEmulator } from "./harness/emulator";
import { checkThenCreate } from "./harness/providerCalls";

/**
 * The fault matrix: one row per fault, its expected outcome, and a run
 * through Pulumi's provider host against the emulator. Every row ends with
 * the stack converging on the next `up`, and no row ever deletes or purges
 * the live bystander account.
 */
const ctx = useEmulator();
const GUARD = "pulumi-nodejs:dynamic/cognitive-reclaim:PurgedDeletedAccount";
const RECOVERED = "pulumi-nodejs:dynamic/cognitive-reclaim:RecoveredAccount";
const BYSTANDER = "bystander";
const providers: Record<string, string> = {};
let host: ProviderHost;

beforeAll(async () => {
  const registered = await runProgram(
    () => ({
      g: new PurgedDeletedAccount("g", { accountName: "a1", location: LOCATION, resourceGroupName: GROUP }),
      r: new RecoveredAccount("r", { accountName: "a1", location: LOCATION, resourceGroupName: GROUP }),
    }),
    { allowedTypes: [GUARD, RECOVERED] },
  );
  for (const r of registered) providers[r.type] = String(r.inputs.__provider);
  host = await ProviderHost.start();
  await host.configure();
});
afterAll(async () => host?.stop());

/**
 * `pulumi up` of one new resource in the provider host `on`: Check, then Create (tests/harness/providerCalls.ts).
 * A rejected Create answers no id, so the engine records no resource.
 */
const up = (on: ProviderHost, type: string, name: string, extra: Record<string, unknown> = {}) =>
  checkThenCreate(on, urnOf(type, name), { __provider: providers[type], accountName: name, location: LOCATION, resourceGroupName: GROUP, ...extra });
const state = async () => (await ctx.emulator.control.state()).state;
const deletedNames = async () => Object.values((await state()).deletedAccounts).map((d) => d.account.name).sort();
const liveNames = async () => Object.values((await state()).accounts).map((a) => a.name).sort();
const failureOf = (p: Promise<unknown>) => p.then(() => "no error", (e: Error) => e.message);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const throttled = () => ({ status: 429, headers: { "Retry-After": "1" }, body: { error: { code: "TooManyRequests", message: "Please try again after '1' seconds." } } });

/**
 * Resolves once `emulator` has answered `method` on a path ending in `pathEnd` with success, by polling its request
 * log: the test then acts at a known point of the operation instead of betting on a sleep.
 */
async function answered(method: string, pathEnd: string, emulator: { control: { requests(): Promise<{ method: string; path: string; status: number }[]> } } = ctx.emulator): Promise<void> {
  const matches = (q: { method: string; path: string; status: number }) => q.method === method && q.path.toLowerCase().endsWith(pathEnd.toLowerCase()) && q.status < 300;
  while (!(await emulator.control.requests()).some(matches)) await new Promise((r) => setImmediate(r));
}

async function startedHost(env: NodeJS.ProcessEnv = process.env): Promise<ProviderHost> {
  const h = await ProviderHost.start({ env });
  await h.configure();
  return h;
}

interface Row {
  fault: string;
  outcome: string;
  run: () => Promise<void>;
}

const MATRIX: Row[] = [
  {
    fault: "429 storm: 6 throttled answers in a row, beyond the SDK's default 3 retries",
    outcome: "retried with Retry-After; the purge completes",
    run: async () => {
      await seedWorld(ctx.emulator, { deleted: ["storm"] });
      await ctx.emulator.control.addFault({ method: "GET", path: "/deletedAccounts/storm$", times: 6, response: throttled() });
      const g = await up(host, GUARD, "storm");
      expect(g.outputs.purged).toBe(true);
    },
  },
  {
    fault: "a burst: 30 guards at once while ARM allows 15 requests a second",
    outcome: "paced and retried: all 30 purged, no failure",
    run: async () => {
      const names = Array.from({ length: 30 }, (_, i) => `burst${i}`);
      await seedWorld(ctx.emulator, { deleted: names });
      const fresh = await startedHost();
      try {
        await ctx.emulator.control.settings({ throttleRequestsPerSecond: 15 });
        const results = await Promise.allSettled(names.map((n) => up(fresh, GUARD, n)));
        expect(results.filter((r) => r.status === "rejected")).toEqual([]);
        expect(await deletedNames()).toEqual([]);
        expect((await ctx.emulator.control.state()).throttled).toBeGreaterThan(0);
      } finally {
        await fresh.stop();
      }
    },
  },
  {
    fault: "500 then 503 on the purge request",
    outcome: "retried; the purge completes",
    run: async () => {
      await seedWorld(ctx.emulator, { deleted: ["five"] });
      await ctx.emulator.control.addFault({ method: "DELETE", path: "/deletedAccounts/five$", times: 1, response: { status: 500, body: { error: { code: "InternalServerError", message: "x" } } } });
      await ctx.emulator.control.addFault({ method: "DELETE", path: "/deletedAccounts/five$", times: 1, response: { status: 503, headers: { "Retry-After": "1" }, body: { error: { code: "ServiceUnavailable", message: "x" } } } });
      const g = await up(host, GUARD, "five");
      expect(g.outputs.purged).toBe(true);
    },
  },
  {
    fault: "connection dropped during a poll",
    outcome: "the poll is retried; the purge completes",
    run: async () => {
      await seedWorld(ctx.emulator, { deleted: ["drop"] });
      await ctx.emulator.control.settings({ purgeDurationMs: 800 });
      await ctx.emulator.control.addFault({ method: "GET", path: "/operationResults/", times: 2, drop: true });
      const g = await up(host, GUARD, "drop");
      expect(g.outputs.purged).toBe(true);
      expect((await ctx.emulator.control.requests()).filter((r) => r.dropped)).toHaveLength(2);
    },
  },
  {
    fault: "the purge operation ends Failed",
    outcome: "error with ARM's code and message; the next up purges",
    run: async () => {
      await seedWorld(ctx.emulator, { deleted: ["failed"] });
      await ctx.emulator.control.addOperationFault({ kind: "purge", outcome: "Failed", error: { code: "Conflict", message: "Another operation is in progress" }, times: 1 });
      expect(await failureOf(up(host, GUARD, "failed"))).toMatch(/Conflict.*Another operation is in progress/);
      const g = await up(host, GUARD, "failed");
      expect(g.outputs.purged).toBe(true);
    },
  },
  {
    fault: "the purge operation never finishes",
    outcome: "timeoutMinutes reached: a clear error, no resource recorded; once Azure finishes, the next up converges",
    run: async () => {
      await seedWorld(ctx.emulator, { deleted: ["never"] });
      await ctx.emulator.control.addOperationFault({ kind: "purge", outcome: "Never", times: 1 });
      expect(await failureOf(up(host, GUARD, "never", { timeoutMinutes: 0.04 }))).toMatch(/timed out after 0.04 minutes \(timeoutMinutes\) while waiting for purge of 'never'.*run `pulumi up` again/);
      await ctx.emulator.control.finishOperations();
      await up(host, GUARD, "never", { timeoutMinutes: 0.04 });
      expect(await deletedNames()).toEqual([]);
    },
  },
  {
    fault: "the token authority fails (500)",
    outcome: "preview reports it and goes on; up fails naming the credential problem; the next up converges once the authority answers",
    run: async () => {
      await seedWorld(ctx.emulator, { deleted: ["tok"] });
      const fresh = await startedHost();
      try {
        await ctx.emulator.control.addFault({ method: "POST", path: "/oauth2/v2.0/token$", times: 1000, response: { status: 500, body: { error: "server_error", error_description: "AADSTS50000: authority unavailable" } } });
        // preview of a new guard: Check with no olds.
        expect((await fresh.check(urnOf(GUARD, "tok"), {}, { __provider: providers[GUARD], accountName: "tok", location: LOCATION, resourceGroupName: GROUP })).failures).toEqual([]);
        expect(fresh.output).toContain("PurgedDeletedAccount: could not look up account 'tok' in resource group 'rg-reclaim' (eastus), so up will decide.");
        // Invariant (d): preview names the purge up may make (permanent) even when it cannot look.
        expect(fresh.output).toMatch(/so up will decide\. Up may purge soft-deleted account 'tok'[^\n]*a purge is permanent/);
        expect(await failureOf(up(fresh, GUARD, "tok"))).toContain("no token for Azure Resource Manager");
        ctx.emulator.context.faults.clear();
        // MSAL blocks token requests for 60 s after a 5xx; the next `pulumi up` is a new provider host.
        const next = await startedHost();
        try {
          const again = await up(next, GUARD, "tok");
          expect(again.outputs.purged).toBe(true);
        } finally {
          await next.stop();
        }
      } finally {
        await fresh.stop();
      }
    },
  },
  {
    fault: "403 AuthorizationFailed on purge",
    outcome: "error names the action and subscription scope; nothing purged",
    run: async () => {
      await seedWorld(ctx.emulator, { deleted: ["forbidden"] });
      await ctx.emulator.control.addFault({
        method: "DELETE", path: "/deletedAccounts/forbidden$", times: 1,
        response: authorizationFailed(ctx.emulator.principal.clientId, "Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/delete", `/subscriptions/${ctx.emulator.subscriptionId}`),
      });
      const message = await failureOf(up(host, GUARD, "forbidden"));
      expect(message).toContain("Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/delete");
      expect(message).toContain("subscription scope");
      expect(await deletedNames()).toEqual(["forbidden"]);
    },
  },
  {
    fault: "recovery with the resource group missing",
    outcome: "error says to recreate the group; no request writes anything",
    run: async () => {
      await seedWorld(ctx.emulator, { deleted: ["nogroup"] });
      await ctx.emulator.control.remove({ resourceGroups: [{ subscriptionId: ctx.emulator.subscriptionId, name: GROUP }] });
      expect(await failureOf(up(host, RECOVERED, "nogroup"))).toMatch(/check failed: accountName: .*does not exist.*recreate it/);
      expect((await ctx.emulator.control.requests()).filter((r) => r.method !== "GET")).toEqual([]);
    },
  },
  {
    fault: "recovery after the 48-hour retention expired",
    outcome: "error says it can no longer be recovered",
    run: async () => {
      const sub = ctx.emulator.subscriptionId;
      await seedWorld(ctx.emulator);
      await ctx.emulator.control.seed({ deletedAccounts: [{ subscriptionId: sub, resourceGroupName: GROUP, name: "expired", location: LOCATION, deletedMsAgo: 47 * 3600 * 1000 }] });
      await ctx.emulator.control.advanceClock(2 * 3600 * 1000);
      expect(await failureOf(up(host, RECOVERED, "expired"))).toMatch(/nothing to recover.*purged, or its 48-hour retention expired, so it cannot be recovered/);
    },
  },
  {
    fault: "the provider host is killed mid-purge",
    outcome: "the same up, in a new host, converges; the live bystander is untouched",
    run: async () => {
      await seedWorld(ctx.emulator, { deleted: ["killp"], live: [BYSTANDER] });
      await ctx.emulator.control.settings({ purgeDurationMs: 2500 });
      const doomed = await startedHost();
      const first = up(doomed, GUARD, "killp").catch((e: Error) => e);
      // Kill once ARM has accepted the purge: the purge operation then runs for purgeDurationMs.
      await answered("DELETE", "/deletedaccounts/killp");
      doomed.kill();
      expect(await first).toBeInstanceOf(Error);
      const next = await startedHost();
      try {
        await up(next, GUARD, "killp");
        expect(await deletedNames()).toEqual([]);
        expect(await liveNames()).toEqual([BYSTANDER]);
      } finally {
        await next.stop();
      }
    },
  },
  {
    fault: "the provider host is killed mid-restore (while the account reads Accepted)",
    outcome: "the same up adopts the restored account; nothing is deleted",
    run: async () => {
      await seedWorld(ctx.emulator, { deleted: ["killr"], live: [BYSTANDER] });
      await ctx.emulator.control.settings({ provisioningLagMs: 2500 });
      const doomed = await startedHost();
      const first = up(doomed, RECOVERED, "killr").catch((e: Error) => e);
      // Kill once ARM has answered the restore PUT: the account then reads Accepted for the provisioning lag.
      await answered("PUT", "/accounts/killr");
      doomed.kill();
      expect(await first).toBeInstanceOf(Error);
      const next = await startedHost();
      try {
        const r = await up(next, RECOVERED, "killr");
        expect(r.outputs).toMatchObject({ restored: false, endpoint: "https://killr.cognitiveservices.azure.com/" });
        expect(await liveNames()).toEqual([BYSTANDER, "killr"]);
        expect((await ctx.emulator.control.requests()).filter((q) => q.method === "DELETE")).toEqual([]);
      } finally {
        await next.stop();
      }
    },
  },
  {
    fault: "the emulator (ARM) restarts mid-purge",
    outcome: "requests during the outage are retried; the purge completes from the persisted operation",
    run: async () => {
      const dir = mkdtempSync(join(tmpdir(), "reclaim-restart-"));
      const stateFile = join(dir, "state.json");
      const principal = { ...ctx.emulator.principal };
      let arm = await startEmulator({ stateFile, principal });
      const port = arm.port;
      const own = await startedHost({ ...process.env, ...arm.environment });
      try {
        await arm.control.seed({ resourceGroups: [{ subscriptionId: arm.subscriptionId, name: GROUP, location: LOCATION }], deletedAccounts: [{ subscriptionId: arm.subscriptionId, resourceGroupName: GROUP, name: "restart", location: LOCATION }] });
        await arm.control.settings({ purgeDurationMs: 2000 });
        const running = up(own, GUARD, "restart");
        await answered("DELETE", "/deletedaccounts/restart", arm);
        await arm.stop();
        await sleep(1500);
        arm = await startEmulator({ stateFile, principal, port });
        await running;
        expect(Object.keys((await arm.control.state()).state.deletedAccounts)).toEqual([]);
      } finally {
        await own.stop();
        await arm.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];

it.each(MATRIX)("$fault → $outcome", async (row) => {
  await row.run();
  // Whatever the fault, the live bystander (when seeded) was never deleted or purged.
  const accounts = await liveNames();
  if (accounts.includes(BYSTANDER)) expect((await ctx.emulator.control.requests()).some((r) => r.path.endsWith(`/accounts/${BYSTANDER}`) && r.method === "DELETE")).toBe(false);
}, 60_000);
