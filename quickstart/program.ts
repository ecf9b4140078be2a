import * as pulumi from "@pulumi/pulumi";
// Subpath imports: the root "@pulumi/azure-native" loads every Azure module (about 0.4 s and 35 MB more).
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import * as resources from "@pulumi/azure-native/resources";
import { PurgedDeletedAccount } from "../provider";

/**
 * The quickstart stack: a resource group, a guard that purges any
 * soft-deleted account holding the name, and the account itself, which
 * depends on the guard, so `pulumi up` works even right after a destroy.
 */
export function quickstart() {
  const config = new pulumi.Config();
  const accountName = config.get("accountName") ?? "reclaim-quickstart-ai";
  const resourceGroupName = config.get("resourceGroupName") ?? "rg-reclaim-quickstart";
  const location = config.get("location") ?? "eastus";

  const group = new resources.ResourceGroup("group", { resourceGroupName, location });

  // Plain strings, not group.name: the guard's preview can then look Azure up before the group exists.
  const guard = new PurgedDeletedAccount("name-guard", {
    accountName,
    location,
    resourceGroupName,
    purgeOnDestroy: true, // a throwaway stack: free the name again on destroy
  });

  const account = new cognitiveservices.Account(
    "account",
    {
      accountName,
      resourceGroupName: group.name,
      location,
      kind: "OpenAI",
      sku: { name: "S0" },
      properties: { customSubDomainName: accountName },
    },
    // The guard's hooks keep purge-before-recreate true for every create of the account,
    // including the second half of azure-native's delete-first replacement.
    { dependsOn: [guard], hooks: guard.accountHooks },
  );

  return { group, guard, account };
}
