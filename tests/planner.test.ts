import { type Asker, decide, type Decision, type DeletedFacts, type Held, type LiveFacts, type Policy, purgesOf, sentenceOf, unseenSentence } from "../provider/planner";

/**
 * The planner as a table: what Azure holds (found) × policy × who asks
 * (flow), each row with the one-line reason a user would give. Pure: no
 * emulator, no clock; the whole table runs in milliseconds.
 */

const SUB = "00000000-0000-0000-0000-000000000000";
const c = { accountName: "acct", resourceGroupName: "rg", location: "eastus", subscriptionId: SUB };
const deletedAt = (location: string, internalId: string, extra: Partial<DeletedFacts> = {}): DeletedFacts => ({
  id: `/subscriptions/${SUB}/providers/Microsoft.CognitiveServices/locations/${location}/resourceGroups/rg/deletedAccounts/acct`,
  accountName: "acct",
  resourceGroupName: "rg",
  location,
  internalId,
  customSubDomainName: "acct",
  deletionDate: "2026-12-07T00:00:00Z",
  scheduledPurgeDate: "2026-12-09T00:00:00Z",
  ...extra,
});
const live = (location: string, internalId: string): LiveFacts => ({ id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct`, accountName: "acct", resourceGroupName: "rg", location, internalId });
const OURS = "ours-1";
const THEIRS = "theirs-1";
const owned = { identities: [{ id: "x", internalId: OURS }] };

const free: Held = { groupExists: true, deletedSameName: [] };
const ownHere: Held = { groupExists: true, deletedSameName: [deletedAt("eastus", OURS)] };
const foreignHere: Held = { groupExists: true, deletedSameName: [deletedAt("eastus", THEIRS)] };
const foreignElsewhere: Held = { groupExists: true, deletedSameName: [deletedAt("westus", THEIRS)] };
const ownElsewhere: Held = { groupExists: true, deletedSameName: [deletedAt("westus", OURS)] };
const liveHere: Held = { groupExists: true, live: live("eastus", OURS), deletedSameName: [] };
const liveElsewhere: Held = { groupExists: true, live: live("westus", OURS), deletedSameName: [] };
const liveElsewhereForeign: Held = { groupExists: true, live: live("westus", THEIRS), deletedSameName: [] };
const noGroup: Held = { groupExists: false, deletedSameName: [deletedAt("eastus", THEIRS)] };
const subdomainForeign: Held = { groupExists: true, deletedSameName: [], subdomainHolder: { state: "soft-deleted", account: deletedAt("eastus", THEIRS, { accountName: "other", id: "/x/deletedAccounts/other" }) } };
const subdomainOwn: Held = { groupExists: true, deletedSameName: [], subdomainHolder: { state: "soft-deleted", account: deletedAt("eastus", OURS, { accountName: "acct", resourceGroupName: "rg-old", id: "/x/resourceGroups/rg-old/deletedAccounts/acct" }) } };
const subdomainLive: Held = { groupExists: true, deletedSameName: [], subdomainHolder: { state: "live", account: live("eastus", THEIRS) } };
const otherLive = (internalId: string): LiveFacts => ({ ...live("eastus", internalId), accountName: "other", id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/other` });
const nameDeletedSubdomainLive: Held = { groupExists: true, deletedSameName: [deletedAt("eastus", THEIRS)], subdomainHolder: { state: "live", account: otherLive(THEIRS) } };
const ownDeletedSubdomainLive: Held = { groupExists: true, deletedSameName: [deletedAt("eastus", OURS)], subdomainHolder: { state: "live", account: otherLive(THEIRS) } };
const subdomainOwnLive: Held = { groupExists: true, deletedSameName: [], subdomainHolder: { state: "live", account: otherLive(OURS) } };
const subdomainOutside: Held = { groupExists: true, deletedSameName: [deletedAt("eastus", THEIRS)], subdomainHolder: { state: "outside", subscriptionId: SUB, reason: "Sub domain name 'acct' is already used." } };
const blocked: Held = { ...foreignHere, restoreBlocker: "cannot recover: its retention expired" };

interface Row {
  why: string;
  found: Held;
  policy: Policy;
  asker: Asker;
  restoreFlag?: boolean;
  unknown?: boolean;
  /** Asked at up right before the account's own create. */
  atCreate?: boolean;
  /** The decision's purge is left to the account's hooks, right before its create. */
  atCreateDecided?: boolean;
  kind: Decision["kind"];
  /** internalIds of the accounts the decision purges. */
  purges?: string[];
  says?: string;
}

