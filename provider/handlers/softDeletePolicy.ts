import type * as pulumi from "@pulumi/pulumi";
import { accountId } from "../armIds";
import { armSession } from "../azureSession";
import { claimAccount, declareIntent, declareMoveAway, type Intent, isClaimed, movedAwayRefusal, programRefusal } from "../claims";
import { diffInputs, movesToAnotherAccount } from "../diff";
import { checkInputs, type CheckFailure, pickInputs, recordedOutputs, type ResolvedInputs, UNKNOWN } from "../inputs";
import { accountHookOptions, type HookRun, previewLookup, report, runHook, withoutUndefined } from "../lifecycle";
import { describeAccount, purgeDecided, purgeIfSoftDeleted } from "../purge";
import { decide, type Decision, type Declared, type Identity, isOwned, PERMANENT, purgesOf, refreshedSentence, replacedPurgeSentence, sentenceOf, subdomainRefusal, unseenSentence } from "../planner";
import { handOver, inheritedIdentities, ownPredecessorAt, recordedAt, recordedIdentities, withIdentity } from "../identity";
import { defaultSubscriptionId, rememberStackConfig } from "../settings";
import { lookUpWorld } from "../world";
import type { ArmSession } from "../azureSession";

/** What to do when the account's name is held by a soft-deleted account. */
export type IfSoftDeleted = "recover" | "purge" | "fail";
export const IF_SOFT_DELETED: readonly IfSoftDeleted[] = ["recover", "purge", "fail"];

/** What a policy would do about a soft-deleted account at its name, and how a contradiction names it (claims.ts). */
export function intentOf(policy: IfSoftDeleted): { intent: Intent; who: string } {
  return { intent: policy === "purge" ? "purge" : policy === "fail" ? "refuse" : "recover", who: `ReclaimableAccount (ifSoftDeleted: "${policy}")` };
}

/**
 * How the account at this name came to the stack, set only when the policy
 * decides (never by a refresh): `created` (the name was free, or the policy
 * purged what held it, and the account's create followed), `restored`, or
 * `foreign` (a live account this stack never recorded held the name: its
 * create fails "already exists" unless the program imports it). The account
 * seen live at the name when the program runs (accountHooks.ts,
 * observeOwnAccount) counts as this stack's own only under `created` or
 * `restored`; no step of the policy records an identity because an account is
 * live (see `owned`), so another stack's account is never purged as an own
 * predecessor.
 *
 * Why not fold it into `found`: a refresh must rewrite `found` (the next
 * update decides again from what the refresh found: free, soft-deleted or
 * live), and "live" alone cannot say whose account it is. A `found` value per
 * lineage ("live-own", ...) would be one field, but states written by 0.1.0
 * and 0.2.0 hold `found: "live"` without it, so the reading of an old state
 * (`lineageOf`) stays either way; two fields keep each one's meaning plain.
 */
export type Lineage = "created" | "restored" | "foreign";

/** The lineage of a state; states written before it existed count as `foreign` when the policy last found the name live (the safe reading). */
export const lineageOf = (state: { lineage?: unknown; found?: unknown }): Lineage =>
  state.lineage === "created" || state.lineage === "restored" || state.lineage === "foreign" ? state.lineage : state.found === "live" ? "foreign" : "created";

