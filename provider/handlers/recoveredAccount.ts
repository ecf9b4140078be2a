import type * as pulumi from "@pulumi/pulumi";
import { armSession, type DeletedAccountDetails, type LiveAccount } from "../azureSession";
import { accountKey, claimAccount, declareIntent, isClaimed, movedAwayRefusal, programRefusal } from "../claims";
import { diffInputs } from "../diff";
import { checkInputs, type CheckFailure, pickInputs, recordedOutputs, type ResolvedInputs, UNKNOWN } from "../inputs";
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
  /**
   * Azure's identity of the account (`properties.internalId`) this resource restored or adopted, recorded when it
   * did so (absent in states written before 0.2.0 recorded it). A refresh never changes it.
   */
  internalId?: string;
};

/**
 * The outputs for `account`. `internalId` is the identity this resource restored or adopted: the live account's
 * own when this run restored or adopted it, the recorded one otherwise (a refresh proves nothing about identity).
 */
function recoveredOutputs(c: ResolvedInputs, account: LiveAccount, restored: boolean, internalId = account.internalId): RecoveredAccountOutputs {
  return withoutUndefined({
    ...c,
    accountId: account.id,
    endpoint: account.endpoint,
    kind: account.kind,
    skuName: account.skuName,
    internalId,
    restored,
  } satisfies RecoveredAccountOutputs);
}

/** Whether an account Azure reports is the one recorded: "unknown" when either side has no internalId to compare. */
export function identityMatch(recorded: string | undefined, found: string | undefined): "same" | "other" | "unknown" {
  if (!recorded || !found) return "unknown";
  return recorded === found ? "same" : "other";
}

/** What a refresh found for the account this resource holds. */
export type RefreshVerdict =
  | { kind: "live"; account: LiveAccount }
  | { kind: "gone"; why: string };

/**
 * Decides what a refresh keeps, apart from the lookups. The resource's identity is the internalId it restored or
 * adopted: an account live at the name with another internalId is not it (its own was purged and someone created
 * another), so the resource is gone and never takes on the other account's identity. An account that is not live is
 * gone too (the contract: "an empty id when it is gone"), its own soft-deleted one included: the next up's create
 * restores it again. Without a recorded identity (0.1.0 states) a live account is kept as before (its identity is
 * left unrecorded).
 */
export function judgeRefresh(state: RecoveredAccountOutputs, live: LiveAccount | undefined, deleted: DeletedAccountDetails | undefined): RefreshVerdict {
  if (live) {
    if (identityMatch(state.internalId, live.internalId) !== "other") return { kind: "live", account: live };
    return {
      kind: "gone",
      why: `the account it ${state.restored === true ? "restored" : "adopted"} (internalId ${state.internalId}) is gone; another account (internalId ${live.internalId}) now holds the name, and this resource leaves it alone`,
    };
  }
  if (deleted && identityMatch(state.internalId, deleted.internalId) === "same") {
    return {
      kind: "gone",
      why: `the account it ${state.restored === true ? "restored" : "adopted"} is soft-deleted (deleted outside Pulumi at ${deleted.deletionDate ?? "an unreported time"}; recoverable): the next up creates this resource again, which restores it`,
    };
  }
  if (!deleted) return { kind: "gone", why: "the account is neither live nor soft-deleted (purged, or its retention expired)" };
  return {
    kind: "gone",
    why: state.internalId
      ? `the account it holds (internalId ${state.internalId}) is gone; the soft-deleted account at the name is another one (internalId ${deleted.internalId ?? "not reported"})`
      : "the account is not live, and the state records no identity (internalId) to tell whether the soft-deleted account at the name is the one it holds",
  };
}

/** The `az` commands that delete (and, with purgeOnDestroy, purge) the account by hand. */
function manualDeletion(c: ResolvedInputs): string {
  const where = `--name ${c.accountName} --resource-group ${c.resourceGroupName} --subscription ${c.subscriptionId}`;
  return `az cognitiveservices account delete ${where}` + (c.purgeOnDestroy ? `, then az cognitiveservices account purge ${where} --location ${c.location}` : "");
}

const stateOf = (props: Record<string, unknown>) => recordedOutputs<RecoveredAccountOutputs>(props);

/** Whether identity inputs changed, so that the preview should look the account up again. */
const identityChanged = (olds: Record<string, unknown>, news: ResolvedInputs): boolean =>
  diffInputs(olds, news as unknown as Record<string, unknown>).replaces?.length !== 0;