const ROWS: Row[] = [
  // The name is free.
  { why: "a free name is created, whatever the policy", found: free, policy: "recover", asker: "plan", kind: "create", says: "name is free: up will create account 'acct'" },
  { why: "a free name is created under fail too", found: free, policy: "fail", asker: "plan", kind: "create" },
  { why: "the guard has nothing to purge on a free name", found: free, policy: "guard", asker: "plan", kind: "create" },
  // Soft-deleted in the declared region, not ours.
  { why: "recover restores another's (or an earlier stack's) account", found: foreignHere, policy: "recover", asker: "plan", kind: "restore", says: "up will restore soft-deleted account 'acct'" },
  { why: "recover never purges an account it did not record, even right before the create (out-of-band delete moments before up)", found: foreignHere, policy: "recover", asker: "create", kind: "refuse" },
  { why: "the create that carries the restore flag is left to restore", found: foreignHere, policy: "recover", asker: "create", restoreFlag: true, kind: "restore" },
  { why: "purge purges whatever holds the name, and says so", found: foreignHere, policy: "purge", asker: "plan", kind: "purge-then-create", purges: [THEIRS], says: "a purge is permanent" },
  { why: "fail refuses, naming the fix", found: foreignHere, policy: "fail", asker: "plan", kind: "refuse", says: 'ifSoftDeleted: "recover"' },
  { why: "the guard purges the soft-deleted account of its name", found: foreignHere, policy: "guard", asker: "plan", kind: "purge-then-create", purges: [THEIRS] },
  { why: "a restore that Azure would refuse (retention, key vault) fails the preview", found: blocked, policy: "recover", asker: "plan", kind: "refuse", says: "retention expired" },
  // Soft-deleted in the declared region, ours (a delete-first replacement in this update).
  { why: "recover purges its own predecessor before the replacement's create", found: ownHere, policy: "recover", asker: "create", kind: "purge-then-create", purges: [OURS] },
  { why: "fail purges its own predecessor too", found: ownHere, policy: "fail", asker: "create", kind: "purge-then-create", purges: [OURS] },
  { why: "a create refused by Azure is retried after purging its own predecessor", found: ownHere, policy: "recover", asker: "retry", kind: "purge-then-create", purges: [OURS] },
  { why: "the policy restores its own account deleted out of band (found by a refresh): own means deleted by a replacement, met before the create", found: ownHere, policy: "recover", asker: "plan", kind: "restore" },
  { why: "under fail, its own account deleted out of band is refused, not purged", found: ownHere, policy: "fail", asker: "plan", kind: "refuse" },
  // The same name soft-deleted in another region of the group.
  { why: "recover refuses another's account in another region with a fix that does not loop", found: foreignElsewhere, policy: "recover", asker: "plan", kind: "refuse", says: "set location to 'westus'" },
  { why: "recover refuses it before the create as well", found: foreignElsewhere, policy: "recover", asker: "create", kind: "refuse" },
  { why: "purge purges it and names it in preview", found: foreignElsewhere, policy: "purge", asker: "plan", kind: "purge-then-create", purges: [THEIRS], says: "(westus)" },
  { why: "a region change leaves its own predecessor in the old region: purged under recover", found: ownElsewhere, policy: "recover", asker: "create", kind: "purge-then-create", purges: [OURS] },
  // Live.
  { why: "a live account at the name is kept", found: liveHere, policy: "recover", asker: "plan", kind: "keep" },
  { why: "before a create, a live account is the predecessor a delete-first replacement deletes", found: liveHere, policy: "recover", asker: "create", kind: "replace", says: "will be created again: the replacement deletes it first" },
  { why: "a live account in another region than declared is replaced (location change)", found: liveElsewhere, policy: "fail", asker: "plan", kind: "replace" },
  { why: "the policy's decision refuses another's account live in another region (never recorded): it holds the name, and the create would fail", found: liveElsewhereForeign, policy: "recover", asker: "plan", kind: "refuse", says: "is live in region 'westus'" },
  { why: "under fail too, another's live account in another region is refused with the fix, not replaced", found: liveElsewhereForeign, policy: "fail", asker: "plan", kind: "refuse", says: "choose another accountName" },
  // The resource group.
  { why: "a missing group fails under purge, before anything is purged", found: noGroup, policy: "purge", asker: "plan", kind: "refuse", says: "resource group 'rg' does not exist" },
  { why: "a missing group fails under recover", found: noGroup, policy: "recover", asker: "plan", kind: "refuse" },
  { why: "a missing group fails the guard's hooks before the create", found: noGroup, policy: "guard", asker: "create", kind: "refuse" },
  // The subdomain.
  { why: "a subdomain held by another's soft-deleted account fails, naming the holder", found: subdomainForeign, policy: "purge", asker: "plan", kind: "refuse", says: "held by soft-deleted account 'other'" },
  { why: "the guard does not purge another name's hold on the subdomain either", found: subdomainForeign, policy: "guard", asker: "create", kind: "refuse" },
  { why: "a subdomain held by its own predecessor in the old group is purged (resource-group change)", found: subdomainOwn, policy: "recover", asker: "create", kind: "purge-then-create", purges: [OURS], says: "'rg-old'" },
  { why: "a subdomain held by a live account fails", found: subdomainLive, policy: "recover", asker: "plan", kind: "refuse", says: "held by live account" },
  { why: "under purge, the name's soft-deleted account is not purged for a create another live account's subdomain dooms", found: nameDeletedSubdomainLive, policy: "purge", asker: "plan", kind: "refuse", says: "/accounts/other)" },
  { why: "the guard refuses too, before purging, and names the holder's ARM id and the fix", found: nameDeletedSubdomainLive, policy: "guard", asker: "create", kind: "refuse", says: "choose another customSubDomainName" },
  { why: "its own predecessor is not purged either when the new subdomain is another live account's (region change)", found: ownDeletedSubdomainLive, policy: "recover", asker: "create", kind: "refuse", says: "held by live account 'other'" },
  { why: "a live holder this stack recorded is its own account that a rename keeping the subdomain deletes first: not refused", found: subdomainOwnLive, policy: "recover", asker: "plan", kind: "create" },
  { why: "still live right before the create, its own holder is deleted only after it (up --replace creates first): refused with the fix, not sent to Azure", found: subdomainOwnLive, policy: "guard", asker: "create", atCreate: true, kind: "refuse", says: "without --replace" },
  { why: "the policy's purge waits for the create while its own live account of another name holds the subdomain: only then is it known whether the replacement deleted it first", found: { ...foreignHere, subdomainHolder: { state: "live", account: otherLive(OURS) } }, policy: "purge", asker: "plan", kind: "purge-then-create", purges: [THEIRS], atCreateDecided: true, says: "right before the create" },
  { why: "a live holder that is not this stack's is refused, not waited for", found: { ...foreignHere, subdomainHolder: { state: "live", account: otherLive(THEIRS) } }, policy: "purge", asker: "plan", kind: "refuse" },
  { why: "the same after Azure refused the create: no purge and retry can free a live holder", found: subdomainOwnLive, policy: "purge", asker: "retry", atCreate: true, kind: "refuse", says: "deleteBeforeReplace: true" },
  { why: "a subdomain Azure reports unavailable with no holder in the subscription fails, before any purge", found: subdomainOutside, policy: "purge", asker: "plan", kind: "refuse", says: "checkDomainAvailability" },
  // Unknown inputs.
  { why: "unknown inputs: preview says what up may do", found: free, policy: "purge", asker: "plan", unknown: true, kind: "undecided", says: "may purge" },
  // RecoveredAccount.
  { why: "RecoveredAccount adopts a live account", found: liveHere, policy: "recover", asker: "recover", kind: "adopt", says: "adopt it without a restore request" },
  { why: "RecoveredAccount restores a soft-deleted account", found: foreignHere, policy: "recover", asker: "recover", kind: "restore", says: "up will restore soft-deleted account 'acct'" },
  { why: "RecoveredAccount refuses a location other than the live account's region", found: liveElsewhere, policy: "recover", asker: "recover", kind: "refuse", says: "region cannot change" },
  { why: "RecoveredAccount with nothing to recover fails, naming where it looked", found: free, policy: "recover", asker: "recover", kind: "refuse", says: "nothing to recover" },
];

