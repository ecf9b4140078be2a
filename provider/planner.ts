import { accountId, deletedAccountId } from "./armIds";
import { type AccountCoordinates, describeAccount } from "./inputs";

/**
 * The one place where an account's fate is decided: a pure function (no I/O,
 * no clock) of what the program declares, what Azure holds (gathered apart,
 * by `world.ts`) and what the stack owns (recorded identities), returning one
 * decision with its reason. The resources and the hooks act on a decision and
 * never decide themselves, as pulumi/pulumi's step generator returns steps
 * that only `Apply` executes. `sentenceOf` writes every line preview and up
 * print about a decision, so up says what preview said, in the same words.
 */

/** What the program says to do about a soft-deleted account holding the name. `guard` is a `PurgedDeletedAccount`. */
export type Policy = "guard" | "recover" | "purge" | "fail";

/**
 * Who asks, which fixes what a decision may contain:
 * - `plan`: a preview of the account's first create (policy or guard `check`), or the policy's own step;
 * - `create`: right before the account's create (its `beforeCreate` hook), after any delete of a replacement;
 * - `retry`: after Azure refused the account's create (its `onError` hook);
 * - `recover`: a `RecoveredAccount` (adopt or restore; never create or purge).
 */
export type Asker = "plan" | "create" | "retry" | "recover";

/** An account's identity as Azure states it; `internalId` survives a soft delete and a restore, and a new account gets a new one. */
export interface Identity {
  id: string;
  internalId?: string;
}

/** A soft-deleted account, as far as a decision needs it. */
export interface DeletedFacts extends Identity {
  accountName: string;
  resourceGroupName: string;
  location: string;
  customSubDomainName?: string;
  deletionDate?: string;
  scheduledPurgeDate?: string;
}

/** A live account, as far as a decision needs it. */
export interface LiveFacts extends Identity {
  accountName: string;
  resourceGroupName: string;
  location: string;
  customSubDomainName?: string;
}

export interface Declared {
  /** Undefined while an input is unknown (preview of a computed name or group): the decision says what up may do. */
  account?: AccountCoordinates;
  /** The account's name when it is known but another input is not (for "may" sentences). */
  accountName?: string;
  customSubDomainName?: string;
  policy: Policy;
  asker: Asker;
  /** The create carries azure-native's `properties.restore: true`: the policy decided to restore. */
  restoreFlag?: boolean;
  /** The resource group is a resource of the same program (created before the account): a missing group is not refused. */
  groupDeclared?: boolean;
  /**
   * Asked at up right before the account's own create (or its retry): every delete-first of a replacement has run, so
   * an account still live now stays live through the create.
   */
  atCreate?: boolean;
}

/** What Azure holds around the declared account at one moment. */
export interface Held {
  /** Undefined when not looked up (a guard's own step: its group may be gone). */
  groupExists?: boolean;
  /** The live account at the declared name in the declared group (any region). */
  live?: LiveFacts;
  /** Soft-deleted accounts of the declared name in the declared group, in every region. */
  deletedSameName: DeletedFacts[];
  /**
   * Another account holding the declared `customSubDomainName`: soft-deleted or live in this subscription, or
   * (`outside`) one Azure's `checkDomainAvailability` reports while no account of this subscription holds it.
   */
  subdomainHolder?: { state: "soft-deleted"; account: DeletedFacts } | { state: "live"; account: LiveFacts } | { state: "outside"; subscriptionId: string; reason?: string };
  /** Soft-deleted accounts of the declared name in other groups of the subscription (named in a refusal's hint). */
  sameNameElsewhere?: DeletedFacts[];
  /** Why the soft-deleted account in the declared region cannot be restored (retention, key vault, storage), when it cannot. */
  restoreBlocker?: string;
}

/** What the stack owns: the identities it recorded of accounts it created, restored or adopted (or saw live at the declared name in this update, about to be replaced). */
export interface Owned {
  identities: Identity[];
}

