import * as pulumi from "@pulumi/pulumi";
import type { Identity } from "./planner";
import { runsUnderMocks, uniqueHookName } from "./programRuntime";
import { revealHookInputs } from "./secrets";
import { stableProvider } from "./stableProvider";
export type { AccountRecordOutputs } from "./handlers/accountRecord";

/** The provider object serialized into each record's state: a forwarder to `pulumi-cognitive-reclaim/runtime`. */
export const accountRecordProvider = stableProvider("accountRecord");

/** Arguments of an {@link AccountRecord}: the account's coordinates, and the account a create of this deployment made. */
export interface AccountRecordArgs {
  accountName: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  /** The subscription the policy resolved (the account's). */
  subscriptionId: pulumi.Input<string>;
  /** The ARM id of the account that the account resource's create made in this deployment; undefined when it made none. */
  createdId?: pulumi.Input<string | undefined>;
  /** Its `properties.internalId`. */
  createdInternalId?: pulumi.Input<string | undefined>;
}

/**
 * The identity of each account that a {@link ReclaimableAccount}'s (or the
 * stack transform's) account resource created or restored, so that
 * `purgeOnDestroy` purges only such an account: never another one
 * soft-deleted at the name since (another stack's). Learned only from a
 * create, never from a refresh or an update, whose outputs show whatever is
 * live at the name. Registered after the account, only where
 * `purgeOnDestroy` is set; it sends no request.
 */
export class AccountRecord extends pulumi.dynamic.Resource {
  /** Identities (ARM id, internalId) of the accounts the account resource created or restored, newest last. */
  declare public readonly identities: pulumi.Output<Identity[]>;

  constructor(name: string, args: AccountRecordArgs, opts?: pulumi.CustomResourceOptions) {
    super(accountRecordProvider, name, { ...args, identities: undefined }, opts, "cognitive-reclaim", "AccountRecord");
  }
}

/** Where the recorded account lives. */
export interface RecordedCoordinates {
  accountName: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
}

/**
 * What records one account: a hook to bind to the account (first: the engine stops running after-hooks at the first
 * that fails, pulumi/pulumi pkg/resource/deploy/deployment.go RunHooks), and the record to register once the account
 * is constructed.
 */
export interface AccountRecorder {
  hooks: pulumi.ResourceHookBinding;
  record(account: pulumi.Resource & { id: pulumi.Output<string> }, parent?: pulumi.Resource): AccountRecord;
}

/**
 * The recorder of one account, when `purgeOnDestroy` may be true (none when
 * it is unset or false: nothing is purged on destroy then; none under mocks).
 *
 * The account's `afterCreate` hook sees each create's outputs in this program
 * process, and the engine runs it before it answers the account's
 * registration (pulumi/pulumi pkg/resource/deploy/step.go, CreateStep.Apply:
 * after-hooks, then `complete`), so the record's input, read once the
 * account's `id` resolves, holds the account this deployment created, or
 * nothing. A successful create is this stack's own account: azure-native
 * refuses to create over an existing one.
 */
export function accountRecorder(name: string, where: RecordedCoordinates, purgeOnDestroy: pulumi.Input<boolean> | undefined, formerNames: string[] = []): AccountRecorder | undefined {
  if (purgeOnDestroy === undefined || purgeOnDestroy === false || runsUnderMocks()) return undefined;
  let created: Identity | undefined;
  const afterCreate = new pulumi.ResourceHook(uniqueHookName(`${name}-record-created-account`), async (args) => {
    // `properties` arrives as a secret Output under additionalSecretOutputs.
    const outputs = await revealHookInputs(args.newOutputs);
    const properties = outputs?.properties as { internalId?: unknown } | undefined;
    const id = typeof outputs?.id === "string" ? outputs.id : args.id;
    created = { id, internalId: typeof properties?.internalId === "string" ? properties.internalId : undefined };
  });
  return {
    hooks: { afterCreate: [afterCreate] },
    record: (account, parent) => {
      const seen = account.id.apply(() => created);
      return new AccountRecord(`${name}-account-record`, { ...where, createdId: seen.apply((c) => c?.id), createdInternalId: seen.apply((c) => c?.internalId) }, { parent, aliases: formerNames.map((former) => ({ name: `${former}-account-record` })) });
    },
  };
}
