import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import { reclaimSoftDeletedAccounts } from "pulumi-cognitive-reclaim";

// One line, before any account is declared: every azure-native Cognitive Services
// account below gets the soft-delete handling of a ReclaimableAccount. The stack's
// plain accounts stay as they are written.
reclaimSoftDeletedAccounts({ ifSoftDeleted: "recover", accounts: { scratch: { ifSoftDeleted: "purge", purgeOnDestroy: true } } });

const config = new pulumi.Config();
const resourceGroupName = config.require("resourceGroupName");
const location = config.get("location") ?? "eastus";
const prefix = config.get("prefix") ?? "contoso";

const openai = new cognitiveservices.Account("openai", {
  accountName: `${prefix}-openai`,
  resourceGroupName,
  location,
  kind: "OpenAI",
  sku: { name: "S0" },
  properties: { customSubDomainName: `${prefix}-openai` },
});

new cognitiveservices.Account("scratch", {
  accountName: `${prefix}-scratch`,
  resourceGroupName,
  location,
  kind: "CognitiveServices",
  sku: { name: "S0" },
  properties: { customSubDomainName: `${prefix}-scratch` },
});

export const endpoint = openai.properties.endpoint;
