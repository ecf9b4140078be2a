import type { AccountCoordinates } from "./inputs";
import { processSlot } from "./processCache";

/**
 * Which accounts the running update declares live, so that a resource's
 * delete can tell "the program stopped declaring this account" from "another
 * resource of this update now declares it".
 *
 * The engine never tells a delete why it runs. In every flow where a
 * predecessor's delete follows its successor (create-before-delete
 * replacement, `up --replace`, a rename without an alias, a pending delete
 * left by a failed update), the engine calls the successor's `check` first, in
 * the same provider process, because deletes run after the program has
 * registered everything (pulumi/pulumi pkg/resource/deploy/step_generator.go,
 * GenerateDeletes; one plugin process per provider per deployment). `check`
 * is not called in `pulumi destroy` (step_generator.go, generateSteps returns
 * a SameStep in destroyMode before Check) nor in `pulumi refresh`, so a claim
 * never blocks a delete the user asked for.
 *
 * Kept in process memory (never on the serialized provider object).
 */
function claims(): Record<string, true> {
  return processSlot<Record<string, true>>("accountClaims", () => ({}));
}

/** ARM ids are case-insensitive; the region is not part of an account's id. */
export function accountKey(c: Pick<AccountCoordinates, "subscriptionId" | "resourceGroupName" | "accountName">): string {
  return `${c.subscriptionId}/${c.resourceGroupName}/${c.accountName}`.toLowerCase();
}

/** Records that a resource of the running update declares this account live (called from `check`). */
export function claimAccount(c: Pick<AccountCoordinates, "subscriptionId" | "resourceGroupName" | "accountName">): void {
  claims()[accountKey(c)] = true;
}

/** Whether a resource of the running update declares this account live. */
export function isClaimed(c: Pick<AccountCoordinates, "subscriptionId" | "resourceGroupName" | "accountName">): boolean {
  return claims()[accountKey(c)] === true;
}

function movesAway(): Record<string, string> {
  return processSlot<Record<string, string>>("accountMovesAway", () => ({}));
}

/**
 * Records that a replacement in the running update deletes the account at these (old) coordinates: its account
 * resource moves to another name, group or subscription, and azure-native replaces it delete-first (called from the
 * diff of the guard or policy that moves with it). Returns the refusal when a resource of the update declares that
 * account live (fuzz seed 8110 life 23: a `RecoveredAccount` adopted it, then the replacement deleted it).
 */
export function declareMoveAway(old: Pick<AccountCoordinates, "subscriptionId" | "resourceGroupName" | "accountName">, who: string): string | undefined {
  movesAway()[accountKey(old)] = who;
  return isClaimed(old) ? moveAwayRefusal(old, who) : undefined;
}

/** The refusal for a resource that declares this account live while a replacement of the update deletes it (called from `check`). */
export function movedAwayRefusal(c: Pick<AccountCoordinates, "subscriptionId" | "resourceGroupName" | "accountName">): string | undefined {
  const who = movesAway()[accountKey(c)];
  return who ? moveAwayRefusal(c, who) : undefined;
}

function moveAwayRefusal(c: Pick<AccountCoordinates, "resourceGroupName" | "accountName">, who: string): string {
  return (
    `two resources of this program act on account '${c.accountName}' in resource group '${c.resourceGroupName}' in contradiction: ${who}, so its replacement deletes this account ` +
    `(azure-native replaces an account delete-first), while another resource of this program (a RecoveredAccount or a ReclaimableAccount) declares it live; up would delete it. ` +
    `Fix: keep the account resource's name and group, or move the account in two updates (first set retainOnDelete: true on the account resource and run up, then rename it).`
  );
}

/** What a resource of the running update would do about a soft-deleted account at one name. */
/**
 * What a resource of this package does about one account: a guard (or a policy under "purge") purges a soft-deleted
 * account holding the name; an account resource under "recover" creates the account, restoring it in its own create;
 * under "fail" it refuses; a `RecoveredAccount` restores or adopts the account and never creates it. Two resources of
 * different intents on one account contradict each other: whichever runs first, the other fails after it acted.
 */
export type Intent = "purge" | "recover" | "refuse" | "restoreOrAdopt";

const INTENT_WORDS: Record<Intent, string> = {
  purge: "purge a soft-deleted account holding the name",
  recover: "create the account (restoring it in its own create when it is soft-deleted)",
  refuse: 'leave a soft-deleted account alone and fail (ifSoftDeleted: "fail")',
  restoreOrAdopt: "recover the account (restore it when it is soft-deleted, adopt it when it is live)",
};

/** How to keep one of two contradicting resources, for the pair at hand. */
function fixOf(one: Intent, other: Intent): string {
  const pair = new Set([one, other]);
  if (pair.has("purge")) return "keep one of them (remove the guard to recover the account, or remove the recovered account to purge it)";
  // An account resource and a RecoveredAccount: once either made the account live, the account's create fails ("already existing").
  if (pair.has("recover")) return 'keep one of them: remove the RecoveredAccount (under ifSoftDeleted: "recover" the account resource restores a soft-deleted account itself), or the account resource';
  return 'keep one of them: remove the RecoveredAccount to refuse a soft-deleted account, or set ifSoftDeleted: "recover" and remove the RecoveredAccount to restore it';
}

function intents(): Record<string, { intent: Intent; who: string }[]> {
  return processSlot<Record<string, { intent: Intent; who: string }[]>>("accountIntents", () => ({}));
}

/**
 * Records what a resource of this update would do about the account at these
 * coordinates (called from `check`, before any request), and returns why it
 * contradicts another resource of the same program, if it does (see
 * {@link Intent}): `up` would act on one and then fail on the other.
 * Per provider process, that is per deployment (the engine starts one plugin
 * process per provider per deployment).
 */
export function declareIntent(c: Pick<AccountCoordinates, "subscriptionId" | "resourceGroupName" | "accountName">, intent: Intent, who: string): string | undefined {
  const all = (intents()[accountKey(c)] ??= []);
  if (!all.some((i) => i.intent === intent && i.who === who)) all.push({ intent, who });
  const other = all.find((i) => i.intent !== intent);
  return other ? contradictionOf(c, { intent, who }, other) : undefined;
}

/** The refusal of two resources of one program acting on one account in contradiction (the words of both checks: provider- and program-side). */
export function contradictionOf(c: Pick<AccountCoordinates, "resourceGroupName" | "accountName">, one: { intent: Intent; who: string }, other: { intent: Intent; who: string }): string {
  return (
    `two resources of this program act on account '${c.accountName}' in resource group '${c.resourceGroupName}' in contradiction: ` +
    `the ${one.who} would ${INTENT_WORDS[one.intent]}, and the ${other.who} would ${INTENT_WORDS[other.intent]}; up would do one and then fail on the other, so nothing is done. ` +
    `Fix: ${fixOf(one.intent, other.intent)}.`
  );
}

/**
 * The check failure for the refusal the program process decided (programDeclarations.ts, `declareInProgram`),
 * which a resource passes as its `programContradiction` input: it reaches the check of both resources, whichever
 * registers first.
 */
export function programRefusal(news: Record<string, unknown>): { property: "accountName"; reason: string } | undefined {
  return typeof news.programContradiction === "string" ? { property: "accountName", reason: news.programContradiction } : undefined;
}
