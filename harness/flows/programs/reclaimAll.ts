import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import { type IfSoftDeleted, PurgedDeletedAccount, RecoveredAccount, reclaimSoftDeletedAccounts } from "pulumi-cognitive-reclaim";

/**
 * Flow program: an unchanged stack of plain azure-native accounts, with the
 * one-line stack transform on top. Config (namespace `flow`) as for
 * `reclaimable`; `recovered` ("true") adds a `RecoveredAccount` of the same
 * account, constructed after it; `guard` ("true") binds a guard's hooks to the
 * account as well (one account resource: one creator); `resourceName` renames
 * the account resource (default "ai"), with `aliasOf` as its alias.
 */
const config = new pulumi.Config("flow");
reclaimSoftDeletedAccounts({ ifSoftDeleted: (config.get("ifSoftDeleted") ?? "recover") as IfSoftDeleted, purgeOnDestroy: config.getBoolean("purgeOnDestroy") ?? false });

const accountName = config.require("accountName");
const tag = config.get("tag");
const guard = config.get("guard") === "true" ? new PurgedDeletedAccount("guard", { accountName, location: config.get("location") ?? "eastus", resourceGroupName: config.require("resourceGroupName") }) : undefined;
if (config.get("declare") !== "none") {
  new cognitiveservices.Account(
    config.get("resourceName") ?? "ai",
    {
      accountName,
      resourceGroupName: config.require("resourceGroupName"),
      location: config.get("location") ?? "eastus",
      kind: config.get("kind") ?? "OpenAI",
      sku: { name: "S0" },
      properties: { customSubDomainName: accountName },
      tags: tag ? { flow: tag } : undefined,
    },
    {
      retainOnDelete: config.getBoolean("retainOnDelete") ?? false,
      ...(config.get("aliasOf") ? { aliases: [{ name: config.get("aliasOf") }] } : {}),
      ...(guard ? { dependsOn: [guard], hooks: guard.accountHooks } : {}),
    },
  );
}
if (config.get("recovered") === "true") {
  new RecoveredAccount("recovered", { accountName, location: config.get("location") ?? "eastus", resourceGroupName: config.require("resourceGroupName") });
}
