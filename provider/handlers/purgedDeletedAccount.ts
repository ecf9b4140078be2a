import type * as pulumi from "@pulumi/pulumi";
import { deletedAccountId } from "../armIds";
import { armSession } from "../azureSession";
import { declareIntent, declareMoveAway, programRefusal } from "../claims";
import { handOver, inheritedIdentities, recordedIdentities } from "../identity";
import { diffInputs, movesToAnotherAccount } from "../diff";
import { checkInputs, type CheckFailure, pickInputs, recordedOutputs, type ResolvedInputs, UNKNOWN } from "../inputs";
import { accountHookOptions, previewLookup, report, runHook, withoutUndefined } from "../lifecycle";
import { describeAccount, type PurgeOutcome, purgeFound, purgeIfSoftDeleted } from "../purge";
import { decide, type Decision, type Declared, type Identity, leftToHooksSentence, PERMANENT, purgesOf, refreshedSentence, replacedPurgeSentence, sentenceOf, unseenSentence } from "../planner";
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
 * What the program told the guard (inputs it sets itself, never the user):
 * whether the program bound the guard's `accountHooks` to an account, and
 * whether its resource group comes from a resource of the program.
 */
export interface GuardSight {
  accountHooked: boolean;
  groupDeclared: boolean;
}

const sightOf = (props: Record<string, unknown>): GuardSight => ({ accountHooked: props.accountHooked === true, groupDeclared: props.groupDeclared === true });

/**
 * What the guard's own step does, decided by the planner: purge the
 * soft-deleted account of its name at its coordinates ("here"; the hooks of
 * the guarded account also clear the name in the group's other regions, named
 * in their preview). A guard alone may free a name in a group that is gone
 * (the contract), so its group is not looked up. A guard whose hooks are bound
 * to an account (`accountHooked`, told by the program) is that account's
 * purge-before-create, and the account will be created in the guard's group:
 * at up, the planner hears whether the group exists. A missing group that no
 * resource of the program provides is refused by the planner, and the guard
 * then purges nothing and leaves the purge to the hooks, which ask the planner
 * again right before the account's create: by then the program has created the
 * group if it does (the account depends on it), and otherwise they refuse.
 * Either way nothing is purged by an up that then fails for the missing group
 * (invariant (g)). Preview does not ask about the group (`atUp` false): a group
 * the program creates under a plain name does not exist yet at preview.
 */
async function plan(session: ArmSession, c: ResolvedInputs, sight: GuardSight, atUp: boolean, signal: AbortSignal): Promise<{ declared: Declared; decision: Decision; deleted?: DeletedAccountDetails }> {
  // The guard's own step watches its coordinates only; a live account there is never its business.
  const askGroup = atUp && sight.accountHooked;
  const [deleted, groupExists] = await Promise.all([
    session.getDeletedAccount(c, { abortSignal: signal }),
    askGroup ? session.resourceGroupExists(c.resourceGroupName, { abortSignal: signal }) : Promise.resolve(undefined),
  ]);
  const declared: Declared = { account: c, policy: "guard", asker: "plan", groupDeclared: sight.groupDeclared };
  return { declared, decision: decide(declared, { groupExists, deletedSameName: deleted ? [deletedFacts(deleted)] : [] }, { identities: [] }), deleted };
}

