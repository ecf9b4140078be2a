import * as pulumi from "@pulumi/pulumi";
import { RecoveredAccount } from "pulumi-cognitive-reclaim";

/**
 * Flow program: recovery in a deployment with `RecoveredAccount` alone.
 * Config (namespace `flow`): `resourceName`, `alias`, `location`,
 * `purgeOnDestroy`, `retainOnDelete`, `declare` ("none" stops declaring it).
 */
const config = new pulumi.Config("flow");
const alias = config.get("alias");
if (config.get("declare") !== "none") {
  const recovered = new RecoveredAccount(
    config.get("resourceName") ?? "recovered",
    {
      accountName: config.require("accountName"),
      resourceGroupName: config.require("resourceGroupName"),
      location: config.get("location") ?? "eastus",
      purgeOnDestroy: config.getBoolean("purgeOnDestroy") ?? false,
    },
    { aliases: alias ? [{ name: alias }] : undefined, retainOnDelete: config.getBoolean("retainOnDelete") ?? false },
  );
  module.exports = { endpoint: recovered.endpoint, restored: recovered.restored };
}