/** What the policy found and decided; `restore` feeds azure-native's `properties.restore`. */
export type SoftDeletePolicyOutputs = ResolvedInputs & {
  ifSoftDeleted: IfSoftDeleted;
  /** A digest of the account's other inputs; the restore flag is kept only while they are unchanged. */
  accountFingerprint?: string;
  /** True when the account's destroy keeps it (`retainOnDelete`): then this policy never purges on destroy. */
  retained: boolean;
  /** What the name held when the policy last decided. */
  found: "free" | "soft-deleted" | "live";
  /**
   * True while the account must carry `properties.restore: true`: from the
   * decision to recover until the account's inputs next change. The flag
   * then leaves the account's inputs in the same update as that change, so
   * no later request carries it (Azure refuses it on a live account).
   */
  restore: boolean;
  /** The fingerprint the restore decision was made for. */
  restoredFingerprint?: string;
  /** True when this policy recovered the account (through azure-native's restore flag). */
  restored: boolean;
  /** True when this policy purged a soft-deleted account. */
  purged: boolean;
  /** True when a refresh found the name soft-deleted: the next update decides again. */
  pendingDecision: boolean;
  /**
   * Identities of the accounts this stack created, restored or kept at this
   * name (internalId and ARM id): the account's hooks purge a soft-deleted
   * account under "recover" or "fail" only when its internalId is here (or
   * was seen live at the name in the same update). Recorded only with proof:
   * a restore this policy made (the restored internalId), and when the policy
   * is replaced along with the account (what the predecessor recorded, and,
   * unless its lineage is `foreign`, the account live at the old coordinates,
   * read at the new policy's create, before the account's delete-first
   * replacement deletes it). Never because an account is live at the name (a
   * refresh, a settings-only update): after a create that Azure refused,
   * another stack may have created it.
   */
  owned?: Identity[];
  /** The account's customSubDomainName, looked up as a second name before a create. */
  customSubDomainName?: string;
  /** How the account at this name came to the stack (see {@link Lineage}). */
  lineage?: Lineage;
};

type Decided = Pick<SoftDeletePolicyOutputs, "found" | "restore" | "restoredFingerprint" | "restored" | "purged" | "pendingDecision" | "owned" | "lineage">;

/** Acts on the planner's decision, after printing it in the words preview used. */
async function actOn(session: ArmSession, c: ResolvedInputs, declared: Declared, decision: Decision, owned: Identity[], fingerprint: string | undefined, previous: Lineage | undefined, run: HookRun): Promise<Decided> {
  report(`ReclaimableAccount: ${sentenceOf(declared, decision)}`);
  const none: Decided = { found: "free", restore: false, restoredFingerprint: undefined, restored: false, purged: false, pendingDecision: false, owned, lineage: "created" };
  switch (decision.kind) {
    case "refuse":
      throw new Error(sentenceOf(declared, decision));
    case "restore":
      return { ...none, found: "soft-deleted", restore: true, restoredFingerprint: fingerprint, restored: true, owned: withIdentity(owned, [decision.deleted]), lineage: "restored" };
    case "purge-then-create": {
      if (decision.atCreate) return { ...none, found: "soft-deleted" }; // the account's hooks purge, right before its create
      let purged = false;
      for (const d of purgesOf(decision)) purged = (await purgeDecided(session, d, run)).purged || purged;
      return { ...none, found: "soft-deleted", purged };
    }
    case "keep":
      // A live account is this stack's only when its identity was recorded (or handed over by a replaced policy), or when
      // this policy's earlier decision made the account at this name (its lineage stands; being live records nothing).
      return { ...none, found: "live", lineage: decision.owned || isOwned({ identities: owned }, decision.live) ? "created" : previous && previous !== "foreign" ? previous : "foreign" };
    case "replace":
      return { ...none, found: "live" };
    default:
      return none;
  }
}

/** Gathers what Azure holds, asks the planner, acts. */
async function decideAndAct(c: ResolvedInputs, subdomain: string | undefined, policy: IfSoftDeleted, fingerprint: string | undefined, owned: Identity[], previous: Lineage | undefined): Promise<Decided> {
  return runHook(accountHookOptions(`soft-delete policy "${policy}" for account`, c), async (run) => {
    const session = await armSession(c.subscriptionId);
    const held = await lookUpWorld(session, c, subdomain, run.signal, { group: true, restore: policy === "recover" });
    // Being live at the name is no proof of ownership (another stack may have created it after this stack's create
    // failed): only what was recorded, and what a replaced policy hands over, counts as own.
    const recorded = withIdentity(owned, await inheritedIdentities("policy", session, c, run.signal));
    const declared: Declared = { account: c, customSubDomainName: subdomain, policy, asker: "plan" };
    return actOn(session, c, declared, decide(declared, held, { identities: recorded }), recorded, fingerprint, previous, run);
  });
}

function checkPolicy(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return IF_SOFT_DELETED.includes(value as IfSoftDeleted) ? undefined : `ifSoftDeleted must be one of "recover", "purge", "fail", got ${JSON.stringify(value)}`;
}

