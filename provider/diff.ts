import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { type InputName, normalizeLocation } from "./inputs";

/** What a change of an input does to the resource. */
export type ChangeKind = "replace" | "update";

interface DiffRule {
  kind: ChangeKind;
  same: (a: unknown, b: unknown) => boolean;
}

const caseInsensitive = (a: unknown, b: unknown) => String(a).toLowerCase() === String(b).toLowerCase();
const asLocation = (a: unknown, b: unknown) => normalizeLocation(String(a)) === normalizeLocation(String(b));
const strict = (a: unknown, b: unknown) => a === b;

/**
 * The diff of both resources, as a table: which input, what its change does,
 * and how old and new values compare. Identity fields replace (ARM names are
 * case-insensitive; locations compare normalized); the two settings update in
 * place and send no request to Azure.
 */
export const DIFF_TABLE: Readonly<Record<InputName, DiffRule>> = {
  subscriptionId: { kind: "replace", same: caseInsensitive },
  resourceGroupName: { kind: "replace", same: caseInsensitive },
  location: { kind: "replace", same: asLocation },
  accountName: { kind: "replace", same: caseInsensitive },
  purgeOnDestroy: { kind: "update", same: strict },
  timeoutMinutes: { kind: "update", same: strict },
};

/** The inputs that name the account: a change of one is another account; a change of `location` is the same account elsewhere. */
export const ACCOUNT_NAME_INPUTS = ["accountName", "resourceGroupName", "subscriptionId"] as const;

/** Whether a replacement moves to another account (its name, group or subscription changed), not only to another region. */
export function movesToAnotherAccount(replaces: readonly string[] | undefined): boolean {
  return (replaces ?? []).some((input) => (ACCOUNT_NAME_INPUTS as readonly string[]).includes(input));
}

/**
 * Whether the serialized provider code differs from the one in the state. The
 * engine runs the state's stored code for refresh and delete; an in-place
 * update (no request to Azure) stores the current code, so a delete after a
 * package upgrade follows the current contract.
 */
export function providerCodeChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return typeof olds.__provider === "string" && typeof news.__provider === "string" && olds.__provider !== news.__provider;
}

/**
 * Diffs recorded state against new (checked) inputs. `driftUpdate` forces an
 * in-place update with no input change (the guard's `pendingPurge`). A change
 * of the provider code alone is an in-place update too.
 */
export function diffInputs(olds: Record<string, unknown>, news: Record<string, unknown>, driftUpdate = false): DiffResult {
  const replaces: string[] = [];
  let changes = driftUpdate || providerCodeChanged(olds, news);
  for (const [name, rule] of Object.entries(DIFF_TABLE) as [InputName, DiffRule][]) {
    if (rule.same(olds[name], news[name])) continue;
    changes = true;
    if (rule.kind === "replace") replaces.push(name);
  }
  return { changes, replaces, deleteBeforeReplace: false };
}
