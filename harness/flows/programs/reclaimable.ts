import * as pulumi from "@pulumi/pulumi";
import { type IfSoftDeleted, ReclaimableAccount } from "pulumi-cognitive-reclaim";

/**
 * Flow program: `ReclaimableAccount`. Config (namespace `flow`):
 * `ifSoftDeleted`, `kind` (replace-triggering), `tag` (in-place), `retainOnDelete`,
 * `purgeOnDestroy`, `declare` ("none" stops declaring it); `twin` ("true") adds
 * a second `ReclaimableAccount` of the same resource name, account
 * `<accountName>-twin`, under a component of the program's own.
 */
const config = new pulumi.Config("flow");
const accountName = config.require("accountName");
const tag = config.get("tag");
if (config.get("declare") !== "none") {
  const ai = new ReclaimableAccount(
    "ai",
    {
      accountName,
      resourceGroupName: config.require("resourceGroupName"),
      location: config.get("location") ?? "eastus",
      kind: config.get("kind") ?? "OpenAI",
      sku: { name: "S0" },
      properties: { customSubDomainName: accountName },
      tags: tag ? { flow: tag } : undefined,
      ifSoftDeleted: (config.get("ifSoftDeleted") ?? "recover") as IfSoftDeleted,
      purgeOnDestroy: config.getBoolean("purgeOnDestroy") ?? false,
    },
    { retainOnDelete: config.getBoolean("retainOnDelete") ?? false },
  );
  if (config.get("twin") === "true") {
    const team = new pulumi.ComponentResource("flow:index:Team", "team");
    new ReclaimableAccount(
      "ai",
      { accountName: `${accountName}-twin`, resourceGroupName: config.require("resourceGroupName"), location: "eastus", kind: "OpenAI", sku: { name: "S0" }, properties: { customSubDomainName: `${accountName}-twin` } },
      { parent: team },
    );
  }
  module.exports = { endpoint: ai.endpoint, restored: ai.restored, purged: ai.purged };
}
