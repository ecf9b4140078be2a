import * as pulumi from "@pulumi/pulumi";
import { type IfSoftDeleted, ReclaimableAccount } from "pulumi-cognitive-reclaim";

/**
 * Flow program of the plan rows (tests/harness/planRows.ts): one
 * `ReclaimableAccount`. Config (namespace `flow`): `ifSoftDeleted`,
 * `subdomain` (its customSubDomainName, default the account's name: a rename
 * can keep it), `location`, `tag` (an in-place change), `purgeOnDestroy`.
 * Exports what a user would read: `restored`, `purged`, `endpoint`.
 */
const config = new pulumi.Config("flow");
const accountName = config.require("accountName");
const tag = config.get("tag");
const ai = new ReclaimableAccount("ai", {
  accountName,
  resourceGroupName: config.require("resourceGroupName"),
  location: config.get("location") ?? "eastus",
  kind: "OpenAI",
  sku: { name: "S0" },
  properties: { customSubDomainName: config.get("subdomain") ?? accountName },
  tags: tag ? { flow: tag } : undefined,
  ifSoftDeleted: (config.get("ifSoftDeleted") ?? "recover") as IfSoftDeleted,
  purgeOnDestroy: config.getBoolean("purgeOnDestroy") ?? false,
});

module.exports = { endpoint: ai.endpoint, restored: ai.restored, purged: ai.purged };
