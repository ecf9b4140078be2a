import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import { type IfSoftDeleted, PurgedDeletedAccount, ReclaimableAccount, reclaimSoftDeletedAccounts, RecoveredAccount } from "pulumi-cognitive-reclaim";

/**
 * Flow program for tests/secrets.test.ts: one account per path the package
 * offers, with a secret (`flow:secretValue`, set as a secret config key) in the
 * account's `properties` and in its tags, the way a user passes a key or a
 * sensitive tag. Config (namespace `flow`): `path` = "component" | "transform"
 * | "guard" | "recovered"; `accountName`, `resourceGroupName`, `ifSoftDeleted`,
 * `location` (azure-native replaces the account for it).
 */
const config = new pulumi.Config("flow");
const path = config.require("path");
const accountName = config.require("accountName");
const resourceGroupName = config.require("resourceGroupName");
const secretValue = config.requireSecret("secretValue");
const ifSoftDeleted = (config.get("ifSoftDeleted") ?? "recover") as IfSoftDeleted;

const accountArgs = {
  accountName,
  resourceGroupName,
  location: config.get("location") ?? "eastus",
  kind: "OpenAI",
  sku: { name: "S0" },
  // A secret inside properties makes the whole of `properties` secret on the wire (the SDK pushes secretness up).
  properties: { customSubDomainName: accountName, apiProperties: { qnaAzureSearchEndpointKey: secretValue } },
  tags: { owner: secretValue },
};

if (path === "component") {
  const ai = new ReclaimableAccount("ai", { ...accountArgs, ifSoftDeleted });
  module.exports = { endpoint: ai.endpoint, restored: ai.restored, purged: ai.purged };
} else if (path === "transform") {
  reclaimSoftDeletedAccounts({ ifSoftDeleted });
  const account = new cognitiveservices.Account("ai", accountArgs);
  module.exports = { endpoint: account.properties.apply((p) => p.endpoint) };
} else if (path === "guard") {
  const guard = new PurgedDeletedAccount("guard", { accountName, location: "eastus", resourceGroupName });
  const account = new cognitiveservices.Account("ai", accountArgs, { dependsOn: [guard], hooks: guard.accountHooks });
  module.exports = { purged: guard.purged, endpoint: account.properties.apply((p) => p.endpoint) };
} else if (path === "recovered") {
  const recovered = new RecoveredAccount("recovered", { accountName, location: "eastus", resourceGroupName });
  module.exports = { endpoint: recovered.endpoint, restored: recovered.restored };
} else {
  throw new Error(`flow:path must be component, transform, guard or recovered, got ${JSON.stringify(path)}`);
}
