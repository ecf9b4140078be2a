import type * as pulumi from "@pulumi/pulumi";
import { deletedAccountId } from "../armIds";
import { armSession } from "../azureSession";
import { declareIntent } from "../claims";
import { handOver, inheritedIdentities, recordedIdentities } from "../identity";
import { diffInputs } from "../diff";
import { checkInputs, type CheckFailure, pickInputs, recordedOutputs, type ResolvedInputs, UNKNOWN } from "../inputs";
import { accountHookOptions, previewLookup, report, runHook, withoutUndefined } from "../lifecycle";
import { describeAccount, type PurgeOutcome, purgeFound, purgeIfSoftDeleted } from "../purge";
import { decide, type Decision, type Declared, type Identity, PERMANENT, purgesOf, sentenceOf, unseenSentence } from "../planner";
import { deletedFacts } from "../world";
import type { ArmSession, DeletedAccountDetails } from "../azureSession";
import { defaultSubscriptionId, rememberStackConfig } from "../settings";

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
  /** Identities of the guarded account recorded when the guard was replaced along with it (identity.ts): its hooks' "own predecessor". */
  owned?: Identity[];
};

function guardOutputs(c: ResolvedInputs, outcome: PurgeOutcome, owned: Identity[]): PurgedDeletedAccountOutputs {
  return withoutUndefined({
    owned: owned.length ? owned : undefined,
    ...c,
    purged: outcome.purged,
    pendingPurge: false,
    deletedAccountId: deletedAccountId(c),
    deletionDate: outcome.deleted?.deletionDate,
    scheduledPurgeDate: outcome.deleted?.scheduledPurgeDate,
  } satisfies PurgedDeletedAccountOutputs);
}

/**
 * What the guard's own step does, decided by the planner: purge the
 * soft-deleted account of its name at its coordinates ("here"; the hooks of
 * the guarded account also clear the name in the group's other regions, named
 * in their preview). Its group may be gone, so it is not looked up.
 */
async function plan(session: ArmSession, c: ResolvedInputs, signal: AbortSignal): Promise<{ declared: Declared; decision: Decision; deleted?: DeletedAccountDetails }> {
  // One request: the guard's own step watches its coordinates only; a live account there is never its business.
  const deleted = await session.getDeletedAccount(c, { abortSignal: signal });
  const declared: Declared = { account: c, policy: "guard", asker: "plan" };
  return { declared, decision: decide(declared, { deletedSameName: deleted ? [deletedFacts(deleted)] : [] }, { identities: [] }), deleted };
}

async function purge(c: ResolvedInputs): Promise<PurgeOutcome> {
  return runHook(accountHookOptions("purge of soft-deleted account", c), async (run) => {
    const session = await armSession(c.subscriptionId);
    const { declared, decision, deleted } = await plan(session, c, run.signal);
    report(`PurgedDeletedAccount: ${sentenceOf(declared, decision, { guardResource: true })}`);
    return deleted && purgesOf(decision).length ? purgeFound(session, c, deleted, run) : { purged: false };
  });
}

const stateOf = (props: Record<string, unknown>) => recordedOutputs<PurgedDeletedAccountOutputs>(props);

/**
 * What `PurgedDeletedAccount` does in Pulumi's provider host. Reached through
 * the stable entry (`runtime.ts`), never serialized itself: it holds no
 * clients, credentials or settings, only functions that build them when they run.
 */
export const purgedDeletedAccountHandlers: pulumi.dynamic.ResourceProvider<Record<string, unknown>, Record<string, unknown>> = {
  async configure(request) {
    rememberStackConfig(request.config);
  },

  async check(olds, news) {
    const checked = checkInputs(news, defaultSubscriptionId());
    const failures: CheckFailure[] = checked.failures;
    const isNew = !olds || olds.accountName === undefined;
    if (checked.allKnown) {
      const contradiction = declareIntent(pickInputs(checked.inputs), "purge", "PurgedDeletedAccount guard");
      if (contradiction) failures.push({ property: "accountName", reason: contradiction });
    }
    if (isNew && !checked.allKnown && !failures.length) {
      const accountName = typeof checked.inputs.accountName === "string" && checked.inputs.accountName !== UNKNOWN ? checked.inputs.accountName : undefined;
      report(`PurgedDeletedAccount: ${sentenceOf({ policy: "guard", asker: "plan", accountName }, { kind: "undecided", reason: "" })}`);
    }
    if (isNew && checked.allKnown && !failures.length) {
      const c = pickInputs(checked.inputs);
      const found = await previewLookup("PurgedDeletedAccount", `account ${describeAccount(c)}`, c.subscriptionId, async (run) => plan(await armSession(c.subscriptionId), c, run.signal), unseenSentence({ account: c, policy: "guard", asker: "plan" }));
      if (found) report(`PurgedDeletedAccount: ${sentenceOf(found.declared, found.decision, { guardResource: true })}`);
    }
    return { inputs: checked.inputs, failures };
  },

  async diff(_id, olds, news) {
    if (olds.pendingPurge === true) {
      const c = pickInputs(news);
      report(`PurgedDeletedAccount: refresh found soft-deleted account ${describeAccount(c)} again: up will purge it; a purge is permanent: the account, its keys and its data cannot be recovered afterwards`);
    }
    const result = diffInputs(olds, news, olds.pendingPurge === true);
    if (result.replaces?.length) {
      const before = pickInputs(olds);
      const after = pickInputs(news);
      handOver("guard", before, after, recordedIdentities(olds));
      if (result.replaces.some((p) => p === "accountName" || p === "resourceGroupName")) {
        report(
          `PurgedDeletedAccount: the guarded account moves from ${describeAccount(before)} to ${describeAccount(after)}: if it keeps its customSubDomainName, its predecessor (soft-deleted by the replacement) holds the subdomain, ` +
            `and the account's hooks purge soft-deleted account ${describeAccount(before)} before the create, as this stack's own predecessor; ${PERMANENT}`,
        );
      }
    }
    if (result.replaces?.length && olds.purgeOnDestroy === true) {
      // The engine will delete the replaced guard after the update's creates: say what that delete will do.
      report(`PurgedDeletedAccount: the replaced guard's delete (purgeOnDestroy) will purge soft-deleted account ${describeAccount(pickInputs(olds))} if one exists then; ${PERMANENT}`);
    }
    return result;
  },

  async create(inputs) {
    const c = pickInputs(inputs);
    const owned = await runHook(accountHookOptions("identity read for the guard of account", c), async (run) =>
      inheritedIdentities("guard", await armSession(c.subscriptionId), c, run.signal),
    );
    const outs = guardOutputs(c, await purge(c), owned);
    return { id: outs.deletedAccountId, outs };
  },

  async read(id, props) {
    const state = stateOf(props ?? {});
    const c = pickInputs(state as unknown as Record<string, unknown>);
    const deleted = await runHook(
      accountHookOptions("refresh of guard for account", c),
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
    return { outs: guardOutputs(c, await purge(c), recordedIdentities(olds)) };
  },

  async delete(_id, props) {
    const c = pickInputs(props);
    if (!c.purgeOnDestroy) {
      report(`leaving account ${describeAccount(c)} as it is (purgeOnDestroy is false)`);
      return;
    }
    await runHook(accountHookOptions("purge on destroy of soft-deleted account", c), async (run) => purgeIfSoftDeleted(await armSession(c.subscriptionId), c, run));
  },
};

