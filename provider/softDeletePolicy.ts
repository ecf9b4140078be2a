import * as pulumi from "@pulumi/pulumi";
import { accountId } from "./armIds";
import { armSession } from "./azureSession";
import { diffInputs } from "./diff";
import { checkInputs, type CheckFailure, pickInputs, recordedOutputs, type ResolvedInputs, UNKNOWN } from "./inputs";
import { previewLookup, report, runHook, withoutUndefined } from "./lifecycle";
import { describeAccount, purgeIfSoftDeleted } from "./purge";
import { unmetPrerequisites } from "./recovery";
import { defaultSubscriptionId, rememberStackConfig } from "./settings";
import type { ArmSession, DeletedAccountDetails } from "./azureSession";

/** What to do when the account's name is held by a soft-deleted account. */
export type IfSoftDeleted = "recover" | "purge" | "fail";
export const IF_SOFT_DELETED: readonly IfSoftDeleted[] = ["recover", "purge", "fail"];

/** What the policy found and decided; `restore` feeds azure-native's `properties.restore`. */
export type SoftDeletePolicyOutputs = ResolvedInputs & {
  ifSoftDeleted: IfSoftDeleted;
  /** What the name held when this resource was created. */
  found: "free" | "soft-deleted" | "live";
  /** True when the account must be created with `properties.restore: true`. */
  restore: boolean;
  /** True when this resource purged a soft-deleted account. */
  purged: boolean;
};

type Found = { found: "free" } | { found: "live" } | { found: "soft-deleted"; deleted: DeletedAccountDetails };

async function lookUp(session: ArmSession, c: ResolvedInputs, signal: AbortSignal): Promise<Found> {
  if (await session.getAccount(c, { abortSignal: signal })) return { found: "live" };
  const deleted = await session.getDeletedAccount(c, { abortSignal: signal });
  return deleted ? { found: "soft-deleted", deleted } : { found: "free" };
}

function failMessage(c: ResolvedInputs, found: Found): string {
  const when = found.found === "soft-deleted" ? `, deleted at ${found.deleted.deletionDate ?? "?"}, permanently purged at ${found.deleted.scheduledPurgeDate ?? "?"}` : "";
  return (
    `account ${describeAccount(c)} is soft-deleted${when}, and ifSoftDeleted is "fail". ` +
    `Set ifSoftDeleted: "recover" to restore it with its keys, endpoint and data, or ifSoftDeleted: "purge" to purge it and create a new account under the name.`
  );
}

/** The preview line for each state of the name and policy. */
function planLine(c: ResolvedInputs, policy: IfSoftDeleted, found: Found): string {
  const account = describeAccount(c);
  if (found.found === "free") return `name is free: up will create account ${account}`;
  if (found.found === "live") return `account ${account} is live: up will leave it as it is (no restore, no purge)`;
  return policy === "recover"
    ? `up will restore soft-deleted account ${account}, deleted at ${found.deleted.deletionDate ?? "?"}, through azure-native's restore flag (keeps its keys, endpoint and data)`
    : `up will purge soft-deleted account ${account}, deleted at ${found.deleted.deletionDate ?? "?"}, then create a new account under the name`;
}

function checkPolicy(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return IF_SOFT_DELETED.includes(value as IfSoftDeleted) ? undefined : `ifSoftDeleted must be one of "recover", "purge", "fail", got ${JSON.stringify(value)}`;
}

/**
 * Decides, at deployment time, what a {@link ReclaimableAccount} does about a
 * soft-deleted account holding its name. Serialized into the state like the
 * other providers: functions only.
 */