/** The inputs that say which account the resource holds. */
const COORDINATES = ["accountName", "resourceGroupName", "subscriptionId", "location"] as const;

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
    const contradiction = declareIntent(c, "restoreOrAdopt", "recovered account (RecoveredAccount)") ?? movedAwayRefusal(c);
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
    const before = pickInputs(olds);
    const unknown = COORDINATES.filter((key) => news[key] === UNKNOWN);
    if (unknown.length) {
      // Not "replace" until the values are known (up's own diff): the engine deletes first a dependent of a
      // delete-first replacement whose Diff, given the replaced resource's outputs as unknowns, says "replace"
      // (pulumi/pulumi pkg/resource/deploy/step_generator.go, calculateDependentReplacements), before any check of this
      // update has declared the account (claims.ts): that delete would delete, and purge, the account the program
      // still declares.
      report(
        `RecoveredAccount: ${unknown.join(", ")} of account ${describeAccount(before)} not known until up; if up finds another account there, the resource is replaced` +
          (olds.restored === true ? `, and the replaced resource's delete deletes account ${describeAccount(before)} (it restored it)${olds.purgeOnDestroy === true ? `, then purges it; ${PERMANENT}` : ""}` : ""),
      );
      return { changes: true, replaces: [], deleteBeforeReplace: false };
    }
    const result = diffInputs(olds, news);
    const after = pickInputs(news);
    // A replacement's successor adopts what it finds live: the engine re-checks it without olds before its create
    // (pulumi/pulumi step_generator.go, "recompute the default values"), so nothing can tell it from another new
    // resource of the same account, and only what a resource itself restored is its to delete.
    if (result.replaces?.length && olds.restored === true && accountKey(before) === accountKey(after)) {
      report(`RecoveredAccount: replacing the resource for account ${describeAccount(after)}; the account stays live (it is not deleted) and the replacement adopts it, so destroy will release it untouched`);
    } else if (result.replaces?.length && olds.restored === true) {
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
    return { id: account.id, outs: recoveredOutputs(c, account, restored) };
  },

  async read(id, props) {
    const state = stateOf(props ?? {});
    const c = pickInputs(state as unknown as Record<string, unknown>);
    const verdict = await runHook(accountHookOptions("refresh of account", c), async (run) => {
      const session = await armSession(c.subscriptionId);
      const live = await session.getAccount(c, { abortSignal: run.signal });
      return judgeRefresh(state, live, live ? undefined : await session.getDeletedAccount(c, { abortSignal: run.signal }));
    });
    switch (verdict.kind) {
      case "gone":
        report(`RecoveredAccount: refresh of account ${describeAccount(c)}: ${verdict.why}; the resource is gone from the stack (nothing deleted or purged)`);
        return { id: "" };
      case "live":
        return { id, props: recoveredOutputs(c, verdict.account, state.restored === true, state.internalId), inputs: c };
    }
  },

  async update(_id, olds, news) {
    const state = stateOf(olds);
    const c = pickInputs(news);
    // Identity changes replace; a change of purgeOnDestroy or timeoutMinutes alone sends no request to Azure.
    return { outs: withoutUndefined({ ...state, ...c } satisfies RecoveredAccountOutputs) };
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
    if (!state.internalId) {
      // States written before the identity was recorded (0.1.0): nothing proves that the account now at the name is
      // the one this resource restored (it may have been purged and another created since), and a refresh cannot
      // prove it either. Deleting an account that may be another's is the one loss that cannot be undone: release it.
      report(
        `releasing account ${account}: this resource restored it, but its state (written by an older pulumi-cognitive-reclaim) records no identity (internalId), ` +
          `so nothing proves the account at this name now is the one it restored; nothing deleted or purged. If it is yours, delete it yourself: ${manualDeletion(c)}`,
      );
      return;
    }
    await runHook(accountHookOptions("deletion of account", c), async (run) => {
      const session = await armSession(c.subscriptionId);
      // Identity, not coordinates: an account live at the name now that is not the one this resource restored
      // (its own was deleted and purged out of band, and someone created another) is released untouched.
      const live = await session.getAccount(c, { abortSignal: run.signal });
      const liveMatch = live ? identityMatch(state.internalId, live.internalId) : undefined;
      if (live && liveMatch !== "same") {
        report(
          `releasing account ${account}: the account live at this name now (internalId ${live.internalId ?? "not reported"}) is not proven to be the one this resource restored (internalId ${state.internalId}); nothing deleted or purged` +
            (liveMatch === "unknown" ? `. If it is yours, delete it yourself: ${manualDeletion(c)}` : ""),
        );
        return;
      }
      if (live) {
        report(`deleting account ${account}, which this resource restored; Azure keeps it soft-deleted (recoverable) for 48 hours`);
        await run.waitFor(`deletion of ${account}`, (abortSignal) => session.deleteAccount(c, { abortSignal, restoredByThisResource: true }));
      } else report(`account ${account}, which this resource restored, is not live (already deleted); nothing to delete`);
      if (!c.purgeOnDestroy) return;
      // Purge only the account this resource restored: another soft-deleted account at the name is not this stack's.
      const deleted = await session.getDeletedAccount(c, { abortSignal: run.signal });
      if (!deleted) return;
      if (identityMatch(state.internalId, deleted.internalId) !== "same") {
        report(`not purging soft-deleted account ${account}: it is not proven to be the one this resource restored (internalId ${deleted.internalId ?? "not reported"}, restored ${state.internalId})`);
        return;
      }
      await purgeIfSoftDeleted(session, c, run);
    });
  },
};