export type Decision =
  | { kind: "undecided"; reason: string }
  | { kind: "create"; reason: string }
  | { kind: "keep"; live: LiveFacts; owned: boolean; reason: string }
  | { kind: "adopt"; live: LiveFacts; reason: string }
  | { kind: "restore"; deleted: DeletedFacts; reason: string }
  | { kind: "replace"; live: LiveFacts; reason: string }
  | {
      kind: "purge-then-create";
      purge: DeletedFacts[];
      reason: string;
      /**
       * Purged by the account's hooks right before its create, not by the policy's step: this stack's own live account
       * still holds the subdomain, and only then is it known whether the replacement deleted it first.
       */
      atCreate?: boolean;
    }
  | { kind: "refuse"; property: string; reason: string; fix: string };

/** Whether the stack recorded this identity (internalId first; the ARM id when Azure gave none). */
export function isOwned(owned: Owned, account: Identity): boolean {
  return owned.identities.some((o) => (o.internalId && account.internalId ? o.internalId === account.internalId : false));
}

const sameText = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const describeFacts = (a: { accountName: string; resourceGroupName: string; location: string }): string =>
  describeAccount({ accountName: a.accountName, resourceGroupName: a.resourceGroupName, location: a.location, subscriptionId: "" });

/** The one decision for an account. */
export function decide(declared: Declared, held: Held, owned: Owned): Decision {
  return waitForTheCreate(declared, held, owned, decideNow(declared, held, owned));
}

/**
 * A purge the policy's step would make while this stack's own live account of another name still holds the
 * subdomain (a rename or move keeping it) waits for the account's create: a delete-first replacement has deleted that
 * account by then, and the hooks purge; a create-before-delete one (`up --replace`) has not, and the hooks refuse,
 * having purged nothing (red team: the policy purged, then the create was refused).
 */
function waitForTheCreate(declared: Declared, held: Held, owned: Owned, decision: Decision): Decision {
  const holder = held.subdomainHolder;
  if (declared.asker !== "plan" || decision.kind !== "purge-then-create" || holder?.state !== "live" || !declared.account) return decision;
  if (isSameName(declared.account, holder.account) || !isOwned(owned, holder.account)) return decision;
  return { ...decision, atCreate: true };
}

