import { accountId, deletedAccountId, parseKeyVaultUri, parseStorageAccountId } from "./armIds";
import { type ArmSession, type DeletedAccountDetails, type LiveAccount, POLL_INTERVAL_MS, STORAGE_API_VERSION } from "./azureSession";
import { accountKey } from "./claims";
import type { AccountCoordinates } from "./inputs";
import { type HookRun, report } from "./lifecycle";
import { describeAccount } from "./purge";
import { decide, type Decision, type Declared, sentenceOf } from "./planner";
import { processSlot } from "./processCache";
import { lookUpWorld } from "./world";

/** What Azure holds under an account's name, for a recovery. */
export type RecoveryPlan =
  | { kind: "adopt"; live: LiveAccount }
  | { kind: "restore"; deleted: DeletedAccountDetails }
  | { kind: "impossible"; reason: string; /** The input to fix. */ property: "accountName" | "location" };

/** Reads what Azure holds and says what a recovery would do, or why it cannot work. Reads only. */
export async function planRecovery(session: ArmSession, c: AccountCoordinates, signal?: AbortSignal): Promise<RecoveryPlan> {
  const live = await session.getAccount(c, { abortSignal: signal });
  if (live) {
    if (live.location && live.location !== c.location) return { kind: "impossible", property: "location", reason: regionCannotChange(c, live) };
    return { kind: "adopt", live };
  }
  const deleted = await session.getDeletedAccount(c, { abortSignal: signal });
  if (!deleted) return { kind: "impossible", property: "accountName", reason: await nothingToRecover(session, c, signal) };
  const unmet = await unmetPrerequisites(session, c, deleted, signal);
  return unmet ? { kind: "impossible", property: "accountName", reason: unmet } : { kind: "restore", deleted };
}

/** An account's region is fixed at creation: a different `location` can only be a mistake. */
function regionCannotChange(c: AccountCoordinates, live: LiveAccount): string {
  return (
    `location is '${c.location}', but account '${c.accountName}' in resource group '${c.resourceGroupName}' is live in region '${live.location}' (${live.id}). ` +
    `An account's region cannot change, and nothing was deleted: set location to '${live.location}', or declare a new account under another name.`
  );
}

/** The message for "neither live nor soft-deleted", naming where it looked and any same-named account elsewhere. */
async function nothingToRecover(session: ArmSession, c: AccountCoordinates, signal?: AbortSignal): Promise<string> {
  const elsewhere = (await session.listDeletedAccounts({ abortSignal: signal })).filter(
    (d) => d.accountName.toLowerCase() === c.accountName.toLowerCase(),
  );
  const hint = elsewhere.length
    ? ` A soft-deleted account of that name exists elsewhere in the subscription: ${elsewhere
        .map((d) => `resource group '${d.resourceGroupName}', location '${d.location}' (${d.id})`)
        .join("; ")}. Check the location and resourceGroupName inputs.`
    : " No soft-deleted account of that name exists anywhere in the subscription: it was purged, or its 48-hour retention expired, so it cannot be recovered.";
  return `nothing to recover for account ${describeAccount(c)} in subscription '${c.subscriptionId}': it is neither live (looked up ${accountId(c)}) nor soft-deleted (looked up ${deletedAccountId(c)}).${hint}`;
}

/** Checks Microsoft's prerequisites for recovering this soft-deleted account; returns the first unmet one, or undefined. Reads only. */
export async function unmetPrerequisites(session: ArmSession, c: AccountCoordinates, deleted: DeletedAccountDetails, signal?: AbortSignal): Promise<string | undefined> {
  const what = `soft-deleted account ${describeAccount(c)}`;
  if (!(await session.resourceGroupExists(c.resourceGroupName, { abortSignal: signal }))) {
    return `cannot recover ${what}: resource group '${c.resourceGroupName}' does not exist. A deleted resource group cannot be recovered; recreate it with the same name (location '${c.location}') first.`;
  }
  if (deleted.scheduledPurgeDate && Date.parse(deleted.scheduledPurgeDate) <= Date.now()) {
    return `cannot recover ${what}: its retention expired at ${deleted.scheduledPurgeDate} (48 hours after deletion); recovery is no longer possible.`;
  }
  if (deleted.keyVaultUri) {
    const vault = parseKeyVaultUri(deleted.keyVaultUri);
    if (!vault.ok) return unverifiable(what, "customer-managed key", vault.reason);
    if (!(await session.keyVaultExists(vault.value, { abortSignal: signal }))) {
      return `cannot recover ${what}: it encrypts with a customer-managed key in Key Vault '${vault.value}' (${deleted.keyVaultUri}), which no longer exists in subscription '${c.subscriptionId}'. Recover the vault first (az keyvault recover --name ${vault.value}), then run again.`;
    }
  }
  for (const storageId of deleted.userOwnedStorageIds) {
    // The id comes from Azure's answer: it is requested only as a storage account of this subscription, on the configured endpoint.
    const storage = parseStorageAccountId(storageId, c.subscriptionId);
    if (!storage.ok) return unverifiable(what, "storage", storage.reason);
    if (!(await session.resourceExists(storage.value.path, STORAGE_API_VERSION, { abortSignal: signal }))) {
      return `cannot recover ${what}: its customer-managed storage account ${storageId} no longer exists. Restore the storage account first, then run again.`;
    }
  }
  return undefined;
}

/** A prerequisite named by Azure's answer in a form this package will not request: refused, never fetched as given. */
function unverifiable(what: string, prerequisite: string, reason: string): string {
  return (
    `cannot recover ${what}: the deleted account names its customer-managed ${prerequisite} as ${reason}. ` +
    "No request was sent to it: this package requests only what parses as the expected resource in the account's own subscription, on the configured Resource Manager endpoint. " +
    "Check the account's customer-managed key and storage settings with Azure (az cognitiveservices account show-deleted), and recover it there if they are right."
  );
}