async function purge(c: ResolvedInputs, sight: GuardSight): Promise<PurgeOutcome> {
  return runHook(accountHookOptions("purge of soft-deleted account", c), async (run) => {
    const session = await armSession(c.subscriptionId);
    const { declared, decision, deleted } = await plan(session, c, sight, true, run.signal);
    if (decision.kind === "refuse") {
      report(`PurgedDeletedAccount: ${leftToHooksSentence(declared, decision)}`);
      return { purged: false };
    }
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
    // Set by the guard's constructor (never the user's): recorded with the inputs, so create and update read them.
    for (const name of ["accountHooked", "accountRetained", "groupDeclared"] as const) {
      if (typeof news[name] === "boolean") checked.inputs[name] = news[name];
    }
    const sight = sightOf(checked.inputs);
    const refused = programRefusal(news);
    if (refused) failures.push(refused);
    if (checked.allKnown && !refused) {
      const contradiction = declareIntent(pickInputs(checked.inputs), "purge", "PurgedDeletedAccount guard");
      if (contradiction) failures.push({ property: "accountName", reason: contradiction });
    }
    if (isNew && !checked.allKnown && !failures.length) {
      const accountName = typeof checked.inputs.accountName === "string" && checked.inputs.accountName !== UNKNOWN ? checked.inputs.accountName : undefined;
      report(`PurgedDeletedAccount: ${sentenceOf({ policy: "guard", asker: "plan", accountName }, { kind: "undecided", reason: "" })}`);
    }
    if (isNew && checked.allKnown && !failures.length) {
      const c = pickInputs(checked.inputs);
      const found = await previewLookup("PurgedDeletedAccount", `account ${describeAccount(c)}`, c.subscriptionId, async (run) => plan(await armSession(c.subscriptionId), c, sight, false, run.signal), unseenSentence({ account: c, policy: "guard", asker: "plan" }));
      if (found) report(`PurgedDeletedAccount: ${sentenceOf(found.declared, found.decision, { guardResource: true })}`);
    }
    return { inputs: checked.inputs, failures };
  },

  async diff(_id, olds, news) {
    if (olds.pendingPurge === true) {
      // The update that follows asks the planner again; preview asks it now, so the line is the planner's, in the words the update prints.
      const c = pickInputs(news);
      const found = await previewLookup("PurgedDeletedAccount", `account ${describeAccount(c)}`, c.subscriptionId, async (run) => plan(await armSession(c.subscriptionId), c, sightOf(news), false, run.signal));
      const declared: Declared = found?.declared ?? { account: c, policy: "guard", asker: "plan" };
      const decision: Decision = found?.decision ?? { kind: "purge-then-create", purge: [{ id: deletedAccountId(c), ...c }], reason: "a refresh found it" };
      // The account may have gone since the refresh (purged by someone): then the planner's own sentence says so.
      const line = decision.kind === "create" ? sentenceOf(declared, decision, { guardResource: true }) : refreshedSentence(declared, "soft-deleted", decision, { guardResource: true });
      report(`PurgedDeletedAccount: ${line}`);
    }
    const result = diffInputs(olds, news, olds.pendingPurge === true);
    if (result.replaces?.length) {
      const before = pickInputs(olds);
      const after = pickInputs(news);
      handOver("guard", before, after, recordedIdentities(olds));
      const moved = movesToAnotherAccount(result.replaces);
      // The old account's resource keeps it in Azure through the replacement when it had retainOnDelete.
      const refusal = moved && news.accountHooked === true && news.accountRetained !== true ? declareMoveAway(before, `the account of guard '${before.accountName}' moves to ${describeAccount(after)}`) : undefined;
      if (refusal) throw new Error(refusal);
      if (result.replaces.some((p) => p === "accountName" || p === "resourceGroupName")) {
        report(
          `PurgedDeletedAccount: the guarded account moves from ${describeAccount(before)} to ${describeAccount(after)}: if it keeps its customSubDomainName, its predecessor (soft-deleted by the replacement) holds the subdomain, ` +
            `and the account's hooks purge soft-deleted account ${describeAccount(before)} before the create, as this stack's own predecessor; ${PERMANENT}`,
        );
      }
    }
    if (result.replaces?.length && olds.purgeOnDestroy === true) {
      // The engine will delete the replaced guard after the update's creates: say what that delete will do.
      report(`PurgedDeletedAccount: ${replacedPurgeSentence("guard", pickInputs(olds), false)}`);
    }
    return result;
  },

  async create(inputs) {
    const c = pickInputs(inputs);
    const owned = await runHook(accountHookOptions("identity read for the guard of account", c), async (run) =>
      inheritedIdentities("guard", await armSession(c.subscriptionId), c, run.signal),
    );
    const outs = guardOutputs(c, await purge(c, sightOf(inputs)), owned);
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
    return { outs: guardOutputs(c, await purge(c, sightOf(news)), recordedIdentities(olds)) };
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

