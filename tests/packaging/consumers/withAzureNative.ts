// A consumer that combines the package with @pulumi/azure-native: the guard
// before an azure-native account, and the ReclaimableAccount component. It is
// type-checked (never run) by tests/packaging/consumerTypes.test.ts against the packed package.
import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import { PurgedDeletedAccount, ReclaimableAccount, reclaimSoftDeletedAccounts } from "pulumi-cognitive-reclaim";

reclaimSoftDeletedAccounts({ ifSoftDeleted: "recover", accounts: { scratch: { ifSoftDeleted: "purge" } } });

const guard = new PurgedDeletedAccount("name-guard", { accountName: "contoso-ai", location: "eastus", resourceGroupName: "rg-ai" });
const account = new cognitiveservices.Account("account", {
  accountName: "contoso-ai",
  resourceGroupName: "rg-ai",
  location: "eastus",
  kind: "OpenAI",
  sku: { name: "S0" },
  properties: { customSubDomainName: "contoso-ai" },
}, { dependsOn: [guard], hooks: guard.accountHooks });

const ai = new ReclaimableAccount("ai", {
  accountName: "contoso-ai2",
  resourceGroupName: "rg-ai",
  location: "eastus",
  kind: "OpenAI",
  sku: { name: "S0" },
  properties: { customSubDomainName: "contoso-ai2" },
  ifSoftDeleted: "purge",
});

export const accountId: pulumi.Output<string> = account.id;
export const endpoint: pulumi.Output<string> = ai.endpoint;
export const restored: pulumi.Output<boolean> = ai.restored;
