import type * as pulumi from "@pulumi/pulumi";
import { accountId } from "../armIds";
import { armSession } from "../azureSession";
import { claimAccount, isClaimed } from "../claims";
import { diffInputs } from "../diff";
import { checkInputs, type CheckFailure, pickInputs, recordedOutputs, type ResolvedInputs, UNKNOWN } from "../inputs";
import { accountHookOptions, type HookRun, previewLookup, report, runHook, withoutUndefined } from "../lifecycle";
import { describeAccount, purgeIfSoftDeleted } from "../purge";
import { unmetPrerequisites } from "../recovery";
import { defaultSubscriptionId, rememberStackConfig } from "../settings";
import type { ArmSession, DeletedAccountDetails } from "../azureSession";

/** What to do when the account's name is held by a soft-deleted account. */
export type IfSoftDeleted = "recover" | "purge" | "fail";
export const IF_SOFT_DELETED: readonly IfSoftDeleted[] = ["recover", "purge", "fail"];

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
};

type Found = { found: "free" } | { found: "live" } | { found: "soft-deleted"; deleted: DeletedAccountDetails };

async function lookUp(session: ArmSession, c: ResolvedInputs, signal: AbortSignal): Promise<Found> {
  if (await session.getAccount(c, { abortSignal: signal })) return { found: "live" };
  const deleted = await session.getDeletedAccount(c, { abortSignal: signal });
  return deleted ? { found: "soft-deleted", deleted } : { found: "free" };
}

function failMessage(c: ResolvedInputs, deleted: DeletedAccountDetails): string {
  return (
    `account ${describeAccount(c)} is soft-deleted, deleted at ${deleted.deletionDate ?? "?"}, recoverable until ${deleted.scheduledPurgeDate ?? "?"}, and ifSoftDeleted is "fail". ` +
    `Set ifSoftDeleted: "recover" to restore it with its keys, endpoint and data, or ifSoftDeleted: "purge" to purge it and create a new account under the name.`
  );
}

const PERMANENT = "a purge is permanent: the account, its keys and its data cannot be recovered afterwards";

/** The preview line for each state of the name and policy: what up will do. */
function planLine(c: ResolvedInputs, policy: IfSoftDeleted, found: Found): string {
  const account = describeAccount(c);
  if (found.found === "free") return `name is free: up will create account ${account}`;
  if (found.found === "live") {
    return `account ${account} is live: up keeps it if this stack already manages it; if it does not, azure-native fails with "cannot create already existing resource" (import the account, or choose another name)`;
  }
  return policy === "recover"
    ? `up will restore soft-deleted account ${account}, deleted at ${found.deleted.deletionDate ?? "?"}, through azure-native's restore flag (keeps its keys, endpoint and data)`
    : `up will purge soft-deleted account ${account}, deleted at ${found.deleted.deletionDate ?? "?"}, then create a new account under the name; ${PERMANENT}`;
}

function checkPolicy(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return IF_SOFT_DELETED.includes(value as IfSoftDeleted) ? undefined : `ifSoftDeleted must be one of "recover", "purge", "fail", got ${JSON.stringify(value)}`;
}

/** The decision on what the name holds now: restore (recover), purge now (purge), or fail. */
async function decide(session: ArmSession, c: ResolvedInputs, policy: IfSoftDeleted, fingerprint: string | undefined, run: HookRun) {
  const found = await lookUp(session, c, run.signal);
  const none = { found: found.found, restore: false, restoredFingerprint: undefined, restored: false, purged: false, pendingDecision: false };
  if (found.found !== "soft-deleted") return none;
  if (policy === "fail") throw new Error(failMessage(c, found.deleted));
  if (policy === "purge") return { ...none, purged: (await purgeIfSoftDeleted(session, c, run)).purged };
  const unmet = await unmetPrerequisites(session, c, found.deleted, run.signal);
  if (unmet) throw new Error(unmet);
  report(`account ${describeAccount(c)} will be restored by azure-native (properties.restore: true in its create)`);
  return { ...none, restore: true, restoredFingerprint: fingerprint, restored: true };
}

