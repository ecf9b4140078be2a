import * as pulumi from "@pulumi/pulumi";
// Two imports, not `{ type X, Y }`: the TypeScript that Pulumi's ts-node may bring is older than that syntax.
import type { IfSoftDeleted } from "pulumi-cognitive-reclaim";
import { ReclaimableAccount } from "pulumi-cognitive-reclaim";

const config = new pulumi.Config();

// Works whether the name is free, soft-deleted here, or already live.
const ai = new ReclaimableAccount("ai", {
  accountName: config.require("accountName"),
  resourceGroupName: config.require("resourceGroupName"),
  location: config.get("location") ?? "eastus",
  kind: "OpenAI",
  sku: { name: "S0" },
  properties: { customSubDomainName: config.require("accountName") },
  ifSoftDeleted: (config.get("ifSoftDeleted") as IfSoftDeleted | undefined) ?? "recover",
});

export const endpoint = ai.endpoint;
export const restored = ai.restored;
