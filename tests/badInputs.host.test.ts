import { GROUP, useEmulator } from "./harness/emulator";
import { runProgram } from "../harness/program";
import { ProviderHost, urnOf } from "../harness/providerHost";
import { PurgedDeletedAccount, RecoveredAccount } from "../provider";
import { BAD_INPUTS } from "./badInputs";

/**
 * The bad-input table through Pulumi's provider host: every input is
 * rejected at check with a failure naming the property, and not one request
 * (ARM or token authority) reaches the emulator for the whole table.
 */
const ctx = useEmulator();
let host: ProviderHost;
const providers: Record<string, string> = {};

beforeAll(async () => {
  const registered = await runProgram(
    () => ({
      g: new PurgedDeletedAccount("g", { accountName: "a1", location: "eastus", resourceGroupName: GROUP }),
      r: new RecoveredAccount("r", { accountName: "a1", location: "eastus", resourceGroupName: GROUP }),
    }),
    { allowedTypes: ["pulumi-nodejs:dynamic/cognitive-reclaim:PurgedDeletedAccount", "pulumi-nodejs:dynamic/cognitive-reclaim:RecoveredAccount"] },
  );
  for (const r of registered) providers[r.type] = String(r.inputs.__provider);
  host = await ProviderHost.start();
  await host.configure();
});
afterAll(async () => host?.stop());

describe.each(["PurgedDeletedAccount", "RecoveredAccount"])("%s", (resource) => {
  const type = `pulumi-nodejs:dynamic/cognitive-reclaim:${resource}`;
  it(`rejects all ${BAD_INPUTS.length} bad inputs at check, naming the property, with zero requests`, async () => {
    await ctx.emulator.control.clearRequests();
    for (const [label, change, property] of BAD_INPUTS) {
      const news = { __provider: providers[type], accountName: "acct1", location: "East US", resourceGroupName: GROUP, ...change };
      const result = await host.check(urnOf(type, "bad"), {}, news);
      expect({ label, properties: result.failures.map((f) => f.property) }).toEqual({ label, properties: [property] });
      expect(result.failures[0].reason).toContain(property);
    }
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(40);
    expect(await ctx.emulator.control.requests()).toEqual([]);
  });
});