/** The preview line for a recovery: what up will do, and what a later destroy will do. */
export function recoveryPlanLine(c: AccountCoordinates & { purgeOnDestroy?: boolean }, plan: RecoveryPlan): string {
  switch (plan.kind) {
    case "adopt":
      return `account ${describeAccount(c)} is live: up will adopt it without a restore request; destroy will release it untouched (this resource did not restore it)`;
    case "restore":
      return (
        `up will restore soft-deleted account ${describeAccount(c)}, deleted at ${plan.deleted.deletionDate ?? "an unreported time"}, recoverable until ${plan.deleted.scheduledPurgeDate ?? "48 hours after deletion"}; ` +
        (c.purgeOnDestroy
          ? "destroy will delete it again and purge it (permanent: a purged account cannot be recovered)"
          : "destroy will delete it again (Azure keeps it soft-deleted, recoverable, for 48 hours)")
      );
    case "impossible":
      return plan.reason;
  }
}

/**
 * Makes the account live: adopts it when it already is, restores it when it
 * is soft-deleted and the prerequisites hold, then waits until it reads
 * `Succeeded` (ARM reports `Accepted` for a while after some operations, and
 * dependants fail with AccountProvisioningStateInvalid until then).
 */
export async function recoverOrAdopt(session: ArmSession, c: AccountCoordinates, run: HookRun): Promise<{ account: LiveAccount; restored: boolean }> {
  const plan = await planRecovery(session, c, run.signal);
  if (plan.kind === "impossible") throw new Error(plan.reason);
  if (plan.kind === "adopt") report(`adopting live account ${describeAccount(c)} (no restore request)`);
  else report(`restoring soft-deleted account ${describeAccount(c)}, deleted at ${plan.deleted.deletionDate ?? "?"}`);
  if (plan.kind === "restore") {
    await run.waitFor(`restore of ${describeAccount(c)}`, (abortSignal) => session.restoreAccount(c, { abortSignal }));
  }
  const account = await run.waitFor(`account ${describeAccount(c)} to read Succeeded`, (abortSignal) => untilSucceeded(session, c, abortSignal));
  return { account, restored: plan.kind === "restore" };
}

async function untilSucceeded(session: ArmSession, c: AccountCoordinates, abortSignal: AbortSignal): Promise<LiveAccount> {
  const { setTimeout: sleep } = await import("node:timers/promises");
  for (;;) {
    const account = await session.getAccount(c, { abortSignal });
    if (!account) throw new Error(`account ${describeAccount(c)} disappeared while waiting for it to read Succeeded`);
    const state = account.provisioningState.toLowerCase();
    if (state === "succeeded") return account;
    if (state === "failed" || state === "canceled") throw new Error(`account ${describeAccount(c)} reads provisioningState '${account.provisioningState}'`);
    await sleep(POLL_INTERVAL_MS, undefined, { signal: abortSignal });
  }
}

/** Gathers what Azure holds and asks the planner what a `RecoveredAccount` does: adopt, restore, or refuse with the fix. Reads only. */
export async function decideRecovery(session: ArmSession, c: AccountCoordinates, signal?: AbortSignal): Promise<{ declared: Declared; decision: Decision }> {
  const held = await lookUpWorld(session, c, undefined, signal ?? new AbortController().signal, { group: true, restore: true });
  const declared: Declared = { account: c, policy: "recover", asker: "recover" };
  return { declared, decision: decide(declared, held, { identities: [] }) };
}

/**
 * Acts on the planner's decision for a `RecoveredAccount`, after printing it
 * in the words preview used: adopts the live account or restores the
 * soft-deleted one, then waits until it reads `Succeeded`.
 */
export function recoverAsDecided(session: ArmSession, c: AccountCoordinates & { purgeOnDestroy?: boolean }, run: HookRun): Promise<{ account: LiveAccount; restored: boolean }> {
  return oneAtATime(accountKey(c), () => recoverNow(session, c, run));
}

/**
 * Runs the recoveries of one account one after another in this provider process: two `RecoveredAccount`s of one
 * account created in parallel (the engine runs independent steps at once) would both decide "restore", and Azure
 * refuses the second with CanNotRestoreAnActiveResource (fuzz seed 8111 life 2). The second decides once the first
 * is done, and adopts what it restored.
 */
function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const tails = processSlot<Record<string, Promise<unknown>>>("recoveriesInFlight", () => ({}));
  const next = (tails[key] ?? Promise.resolve()).catch(() => undefined).then(work);
  tails[key] = next;
  return next;
}

async function recoverNow(session: ArmSession, c: AccountCoordinates & { purgeOnDestroy?: boolean }, run: HookRun): Promise<{ account: LiveAccount; restored: boolean }> {
  const { declared, decision } = await decideRecovery(session, c, run.signal);
  if (decision.kind === "refuse") throw new Error(sentenceOf(declared, decision));
  report(`RecoveredAccount: ${sentenceOf(declared, decision, { purgeOnDestroy: c.purgeOnDestroy })}`);
  if (decision.kind === "restore") {
    await run.waitFor(`restore of ${describeAccount(c)}`, (abortSignal) => session.restoreAccount(c, { abortSignal }));
  }
  const account = await run.waitFor(`account ${describeAccount(c)} to read Succeeded`, (abortSignal) => untilSucceeded(session, c, abortSignal));
  return { account, restored: decision.kind === "restore" };
}
