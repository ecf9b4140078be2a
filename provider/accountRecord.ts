import * as pulumi from "@pulumi/pulumi";
import { stableProvider } from "./stableProvider";
export type { AccountRecordOutputs } from "./handlers/accountRecord";

/** The provider object serialized into each record's state: a forwarder to `pulumi-cognitive-reclaim/runtime`. */
export const accountRecordProvider = stableProvider("accountRecord");

/** Arguments of an {@link AccountRecord}: the account's coordinates and its own outputs. */
export interface AccountRecordArgs {
  accountName: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  /** The subscription the policy resolved (the account's). */
  subscriptionId: pulumi.Input<string>;
  /** The account's ARM id (its `id` output). */
  accountId: pulumi.Input<string>;
  /** The account's `properties.internalId`. */
  internalId: pulumi.Input<string | undefined>;
}

/**
 * The identity of the account a {@link ReclaimableAccount} (or the stack
 * transform) created or restored, recorded from the account's own outputs, so
 * that `purgeOnDestroy` purges only that account: never another one
 * soft-deleted at the name since (another stack's). Registered after the
 * account, only where `purgeOnDestroy` is set; it sends no request.
 */
export class AccountRecord extends pulumi.dynamic.Resource {
  /** Identities (ARM id, internalId) the account's resource has held, newest last. */
  declare public readonly identities: pulumi.Output<{ id: string; internalId?: string }[]>;

  constructor(name: string, args: AccountRecordArgs, opts?: pulumi.CustomResourceOptions) {
    super(accountRecordProvider, name, { ...args, identities: undefined }, opts, "cognitive-reclaim", "AccountRecord");
  }
}