const extras = (props: Record<string, unknown>) => ({
  ifSoftDeleted: (props.ifSoftDeleted ?? "recover") as IfSoftDeleted,
  accountFingerprint: typeof props.accountFingerprint === "string" ? props.accountFingerprint : undefined,
  retained: props.retained === true,
});

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
    for (const [name, type] of [["accountFingerprint", "string"], ["retained", "boolean"]] as const) {
      const value = news[name];
      if (value !== undefined && value !== UNKNOWN && typeof value !== type) failures.push({ property: name, reason: `${name} must be a ${type}, got ${JSON.stringify(value)}` });
    }
    const inputs = withoutUndefined({ ...checked.inputs, ifSoftDeleted: policyValue, accountFingerprint: news.accountFingerprint, retained: news.retained ?? false });
    if (!checked.allKnown || failures.length || policyValue === UNKNOWN) return { inputs, failures };
    const c = pickInputs(checked.inputs);
    claimAccount(c);
    const isNew = !olds || olds.accountName === undefined;
    if (isNew) {
      const policy = policyValue as IfSoftDeleted;
      const verdict = await previewLookup("ReclaimableAccount", `the state of the name of account ${describeAccount(c)}`, c.subscriptionId, async (run) => {
        const session = await armSession(c.subscriptionId);
        const found = await lookUp(session, c, run.signal);
        if (found.found === "soft-deleted" && policy === "fail") return { failure: failMessage(c, found.deleted) };
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
    const before = extras(olds);
    const after = extras(news);
    const pending = olds.pendingDecision === true;
    if (pending) {
      const c = pickInputs(news);
      const account = describeAccount(c);
      const line =
        olds.found !== "soft-deleted"
          ? `refresh found account ${account} gone and the name free: up will create the account again`
          : after.ifSoftDeleted === "recover"
            ? `refresh found account ${account} soft-deleted: up will restore soft-deleted account ${account} through azure-native's restore flag when the account is created again (keeps its keys, endpoint and data)`
            : after.ifSoftDeleted === "purge"
              ? `refresh found account ${account} soft-deleted: up will purge soft-deleted account ${account}, then create the account again; ${PERMANENT}`
              : `refresh found account ${account} soft-deleted, and ifSoftDeleted is "fail": up will fail`;
      report(`ReclaimableAccount: ${line}`);
    }
    // Settings and the account's fingerprint change nothing in Azure: an in-place update, no request.
    const settingsChanged = before.ifSoftDeleted !== after.ifSoftDeleted || before.accountFingerprint !== after.accountFingerprint || before.retained !== after.retained;
    return { ...result, changes: result.changes || settingsChanged || pending };
  },

  async create(inputs) {
    const c = pickInputs(inputs);
    const { ifSoftDeleted, accountFingerprint, retained } = extras(inputs);
    const decided = await runHook(accountHookOptions(`soft-delete policy "${ifSoftDeleted}" for account`, c), async (run) => decide(await armSession(c.subscriptionId), c, ifSoftDeleted, accountFingerprint, run));
    const outs = withoutUndefined({ ...c, ifSoftDeleted, accountFingerprint, retained, ...decided } satisfies SoftDeletePolicyOutputs);
    return { id: `${accountId(c)}/softDeletePolicy`, outs };
  },

  async read(id, props) {
    const state = recordedOutputs<SoftDeletePolicyOutputs>(props ?? {});
    const c = pickInputs(state as unknown as Record<string, unknown>);
    const found = await runHook(accountHookOptions("refresh of the soft-delete policy for account", c), async (run) =>
      lookUp(await armSession(c.subscriptionId), c, run.signal),
    );
    const inputs = withoutUndefined({ ...c, ifSoftDeleted: state.ifSoftDeleted, accountFingerprint: state.accountFingerprint, retained: state.retained });
    if (found.found === "live") {
      // The account exists: no request may carry the restore flag any more (a refresh can bring drift
      // that azure-native then updates, and Azure refuses the flag on a live account).
      return { id, props: withoutUndefined({ ...state, restore: false, restoredFingerprint: undefined, pendingDecision: false, found: "live" as const }), inputs };
    }
    // The account is gone (deleted out of band: its own refresh drops it; or purged, or never created):
    // decide again before it is created again.
    report(`refresh: account ${describeAccount(c)} is ${found.found === "free" ? "gone (the name is free)" : "soft-deleted"}; the next update decides again (ifSoftDeleted: "${state.ifSoftDeleted}")`);
    return { id, props: withoutUndefined({ ...state, pendingDecision: true, found: found.found }), inputs };
  },

  async update(_id, olds, news) {
    const previous = recordedOutputs<SoftDeletePolicyOutputs>(olds);
    const c = pickInputs(news);
    const { ifSoftDeleted, accountFingerprint, retained } = extras(news);
    // Decide again after a refresh found the account gone, and when the account's inputs changed while
    // a restore was decided: the restoring create may not have happened yet (a failed or interrupted up).
    if (previous.pendingDecision || (previous.restore === true && previous.restoredFingerprint !== accountFingerprint)) {
      const decided = await runHook(accountHookOptions(`soft-delete policy "${ifSoftDeleted}" for account`, c), async (run) => decide(await armSession(c.subscriptionId), c, ifSoftDeleted, accountFingerprint, run));
      return { outs: withoutUndefined({ ...c, ifSoftDeleted, accountFingerprint, retained, ...decided, restored: previous.restored || decided.restored, purged: previous.purged || decided.purged } satisfies SoftDeletePolicyOutputs) };
    }
    // Settings only: no request, the decision stands.
    return { outs: withoutUndefined({ ...previous, ...c, ifSoftDeleted, accountFingerprint, retained, pendingDecision: false } satisfies SoftDeletePolicyOutputs) };
  },

  async delete(_id, props) {
    const c = pickInputs(props);
    const { retained } = extras(props);
    if (!c.purgeOnDestroy || retained) return;
    if (isClaimed(c)) {
      report(`not purging account ${describeAccount(c)} on destroy: a resource of this update declares it`);
      return;
    }
    await runHook(accountHookOptions("purge on destroy of account", c), async (run) =>
      purgeIfSoftDeleted(await armSession(c.subscriptionId), c, run),
    );
  },
};

