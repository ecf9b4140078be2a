import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import { PurgedDeletedAccount } from "pulumi-cognitive-reclaim";

/**
 * Flow program: purge-before-recreate with a guard and a plain azure-native
 * account. Config (namespace `flow`) varies it between runs: `guardName`,
 * `guardAlias` (the guard's previous name), `accountResource`, `accountAlias`,
 * `location` (azure-native replaces the account for it), `kind`, `tag` (in-place
 * changes), `retainOnDelete`, `deleteBeforeReplace`, `purgeOnDestroy`, `declare`
 * ("none" stops declaring both).
 */
const config = new pulumi.Config("flow");
const accountName = config.require("accountName");
const resourceGroupName = config.require("resourceGroupName");
const location = config.get("location") ?? "eastus";
const guardName = config.get("guardName") ?? "guard";
const guardAlias = config.get("guardAlias");
const accountResource = config.get("accountResource") ?? "account";
const accountAlias = config.get("accountAlias");
const tag = config.get("tag");

if (config.get("declare") !== "none") {
  const guard = new PurgedDeletedAccount(
    guardName,
    { accountName, location, resourceGroupName, purgeOnDestroy: config.getBoolean("purgeOnDestroy") ?? false },
    { aliases: guardAlias ? [{ name: guardAlias }] : undefined },
  );
  new cognitiveservices.Account(
    accountResource,
    {
      accountName,
      resourceGroupName,
      location,
      kind: config.get("kind") ?? "OpenAI",
      sku: { name: "S0" },
      properties: { customSubDomainName: accountName },
      tags: tag ? { flow: tag } : undefined,
    },
    {
      dependsOn: [guard],
      hooks: guard.accountHooks,
      aliases: accountAlias ? [{ name: accountAlias }] : undefined,
      retainOnDelete: config.getBoolean("retainOnDelete") ?? false,
      deleteBeforeReplace: config.getBoolean("deleteBeforeReplace"),
    },
  );
}
