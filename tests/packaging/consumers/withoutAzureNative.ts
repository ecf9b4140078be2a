// A consumer that uses only the package's own resources and lookups, in a
// project where @pulumi/azure-native is not installed. It is type-checked
// (never run) by tests/packaging/consumerTypes.test.ts against the packed package.
import * as pulumi from "@pulumi/pulumi";
import { getDeletedAccount, listDeletedAccounts, PurgedDeletedAccount, RecoveredAccount, type DeletedAccount } from "pulumi-cognitive-reclaim";

const guard = new PurgedDeletedAccount("name-guard", {
  accountName: "contoso-ai",
  location: "eastus",
  resourceGroupName: "rg-ai",
  purgeOnDestroy: true,
  timeoutMinutes: 10,
});
const recovered = new RecoveredAccount("openai", { accountName: "contoso-old", location: "East US", resourceGroupName: "rg-ai" }, { dependsOn: [guard] });

export const purged: pulumi.Output<boolean> = guard.purged;
export const pendingPurge: pulumi.Output<boolean> = guard.pendingPurge;
export const deletedAccountId: pulumi.Output<string> = guard.deletedAccountId;
export const endpoint: pulumi.Output<string> = recovered.endpoint;
export const restored: pulumi.Output<boolean> = recovered.restored;

export async function names(): Promise<string[]> {
  const one: DeletedAccount | undefined = await getDeletedAccount({ accountName: "contoso-ai", location: "eastus", resourceGroupName: "rg-ai" });
  const all: DeletedAccount[] = await listDeletedAccounts({ resourceGroupName: "rg-ai" });
  return [...(one ? [one.accountName] : []), ...all.map((d) => `${d.accountName} (${d.location}, purged at ${d.scheduledPurgeDate ?? "an unknown date"})`)];
}

// The component's typings need no @pulumi/azure-native either (it is loaded only when the component is constructed).
import type { ReclaimableAccount, ReclaimableAccountArgs } from "pulumi-cognitive-reclaim";
export const componentArgs: ReclaimableAccountArgs = { accountName: "contoso-ai", location: "eastus", resourceGroupName: "rg-ai", ifSoftDeleted: "recover" };
export type Component = ReclaimableAccount;
