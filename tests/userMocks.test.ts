import * as pulumi from "@pulumi/pulumi";

/**
 * A user's own unit tests of a program that uses the package: ordinary
 * `setMocks` (state = inputs, calls echo their inputs), arguments omitted.
 * Everything must construct and register; nothing may need the engine's
 * hooks or transforms, which the mock monitor does not have.
 */
const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
const calls: string[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => {
        calls.push(args.token);
        return args.inputs;
      },
    },
    "user-project",
    "dev",
    false,
  );
});

const outputOf = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

async function settle(): Promise<void> {
  for (let seen = -1; seen !== registered.length; ) {
    seen = registered.length;
    await new Promise((r) => setTimeout(r, 20));
  }
}

it("ReclaimableAccount constructs with only the required arguments (no properties, no kind, no sku)", async () => {
  const { ReclaimableAccount } = await import("../provider");
  const ai = new ReclaimableAccount("ai", { accountName: "contoso-ai", location: "eastus", resourceGroupName: "rg-ai" });
  expect(await outputOf(ai.endpoint)).toBe("");
  await settle();
  const account = registered.find((r) => r.type === "azure-native:cognitiveservices:Account" && r.name === "ai");
  expect(account?.inputs).toMatchObject({ accountName: "contoso-ai", location: "eastus", resourceGroupName: "rg-ai" });
  expect(registered.some((r) => r.type === "pulumi-nodejs:dynamic/cognitive-reclaim:SoftDeletePolicy" && r.name === "ai-soft-delete-policy")).toBe(true);
  // Mocks have no engine: the component does not ask azure-native's getClientConfig under them.
  expect(calls).toEqual([]);
});

it("ReclaimableAccount constructs under mocks without accountName too (a program refuses it only in a real run)", async () => {
  const { ReclaimableAccount } = await import("../provider");
  const ai = new ReclaimableAccount("unnamed", { location: "eastus", resourceGroupName: "rg-ai" } as never);
  expect(await outputOf(ai.endpoint)).toBe("");
});

it("ReclaimableAccount keeps the user's properties and options under mocks", async () => {
  const { ReclaimableAccount } = await import("../provider");
  const ai = new ReclaimableAccount(
    "ai2",
    { accountName: "contoso-ai2", location: "East US", resourceGroupName: "rg-ai", kind: "OpenAI", sku: { name: "S0" }, properties: { customSubDomainName: "contoso-ai2" }, tags: { team: "ml" } },
    { retainOnDelete: true },
  );
  await outputOf(ai.accountId);
  await settle();
  const account = registered.find((r) => r.type === "azure-native:cognitiveservices:Account" && r.name === "ai2");
  expect(account?.inputs).toMatchObject({ kind: "OpenAI", sku: { name: "S0" }, tags: { team: "ml" }, properties: { customSubDomainName: "contoso-ai2" } });
  expect((account?.inputs.properties as Record<string, unknown>).restore).toBeUndefined();
});

it("the guard's accountHooks and reclaimSoftDeletedAccounts are harmless under mocks", async () => {
  const { PurgedDeletedAccount, reclaimSoftDeletedAccounts } = await import("../provider");
  reclaimSoftDeletedAccounts({ ifSoftDeleted: "purge" });
  const guard = new PurgedDeletedAccount("g", { accountName: "contoso-g", location: "eastus", resourceGroupName: "rg-ai" });
  expect(guard.accountHooks).toEqual({});
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cognitiveservices = require("@pulumi/azure-native/cognitiveservices") as typeof import("@pulumi/azure-native/cognitiveservices");
  const account = new cognitiveservices.Account("plain", { accountName: "contoso-g", location: "eastus", resourceGroupName: "rg-ai" }, { dependsOn: [guard], hooks: guard.accountHooks });
  await outputOf(account.id);
  await settle();
  expect(registered.find((r) => r.name === "plain")?.inputs).toMatchObject({ accountName: "contoso-g" });
});

it("the program tells a guard and a RecoveredAccount of one account that they contradict, before either registers; a guard knows whether its accountHooks were read", async () => {
  const { PurgedDeletedAccount, RecoveredAccount } = await import("../provider");
  const guard = new PurgedDeletedAccount("both-g", { accountName: "both-ai", location: "eastus", resourceGroupName: "rg-ai" });
  expect(guard.accountHooks).toEqual({});
  new RecoveredAccount("both-r", { accountName: "Both-AI", location: "East US", resourceGroupName: "RG-AI" });
  new PurgedDeletedAccount("alone-g", { accountName: "alone-ai", location: "eastus", resourceGroupName: "rg-ai" });
  // A name taken from the guard's own output is not waited for (it would wait for the guard's registration): both register.
  const chained = new PurgedDeletedAccount("chained-g", { accountName: "chained-ai", location: "eastus", resourceGroupName: "rg-ai" });
  new RecoveredAccount("chained-r", { accountName: chained.accountName, location: "eastus", resourceGroupName: "rg-ai" });
  await outputOf(chained.id);
  await settle();
  expect(registered.map((r) => r.name)).toEqual(expect.arrayContaining(["chained-g", "chained-r"]));
  const inputsOf = (name: string) => registered.find((r) => r.name === name)?.inputs ?? {};
  const refusal = /two resources of this program act on account 'both-ai' in resource group 'rg-ai' in contradiction: the PurgedDeletedAccount guard would purge .*RecoveredAccount/;
  expect(inputsOf("both-g").programContradiction).toMatch(refusal);
  expect(String(inputsOf("both-r").programContradiction)).toMatch(/recovered account \(RecoveredAccount\) would recover/);
  expect(inputsOf("both-g")).toMatchObject({ accountHooked: true, groupDeclared: false });
  expect(inputsOf("alone-g")).toMatchObject({ accountHooked: false, groupDeclared: false });
  expect(inputsOf("alone-g").programContradiction).toBeUndefined();
});