function decideNow(declared: Declared, held: Held, owned: Owned): Decision {
  const c = declared.account;
  if (!c) return { kind: "undecided", reason: "an input is not known yet" };
  if (declared.asker === "recover") return decideRecovery(c, held);
  if (held.groupExists === false && !declared.groupDeclared) {
    return {
      kind: "refuse",
      property: "resourceGroupName",
      reason: `resource group '${c.resourceGroupName}' does not exist, so account '${c.accountName}' cannot be created or restored there; nothing was purged or restored`,
      fix: `create resource group '${c.resourceGroupName}' first (a deleted group cannot be recovered: recreate it with the same name, in the program or with az group create --name ${c.resourceGroupName} --location ${c.location}), or set resourceGroupName to an existing group`,
    };
  }
  const subdomain = refusedSubdomain(declared, held, owned);
  if (subdomain) return subdomain;
  if (held.live) return decideLive(declared, c, held.live, owned);
  const inRegion = held.deletedSameName.filter((d) => d.location === c.location);
  const elsewhere = held.deletedSameName.filter((d) => d.location !== c.location);
  // "Own predecessor" is an account this stack recorded that a replacement deleted, met right before the create. The
  // policy's own decision (plan) treats its account in the declared region like any other: an account deleted out
  // of band (and found by a refresh) is restored under "recover", refused under "fail", never purged as "own".
  const isForeign = (d: DeletedFacts): boolean => !isOwned(owned, d) || (declared.asker === "plan" && d.location === c.location);
  const own = held.deletedSameName.filter((d) => !isForeign(d));
  const ownSubdomainHolder = held.subdomainHolder?.state === "soft-deleted" && isOwned(owned, held.subdomainHolder.account) ? [held.subdomainHolder.account] : [];
  const foreign = held.deletedSameName.filter(isForeign);
  // The create that carries the restore flag restores the account in the declared region: nothing to purge for it.
  if (declared.restoreFlag && inRegion.length && declared.asker !== "plan") {
    return { kind: "restore", deleted: inRegion[0], reason: "the create carries the restore flag the policy set" };
  }
  switch (declared.policy) {
    case "guard":
    case "purge":
      return purgeThenCreate([...held.deletedSameName, ...ownSubdomainHolder], declared.policy === "guard" ? "the guard purges every soft-deleted account holding the name" : 'ifSoftDeleted is "purge"');
    case "recover": {
      const restorable = inRegion.find(isForeign);
      if (restorable && declared.asker === "plan") {
        if (held.restoreBlocker) return { kind: "refuse", property: "ifSoftDeleted", reason: held.restoreBlocker, fix: 'meet the prerequisite named, or set ifSoftDeleted: "purge" to create a new account under the name' };
        return { kind: "restore", deleted: restorable, reason: 'ifSoftDeleted is "recover" and the soft-deleted account is not this stack\'s own predecessor' };
      }
      if (restorable) return deletedSince(c, restorable, "recover");
      if (elsewhere.some(isForeign)) return otherRegion(c, elsewhere.filter(isForeign), "recover");
      return purgeThenCreate([...own, ...ownSubdomainHolder], "only this stack's own predecessor is purged");
    }
    case "fail":
      if (foreign.length) {
        const d = foreign[0];
        if (declared.asker !== "plan" && d.location === c.location) return deletedSince(c, d, "fail");
        return {
          kind: "refuse",
          property: "ifSoftDeleted",
          reason: `account ${describeFacts(d)} is soft-deleted, deleted at ${d.deletionDate ?? "?"}, recoverable until ${d.scheduledPurgeDate ?? "?"}, and ifSoftDeleted is "fail"; it is not this stack's own predecessor, so nothing was purged`,
          fix: 'set ifSoftDeleted: "recover" to restore it with its keys, endpoint and data, or ifSoftDeleted: "purge" to purge it and create a new account under the name',
        };
      }
      return purgeThenCreate([...own, ...ownSubdomainHolder], "only this stack's own predecessor is purged");
  }
}

function purgeThenCreate(purge: DeletedFacts[], reason: string): Decision {
  const unique = purge.filter((d, i) => purge.findIndex((e) => sameText(e.id, d.id)) === i);
  return unique.length ? { kind: "purge-then-create", purge: unique, reason } : { kind: "create", reason: "the name and the subdomain are free" };
}

/** A live account at the name: kept (the stack's, or azure-native refuses to create over it), or replaced (before a create, it is being deleted by the replacement). */
function decideLive(declared: Declared, c: AccountCoordinates, live: LiveFacts, owned: Owned): Decision {
  // The policy's own decision: an account live in another region is replaced only when it is this stack's (recorded,
  // or handed over by the policy a location change replaces); another's blocks the name and the create would fail.
  if (declared.asker === "plan" && live.location !== c.location && !isOwned(owned, live)) return liveElsewhere(c, live);
  if (declared.asker === "create" || declared.asker === "retry" || live.location !== c.location) {
    // Seen before the create of this account (a preview of the hook) or in another region: the replacement deletes it first, then its create meets it soft-deleted.
    return { kind: "replace", live, reason: "the account is replaced delete-first: its predecessor is this stack's own" };
  }
  return { kind: "keep", live, owned: false, reason: "the account is live" };
}

