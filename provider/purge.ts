import type { ArmSession, DeletedAccountDetails } from "./azureSession";
import { deletedAccountId } from "./armIds";
import { type AccountCoordinates, describeAccount } from "./inputs";
import { type HookRun, report } from "./lifecycle";

/** What a purge did, for the guard's outputs. */
export interface PurgeOutcome {
  purged: boolean;
  /** The account that was purged, when one was. */
  deleted?: DeletedAccountDetails;
}

/**
 * Back-off for a purge that meets 409 RequestConflict: Azure answers it while
 * the soft delete of a just-deleted account settles (public fixes retry from
 * 30 s). The first retry comes soon, because the conflict is often short; the
 * wait doubles up to the cap, and the hook's deadline (`timeoutMinutes`) ends it.
 */
export const PURGE_CONFLICT_RETRY = { firstDelayInMs: 1_000, maxDelayInMs: 30_000 } as const;

// 0.1.0's provider code stored in states requires describeAccount from this module.
export { describeAccount };

/** The preview line for a soft-deleted account that `up` will purge. */
export function purgePlanLine(c: AccountCoordinates, deleted: DeletedAccountDetails | undefined): string {
  if (!deleted) return `nothing to purge: no soft-deleted account ${describeAccount(c)} (looked up ${deletedAccountId(c)})`;
  return `up will purge soft-deleted account ${describeAccount(c)}, deleted at ${deleted.deletionDate ?? "an unreported time"} (recoverable until ${deleted.scheduledPurgeDate ?? "an unreported time"}); a purge is permanent: the account, its keys and its data cannot be recovered afterwards`;
}

/** True for Azure's "the soft delete is still settling" answer to a purge. */
function isSettlingConflict(error: unknown): boolean {
  const e = error as { statusCode?: number; code?: string; details?: { error?: { code?: string } } };
  return e?.statusCode === 409 && (e.details?.error?.code ?? e.code) === "RequestConflict";
}

/** The wait Azure asks for in `Retry-After` (seconds), if the 409 carries one. */
function retryAfterInMs(error: unknown): number | undefined {
  const header = (error as { response?: { headers?: { get(name: string): string | undefined } } })?.response?.headers?.get("retry-after");
  const seconds = header === undefined ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/**
 * Purges the soft-deleted account at these coordinates if there is one, and
 * waits until the purge has finished. It only ever addresses the
 * deleted-accounts path, so a live account cannot be touched. A purge sent
 * right after the account's delete may meet 409 RequestConflict while Azure
 * settles the soft delete: it is retried with back-off until the hook's
 * deadline.
 */
export async function purgeIfSoftDeleted(session: ArmSession, c: AccountCoordinates, run: HookRun): Promise<PurgeOutcome> {
  const deleted = await session.getDeletedAccount(c, { abortSignal: run.signal });
  if (!deleted) {
    report(`nothing to purge: no soft-deleted account ${describeAccount(c)}`);
    return { purged: false };
  }
  return purgeFound(session, c, deleted, run);
}

/** Purges this soft-deleted account (as a lookup just found it) and waits until the purge has finished, retrying 409 RequestConflict until the hook's deadline. */
export async function purgeFound(session: ArmSession, c: AccountCoordinates, deleted: DeletedAccountDetails, run: HookRun): Promise<PurgeOutcome> {
  report(`purging soft-deleted account ${describeAccount(c)}, deleted at ${deleted.deletionDate ?? "?"}`);
  const { setTimeout: sleep } = await import("node:timers/promises");
  for (let delayInMs: number = PURGE_CONFLICT_RETRY.firstDelayInMs; ; delayInMs = Math.min(delayInMs * 2, PURGE_CONFLICT_RETRY.maxDelayInMs)) {
    try {
      const result = await run.waitFor(`purge of ${describeAccount(c)}`, (abortSignal) => session.purgeDeletedAccount(deleted, { abortSignal }));
      return result === "purged" ? { purged: true, deleted } : { purged: false };
    } catch (error) {
      if (!isSettlingConflict(error)) throw error;
      const waitInMs = retryAfterInMs(error) ?? delayInMs;
      report(`purge answered 409 RequestConflict (Azure is settling the soft delete); retrying in ${waitInMs / 1000} s`);
      await run.waitFor(`Azure to settle the soft delete of ${describeAccount(c)} (purge answered 409 RequestConflict)`, (abortSignal) =>
        sleep(waitInMs, undefined, { signal: abortSignal }),
      );
    }
  }
}

/**
 * Purges exactly the soft-deleted account a decision named (planner.ts), and
 * nothing else: when what holds those coordinates now is another account (a
 * different `internalId`: the world changed since the decision), it refuses
 * rather than purge an account nobody decided about.
 */
export async function purgeDecided(session: ArmSession, named: { accountName: string; resourceGroupName: string; location: string; internalId?: string }, run: HookRun): Promise<PurgeOutcome> {
  const c: AccountCoordinates = { accountName: named.accountName, resourceGroupName: named.resourceGroupName, location: named.location, subscriptionId: session.subscriptionId };
  const now = await session.getDeletedAccount(c, { abortSignal: run.signal });
  if (now?.internalId && named.internalId && now.internalId !== named.internalId) {
    throw new Error(
      `soft-deleted account ${describeAccount(c)} is not the account decided about (internalId ${now.internalId}, decided ${named.internalId}): it was deleted, purged or replaced since. Nothing was purged; run \`pulumi up\` again to decide on what it holds now.`,
    );
  }
  if (!now) {
    report(`nothing to purge: no soft-deleted account ${describeAccount(c)}`);
    return { purged: false };
  }
  return purgeFound(session, c, now, run);
}
