import * as pulumi from "@pulumi/pulumi";
import * as web from "@pulumi/azure-native/web";
import { RecoveredAccount } from "pulumi-cognitive-reclaim";

const config = new pulumi.Config();
const resourceGroupName = config.require("resourceGroupName");

// Brings a deleted account back (same endpoint, keys and data), or adopts it if it is live.
const recovered = new RecoveredAccount("openai", {
  accountName: config.require("accountName"),
  location: config.get("location") ?? "eastus",
  resourceGroupName,
});

// An existing web app gets the recovered endpoint.
new web.WebAppApplicationSettings("app-settings", {
  name: config.require("webAppName"),
  resourceGroupName,
  properties: { AZURE_OPENAI_ENDPOINT: recovered.endpoint },
});

export const endpoint = recovered.endpoint;