/** A live account of the name in another region that this stack never recorded: it holds the name in the group, and its region cannot change. */
function liveElsewhere(c: AccountCoordinates, live: LiveFacts): Decision {
  return {
    kind: "refuse",
    property: "location",
    reason: `account ${describeFacts(live)} is live in region '${live.location}' (${live.id}) and holds the name '${c.accountName}' in resource group '${c.resourceGroupName}', so an account in '${c.location}' cannot be created; this stack never recorded it (it is another's), so nothing is deleted or purged`,
    fix: `choose another accountName or resourceGroupName, or, if that account is this stack's, set location to '${live.location}' and import it`,
  };
}

/** RecoveredAccount: adopt the live account, restore the soft-deleted one, or refuse. */
function decideRecovery(c: AccountCoordinates, held: Held): Decision {
  if (held.live) {
    if (held.live.location !== c.location) {
      return {
        kind: "refuse",
        property: "location",
        reason: `location is '${c.location}', but account '${c.accountName}' in resource group '${c.resourceGroupName}' is live in region '${held.live.location}' (${held.live.id}). An account's region cannot change, and nothing was deleted`,
        fix: `set location to '${held.live.location}', or declare a new account under another name`,
      };
    }
    return { kind: "adopt", live: held.live, reason: "the account is live" };
  }
  const deleted = held.deletedSameName.find((d) => d.location === c.location);
  if (deleted) {
    if (held.restoreBlocker) return { kind: "refuse", property: "accountName", reason: held.restoreBlocker, fix: "meet the prerequisite named, then run again" };
    if (held.groupExists === false) {
      return { kind: "refuse", property: "accountName", reason: `cannot recover soft-deleted account ${describeAccount(c)}: resource group '${c.resourceGroupName}' does not exist`, fix: `a deleted resource group cannot be recovered; recreate it with the same name (location '${c.location}') first` };
    }
    return { kind: "restore", deleted, reason: "the account is soft-deleted in the declared region" };
  }
  const elsewhere = [...held.deletedSameName, ...(held.sameNameElsewhere ?? [])];
  const hint = elsewhere.length
    ? ` A soft-deleted account of that name exists elsewhere in the subscription: ${elsewhere.map((d) => `resource group '${d.resourceGroupName}', location '${d.location}' (${d.id})`).join("; ")}. Check the location and resourceGroupName inputs.`
    : " No soft-deleted account of that name exists anywhere in the subscription: it was purged, or its 48-hour retention expired, so it cannot be recovered.";
  return {
    kind: "refuse",
    property: "accountName",
    reason: `nothing to recover for account ${describeAccount(c)} in subscription '${c.subscriptionId}': it is neither live (looked up ${accountId(c)}) nor soft-deleted (looked up ${deletedAccountId(c)}).${hint}`,
    fix: "check accountName, location and resourceGroupName",
  };
}

