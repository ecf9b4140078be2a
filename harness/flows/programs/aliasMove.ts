import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import { reclaimSoftDeletedAccounts } from "pulumi-cognitive-reclaim";

/**
 * Flow program: an account moved to another parent and renamed, with its old
 * URN as alias, beside an account that has its former name there. Config
 * (namespace `flow`): `x`, `y` (account names), `phase` "1": a root account
 * `search` (x) and a component `team` whose child `search` is y; "2": y moves
 * to the root as `team-search` (alias: its old URN) and the root `search` (x)
 * is no longer declared.
 */
const config = new pulumi.Config("flow");
reclaimSoftDeletedAccounts({ ifSoftDeleted: "recover" });
const resourceGroupName = config.require("resourceGroupName");
const phase = config.get("phase") ?? "1";
const account = (name: string, accountName: string, opts: pulumi.CustomResourceOptions) =>
  new cognitiveservices.Account(name, { accountName, resourceGroupName, location: "eastus", kind: "OpenAI", sku: { name: "S0" }, properties: { customSubDomainName: accountName } }, opts);
class Team extends pulumi.ComponentResource {
  constructor(name: string) {
    super("flow:index:Team", name, {}, {});
    if (phase === "1") account("search", config.require("y"), { parent: this });
  }
}
if (phase === "1") account("search", config.require("x"), {});
new Team("team");
if (phase !== "1") {
  const oldUrn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::flow:index:Team$azure-native:cognitiveservices:Account::search`;
  account("team-search", config.require("y"), { aliases: [oldUrn] });
}
