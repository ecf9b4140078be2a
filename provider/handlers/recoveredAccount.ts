import type * as pulumi from "@pulumi/pulumi";
import { armSession, type LiveAccount } from "../azureSession";
import { accountKey, claimAccount, declareIntent, handOverAccount, isClaimed, isHandedOver, programRefusal } from "../claims";
import { diffInputs } from "../diff";
import { checkInputs, type CheckFailure, pickInputs, recordedOutputs, type ResolvedInputs } from "../inputs";
import { accountHookOptions, previewLookup, report, runHook, withoutUndefined } from "../lifecycle";
import { describeAccount, purgeIfSoftDeleted } from "../purge";
import { decideRecovery, recoverAsDecided } from "../recovery";
import { PERMANENT, sentenceOf } from "../planner";
import { defaultSubscriptionId, rememberStackConfig } from "../settings";

/** The recovered account's state. */
export type RecoveredAccountOutputs = ResolvedInputs & {
  /** ARM id of the live account. */
  accountId: string;
  endpoint: string;
  kind: string;
  skuName: string;
  /**
   * True when this resource restored the account (or took it over from the
   * resource it replaced, which had restored it): destroy deletes it again.
   * False when it was already live and was adopted: destroy releases it untouched.
   */
  restored: boolean;
  /** Azure's identity of the account (`properties.internalId`), when it reports one. */
  internalId?: string;
};

function recoveredOutputs(c: ResolvedInputs, account: LiveAccount, restored: boolean): RecoveredAccountOutputs {
  return withoutUndefined({
    ...c,
    accountId: account.id,
    endpoint: account.endpoint,
    kind: account.kind,
    skuName: account.skuName,
    // The account's identity, recorded: this stack restored or adopted exactly this account.
    internalId: account.internalId,
    restored,
  } satisfies RecoveredAccountOutputs);
}

const stateOf = (props: Record<string, unknown>) => recordedOutputs<RecoveredAccountOutputs>(props);

/** Whether identity inputs changed, so that the preview should look the account up again. */
const identityChanged = (olds: Record<string, unknown>, news: ResolvedInputs): boolean =>
  diffInputs(olds, news as unknown as Record<string, unknown>).replaces?.length !== 0;

/**
 * What `RecoveredAccount` does in Pulumi's provider host, reached through the
 * stable entry (`runtime.ts`); functions only.
 */
export const recoveredAccountHandlers: pulumi.dynamic.ResourceProvider<Record<string, unknown>, Record<string, unknown>> = {
  async configure(request) {
    rememberStackConfig(request.config);
  },

  async check(olds, news) {
    const checked = checkInputs(news, defaultSubscriptionId());
    const failures: CheckFailure[] = checked.failures;
    const refused = programRefusal(news);
    if (refused) failures.push(refused);
    if (!checked.allKnown || failures.length) return { inputs: checked.inputs, failures };
    const c = pickInputs(checked.inputs);
    // This update declares the account live: a predecessor's delete later in the same update must leave it be.
    claimAccount(c);
    const contradiction = declareIntent(c, "recover", "recovered account (RecoveredAccount)");
    if (contradiction) return { inputs: checked.inputs, failures: [{ property: "accountName", reason: contradiction }] };
    const isNew = !olds || olds.accountName === undefined;
    if (isNew || identityChanged(olds, c)) {
      const plan = await previewLookup("RecoveredAccount", `account ${describeAccount(c)}`, c.subscriptionId, async (run) =>
        decideRecovery(await armSession(c.subscriptionId), c, run.signal),
      );
      if (plan?.decision.kind === "refuse") failures.push({ property: plan.decision.property, reason: sentenceOf(plan.declared, plan.decision) });
      else if (plan) report(`RecoveredAccount: ${sentenceOf(plan.declared, plan.decision, { purgeOnDestroy: c.purgeOnDestroy })}`);
    }
    return { inputs: checked.inputs, failures };
  },

  async diff(_id, olds, news) {
    const result = diffInputs(olds, news);
    const before = pickInputs(olds);
    const after = pickInputs(news);
    // Not asked for `up --replace`: pulumi/pulumi replaces a replace target without calling Diff
    // (step_generator.go, diff: isTargetedReplace, 3.260), so this runs only for replacements a diff decides.
    // If this resource is replaced, its successor (created first) finds the same account live and inherits what
    // this one restored. Only for the same account: a successor declaring another account merely adopts it.
    if (olds.restored === true && accountKey(before) === accountKey(after)) {
      handOverAccount(after);
      if (result.replaces?.length) report(`RecoveredAccount: replacing the resource for account ${describeAccount(after)}; the account stays live and its replacement takes it over (it is not deleted)`);
    }
    if (result.replaces?.length && olds.restored === true && accountKey(before) !== accountKey(after)) {
      // The engine deletes the replaced resource after the update's creates; nothing of this update declares the old account.
      report(
        `RecoveredAccount: the replaced resource's delete will delete account ${describeAccount(before)} (it restored it; Azure keeps it soft-deleted)` +
          (olds.purgeOnDestroy === true ? `, then purge it (purgeOnDestroy); ${PERMANENT}` : ", recoverable for 48 hours"),
      );
    }
    return result;
  },

  async create(inputs) {
    const c = pickInputs(inputs);
    const { account, restored } = await runHook(accountHookOptions("recovery of account", c), async (run) =>
      recoverAsDecided(await armSession(c.subscriptionId), c, run),
    );
    const owned = restored || isHandedOver(c);
    return { id: account.id, outs: recoveredOutputs(c, account, owned) };
  },

  async read(id, props) {
    const state = stateOf(props ?? {});
    const c = pickInputs(state as unknown as Record<string, unknown>);
    const account = await runHook(accountHookOptions("refresh of account", c), async (run) =>
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
    const state = stateOf(props);
    const c = pickInputs(props);
    const account = describeAccount(c);
    if (state.restored !== true) {
      report(`releasing account ${account}: this resource adopted it (it was live), so it leaves it as it is; nothing deleted or purged`);
      return;
    }
    if (isClaimed(c)) {
      report(`leaving account ${account} live: a resource of this update declares it (a replacement or rename took it over); nothing deleted or purged`);
      return;
    }
    await runHook(accountHookOptions("deletion of account", c), async (run) => {
      const session = await armSession(c.subscriptionId);
      // Identity, not coordinates: an account live at the name now that is not the one this resource restored
      // (its own was deleted and purged out of band, and someone created another) is released untouched.
      const live = await session.getAccount(c, { abortSignal: run.signal });
      if (live && state.internalId && live.internalId && live.internalId !== state.internalId) {
        report(`releasing account ${account}: the account live at this name now (internalId ${live.internalId}) is not the one this resource restored (internalId ${state.internalId}); nothing deleted or purged`);
        return;
      }
      report(`deleting account ${account}, which this resource restored; Azure keeps it soft-deleted (recoverable) for 48 hours`);
      if (live) await run.waitFor(`deletion of ${account}`, (abortSignal) => session.deleteAccount(c, { abortSignal, restoredByThisResource: true }));
      if (!c.purgeOnDestroy) return;
      // Purge only the account this resource restored: another soft-deleted account at the name is not this stack's.
      const deleted = await session.getDeletedAccount(c, { abortSignal: run.signal });
      if (deleted && state.internalId && deleted.internalId && deleted.internalId !== state.internalId) {
        report(`not purging soft-deleted account ${account}: it is not the one this resource restored (internalId ${deleted.internalId}, restored ${state.internalId})`);
        return;
      }
      if (deleted) await purgeIfSoftDeleted(session, c, run);
    });
  },
};

