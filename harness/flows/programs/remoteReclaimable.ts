import * as pulumi from "@pulumi/pulumi";
import { RemoteComponent } from "./remoteComponent";

/**
 * Flow program: `ReclaimableAccount` as a program of another language uses it, through the component package
 * (`cognitive-reclaim:index:ReclaimableAccount`, constructed remotely); the same config as reclaimable.ts
 * (namespace `flow`): `ifSoftDeleted`, `kind`, `tag`, `location`, `retainOnDelete`, `purgeOnDestroy`, `declare`.
 * Nothing of pulumi-cognitive-reclaim is loaded here: only what a generated SDK sends.
 */
const config = new pulumi.Config("flow");
const accountName = config.require("accountName");
const tag = config.get("tag");
if (config.get("declare") !== "none") {
  const ai = new RemoteComponent(
    "cognitive-reclaim:index:ReclaimableAccount",
    "ai",
    {
      accountName,
      resourceGroupName: config.require("resourceGroupName"),
      location: config.get("location") ?? "eastus",
      kind: config.get("kind") ?? "OpenAI",
      sku: { name: "S0" },
      properties: { customSubDomainName: accountName },
      tags: tag ? { flow: tag } : undefined,
      ifSoftDeleted: config.get("ifSoftDeleted") ?? "recover",
      purgeOnDestroy: config.getBoolean("purgeOnDestroy") ?? false,
    },
    ["accountId", "accountName", "endpoint", "properties", "restored", "purged"],
    { retainOnDelete: config.getBoolean("retainOnDelete") ?? false },
  );
  module.exports = { endpoint: ai.output("endpoint"), restored: ai.output("restored"), purged: ai.output("purged") };
}
