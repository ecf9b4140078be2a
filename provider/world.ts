import type { ArmSession, CallOptions, DeletedAccount, LiveAccount } from "./azureSession";
import type { AccountCoordinates } from "./inputs";
import type { DeletedFacts, Held, LiveFacts } from "./planner";
import { processSlot } from "./processCache";
import { unmetPrerequisites } from "./recovery";

/**
 * What Azure holds around one declared account, gathered for the planner
 * (`planner.ts` decides; this module only reads). Lookups of one moment are
 * shared: the subscription's deleted-accounts listing is shared in flight by
 * the session (`listingOf`), and so is each resource group's existence here,
 * so a preview of many accounts reads each once.
 */

const sameText = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

export function deletedFacts(d: DeletedAccount): DeletedFacts {
  return {
    id: d.id,
    internalId: d.internalId,
    accountName: d.accountName,
    resourceGroupName: d.resourceGroupName,
    location: d.location,
    customSubDomainName: d.customSubDomainName,
    deletionDate: d.deletionDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
  };
}

export function liveFacts(c: AccountCoordinates, live: LiveAccount): LiveFacts {
  return { id: live.id, internalId: live.internalId, accountName: c.accountName, resourceGroupName: c.resourceGroupName, location: live.location, customSubDomainName: live.customSubDomainName };
}

/** Whether the group exists, one request per group and moment however many accounts ask. */
async function groupExists(session: ArmSession, resourceGroupName: string, options: CallOptions): Promise<boolean> {
  const inFlight = processSlot("groupLookups", () => ({}) as Record<string, Promise<boolean> | undefined>);
  const key = `${session.subscriptionId}/${resourceGroupName}`.toLowerCase();
  let lookup = inFlight[key];
  if (!lookup) {
    lookup = session.resourceGroupExists(resourceGroupName).finally(() => delete inFlight[key]);
    inFlight[key] = lookup;
  }
  const signal = options.abortSignal;
  if (!signal) return lookup;
  return Promise.race([
    lookup,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    }),
  ]);
}

export interface Looking {
  /** Check the group (not for a guard's own step: its group may legitimately be gone). */
  group?: boolean;
  /** Check the prerequisites of restoring the soft-deleted account in the declared region (recover, RecoveredAccount). */
  restore?: boolean;
}

/** Reads what Azure holds for the planner: the live account at the name, every soft-deleted account of the name in the group, the subdomain's other holder, the group. */
export async function lookUpWorld(session: ArmSession, c: AccountCoordinates, customSubDomainName: string | undefined, signal: AbortSignal, looking: Looking = {}): Promise<Held> {
  const options = { abortSignal: signal };
  // The group first when asked: an account in a missing group is not live, and its GET would only report the 404.
  const [group, listing] = await Promise.all([looking.group ? groupExists(session, c.resourceGroupName, options) : Promise.resolve(undefined), session.listDeletedAccounts(options)]);
  const live = group === false ? undefined : await session.getAccount(c, options);
  const deletedSameName = listing.filter((d) => sameText(d.accountName, c.accountName) && sameText(d.resourceGroupName, c.resourceGroupName)).map(deletedFacts);
  const holder = customSubDomainName ? listing.find((d) => sameText(d.customSubDomainName, customSubDomainName) && !(sameText(d.accountName, c.accountName) && sameText(d.resourceGroupName, c.resourceGroupName))) : undefined;
  const held: Held = {
    live: live ? liveFacts(c, live) : undefined,
    deletedSameName,
    sameNameElsewhere: listing.filter((d) => sameText(d.accountName, c.accountName) && !sameText(d.resourceGroupName, c.resourceGroupName)).map(deletedFacts),
    subdomainHolder: holder ? { state: "soft-deleted", account: deletedFacts(holder) } : undefined,
  };
  if (looking.group) held.groupExists = group;
  if (looking.restore && !live && held.groupExists !== false && deletedSameName.some((d) => d.location === c.location)) {
    const details = await session.getDeletedAccount(c, options);
    if (details) held.restoreBlocker = await unmetPrerequisites(session, c, details, signal);
  }
  return held;
}
