import { accountRecordHandlers } from "./handlers/accountRecord";
import { purgedDeletedAccountHandlers } from "./handlers/purgedDeletedAccount";
import { recoveredAccountHandlers } from "./handlers/recoveredAccount";
import { softDeletePolicyHandlers } from "./handlers/softDeletePolicy";

/**
 * The package's stable entry for Pulumi state: `pulumi-cognitive-reclaim/runtime`.
 *
 * Pulumi stores each dynamic resource's provider code in the state and runs
 * that stored code for refresh and delete, long after the package was
 * upgraded. Since 0.2.0 the stored code is a thin forwarder that `require`s
 * only this entry and calls `handlers[<resource>][<method>]`, so the installed
 * package decides what refresh and delete do, whatever the file layout.
 * This module's paths and the shape of `handlers` are part of the public
 * contract: never rename or remove them. The serializer writes
 * `pulumi-cognitive-reclaim/runtime` when it can read the package's `exports`
 * map (the SDK installed beside the package, as npm lays out a user's
 * project), and the file itself, `pulumi-cognitive-reclaim/dist/provider/runtime.js`,
 * otherwise; `exports` keeps both resolvable.
 *
 * States written by 0.1.0 require `pulumi-cognitive-reclaim/dist/provider/<file>.js`
 * directly (azureSession, diff, inputs, lifecycle, purge, recovery, settings,
 * armIds); those modules and their exported functions must stay too, until
 * every such state has been updated once (any `up` does it: a change of the
 * provider code alone is an in-place update).
 */
export const handlers = {
  accountRecord: accountRecordHandlers,
  purgedDeletedAccount: purgedDeletedAccountHandlers,
  recoveredAccount: recoveredAccountHandlers,
  softDeletePolicy: softDeletePolicyHandlers,
};

/** The resources whose providers forward to this entry. */
export type ResourceKind = keyof typeof handlers;
