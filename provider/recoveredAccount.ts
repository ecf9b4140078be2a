import * as pulumi from "@pulumi/pulumi";
import { declareInProgram } from "./programDeclarations";
import { stableProvider } from "./stableProvider";
export type { RecoveredAccountOutputs } from "./handlers/recoveredAccount";

/** Arguments of {@link RecoveredAccount}. */
export interface RecoveredAccountArgs {
  /** The account's name: 2-64 characters, `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`. */
  accountName: pulumi.Input<string>;
  /** The account's region, `eastus` or `East US`; stored normalized (`eastus`). */
  location: pulumi.Input<string>;
  /** The account's resource group; it must exist for a restore. */
  resourceGroupName: pulumi.Input<string>;
  /** Default: `azure-native:subscriptionId` stack config, then `AZURE_SUBSCRIPTION_ID`, then `ARM_SUBSCRIPTION_ID`. */
  subscriptionId?: pulumi.Input<string>;
  /** On destroy, purge the account after deleting it (otherwise it stays recoverable for 48 hours). Default false. */
  purgeOnDestroy?: pulumi.Input<boolean>;
  /** Bounds every wait on Azure, in minutes: > 0 and <= 1440, fractions allowed. Default 30. */
  timeoutMinutes?: pulumi.Input<number>;
}

/**
 * The provider object serialized into each resource's state: a thin forwarder
 * to the package's stable entry, `pulumi-cognitive-reclaim/runtime`.
 */
export const recoveredAccountProvider = stableProvider("recoveredAccount");

/**
 * Declares: "this account is live again". Its create adopts the account when
 * it is already live (no restore request), or restores it when it is
 * soft-deleted, after checking Microsoft's prerequisites (the resource group
 * exists, the 48-hour retention has not expired, a customer-managed Key Vault
 * or storage account it names still exists), and waits until the account
 * reads `Succeeded`. A preview fails when there is nothing to recover.
 * Its delete undoes what its create did: an account it restored is deleted
 * again (Azure soft-deletes it) and, with `purgeOnDestroy`, purged; an account
 * it adopted is released untouched. A replacement or rename never deletes the
 * account its successor declares live. `retainOnDelete` keeps the account.
 */
export class RecoveredAccount extends pulumi.dynamic.Resource {
  /** The account's name, as given. */
  declare public readonly accountName: pulumi.Output<string>;
  /** The account's region, normalized (`East US` is stored as `eastus`). */
  declare public readonly location: pulumi.Output<string>;
  /** The resource group the account is (or was) in. */
  declare public readonly resourceGroupName: pulumi.Output<string>;
  /** The subscription, resolved at check: the input, else `azure-native:subscriptionId`, else `AZURE_SUBSCRIPTION_ID`, else `ARM_SUBSCRIPTION_ID`. */
  declare public readonly subscriptionId: pulumi.Output<string>;
  /** Whether destroy also purges the account it deletes (default false). */
  declare public readonly purgeOnDestroy: pulumi.Output<boolean>;
  /** The bound on every wait on Azure, in minutes (default 30). */
  declare public readonly timeoutMinutes: pulumi.Output<number>;
  /** ARM id of the live account. */
  declare public readonly accountId: pulumi.Output<string>;
  /** The live account's endpoint (`https://<subdomain>.cognitiveservices.azure.com/`): the same as before the deletion. */
  declare public readonly endpoint: pulumi.Output<string>;
  /** The live account's kind (`OpenAI`, `CognitiveServices`, ...). */
  declare public readonly kind: pulumi.Output<string>;
  /** The live account's SKU name (`S0`, ...). */
  declare public readonly skuName: pulumi.Output<string>;
  /** True when this create restored the account; false when it was live and adopted. */
  declare public readonly restored: pulumi.Output<boolean>;

  constructor(name: string, args: RecoveredAccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      recoveredAccountProvider,
      name,
      {
        ...args,
        // The program's refusal of a resource of the same program that purges this account (programDeclarations.ts): its check fails first.
        programContradiction: declareInProgram({ intent: "restoreOrAdopt", who: "recovered account (RecoveredAccount)", accountName: args.accountName, resourceGroupName: args.resourceGroupName, subscriptionId: args.subscriptionId }),
        accountId: undefined, endpoint: undefined, kind: undefined, skuName: undefined, restored: undefined },
      opts,
      "cognitive-reclaim",
      "RecoveredAccount",
    );
  }
}