describe("planner: a preview that could not look up what Azure holds", () => {
  it.each(["guard", "purge", "recover", "fail"] as Policy[])("says what up may do under %s, naming the account and that a purge is permanent", (policy) => {
    const line = unseenSentence({ account: c, policy, asker: "plan" });
    expect(line).toMatch(/may (purge|restore|fail)/);
    expect(line).toContain("'acct'");
    expect(line).toContain("a purge is permanent");
    expect(line).toContain("this preview could not");
  });
});

describe("planner: found × policy × flow", () => {
  it.each(ROWS)("$why", (row) => {
    const declared = { account: row.unknown ? undefined : c, customSubDomainName: "acct", policy: row.policy, asker: row.asker, restoreFlag: row.restoreFlag, atCreate: row.atCreate };
    const decision = decide(declared, row.found, owned);
    expect(decision.kind).toBe(row.kind);
    expect(purgesOf(decision).map((d) => d.internalId)).toEqual(row.purges ?? []);
    const sentence = sentenceOf(declared, decision);
    expect(sentence).not.toContain("[object Object]");
    expect(sentence).not.toContain("undefined");
    if (row.says) expect(sentence).toContain(row.says);
    expect(decision.kind === "purge-then-create" && decision.atCreate === true).toBe(row.atCreateDecided ?? false);
    // Every sentence about a purge says that it is permanent.
    if (purgesOf(decision).length) expect(sentence).toContain("a purge is permanent");
  });

  it("never purges an account whose identity the stack did not record, under recover and fail", () => {
    const helds = [free, foreignHere, foreignElsewhere, noGroup, subdomainForeign, liveHere, nameDeletedSubdomainLive, subdomainOutside, liveElsewhereForeign];
    for (const policy of ["recover", "fail"] as Policy[]) {
      for (const asker of ["plan", "create", "retry"] as Asker[]) {
        for (const held of helds) expect(purgesOf(decide({ account: c, customSubDomainName: "acct", policy, asker }, held, owned))).toEqual([]);
      }
    }
  });
});
