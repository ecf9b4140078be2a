import * as pulumi from "@pulumi/pulumi";
import { listDeletedAccounts, PurgedDeletedAccount } from "pulumi-cognitive-reclaim";

// One guard per soft-deleted account in the group: `pulumi up` purges them all.
export = async () => {
  const config = new pulumi.Config();
  const resourceGroupName = config.require("resourceGroupName");
  const deleted = await listDeletedAccounts({ resourceGroupName });
  const guards = deleted.map(
    (d) => new PurgedDeletedAccount(`purge-${d.accountName}`, { accountName: d.accountName, location: d.location, resourceGroupName: d.resourceGroupName }),
  );
  return { guards, purged: guards.map((g) => g.accountName) };
};
