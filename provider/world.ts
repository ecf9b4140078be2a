import type { ArmSession, CallOptions, DeletedAccount, LiveAccount, LiveAccountListed } from "./azureSession";
import type { AccountCoordinates } from "./inputs";
import type { DeletedFacts, Held, LiveFacts } from "./planner";
import { report } from "./lifecycle";
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
  /** The live account's update changes its customSubDomainName: the new one's holder matters as for a create. */
  subdomainChange?: boolean;
}

/**
 * The other holder of `customSubDomainName` when a create is planned: a soft-deleted one from the deleted-accounts
 * listing already read; else a live one from the subscription's live-accounts listing (shared in flight); else, when
 * no account of the subscription holds it (not even the one at the declared name), Azure's own answer for holders in
 * other subscriptions (`checkDomainAvailability`, a read exposed as POST: check still never writes).
 */
async function otherSubdomainHolder(session: ArmSession, c: AccountCoordinates, subdomain: string, deleted: DeletedAccount[], liveListing: Promise<LiveAccountListed[]> | undefined, options: CallOptions): Promise<Held["subdomainHolder"]> {
  const atDeclaredName = (a: { accountName: string; resourceGroupName: string }): boolean => sameText(a.accountName, c.accountName) && sameText(a.resourceGroupName, c.resourceGroupName);
  const holdsIt = (a: { customSubDomainName?: string }): boolean => sameText(a.customSubDomainName, subdomain);
  const softDeleted = deleted.find((d) => holdsIt(d) && !atDeclaredName(d));
  if (softDeleted) return { state: "soft-deleted", account: deletedFacts(softDeleted) };
  if (!liveListing) return undefined;
  const live = (await liveListing).filter(holdsIt);
  const other = live.find((a) => !atDeclaredName(a));
  if (other) return { state: "live", account: listedFacts(other) };
  if (live.length || deleted.some(holdsIt)) return undefined; // held at the declared name: the planner's policy handles that account
  // Another tenant's hold is the rare case: a check Azure does not answer (its action not granted, an older cloud) leaves
  // the create to Azure, as before this check existed, rather than fail a deployment that would succeed.
  const answer: { available: boolean; reason?: string } = await session.subdomainAvailability(subdomain, undefined, options).catch((error: unknown) => {
    if (options.abortSignal?.aborted) throw error;
    report(`could not ask Azure whether customSubDomainName '${subdomain}' is available (${(error as Error).message}); the create will tell`);
    return { available: true };
  });
  return answer.available ? undefined : { state: "outside", subscriptionId: session.subscriptionId, reason: answer.reason };
}

const listedFacts = (a: LiveAccountListed): LiveFacts => ({ id: a.id, internalId: a.internalId, accountName: a.accountName, resourceGroupName: a.resourceGroupName, location: a.location, customSubDomainName: a.customSubDomainName });

/** Reads what Azure holds for the planner: the live account at the name, every soft-deleted account of the name in the group, the subdomain's other holder, the group. */
export async function lookUpWorld(session: ArmSession, c: AccountCoordinates, customSubDomainName: string | undefined, signal: AbortSignal, looking: Looking = {}): Promise<Held> {
  const options = { abortSignal: signal };
  // The group first when asked: an account in a missing group is not live, and its GET would only report the 404.
  // With a subdomain, the subscription's live accounts are read alongside (one listing per moment, shared in flight), so
  // the create's look-up of a live holder costs no round trip of its own.
  const liveListing = customSubDomainName ? session.listLiveAccounts(options) : undefined;
  liveListing?.catch(() => undefined); // awaited below only when a create is planned; its failure then is reported there
  const [group, listing] = await Promise.all([looking.group ? groupExists(session, c.resourceGroupName, options) : Promise.resolve(undefined), session.listDeletedAccounts(options)]);
  // Unasked, the group may be gone or not created yet (a guard's group the program creates): its 404 is no news.
  const live = group === false ? undefined : await session.getAccount(c, { ...options, groupMayBeMissing: !looking.group });
  const deletedSameName = listing.filter((d) => sameText(d.accountName, c.accountName) && sameText(d.resourceGroupName, c.resourceGroupName)).map(deletedFacts);
  // A create is planned when no account is live at the name in the declared region (a live one elsewhere is replaced
  // delete-first): only then is a live holder or Azure's availability check looked at.
  const createPlanned = !live || live.location !== c.location || looking.subdomainChange === true;
  const held: Held = {
    live: live ? liveFacts(c, live) : undefined,
    deletedSameName,
    sameNameElsewhere: listing.filter((d) => sameText(d.accountName, c.accountName) && !sameText(d.resourceGroupName, c.resourceGroupName)).map(deletedFacts),
    subdomainHolder: customSubDomainName ? await otherSubdomainHolder(session, c, customSubDomainName, listing, createPlanned ? liveListing : undefined, options) : undefined,
  };
  if (looking.group) held.groupExists = group;
  if (looking.restore && !live && held.groupExists !== false && deletedSameName.some((d) => d.location === c.location)) {
    const details = await session.getDeletedAccount(c, options);
    if (details) held.restoreBlocker = await unmetPrerequisites(session, c, details, signal);
  }
  return held;
}
