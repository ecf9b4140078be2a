import * as pulumi from "@pulumi/pulumi";
import { deletedAccountId } from "./armIds";
import { armSession } from "./azureSession";
import { diffInputs } from "./diff";
import { checkInputs, type CheckFailure, pickInputs, recordedOutputs, type ResolvedInputs } from "./inputs";
import { previewLookup, report, runHook, withoutUndefined } from "./lifecycle";
import { describeAccount, type PurgeOutcome, purgeIfSoftDeleted, purgePlanLine } from "./purge";
import { defaultSubscriptionId, rememberStackConfig } from "./settings";

/** Arguments of {@link PurgedDeletedAccount}. */
export interface PurgedDeletedAccountArgs {
  /** The account's name: 2-64 characters, `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`. */
  accountName: pulumi.Input<string>;
  /** The account's region, `eastus` or `East US`; stored normalized (`eastus`). */
  location: pulumi.Input<string>;
  /** The group the account lived in (it may no longer exist). */
  resourceGroupName: pulumi.Input<string>;
  /** Default: `azure-native:subscriptionId` stack config, then `AZURE_SUBSCRIPTION_ID`, then `ARM_SUBSCRIPTION_ID`. */
  subscriptionId?: pulumi.Input<string>;
  /** On destroy, also purge the account if it is soft-deleted by then (after the dependent account was deleted). Default false. */
  purgeOnDestroy?: pulumi.Input<boolean>;
  /** Bounds every wait on Azure, in minutes: > 0 and <= 1440, fractions allowed. Default 30. Pulumi's `customTimeouts` do not reach dynamic resources. */
  timeoutMinutes?: pulumi.Input<number>;
}

/** The guard's state: its resolved inputs plus what its last create or update did. */
export type PurgedDeletedAccountOutputs = ResolvedInputs & {
  /** True when this resource's last create or update purged a soft-deleted account. */
  purged: boolean;
  /** True when a refresh found a soft-deleted account of this name: the next update purges it. */
  pendingPurge: boolean;
  /** The ARM id the guard watches. */
  deletedAccountId: string;
  /** Deletion time of the account the last create or update purged; absent when nothing was purged. */
  deletionDate?: string;
  /** Scheduled purge time of the account the last create or update purged; absent when nothing was purged. */
  scheduledPurgeDate?: string;
};

function guardOutputs(c: ResolvedInputs, outcome: PurgeOutcome): PurgedDeletedAccountOutputs {
  return withoutUndefined({
    ...c,
    purged: outcome.purged,
    pendingPurge: false,
    deletedAccountId: deletedAccountId(c),
    deletionDate: outcome.deleted?.deletionDate,
    scheduledPurgeDate: outcome.deleted?.scheduledPurgeDate,
  } satisfies PurgedDeletedAccountOutputs);
}

async function purge(c: ResolvedInputs): Promise<PurgeOutcome> {
  return runHook(
    { action: `purge of soft-deleted account ${describeAccount(c)}`, timeoutMinutes: c.timeoutMinutes, subscriptionId: c.subscriptionId, resourceGroupName: c.resourceGroupName },
    async (run) => purgeIfSoftDeleted(await armSession(c.subscriptionId), c, run),
  );
}

const stateOf = (props: Record<string, unknown>) => recordedOutputs<PurgedDeletedAccountOutputs>(props);

/**
 * The hooks of {@link PurgedDeletedAccount}. This object is serialized into
 * the Pulumi state and run by Pulumi's provider host: it holds no clients,
 * credentials or settings, only functions that build them when they run.
 */
