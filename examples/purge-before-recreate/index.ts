import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import * as resources from "@pulumi/azure-native/resources";
import { PurgedDeletedAccount } from "pulumi-cognitive-reclaim";

const config = new pulumi.Config();
const accountName = config.require("accountName");
const resourceGroupName = config.require("resourceGroupName");
const location = config.get("location") ?? "eastus";

const group = new resources.ResourceGroup("group", { resourceGroupName, location });

// Frees the name if a soft-deleted account holds it. In a throwaway environment,
// `throwaway: true` also purges the account on destroy, so the next stack can reuse the name.
const guard = new PurgedDeletedAccount("name-guard", {
  accountName,
  location,
  resourceGroupName,
  purgeOnDestroy: config.getBoolean("throwaway") ?? false,
});

const account = new cognitiveservices.Account(
  "account",
  { accountName, resourceGroupName: group.name, location, kind: "OpenAI", sku: { name: "S0" }, properties: { customSubDomainName: accountName } },
  // dependsOn: the guard's create purges first. hooks: every later create of the account
  // (azure-native replaces a named account delete-first) purges the soft-deleted one first too.
  { dependsOn: [guard], hooks: guard.accountHooks },
);

export const endpoint = account.properties.endpoint;
export const purgedBeforeCreate = guard.purged;
