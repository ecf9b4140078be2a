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

function handOvers(): Record<string, true> {
  return processSlot<Record<string, true>>("accountHandOvers", () => ({}));
}

/**
 * Records that a resource which restored this account is being replaced in
 * the running update (its `diff` asked for a replacement), so that its
 * successor inherits the ownership instead of merely adopting the account.
 */
export function handOverAccount(c: Pick<AccountCoordinates, "subscriptionId" | "resourceGroupName" | "accountName">): void {
  handOvers()[accountKey(c)] = true;
}

/** Whether a predecessor that restored this account handed it over in the running update. */
export function isHandedOver(c: Pick<AccountCoordinates, "subscriptionId" | "resourceGroupName" | "accountName">): boolean {
  return handOvers()[accountKey(c)] === true;
}