export const softDeletePolicyProvider: pulumi.dynamic.ResourceProvider<Record<string, unknown>, Record<string, unknown>> = {
  async configure(request) {
    rememberStackConfig(request.config);
  },

  async check(olds, news) {
    const checked = checkInputs(news, defaultSubscriptionId());
    const failures: CheckFailure[] = checked.failures;
    const policyValue = news.ifSoftDeleted ?? "recover";
    const broken = policyValue === UNKNOWN ? undefined : checkPolicy(policyValue);
    if (broken) failures.push({ property: "ifSoftDeleted", reason: broken });
    const inputs = { ...checked.inputs, ifSoftDeleted: policyValue };
    const isNew = !olds || olds.accountName === undefined;
    if (isNew && checked.allKnown && !broken && IF_SOFT_DELETED.includes(policyValue as IfSoftDeleted)) {
      const c = pickInputs(checked.inputs);
      const policy = policyValue as IfSoftDeleted;
      const verdict = await previewLookup("ReclaimableAccount", `the state of the name of account ${describeAccount(c)}`, c.subscriptionId, async (run) => {
        const session = await armSession(c.subscriptionId);
        const found = await lookUp(session, c, run.signal);
        if (found.found === "soft-deleted" && policy === "fail") return { failure: failMessage(c, found) };
        if (found.found === "soft-deleted" && policy === "recover") {
          const unmet = await unmetPrerequisites(session, c, found.deleted, run.signal);
          if (unmet) return { failure: unmet };
        }
        return { line: planLine(c, policy, found) };
      });
      if (verdict?.failure) failures.push({ property: "ifSoftDeleted", reason: verdict.failure });
      else if (verdict?.line) report(`ReclaimableAccount: ${verdict.line}`);
    }
    return { inputs, failures };
  },

  async diff(_id, olds, news) {
    const result = diffInputs(olds, news);
    // A new policy applies to the next create; it changes nothing in Azure now.
    return olds.ifSoftDeleted === news.ifSoftDeleted ? result : { ...result, changes: true };
  },

  async create(inputs) {
    const c = pickInputs(inputs);
    const policy = (inputs.ifSoftDeleted ?? "recover") as IfSoftDeleted;
    const decided = await runHook(
      { action: `soft-delete policy "${policy}" for account ${describeAccount(c)}`, timeoutMinutes: c.timeoutMinutes, subscriptionId: c.subscriptionId, resourceGroupName: c.resourceGroupName },
      async (run) => {
        const session = await armSession(c.subscriptionId);
        const found = await lookUp(session, c, run.signal);
        if (found.found !== "soft-deleted") return { found: found.found, restore: false, purged: false };
        if (policy === "fail") throw new Error(failMessage(c, found));
        if (policy === "purge") return { found: found.found, restore: false, purged: (await purgeIfSoftDeleted(session, c, run)).purged };
        const unmet = await unmetPrerequisites(session, c, found.deleted, run.signal);
        if (unmet) throw new Error(unmet);
        report(`account ${describeAccount(c)} will be restored by azure-native (properties.restore: true)`);
        return { found: found.found, restore: true, purged: false };
      },
    );
    const outs = withoutUndefined({ ...c, ifSoftDeleted: policy, ...decided } satisfies SoftDeletePolicyOutputs);
    return { id: `${accountId(c)}/softDeletePolicy`, outs };
  },

  async update(_id, olds, news) {
    // The decision (and so the account's restore flag) stays as first made: no lasting diff, no request.
    return { outs: withoutUndefined({ ...recordedOutputs<SoftDeletePolicyOutputs>(olds), ...pickInputs(news), ifSoftDeleted: news.ifSoftDeleted as IfSoftDeleted }) };
  },

  async delete(_id, props) {
    const c = pickInputs(props);
    if (!c.purgeOnDestroy) return;
    await runHook(
      { action: `purge on destroy of account ${describeAccount(c)}`, timeoutMinutes: c.timeoutMinutes, subscriptionId: c.subscriptionId, resourceGroupName: c.resourceGroupName },
      async (run) => purgeIfSoftDeleted(await armSession(c.subscriptionId), c, run),
    );
  },
};

/** Arguments of the policy resource inside {@link ReclaimableAccount}. */
export interface SoftDeletePolicyArgs {
  accountName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  subscriptionId?: pulumi.Input<string>;
  ifSoftDeleted?: pulumi.Input<IfSoftDeleted>;
  purgeOnDestroy?: pulumi.Input<boolean>;
  timeoutMinutes?: pulumi.Input<number>;
}

/** The deployment-time decision of a {@link ReclaimableAccount}; use the component rather than this directly. */
export class SoftDeletePolicy extends pulumi.dynamic.Resource {
  declare public readonly found: pulumi.Output<"free" | "soft-deleted" | "live">;
  declare public readonly restore: pulumi.Output<boolean>;
  declare public readonly purged: pulumi.Output<boolean>;

  constructor(name: string, args: SoftDeletePolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(softDeletePolicyProvider, name, { ...args, found: undefined, restore: undefined, purged: undefined }, opts, "cognitive-reclaim", "SoftDeletePolicy");
  }
}
