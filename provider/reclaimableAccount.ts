import * as pulumi from "@pulumi/pulumi";
import type * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import { type IfSoftDeleted, SoftDeletePolicy } from "./softDeletePolicy";

/** Arguments of {@link ReclaimableAccount}: azure-native's `cognitiveservices.AccountArgs` plus the soft-delete policy. */
export interface ReclaimableAccountArgs extends Omit<cognitiveservices.AccountArgs, "accountName" | "location"> {
  /** Required here: the policy must know the name to look it up. */
  accountName: pulumi.Input<string>;
  /** Required here: soft-deleted accounts are kept per location. */
  location: pulumi.Input<string>;
  /**
   * What to do when a soft-deleted account holds the name: `"recover"` (default)
   * restores it with its keys, endpoint and data; `"purge"` purges it and
   * creates a new account; `"fail"` fails the preview and says so.
   */
  ifSoftDeleted?: pulumi.Input<IfSoftDeleted>;
  /** On destroy, purge the account after it was deleted. Default false. */
  purgeOnDestroy?: pulumi.Input<boolean>;
  /** Bounds every wait on Azure, in minutes. Default 30. */
  timeoutMinutes?: pulumi.Input<number>;
  /** Default: `azure-native:subscriptionId`, then `AZURE_SUBSCRIPTION_ID`, then `ARM_SUBSCRIPTION_ID`. */
  subscriptionId?: pulumi.Input<string>;
}

/**
 * An azure-native Cognitive Services account that works whatever state its
 * name is in: free, soft-deleted in this group and location, or live. A
 * soft-deleted account is recovered (through azure-native's own
 * `properties.restore`, after the prerequisite checks), purged, or refused,
 * as `ifSoftDeleted` says, and the preview prints which path it takes.
 * Requires `@pulumi/azure-native`.
 */
export class ReclaimableAccount extends pulumi.ComponentResource {
  /** The azure-native account. */
  public readonly account: cognitiveservices.Account;
  /** The deployment-time decision. */
  public readonly policy: SoftDeletePolicy;
  public readonly accountId: pulumi.Output<string>;
  public readonly endpoint: pulumi.Output<string>;
  public readonly properties: cognitiveservices.Account["properties"];
  /** True when the account was restored from soft-delete by this stack. */
  public readonly restored: pulumi.Output<boolean>;
  /** True when a soft-deleted account was purged to make room. */
  public readonly purged: pulumi.Output<boolean>;

  constructor(name: string, args: ReclaimableAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cognitive-reclaim:index:ReclaimableAccount", name, {}, opts);
    const { ifSoftDeleted, purgeOnDestroy, timeoutMinutes, subscriptionId, ...accountArgs } = args;
    this.policy = new SoftDeletePolicy(
      `${name}-soft-delete-policy`,
      { accountName: args.accountName, location: args.location, resourceGroupName: args.resourceGroupName, subscriptionId, ifSoftDeleted, purgeOnDestroy, timeoutMinutes },
      { parent: this },
    );
    // Loaded here so the package's other exports work without azure-native installed.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const azure = require("@pulumi/azure-native/cognitiveservices") as typeof cognitiveservices;
    type AccountProperties = NonNullable<pulumi.Unwrap<cognitiveservices.AccountArgs["properties"]>>;
    const properties: pulumi.Output<AccountProperties | undefined> = pulumi
      .all([pulumi.output(accountArgs.properties) as pulumi.Output<AccountProperties | undefined>, this.policy.restore])
      .apply(([given, restore]) => (restore ? { ...(given ?? {}), restore: true } : given));
    this.account = new azure.Account(
      name,
      { ...accountArgs, properties },
      // The restore flag is only meaningful on the create; never diff on it afterwards.
      { parent: this, dependsOn: [this.policy], ignoreChanges: ["properties.restore"] },
    );
    this.accountId = this.account.id;
    this.properties = this.account.properties;
    this.endpoint = this.account.properties.apply((p) => p.endpoint);
    this.restored = this.policy.restore;
    this.purged = this.policy.purged;
    this.registerOutputs({ accountId: this.accountId, endpoint: this.endpoint, restored: this.restored, purged: this.purged });
  }
}
