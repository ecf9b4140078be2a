import type { ArmSession, DeletedAccountDetails } from "./azureSession";
import { deletedAccountId } from "./armIds";
import type { AccountCoordinates } from "./inputs";
import { type HookRun, report } from "./lifecycle";

/** What a purge did, for the guard's outputs. */
export interface PurgeOutcome {
  purged: boolean;
  /** The account that was purged, when one was. */
  deleted?: DeletedAccountDetails;
}

export function describeAccount(c: AccountCoordinates): string {
  return `'${c.accountName}' in resource group '${c.resourceGroupName}' (${c.location})`;
}

/** The preview line for a soft-deleted account that `up` will purge. */
export function purgePlanLine(c: AccountCoordinates, deleted: DeletedAccountDetails | undefined): string {
  if (!deleted) return `nothing to purge: no soft-deleted account ${describeAccount(c)} (looked up ${deletedAccountId(c)})`;
  return `up will purge soft-deleted account ${describeAccount(c)}, deleted at ${deleted.deletionDate ?? "an unreported time"} (recoverable until ${deleted.scheduledPurgeDate ?? "an unreported time"}); a purge is permanent: the account, its keys and its data cannot be recovered afterwards`;
}

/**
 * Purges the soft-deleted account at these coordinates if there is one, and
 * waits until the purge has finished. It only ever addresses the
 * deleted-accounts path, so a live account cannot be touched.
 */
export async function purgeIfSoftDeleted(session: ArmSession, c: AccountCoordinates, run: HookRun): Promise<PurgeOutcome> {
  const deleted = await session.getDeletedAccount(c, { abortSignal: run.signal });
  if (!deleted) {
    report(`nothing to purge: no soft-deleted account ${describeAccount(c)}`);
    return { purged: false };
  }
  report(`purging soft-deleted account ${describeAccount(c)}, deleted at ${deleted.deletionDate ?? "?"}`);
  const result = await run.waitFor(`purge of ${describeAccount(c)}`, (abortSignal) => session.purgeDeletedAccount(c, { abortSignal }));
  return result === "purged" ? { purged: true, deleted } : { purged: false };
}