export const purgedDeletedAccountProvider: pulumi.dynamic.ResourceProvider<Record<string, unknown>, Record<string, unknown>> = {
  async configure(request) {
    rememberStackConfig(request.config);
  },

  async check(olds, news) {
    const checked = checkInputs(news, defaultSubscriptionId());
    const failures: CheckFailure[] = checked.failures;
    const isNew = !olds || olds.accountName === undefined;
    if (isNew && checked.allKnown) {
      const c = pickInputs(checked.inputs);
      const found = await previewLookup("PurgedDeletedAccount", `account ${describeAccount(c)}`, c.subscriptionId, async (run) => ({
        deleted: await (await armSession(c.subscriptionId)).getDeletedAccount(c, { abortSignal: run.signal }),
      }));
      if (found) report(`PurgedDeletedAccount: ${purgePlanLine(c, found.deleted)}`);
    }
    return { inputs: checked.inputs, failures };
  },

  async diff(_id, olds, news) {
    return diffInputs(olds, news, olds.pendingPurge === true);
  },

  async create(inputs) {
    const c = pickInputs(inputs);
    const outs = guardOutputs(c, await purge(c));
    return { id: outs.deletedAccountId, outs };
  },

  async read(id, props) {
    const state = stateOf(props ?? {});
    const c = pickInputs(state as unknown as Record<string, unknown>);
    const deleted = await runHook(
      { action: `refresh of guard for account ${describeAccount(c)}`, timeoutMinutes: c.timeoutMinutes, subscriptionId: c.subscriptionId },
      async (run) => (await armSession(c.subscriptionId)).getDeletedAccount(c, { abortSignal: run.signal }),
    );
    if (deleted) report(`refresh: soft-deleted account ${describeAccount(c)} has reappeared; the next update purges it`);
    const outs: PurgedDeletedAccountOutputs = deleted ? { ...state, pendingPurge: true, purged: false } : { ...state, pendingPurge: false };
    return { id, props: withoutUndefined(outs), inputs: c };
  },

  async update(_id, olds, news) {
    const c = pickInputs(news);
    if (olds.pendingPurge !== true) {
      // Only settings changed: no request to Azure.
      return { outs: withoutUndefined({ ...stateOf(olds), ...c } satisfies PurgedDeletedAccountOutputs) };
    }
    return { outs: guardOutputs(c, await purge(c)) };
  },

  async delete(_id, props) {
    const c = pickInputs(props);
    if (!c.purgeOnDestroy) {
      report(`leaving account ${describeAccount(c)} as it is (purgeOnDestroy is false)`);
      return;
    }
    await purge(c);
  },
};

/**
 * Declares: "no soft-deleted Cognitive Services account with this name exists
 * here". Its create purges the soft-deleted account of that name, if any, and
 * waits until the purge has finished, so an `azure-native`
 * `cognitiveservices.Account` that `dependsOn` it can take the name again.
 * It never deletes or purges a live account. A refresh that finds a
 * soft-deleted account again reports `pendingPurge: true`, and the update that
 * follows purges it.
 */
export class PurgedDeletedAccount extends pulumi.dynamic.Resource {
  /** The account's name, as given. */
  declare public readonly accountName: pulumi.Output<string>;
  /** The account's region, normalized (`East US` is stored as `eastus`). */
  declare public readonly location: pulumi.Output<string>;
  /** The resource group the account is (or was) in. */
  declare public readonly resourceGroupName: pulumi.Output<string>;
  /** The subscription, resolved at check: the input, else `azure-native:subscriptionId`, else `AZURE_SUBSCRIPTION_ID`, else `ARM_SUBSCRIPTION_ID`. */
  declare public readonly subscriptionId: pulumi.Output<string>;
  /** Whether destroy purges a soft-deleted account of this name (default false). */
  declare public readonly purgeOnDestroy: pulumi.Output<boolean>;
  /** The bound on every wait on Azure, in minutes (default 30). */
  declare public readonly timeoutMinutes: pulumi.Output<number>;
  /** True when this resource's last create or update purged a soft-deleted account. */
  declare public readonly purged: pulumi.Output<boolean>;
  /** True when a refresh found a soft-deleted account of this name again. */
  declare public readonly pendingPurge: pulumi.Output<boolean>;
  /** The ARM id the guard watches (always set): `/subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{location}/resourceGroups/{rg}/deletedAccounts/{name}`. */
  declare public readonly deletedAccountId: pulumi.Output<string>;
  /** When the account the last create or update purged was deleted (ISO 8601); absent when nothing was purged. */
  declare public readonly deletionDate: pulumi.Output<string | undefined>;
  /** When Azure would have purged that account by itself (ISO 8601); absent when nothing was purged. */
  declare public readonly scheduledPurgeDate: pulumi.Output<string | undefined>;

  constructor(name: string, args: PurgedDeletedAccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      purgedDeletedAccountProvider,
      name,
      { ...args, purged: undefined, pendingPurge: undefined, deletedAccountId: undefined, deletionDate: undefined, scheduledPurgeDate: undefined },
      opts,
      "cognitive-reclaim",
      "PurgedDeletedAccount",
    );
  }
}
