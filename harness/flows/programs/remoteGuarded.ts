import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import { RemoteComponent } from "./remoteComponent";

/**
 * Flow program: the guard through the component package (`cognitive-reclaim:index:PurgedDeletedAccount`,
 * constructed remotely) and a plain azure-native account that depends on it, as a program of another language
 * writes it: no `accountHooks` (resource hooks cannot be bound across languages). The same config as guarded.ts
 * (namespace `flow`): `location`, `kind`, `tag`, `retainOnDelete`, `purgeOnDestroy`, `declare`.
 */
const config = new pulumi.Config("flow");
const accountName = config.require("accountName");
const resourceGroupName = config.require("resourceGroupName");
const location = config.get("location") ?? "eastus";
const tag = config.get("tag");

if (config.get("declare") !== "none") {
  const guard = new RemoteComponent(
    "cognitive-reclaim:index:PurgedDeletedAccount",
    "guard",
    { accountName, location, resourceGroupName, purgeOnDestroy: config.getBoolean("purgeOnDestroy") ?? false },
    ["accountName", "location", "resourceGroupName", "subscriptionId", "purged", "pendingPurge", "deletedAccountId", "deletionDate", "scheduledPurgeDate"],
  );
  new cognitiveservices.Account(
    "account",
    {
      accountName,
      resourceGroupName,
      location,
      kind: config.get("kind") ?? "OpenAI",
      sku: { name: "S0" },
      properties: { customSubDomainName: accountName },
      tags: tag ? { flow: tag } : undefined,
    },
    { dependsOn: [guard], retainOnDelete: config.getBoolean("retainOnDelete") ?? false },
  );
  module.exports = { purged: guard.output("purged") };
}
