import * as pulumi from "@pulumi/pulumi";
import { armSession, type LiveAccount } from "./azureSession";
import { diffInputs } from "./diff";
import { checkInputs, type CheckFailure, pickInputs, recordedOutputs, type ResolvedInputs } from "./inputs";
import { previewLookup, report, runHook, withoutUndefined } from "./lifecycle";
import { describeAccount, purgeIfSoftDeleted } from "./purge";
import { planRecovery, recoverOrAdopt, recoveryPlanLine } from "./recovery";
import { defaultSubscriptionId, rememberStackConfig } from "./settings";

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

/** The recovered account's state. */
export type RecoveredAccountOutputs = ResolvedInputs & {
  /** ARM id of the live account. */
  accountId: string;
  endpoint: string;
  kind: string;
  skuName: string;
  /** True when this create restored the account; false when it was already live and was adopted. */
  restored: boolean;
};

function recoveredOutputs(c: ResolvedInputs, account: LiveAccount, restored: boolean): RecoveredAccountOutputs {
  return withoutUndefined({
    ...c,
    accountId: account.id,
    endpoint: account.endpoint,
    kind: account.kind,
    skuName: account.skuName,
    restored,
  } satisfies RecoveredAccountOutputs);
}

const stateOf = (props: Record<string, unknown>) => recordedOutputs<RecoveredAccountOutputs>(props);

const hookOptions = (action: string, c: ResolvedInputs) => ({
  action: `${action} ${describeAccount(c)}`,
  timeoutMinutes: c.timeoutMinutes,
  subscriptionId: c.subscriptionId,
  resourceGroupName: c.resourceGroupName,
});

/**
 * The hooks of {@link RecoveredAccount}; serialized into the state like
 * {@link purgedDeletedAccountProvider}, so it holds only functions.
 */
export const recoveredAccountProvider: pulumi.dynamic.ResourceProvider<Record<string, unknown>, Record<string, unknown>> = {
  async configure(request) {
    rememberStackConfig(request.config);
  },

  async check(olds, news) {
    const checked = checkInputs(news, defaultSubscriptionId());
    const failures: CheckFailure[] = checked.failures;
    const isNew = !olds || olds.accountName === undefined;
    if (isNew && checked.allKnown) {
      const c = pickInputs(checked.inputs);
      const plan = await previewLookup("RecoveredAccount", `account ${describeAccount(c)}`, c.subscriptionId, async (run) =>
        planRecovery(await armSession(c.subscriptionId), c, run.signal),
      );
      if (plan?.kind === "impossible") failures.push({ property: "accountName", reason: plan.reason });
      else if (plan) report(`RecoveredAccount: ${recoveryPlanLine(c, plan)}`);
    }
    return { inputs: checked.inputs, failures };
  },

  async diff(_id, olds, news) {
    return diffInputs(olds, news);
  },

  async create(inputs) {
    const c = pickInputs(inputs);
    const { account, restored } = await runHook(hookOptions("recovery of account", c), async (run) =>
      recoverOrAdopt(await armSession(c.subscriptionId), c, run),
    );
    return { id: account.id, outs: recoveredOutputs(c, account, restored) };
  },

  async read(id, props) {
    const state = stateOf(props ?? {});
    const c = pickInputs(state as unknown as Record<string, unknown>);
    const account = await runHook(hookOptions("refresh of account", c), async (run) =>
      (await armSession(c.subscriptionId)).getAccount(c, { abortSignal: run.signal }),
    );
    if (!account) return { id: "" };
    return { id, props: recoveredOutputs(c, account, state.restored === true), inputs: c };
  },

  async update(_id, olds, news) {
    // Identity changes replace; only purgeOnDestroy and timeoutMinutes reach here: no request to Azure.
    return { outs: withoutUndefined({ ...stateOf(olds), ...pickInputs(news) } satisfies RecoveredAccountOutputs) };
  },

  async delete(_id, props) {
    const c = pickInputs(props);
    await runHook(hookOptions("deletion of account", c), async (run) => {
      const session = await armSession(c.subscriptionId);
      report(`deleting account ${describeAccount(c)}; Azure keeps it soft-deleted (recoverable) for 48 hours`);
      await run.waitFor(`deletion of ${describeAccount(c)}`, (abortSignal) => session.deleteAccount(c, { abortSignal }));
      if (c.purgeOnDestroy) await purgeIfSoftDeleted(session, c, run);
    });
  },
};

/**
 * Declares: "this account is live again". Its create adopts the account when
 * it is already live (no restore request), or restores it when it is
 * soft-deleted, after checking Microsoft's prerequisites (the resource group
 * exists, the 48-hour retention has not expired, a customer-managed Key Vault
 * or storage account it names still exists), and waits until the account
 * reads `Succeeded`. A preview fails when there is nothing to recover.
 * Destroy deletes the account (Azure soft-deletes it) unless `retainOnDelete`
 * is set, and purges it too when `purgeOnDestroy` is true.
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
      { ...args, accountId: undefined, endpoint: undefined, kind: undefined, skuName: undefined, restored: undefined },
      opts,
      "cognitive-reclaim",
      "RecoveredAccount",
    );
  }
}