const extras = (props: Record<string, unknown>) => ({
  ifSoftDeleted: (props.ifSoftDeleted ?? "recover") as IfSoftDeleted,
  accountFingerprint: typeof props.accountFingerprint === "string" ? props.accountFingerprint : undefined,
  retained: props.retained === true,
  customSubDomainName: typeof props.customSubDomainName === "string" ? props.customSubDomainName : undefined,
});

/** Whether an update changes the account's customSubDomainName to a known new one (ARM compares names case-insensitively). */
const subdomainChanged = (before: unknown, after: unknown): boolean =>
  typeof after === "string" && after !== UNKNOWN && (typeof before !== "string" || before.toLowerCase() !== after.toLowerCase());

/**
 * Decides, at deployment time, what a {@link ReclaimableAccount} does about a
 * soft-deleted account holding its name. Serialized into the state like the
 * other providers' handlers, reached through the stable entry (`runtime.ts`): functions only.
 */
export const softDeletePolicyHandlers: pulumi.dynamic.ResourceProvider<Record<string, unknown>, Record<string, unknown>> = {
  async configure(request) {
    rememberStackConfig(request.config);
  },

  async check(olds, news) {
    const checked = checkInputs(news, defaultSubscriptionId());
    const failures: CheckFailure[] = checked.failures;
    const policyValue = news.ifSoftDeleted ?? "recover";
    const broken = policyValue === UNKNOWN ? undefined : checkPolicy(policyValue);
    if (broken) failures.push({ property: "ifSoftDeleted", reason: broken });
    for (const [name, type] of [["accountFingerprint", "string"], ["retained", "boolean"], ["customSubDomainName", "string"], ["groupDeclared", "boolean"]] as const) {
      const value = news[name];
      if (value !== undefined && value !== UNKNOWN && typeof value !== type) failures.push({ property: name, reason: `${name} must be a ${type}, got ${JSON.stringify(value)}` });
    }
    const refused = programRefusal(news);
    if (refused) failures.push(refused);
    const inputs = withoutUndefined({ ...checked.inputs, ifSoftDeleted: policyValue, accountFingerprint: news.accountFingerprint, retained: news.retained ?? false, customSubDomainName: news.customSubDomainName, groupDeclared: news.groupDeclared });
    if (!checked.allKnown || failures.length || policyValue === UNKNOWN) {
      const accountName = typeof news.accountName === "string" && news.accountName !== UNKNOWN ? news.accountName : undefined;
      if (!failures.length && (!olds || olds.accountName === undefined)) report(`ReclaimableAccount: ${sentenceOf({ policy: policyValue === UNKNOWN ? "recover" : (policyValue as IfSoftDeleted), asker: "plan", accountName }, { kind: "undecided", reason: "" })}`);
      return { inputs, failures };
    }
    const c = pickInputs(checked.inputs);
    claimAccount(c);
    const policyNow = policyValue as IfSoftDeleted;
    const { intent, who } = intentOf(policyNow);
    const contradiction = declareIntent(c, intent, who) ?? movedAwayRefusal(c);
    if (contradiction) return { inputs, failures: [{ property: "ifSoftDeleted", reason: contradiction }] };
    const isNew = !olds || olds.accountName === undefined;
    if (isNew) {
      const policy = policyValue as IfSoftDeleted;
      const subdomain = news.customSubDomainName === UNKNOWN ? undefined : (news.customSubDomainName as string | undefined);
      const declared: Declared = { account: c, customSubDomainName: subdomain, policy, asker: "plan", groupDeclared: news.groupDeclared === true };
      const verdict = await previewLookup(
        "ReclaimableAccount",
        `the state of the name of account ${describeAccount(c)}`,
        c.subscriptionId,
        async (run) => {
          const session = await armSession(c.subscriptionId);
          const held = await lookUpWorld(session, c, subdomain, run.signal, { group: true, restore: policy === "recover" });
          // A replacement's check comes again without olds, after its diff handed over the old coordinates
          // (pulumi/pulumi pkg/resource/deploy/step_generator.go: "recompute the default values", Check with no olds): the
          // account live there is this stack's own (unless the predecessor's lineage is "foreign"), whose name and
          // subdomain the replacement frees. What the old policy recorded decides nothing at preview (an account deleted
          // out of band is not "own").
          const old = ownPredecessorAt("policy", c);
          const predecessor = old ? await session.getAccount({ ...old, subscriptionId: session.subscriptionId }, { abortSignal: run.signal }) : undefined;
          const decision = decide(declared, held, { identities: withIdentity([], [predecessor]) });
          return decision.kind === "refuse" ? { failure: sentenceOf(declared, decision), property: decision.property } : { line: sentenceOf(declared, decision) };
        },
        unseenSentence(declared),
      );
      if (verdict?.failure) failures.push({ property: verdict.property === "resourceGroupName" ? "resourceGroupName" : "ifSoftDeleted", reason: verdict.failure });
      else if (verdict?.line) report(`ReclaimableAccount: ${verdict.line}`);
    } else if (subdomainChanged(olds.customSubDomainName, news.customSubDomainName)) {
      // An update of the live account to a subdomain another account holds fails in Azure (CustomDomainInUse): foreseeable here.
      const subdomain = news.customSubDomainName as string;
      const declared: Declared = { account: c, customSubDomainName: subdomain, policy: policyNow, asker: "plan", groupDeclared: news.groupDeclared === true };
      const refusal = await previewLookup("ReclaimableAccount", `the holder of customSubDomainName '${subdomain}'`, c.subscriptionId, async (run) => {
        const held = await lookUpWorld(await armSession(c.subscriptionId), c, subdomain, run.signal, { subdomainChange: true });
        return subdomainRefusal(declared, held, { identities: [] });
      });
      if (refusal) failures.push({ property: "customSubDomainName", reason: refusal });
    }
    return { inputs, failures };
  },

  async diff(_id, olds, news) {
    const result = diffInputs(olds, news);
    const before = extras(olds);
    const after = extras(news);
    if (result.replaces?.length) {
      // The successor (created next, in this process) inherits what this policy recorded and the account live at these coordinates.
      // A predecessor of lineage "foreign" never held its own account at the name: the account live there is another's.
      handOver("policy", pickInputs(olds), pickInputs(news), recordedIdentities(olds), lineageOf(olds) !== "foreign");
      const moved = movesToAnotherAccount(result.replaces);
      // The old account's resource keeps it in Azure through the replacement when it had retainOnDelete.
      const refusal = moved && olds.retained !== true ? declareMoveAway(pickInputs(olds), `the account of ReclaimableAccount '${String(olds.accountName)}' moves to ${describeAccount(pickInputs(news))}`) : undefined;
      if (refusal) throw new Error(refusal);
    }
    const renamed = (result.replaces ?? []).some((p) => p === "accountName" || p === "resourceGroupName");
    if (renamed && before.customSubDomainName && before.customSubDomainName === after.customSubDomainName) {
      // A rename or move keeps the subdomain, which the predecessor keeps holding once the replacement soft-deletes it.
      report(
        `ReclaimableAccount: account ${describeAccount(pickInputs(olds))} is replaced by account ${describeAccount(pickInputs(news))} keeping customSubDomainName '${after.customSubDomainName}': ` +
          `the replacement deletes it first (Azure soft-deletes it, and it keeps holding the subdomain), then the account's hooks purge soft-deleted account ${describeAccount(pickInputs(olds))} before the create, as this stack's own predecessor; ${PERMANENT}`,
      );
    }
    if (result.replaces?.length && olds.purgeOnDestroy === true && olds.retained !== true) {
      report(`ReclaimableAccount: ${replacedPurgeSentence("policy", pickInputs(olds), true)}`);
    }
    const pending = olds.pendingDecision === true;
    const c = pickInputs(news);
    const policyChanged = before.ifSoftDeleted !== after.ifSoftDeleted && olds.found === "soft-deleted";
    const flagStale = olds.restore === true && olds.restoredFingerprint !== after.accountFingerprint;
    // Until a step of this policy has seen the account live, ask whether it is: a failed up left none, or the name
    // was soft-deleted since (out of band) — then the update decides again, named here in the words up will use.
    let notLive = false;
    // Asked while this policy has only decided "free" (never seen its account: a failed first up, or an out-of-band delete
    // since), and when the update decides again anyway. A restore is the one decision that reaches the account through
    // its inputs (the flag); purge and fail are carried out by the account's hooks before its create or update.
    if (!result.replaces?.length && !pending && (olds.found === "free" || policyChanged || flagStale)) {
      const seen = await previewLookup("ReclaimableAccount", `account ${describeAccount(c)}`, c.subscriptionId, async (run) => {
        const session = await armSession(c.subscriptionId);
        if (await session.getAccount(c, { abortSignal: run.signal })) return { live: true, line: "", restores: false };
        const held = await lookUpWorld(session, c, after.customSubDomainName, run.signal, { group: true, restore: after.ifSoftDeleted === "recover" });
        const declared: Declared = { account: c, customSubDomainName: after.customSubDomainName, policy: after.ifSoftDeleted, asker: "plan" };
        const decision = decide(declared, held, { identities: recordedIdentities(olds) });
        return { live: false, line: sentenceOf(declared, decision), restores: decision.kind === "restore" };
      });
      notLive = seen?.live === false && (seen.restores === true || policyChanged || flagStale);
      if (notLive) report(`ReclaimableAccount: account ${describeAccount(c)} is not live (an earlier up failed, or it was deleted since): up decides again (ifSoftDeleted "${after.ifSoftDeleted}"): ${seen?.line}`);
    }
    if (pending) {
      // The update decides again (decideAndAct); preview asks the planner the same question now, for the same words.
      const declared: Declared = { account: c, customSubDomainName: after.customSubDomainName, policy: after.ifSoftDeleted, asker: "plan" };
      const decision = await previewLookup("ReclaimableAccount", `account ${describeAccount(c)}`, c.subscriptionId, async (run) => {
        const held = await lookUpWorld(await armSession(c.subscriptionId), c, after.customSubDomainName, run.signal, { group: true, restore: after.ifSoftDeleted === "recover" });
        const recorded = withIdentity(recordedIdentities(olds), lineageOf(olds) !== "foreign" && held.live ? [held.live] : []);
        return decide(declared, held, { identities: recorded });
      });
      report(`ReclaimableAccount: ${refreshedSentence(declared, olds.found === "soft-deleted" ? "soft-deleted" : "free", decision)}`);
    }
    // Settings and the account's fingerprint change nothing in Azure: an in-place update, no request.
    const settingsChanged = before.ifSoftDeleted !== after.ifSoftDeleted || before.accountFingerprint !== after.accountFingerprint || before.retained !== after.retained || before.customSubDomainName !== after.customSubDomainName;
    return { ...result, changes: result.changes || settingsChanged || pending || notLive };
  },

  async create(inputs) {
    const c = pickInputs(inputs);
    const { ifSoftDeleted, accountFingerprint, retained, customSubDomainName } = extras(inputs);
    const decided = await decideAndAct(c, customSubDomainName, ifSoftDeleted, accountFingerprint, [], undefined);
    const outs = withoutUndefined({ ...c, ifSoftDeleted, accountFingerprint, retained, customSubDomainName, ...decided } satisfies SoftDeletePolicyOutputs);
    return { id: `${accountId(c)}/softDeletePolicy`, outs };
  },

  async read(id, props) {
    const state = recordedOutputs<SoftDeletePolicyOutputs>(props ?? {});
    const c = pickInputs(state as unknown as Record<string, unknown>);
    const found = await runHook(accountHookOptions("refresh of the soft-delete policy for account", c), async (run) => {
      const session = await armSession(c.subscriptionId);
      const live = await session.getAccount(c, { abortSignal: run.signal });
      if (live) return { found: "live" as const, live };
      return { found: (await session.getDeletedAccount(c, { abortSignal: run.signal })) ? ("soft-deleted" as const) : ("free" as const) };
    });
    const inputs = withoutUndefined({ ...c, ifSoftDeleted: state.ifSoftDeleted, accountFingerprint: state.accountFingerprint, retained: state.retained, customSubDomainName: state.customSubDomainName });
    if (found.found === "live") {
      // The account exists: no request may carry the restore flag any more (a refresh can bring drift
      // that azure-native then updates, and Azure refuses the flag on a live account).
      // Being live is no proof of ownership: the policy may have decided "free" for a create that Azure then refused,
      // and another stack created the account since. A refresh records no identity; it keeps the lineage.
      const lineage = lineageOf(state);
      const owned = state.owned;
      if (lineage === "foreign") report(`refresh: account ${describeAccount(c)} is live, but this stack did not create or restore it (a live account held the name when the policy decided): not recorded as this stack's own`);
      return { id, props: withoutUndefined({ ...state, restore: false, restoredFingerprint: undefined, pendingDecision: false, found: "live" as const, owned, lineage }), inputs };
    }
    // The account is gone (deleted out of band: its own refresh drops it; or purged, or never created):
    // decide again before it is created again.
    report(`refresh: account ${describeAccount(c)} is ${found.found === "free" ? "gone (the name is free)" : "soft-deleted"}; the next update decides again (ifSoftDeleted: "${state.ifSoftDeleted}")`);
    return { id, props: withoutUndefined({ ...state, pendingDecision: true, found: found.found }), inputs };
  },

  async update(_id, olds, news) {
    const previous = recordedOutputs<SoftDeletePolicyOutputs>(olds);
    const c = pickInputs(news);
    const { ifSoftDeleted, accountFingerprint, retained, customSubDomainName } = extras(news);
    // Decide again after a refresh found the account gone, when the policy changed while the name was held by a
    // soft-deleted account, and when the account's inputs changed while a restore was decided (the restoring
    // create may not have happened yet: a failed or interrupted up).
    const policyChanged = previous.ifSoftDeleted !== ifSoftDeleted && previous.found === "soft-deleted";
    if (previous.pendingDecision || policyChanged || previous.found === "free" || (previous.restore === true && previous.restoredFingerprint !== accountFingerprint)) {
      // `purged` and `restored` say what made the account that is live now: a new decision's, or (still live) the last one's.
      const decided = await decideAndAct(c, customSubDomainName, ifSoftDeleted, accountFingerprint, previous.owned ?? [], lineageOf(previous));
      return { outs: withoutUndefined({ ...c, ifSoftDeleted, accountFingerprint, retained, customSubDomainName, ...decided, restored: decided.restored || (previous.restored === true && decided.found === "live"), purged: decided.purged || (previous.purged === true && decided.found === "live") } satisfies SoftDeletePolicyOutputs) };
    }
    // Settings only: the decision stands, and nothing is recorded (an account live at the name may be another stack's,
    // created after this stack's create failed). Identities come from a restore this policy made and a replaced policy's hand-over.
    const lineage = lineageOf(previous);
    const owned = previous.owned;
    return { outs: withoutUndefined({ ...previous, ...c, ifSoftDeleted, accountFingerprint, retained, customSubDomainName, pendingDecision: false, owned, lineage } satisfies SoftDeletePolicyOutputs) };
  },

  async delete(_id, props) {
    const c = pickInputs(props);
    const { retained } = extras(props);
    if (!c.purgeOnDestroy || retained) return;
    if (isClaimed(c)) {
      report(`not purging account ${describeAccount(c)} on destroy: a resource of this update declares it`);
      return;
    }
    const state = recordedOutputs<SoftDeletePolicyOutputs>(props);
    if (lineageOf(state) === "foreign") {
      report(`not purging account ${describeAccount(c)} on destroy: this stack never created or restored an account at this name (a live account held it when the policy decided)`);
      return;
    }
    await runHook(accountHookOptions("purge on destroy of account", c), async (run) => {
      const session = await armSession(c.subscriptionId);
      const deleted = await session.getDeletedAccount(c, { abortSignal: run.signal });
      if (!deleted) return;
      // Only an account this stack recorded is purged: the one its account's record (deleted just before, in this
      // deployment) or this policy holds. Another account soft-deleted at the name since is not this stack's.
      const recorded = withIdentity(recordedIdentities(props), recordedAt(c));
      if (!isOwned({ identities: recorded }, deleted)) {
        report(
          `not purging soft-deleted account ${describeAccount(c)} on destroy: ` +
            (recorded.length
              ? `it is not an account this stack recorded (internalId ${deleted.internalId ?? "?"})`
              : `this stack recorded no identity for it (the account was created before purgeOnDestroy was set or before the package recorded creates, or an earlier destroy that failed had already removed its record), so it may be another's`) +
            `; if it is yours and may go: az cognitiveservices account purge --name ${c.accountName} --resource-group ${c.resourceGroupName} --location ${c.location} (a purge is permanent)`,
        );
        return;
      }
      await purgeIfSoftDeleted(session, c, run);
    });
  },
};

