import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import * as resources from "@pulumi/azure-native/resources";
import { PurgedDeletedAccount, RecoveredAccount } from "pulumi-cognitive-reclaim";

/**
 * Flow program of the plan rows (tests/harness/planRows.ts): a guard with its
 * hooks and a plain azure-native account, shaped by config (namespace `flow`):
 * `subdomain` (the account's customSubDomainName, default its name: a rename
 * can keep it), `computedGroup` ("true": the program creates the group and
 * passes `group.name`, unknown at preview, to the guard and the account),
 * `groupLocation` (the group's own location, default `location`: a change replaces the group delete-first),
 * `recovered` ("true": a RecoveredAccount of the same name as well), `guard`
 * and `account` ("none" leaves either out), `purgeOnDestroy`, `tag`.
 * Exports what a user would read: whether the guard purged, and the account's
 * endpoint.
 */
const config = new pulumi.Config("flow");
const accountName = config.require("accountName");
const location = config.get("location") ?? "eastus";
const tag = config.get("tag");
const purgeOnDestroy = config.getBoolean("purgeOnDestroy") ?? false;

const resourceGroupName: pulumi.Input<string> =
  config.get("computedGroup") === "true"
    ? new resources.ResourceGroup("group", { resourceGroupName: config.require("resourceGroupName"), location: config.get("groupLocation") ?? location }).name
    : config.require("resourceGroupName");

const guard = config.get("guard") === "none" ? undefined : new PurgedDeletedAccount("guard", { accountName, location, resourceGroupName, purgeOnDestroy });

const outputs: Record<string, pulumi.Output<unknown>> = {};
if (guard) outputs.guardPurged = guard.purged;

if (config.get("recovered") === "true") {
  const recovered = new RecoveredAccount("recovered", { accountName, location, resourceGroupName, purgeOnDestroy });
  outputs.restored = recovered.restored;
}

if (config.get("account") !== "none") {
  const account = new cognitiveservices.Account(
    "account",
    {
      accountName,
      resourceGroupName,
      location,
      kind: "OpenAI",
      sku: { name: "S0" },
      properties: { customSubDomainName: config.get("subdomain") ?? accountName },
      tags: tag ? { flow: tag } : undefined,
    },
    guard ? { dependsOn: [guard], hooks: guard.accountHooks } : {},
  );
  outputs.endpoint = account.properties.endpoint;
}

module.exports = outputs;
