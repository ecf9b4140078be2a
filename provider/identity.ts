import type { ArmSession } from "./azureSession";
import { accountKey } from "./claims";
import type { ResolvedInputs } from "./inputs";
import type { Identity } from "./planner";
import { processSlot } from "./processCache";

/**
 * Identities a stack records (planner.ts: "own" means recorded), and what a
 * replaced policy or guard hands to its successor.
 *
 * A change of location, group or name replaces the policy (or guard) along
 * with the account. The engine calls the old state's `diff`, then the
 * successor's `create`, in one provider process per deployment
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go, generateSteps; the
 * account depends on the policy, so both run before the account's
 * delete-first replacement deletes anything). `diff` hands over the old
 * coordinates and recorded identities; the successor's `create` reads the
 * account live at the old coordinates (still live then) and records it: it is
 * the account the replacement deletes, so its soft-deleted successor state is
 * this stack's own predecessor.
 */

/** The few most recent identities (a replacement adds one; older ones are long purged or gone). */
const MAX_OWNED = 8;

export function withIdentity(owned: Identity[] | undefined, more: (Identity | undefined)[]): Identity[] {
  const all = [...(owned ?? [])];
  for (const identity of more) {
    if (!identity?.internalId || all.some((o) => o.internalId === identity.internalId)) continue;
    all.push({ id: identity.id, internalId: identity.internalId });
  }
  return all.slice(-MAX_OWNED);
}

export const recordedIdentities = (props: Record<string, unknown>): Identity[] => (Array.isArray(props.owned) ? (props.owned as Identity[]) : []);

interface HandOver {
  old: ResolvedInputs;
  owned: Identity[];
  /** Whether the account live at the old coordinates is the predecessor's own (false under lineage "foreign"). */
  liveIsOwn: boolean;
}

const handOvers = (kind: string): Record<string, HandOver | undefined> => processSlot(`${kind}HandOvers`, () => ({}));

/**
 * Called from a replacing `diff`: the successor at `news` inherits the old coordinates and what was recorded there,
 * and, when `liveIsOwn`, the account live at the old coordinates (a policy of lineage "foreign" passes false: the
 * account live there is another stack's, never its own predecessor).
 */
export function handOver(kind: string, old: ResolvedInputs, news: ResolvedInputs, owned: Identity[], liveIsOwn = true): void {
  handOvers(kind)[accountKey(news)] = { old, owned, liveIsOwn };
}


/**
 * At the successor's `check` (the engine checks a replacement again with no olds, after `diff`): the old coordinates
 * whose live account is the predecessor's own, when a replacement handed them over in this process (none for a
 * predecessor of lineage "foreign").
 */
export function ownPredecessorAt(kind: string, c: ResolvedInputs): ResolvedInputs | undefined {
  const given = handOvers(kind)[accountKey(c)];
  return given?.liveIsOwn ? given.old : undefined;
}

/** Called from the successor's `create`: what was handed over, plus the account live at the old coordinates now. */
export async function inheritedIdentities(kind: string, session: ArmSession, c: ResolvedInputs, signal: AbortSignal): Promise<Identity[]> {
  const given = handOvers(kind)[accountKey(c)];
  if (!given) return [];
  if (!given.liveIsOwn) return withIdentity(given.owned, []);
  const live = await session.getAccount({ ...given.old, subscriptionId: session.subscriptionId }, { abortSignal: signal });
  return withIdentity(given.owned, [live]);
}

const records = (): Record<string, Identity[] | undefined> => processSlot("accountRecords", () => ({}));

/**
 * Called from an account record's delete (handlers/accountRecord.ts), which
 * runs before the account's delete and the policy's: the identities this
 * stack's azure-native resource held at these coordinates. Kept for this
 * provider process (this deployment) only.
 */
export function handOverRecord(c: { subscriptionId: string; resourceGroupName: string; accountName: string }, identities: Identity[]): void {
  const key = accountKey(c);
  records()[key] = withIdentity(records()[key], identities);
}

/** What account records of this deployment handed over for these coordinates (for the policy's purge on destroy). */
export function recordedAt(c: { subscriptionId: string; resourceGroupName: string; accountName: string }): Identity[] {
  return records()[accountKey(c)] ?? [];
}