/** The subdomain is a second name: a hold by another account that this stack does not own refuses the create. */
function refusedSubdomain(declared: Declared, held: Held, owned: Owned): Decision | undefined {
  const holder = held.subdomainHolder;
  if (!holder || !declared.customSubDomainName || !declared.account) return undefined;
  // A holder this stack recorded is its own account: soft-deleted, the predecessor the policy handles; live, the account
  // a replacement is about to delete (a rename or move keeping the subdomain), which then holds it soft-deleted.
  // Still live right before the create, it is deleted only after it (a create-before-delete replacement).
  if (holder.state === "live" && declared.atCreate && isOwned(owned, holder.account) && !isSameName(declared.account, holder.account)) return createBeforeDelete(declared, holder.account);
  if (holder.state !== "outside" && isOwned(owned, holder.account)) return undefined;
  if (holder.state === "soft-deleted" && declared.policy === "guard" && isSameName(declared.account, holder.account)) return undefined;
  if (holder.state === "outside") {
    return {
      kind: "refuse",
      property: "properties.customSubDomainName",
      reason: `customSubDomainName '${declared.customSubDomainName}' is not available (Azure's checkDomainAvailability: ${holder.reason ?? "unavailable"}); no account of subscription '${holder.subscriptionId}' holds it, so another subscription or tenant does (a subdomain is unique across Azure, and a soft-deleted account keeps it for 48 hours), and Azure would refuse the create; nothing was purged`,
      fix: "choose another customSubDomainName, or delete (and purge) the account that holds it, from the subscription it is in",
    };
  }
  const who = `${holder.state === "live" ? "live" : "soft-deleted"} account ${describeFacts(holder.account)} (${holder.account.id})`;
  return {
    kind: "refuse",
    property: "properties.customSubDomainName",
    reason: `customSubDomainName '${declared.customSubDomainName}' is held by ${who}, which this stack does not own, so Azure would refuse the ${held.live ? "account's update" : "create"} (a subdomain is unique across Azure, and a soft-deleted account keeps it for 48 hours); nothing was purged`,
    fix:
      holder.state === "live"
        ? `choose another customSubDomainName, or, if that account is yours and may go, delete it and purge it (az cognitiveservices account delete --name ${holder.account.accountName} --resource-group ${holder.account.resourceGroupName}, then purge it; a purge is permanent)`
        : `choose another customSubDomainName, or, if that account is yours and may go, purge it (az cognitiveservices account purge --name ${holder.account.accountName} --resource-group ${holder.account.resourceGroupName} --location ${holder.account.location}; a purge is permanent), or recover it`,
  };
}

/**
 * This stack's own account still holds the subdomain, live, right before the create of its successor: the replacement
 * creates before it deletes (`up --replace` gives azure-native no diff, so no delete-first: pulumi/pulumi
 * step_generator.go, `diff`, `isTargetedReplace`; or `deleteBeforeReplace: false`), and Azure would refuse the create.
 */
function createBeforeDelete(declared: Declared, holder: LiveFacts): Decision {
  return {
    kind: "refuse",
    property: "properties.customSubDomainName",
    reason: `customSubDomainName '${declared.customSubDomainName}' is still held by live account ${describeFacts(holder)} (${holder.id}), this stack's own, right before the create of account '${declared.account?.accountName}': the replacement creates before it deletes (\`pulumi up --replace\`, or deleteBeforeReplace: false), so Azure would refuse the create; nothing was deleted or purged`,
    fix: `run \`pulumi up\` without --replace (azure-native replaces an account delete-first), or set deleteBeforeReplace: true on the account, or choose another customSubDomainName`,
  };
}

/** Whether two accounts hold one name: the same account name in the same resource group (an account's name is unique in its group, across regions). */
export const isSameName = (a: NameInGroup, b: NameInGroup): boolean => sameText(a.accountName, b.accountName) && sameText(a.resourceGroupName, b.resourceGroupName);
type NameInGroup = Pick<AccountCoordinates, "accountName" | "resourceGroupName">;

/** A soft-deleted account the policy's decision did not see: it was deleted after the policy decided (out of band), so decide again rather than purge it. */
function deletedSince(c: AccountCoordinates, d: DeletedFacts, policy: Policy): Decision {
  return {
    kind: "refuse",
    property: "ifSoftDeleted",
    reason: `account ${describeFacts(d)} was soft-deleted (at ${d.deletionDate ?? "?"}) after this update's soft-delete policy ("${policy}") decided, and it is not this stack's own predecessor, so nothing was purged`,
    fix: `run \`pulumi up --refresh\` without --target (or with the account's soft-delete policy among the targets): the refresh finds the account soft-deleted and the policy decides again${policy === "recover" ? " (it restores the account)" : ""}`,
  };
}

/** The same name soft-deleted in another region of the group: it holds the name, cannot be restored here, and is not ours. */
function otherRegion(c: AccountCoordinates, others: DeletedFacts[], policy: Policy): Decision {
  const d = others[0];
  return {
    kind: "refuse",
    property: "location",
    reason: `account ${describeFacts(d)} is soft-deleted in region '${d.location}' and holds the name '${c.accountName}' in resource group '${c.resourceGroupName}', so an account in '${c.location}' cannot be created; it is not this stack's own predecessor, and ifSoftDeleted is "${policy}", so nothing was purged`,
    fix: `set location to '${d.location}' to recover it, or set ifSoftDeleted: "purge" to purge it (a purge is permanent), or choose another accountName`,
  };
}

export const PERMANENT = "a purge is permanent: the account, its keys and its data cannot be recovered afterwards";

/** Who the sentences name as acting. */
export interface Voice {
  /** e.g. `ReclaimableAccount`, or the guard's resource name. */
  actor?: string;
  /** A `RecoveredAccount`'s purgeOnDestroy, for what destroy will do. */
  purgeOnDestroy?: boolean;
  /** The guard itself (not its hooks): "nothing to purge" rather than "create". */
  guardResource?: boolean;
  /** The account's hooks restore with a request of their own (before an update), not through azure-native's restore flag. */
  restoreRequest?: boolean;
}

/**
 * The refusal of a create or update whose `customSubDomainName` another
 * account holds, in the planner's words; undefined when the planner refuses
 * nothing about the subdomain (what else it decides is not asked here).
 */
export function subdomainRefusal(declared: Declared, held: Held, owned: Owned): string | undefined {
  const decision = decide(declared, held, owned);
  return decision.kind === "refuse" && decision.property === "properties.customSubDomainName" ? sentenceOf(declared, decision) : undefined;
}

/** The line preview prints, and up prints before acting, for a decision. */
export function sentenceOf(declared: Declared, decision: Decision, voice: Voice = {}): string {
  const c = declared.account;
  const account = c ? describeAccount(c) : "";
  switch (decision.kind) {
    case "undecided":
      return maySentence(declared);
    case "create":
      if (voice.guardResource && c) return `nothing to purge: no soft-deleted account ${account} (looked up ${deletedAccountId(c)})`;
      return `name is free: up will create account ${account}`;
    case "keep":
      if (voice.guardResource) return `nothing to purge: account ${account} is live (the guard never touches a live account)`;
      return `account ${account} is live: up keeps it if this stack already manages it; if it does not, azure-native fails with "cannot create already existing resource" (import the account, or choose another name)`;
    case "adopt":
      return `account ${account} is live: up will adopt it without a restore request; destroy will release it untouched (this resource did not restore it)`;
    case "restore": {
      const d = decision.deleted;
      if (declared.asker === "recover") {
        return (
          `up will restore soft-deleted account ${account}, deleted at ${d.deletionDate ?? "an unreported time"}, recoverable until ${d.scheduledPurgeDate ?? "48 hours after deletion"}; ` +
          (voice.purgeOnDestroy ? "destroy will delete it again and purge it (permanent: a purged account cannot be recovered)" : "destroy will delete it again (Azure keeps it soft-deleted, recoverable, for 48 hours)")
        );
      }
      if (voice.restoreRequest) return `up will restore soft-deleted account ${describeFacts(d)}, deleted at ${d.deletionDate ?? "?"}, with a restore request before the account's update (keeps its keys, endpoint and data)`;
      return `up will restore soft-deleted account ${describeFacts(d)}, deleted at ${d.deletionDate ?? "?"}, through azure-native's restore flag (keeps its keys, endpoint and data)`;
    }
    case "replace":
      return `account ${account} is live and will be created again: the replacement deletes it first (Azure soft-deletes it), then ${voice.actor ?? "the account's hooks"} purges it before the create, as this stack's own predecessor; ${PERMANENT}`;
    case "purge-then-create":
      return decision.purge
        .map(
          (d) =>
            `up will purge soft-deleted account ${describeFacts(d)}, deleted at ${d.deletionDate ?? "an unreported time"} (recoverable until ${d.scheduledPurgeDate ?? "an unreported time"}); ${PERMANENT}` +
            (decision.atCreate ? "; the account's hooks purge it right before the create, once the replacement has deleted this stack's own live account that holds the subdomain (if that account is still live then, up fails there, having purged nothing)" : "") +
            (voice.guardResource ? "" : `; then up creates account ${account} (${decision.reason})`),
        )
        .join("\n");
    case "refuse":
      return `${decision.reason.replace(/\.$/, "")}. Fix: ${decision.fix}.`;
  }
}

/** With unknown inputs: what up may do once they are known, naming the account as far as it is known. */
function maySentence(declared: Declared, once = "once its inputs are known (an input is not known yet at preview)"): string {
  const name = declared.accountName ?? declared.account?.accountName;
  const account = name ? `account '${name}'` : "the account";
  const soft = name ? `soft-deleted account '${name}'` : "a soft-deleted account holding the name";
  if (declared.asker === "recover") return `up may restore or adopt ${account} ${once}`;
  switch (declared.policy) {
    case "guard":
    case "purge":
      return `up may purge ${soft} ${once}, then create ${account}; a purge is permanent`;
    case "recover":
      return `up may restore ${soft} ${once}, or purge this stack's own predecessor of ${account} (deleted by a replacement); a purge is permanent`;
    case "fail":
      return `up may fail if ${soft} exists ${once}, or purge this stack's own predecessor of ${account} (deleted by a replacement); a purge is permanent`;
  }
}

/** When preview could not look up what Azure holds: what up may do once it can, in the words used for unknown inputs (invariant (d)). */
export function unseenSentence(declared: Declared): string {
  return maySentence(declared, "once it looks up what Azure holds (this preview could not)");
}

/** The ids an up may purge under a decision: acting code purges exactly these and nothing else. */
export function purgesOf(decision: Decision): DeletedFacts[] {
  return decision.kind === "purge-then-create" ? decision.purge : [];
}

/**
 * The line for an update that decides again because a refresh found the
 * account gone: what the refresh found, then the planner's sentence for the
 * decision (or, when the look-up could not be made, that up decides).
 */
export function refreshedSentence(declared: Declared, found: "free" | "soft-deleted", decision: Decision | undefined, voice: Voice = {}): string {
  const account = declared.account ? describeAccount(declared.account) : `'${declared.accountName ?? "?"}'`;
  const then = decision ? sentenceOf(declared, decision, voice) : `up decides again ("${declared.policy}") once what Azure holds can be looked up`;
  return `refresh found account ${account} ${found === "free" ? "gone (the name is free)" : "soft-deleted"}: ${then}`;
}

/**
 * What the delete of a replaced guard or policy with `purgeOnDestroy` will do:
 * the engine runs it after the update's creates and gives preview no call for
 * it, so its diff says it. `unlessDeclared`: the delete spares an account a
 * resource of this update declares (the policy's, claims.ts).
 */
export function replacedPurgeSentence(who: "guard" | "policy", c: AccountCoordinates, unlessDeclared: boolean): string {
  return `the replaced ${who}'s delete (purgeOnDestroy) will purge soft-deleted account ${describeAccount(c)} if one exists then${unlessDeclared ? " and no resource of this update declares it" : ""}; ${PERMANENT}`;
}

/**
 * A guard whose hooks are bound to its account, at its own step in up, when
 * the planner refused (the account's group is missing): the guard purges
 * nothing and leaves the decision to the account's hooks, right before the
 * account's create, when the group exists if the program creates it.
 */
export function leftToHooksSentence(declared: Declared, refusal: Extract<Decision, { kind: "refuse" }>): string {
  const account = declared.account ? describeAccount(declared.account) : `'${declared.accountName ?? "?"}'`;
  return `${refusal.reason.replace(/; nothing was purged or restored$/, "")} now, so the guard purges nothing: right before account ${account} is created, its hooks decide again (they purge what holds the name if the group exists then, as when the program creates it; otherwise they refuse, and nothing is purged)`;
}
