import type { RunResult } from "../harness/engine/flowStack";
import type { ResourceState } from "../harness/engine/state";
import type { AccountDecl, Command, ProgramDecl } from "./model";
import type { WorldView, Write } from "./world";

/** One broken invariant of /work/shared/api-contract.md ("(a)".."(h)", or "preview-writes"). */
export interface Violation {
  invariant: "a" | "b" | "c" | "d" | "e" | "f" | "g" | "h" | "preview-writes";
  /** The index of the step (in the life) whose command broke it. */
  step: number;
  message: string;
}

/** What the stack recorded of each account's identity: created or restored by it, or adopted (found live). */
export interface Ownership {
  owned: Map<string, "created" | "restored" | "adopted">;
  /** Identities the stack itself deleted (a replacement's or destroy's predecessor): under recover/fail only these may be purged. */
  deletedByStack: Set<string>;
}

/** Everything one command's check needs: the program as declared for it and as last applied, the worlds around it, what ARM was asked. */
export interface CommandRecord {
  step: number;
  command: Command;
  /** The program of this run (for destroy: the program the state was last updated with). */
  program: ProgramDecl;
  /** The program of the last update that ran before this command. */
  applied: ProgramDecl;
  before: WorldView;
  after: WorldView;
  writes: Write[];
  /** The state before the command (what destroy and removals act on). */
  stateBefore: ResourceState[];
  result: RunResult;
  /** For up: the preview of the same world right before. */
  preview?: RunResult;
  /** Text of faults injected for this command (failures they cause are not foreseeable). */
  injectedFaults: string[];
}

const SOFT_DELETE_CONFLICTS = ["FlagMustBeSetForRestore", "CustomDomainInUse", "CanNotRestoreAnActiveResource"];
const REPLACEMENT_OPS = new Set(["replace", "create-replacement", "delete-replaced"]);
const ACCOUNT_TYPE = "azure-native:cognitiveservices:Account";
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const ok = (w: Write) => w.status < 400;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function declaring(program: ProgramDecl, name: string, group: string): AccountDecl[] {
  return program.accounts.filter((a) => same(a.accountName, name) && same(a.resourceGroupName, group));
}

/**
 * Whether every resource that failed in this up declares another account than every one it purged: the purge was the
 * declared purge of an account whose own resources went on, and the up failed on unrelated accounts, as Pulumi goes on
 * with independent resources after one fails (seed 8112 life 21). Unknown failing resources count as related.
 */
function failedElsewhere(record: CommandRecord, purged: Write[]): boolean {
  const failed = record.result.output
    .split("\n")
    .map((line) => /^\s*[-+~]+\s+\S+\s+(\S+)\s+\*\*[a-z ]*failed\*\*/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  if (!failed.length) return false;
  return failed.every((name) => {
    const decl = record.program.accounts.find((a) => name === a.resourceName || name.startsWith(`${a.resourceName}-`));
    return decl !== undefined && purged.every((w) => !(same(decl.accountName, w.name) && same(decl.resourceGroupName, w.group)));
  });
}

/** Whether two account resources of the program create one account (a guard's hooked account, a ReclaimableAccount's, a transformed one). */
function twoCreators(program: ProgramDecl): boolean {
  const creators = program.accounts.filter((a) => a.form !== "recovered");
  return creators.some((a, i) => creators.slice(i + 1).some((b) => same(a.accountName, b.accountName) && same(a.resourceGroupName, b.resourceGroupName)));
}

/** Whether a declaration lets the stack purge a soft-deleted account of its name (purge-before-recreate). */
function permitsPurge(a: AccountDecl): boolean {
  return a.form === "guard" || ((a.form === "reclaimable" || a.form === "transform") && a.ifSoftDeleted === "purge");
}

/** Whether the update replaced an azure-native account (a replacement deletes the old one first when the name is fixed). */
function replacedAccount(record: CommandRecord): boolean {
  return record.result.steps.some((s) => REPLACEMENT_OPS.has(s.op) && s.type === ACCOUNT_TYPE);
}

function retainedInState(record: CommandRecord, name: string, group: string): boolean {
  return record.stateBefore.some((r) => r.retainOnDelete && typeof r.inputs.accountName === "string" && same(r.inputs.accountName, name) && same(String(r.inputs.resourceGroupName ?? ""), group));
}

/** (a) and (b) for each account delete; returns the identities whose delete was not allowed. */
function checkDeletes(record: CommandRecord, ownership: Ownership, out: Violation[]): Set<string> {
  const bad = new Set<string>();
  const { command } = record;
  for (const w of record.writes.filter((x) => x.action === "delete" && ok(x))) {
    const what = `account '${w.name}' in '${w.group}'${w.id ? ` (internalId ${w.id.slice(0, 8)})` : ""}`;
    if (w.id && ownership.owned.get(w.id) === "adopted") {
      out.push({ invariant: "b", step: record.step, message: `${command.command} deleted ${what}, which the stack adopted (found live)` });
      bad.add(w.id);
      continue;
    }
    let allowed: boolean;
    let why = "";
    if (command.command === "destroy") {
      allowed = !retainedInState(record, w.name, w.group);
      why = "destroy deleted an account whose resource has retainOnDelete";
    } else if (command.command === "up") {
      const declared = declaring(record.program, w.name, w.group);
      const replaceable = declared.filter((a) => a.form !== "recovered");
      const stillRecovered = declared.some((a) => a.form === "recovered");
      allowed = declared.length === 0 || (!stillRecovered && replaceable.length > 0 && (replacedAccount(record) || command.replace !== undefined)) || deleteOfRemovedAccount(record, w);
      why = stillRecovered
        ? "up deleted an account a RecoveredAccount of the program still declares live"
        : "up deleted an account the program still declares, with no replacement of it";
    } else {
      allowed = false;
      why = `${command.command} deleted a live account`;
    }
    if (!allowed) {
      out.push({ invariant: "a", step: record.step, message: `${why}: ${what}` });
      if (w.id) bad.add(w.id);
    }
  }
  return bad;
}

/**
 * Whether an azure-native account resource the program stopped declaring deleted the account: Pulumi deletes a
 * removed resource, whatever else of the program declares the account since (a `RecoveredAccount` adopting it, or a
 * new account resource without an alias), and calls no provider at preview for it (README, Limits; seed 8109 life 18).
 */
function deleteOfRemovedAccount(record: CommandRecord, w: Write): boolean {
  const removed = new Set((record.preview?.steps ?? []).filter((s) => s.op === "delete").map((s) => s.urn));
  return record.stateBefore.some((r) => removed.has(r.urn) && r.type === "azure-native:cognitiveservices:Account" && same(String(r.inputs.accountName ?? ""), w.name) && same(String(r.inputs.resourceGroupName ?? ""), w.group));
}

/**
 * Whether a purge is `purgeOnDestroy` doing what it says: destroy, or an up that stopped declaring the account, purging
 * an account of a resource that declared it (`ReclaimableAccount`, the transform, or a `RecoveredAccount`; the caller
 * checks that the stack created or restored it). Who soft-deleted it does not matter: its identity is the stack's
 * record (accountRecord.ts; a RecoveredAccount's `internalId`), so another account soft-deleted at the name since is
 * never this one.
 */
function purgedOnDestroy(record: CommandRecord, w: Write): boolean {
  const policies = (p: ProgramDecl) => declaring(p, w.name, w.group).filter((a) => a.form === "reclaimable" || a.form === "transform" || a.form === "recovered");
  const asked = (p: ProgramDecl) => policies(p).some((a) => a.purgeOnDestroy && !a.retainOnDelete);
  // `pulumi destroy` runs no program: it deletes what the state holds, with the options the state holds. An option that
  // an up changed but whose resource never stepped (its check failed, a missing group) is not there (seed 8115 life 28).
  const askedInState = record.stateBefore.some((r) => r.inputs.purgeOnDestroy === true && !r.retainOnDelete && same(String(r.inputs.accountName ?? ""), w.name) && same(String(r.inputs.resourceGroupName ?? ""), w.group));
  if (record.command.command === "destroy") return asked(record.program) || asked(record.applied) || askedInState;
  return record.command.command === "up" && asked(record.applied) && policies(record.program).length === 0;
}

/** (a), (b) and (f) for each purge. */
function checkPurges(record: CommandRecord, ownership: Ownership, badDeletes: Set<string>, out: Violation[]): void {
  const { command } = record;
  const deletedHere = new Set(record.writes.filter((w) => w.action === "delete" && ok(w) && w.id).map((w) => w.id as string));
  for (const w of record.writes.filter((x) => x.action === "purge" && ok(x))) {
    const what = `soft-deleted account '${w.name}' in '${w.group}' (${w.location})${w.id ? ` internalId ${w.id.slice(0, 8)}` : ""}`;
    if (!w.id) continue; // nothing was there to purge
    const wasLive = record.before.live.some((a) => a.id === w.id);
    if (command.command === "preview" || command.command === "refresh") {
      out.push({ invariant: wasLive ? "a" : "f", step: record.step, message: `${command.command} purged ${what}` });
      continue;
    }
    if (ownership.owned.get(w.id) === "adopted") {
      out.push({ invariant: "b", step: record.step, message: `${command.command} purged ${what}, which the stack adopted (found live)` });
      continue;
    }
    if (wasLive && badDeletes.has(w.id)) {
      out.push({ invariant: "a", step: record.step, message: `${command.command} deleted and purged live ${what}` });
      continue;
    }
    const programs = command.command === "destroy" ? [record.program, record.applied] : [record.program];
    const governing = programs.flatMap((p) => declaring(p, w.name, w.group));
    const own = ownership.owned.has(w.id) && (deletedHere.has(w.id) || ownership.deletedByStack.has(w.id) || purgedOnDestroy(record, w));
    if (own) continue; // the stack's own predecessor, or its own account on destroy / removal
    if (governing.some(permitsPurge)) continue; // purge-before-recreate the program declares
    const policy = governing.length ? governing.map((a) => `${a.form}${a.form === "guard" ? "" : ` ifSoftDeleted=${a.ifSoftDeleted}`}`).join(", ") : "no resource of the program declares the name";
    out.push({ invariant: "f", step: record.step, message: `${command.command} purged ${what} that the stack did not record (${policy})` });
  }
}

/**
 * The README's Limits: Pulumi calls no provider at preview for a resource the program stops declaring
 * (pulumi/pulumi step.go, DeleteStep.Apply runs the provider only outside preview), so the purge its delete makes
 * with `purgeOnDestroy` cannot be named there; preview shows the resource's `- delete`.
 */
function purgeOfRemovedResource(record: CommandRecord, w: Write): boolean {
  const removed = new Set((record.preview?.steps ?? []).filter((s) => s.op === "delete").map((s) => s.urn));
  return record.stateBefore.some((r) => removed.has(r.urn) && r.inputs.purgeOnDestroy === true && same(String(r.inputs.accountName ?? ""), w.name) && same(String(r.inputs.resourceGroupName ?? ""), w.group));
}

/** (c), (d) and (g): what an up met and did, against the preview of the same world right before it. */
function checkAgainstPreview(record: CommandRecord, out: Violation[]): void {
  const { preview, result } = record;
  if (!preview) return;
  const conflict = SOFT_DELETE_CONFLICTS.find((code) => result.output.includes(code));
  if (conflict && preview.ok) {
    out.push({ invariant: "c", step: record.step, message: `up failed with ${conflict} after a preview that succeeded (preview must fail first, naming the holder)` });
  }
  for (const w of record.writes.filter(ok)) {
    if (w.action === "purge" && w.id && !purgeOfRemovedResource(record, w) && !new RegExp(`purge[^\\n]*'${escape(w.name)}'[^\\n]*permanent|'${escape(w.name)}'[^\\n]*purge[^\\n]*permanent`, "i").test(preview.output)) {
      out.push({ invariant: "d", step: record.step, message: `up purged '${w.name}' in '${w.group}'; its preview did not name that purge as permanent` });
    }
    if (w.action === "restore" && !new RegExp(`restore[^\\n]*'${escape(w.name)}'`, "i").test(preview.output)) {
      out.push({ invariant: "d", step: record.step, message: `up restored '${w.name}' in '${w.group}'; its preview did not name that restore` });
    }
  }
  if (record.writes.some((w) => w.action === "delete" && ok(w)) && !preview.steps.some((s) => ["delete", "replace", "delete-replaced"].includes(s.op))) {
    out.push({ invariant: "d", step: record.step, message: "up deleted an account; its preview showed no delete or replacement" });
  }
  const purged = record.writes.filter((w) => w.action === "purge" && ok(w) && w.id);
  if (!result.ok && purged.length) {
    const injected = record.injectedFaults.some((f) => result.output.includes(f));
    // Foreseeable: what preview reported, a missing group or a held subdomain, two account resources of the program
    // creating one account (the second create fails "already existing" after the first one's purges), and a refusal of
    // the package's own ("… Fix: …") after a purge of its own: two of its decisions on one world disagreed.
    const foreseeable = !preview.ok || /ResourceGroupNotFound|CustomDomainInUse/.test(result.output) || twoCreators(record.program) || /\. Fix: /.test(errorLineOf(result));
    if (foreseeable && !injected && !failedElsewhere(record, purged)) {
      out.push({ invariant: "g", step: record.step, message: `up purged ${purged.map((w) => `'${w.name}'`).join(", ")} then failed for a reason ${preview.ok ? "preview could foresee" : "its preview had already reported"}: ${firstError(result)}` });
    }
  }
}

/**
 * Whether this up purged an account a create of `a` may have purged: one of its name in any group (its own
 * predecessor in the group it moved from: seed 7003 life 2) or the soft-deleted holder of its subdomain, whatever
 * its name (the planner frees both names before a create).
 */
function purgedFor(record: CommandRecord, a: AccountDecl): boolean {
  const subdomain = a.customSubDomainName.toLowerCase();
  return record.writes.some((w) => w.action === "purge" && ok(w) && w.id !== undefined && (same(w.name, a.accountName) || [...record.before.deleted, ...record.before.live].some((d) => d.id === w.id && d.subdomain === subdomain)));
}

/** (h): after a successful up, the `restored` / `purged` outputs of each slot match what this up did to its account. */
function checkOutputs(record: CommandRecord, out: Violation[]): void {
  const { result } = record;
  if (!result.ok || record.command.command !== "up") return;
  const createdBy = (a: AccountDecl) => result.steps.some((s) => s.name === a.resourceName && (s.op === "create" || s.op === "replace" || s.op === "create-replacement"));
  const shared = new Set<AccountDecl>();
  for (const a of record.program.accounts) {
    // Several resources of the program created for one account: one restore is done by one of them, the others
    // adopt what it restored. Held per account: as many say `restored: true` as restores were sent.
    const others = declaring(record.program, a.accountName, a.resourceGroupName).filter((b) => (b.form === "recovered" || b.form === "reclaimable") && createdBy(b));
    if (others.length < 2 || shared.has(a)) continue;
    for (const b of others) shared.add(b);
    const restores = record.writes.filter((w) => w.action === "restore" && ok(w) && w.id && same(w.name, a.accountName) && same(w.group, a.resourceGroupName)).length;
    const claims = others.filter((b) => result.outputs[`${b.slot}_restored`] === true).length;
    const purges = record.writes.filter((w) => w.action === "purge" && ok(w) && w.id && same(w.name, a.accountName) && same(w.group, a.resourceGroupName)).length;
    const purgeClaims = others.filter((b) => b.form === "reclaimable" && result.outputs[`${b.slot}_purged`] === true).length;
    if (purgeClaims > purges) out.push({ invariant: "h", step: record.step, message: `${others.map((b) => b.resourceName).join(" and ")} (one account '${a.accountName}') say purged ${purgeClaims} time(s); this up purged it ${purges} time(s)` });
    if (claims !== restores) out.push({ invariant: "h", step: record.step, message: `${others.map((b) => b.resourceName).join(" and ")} (one account '${a.accountName}') say restored ${claims} time(s); this up restored it ${restores} time(s)` });
  }
  for (const a of record.program.accounts) {
    const mine = (action: Write["action"]) => record.writes.some((w) => w.action === action && ok(w) && w.id && same(w.name, a.accountName) && same(w.group, a.resourceGroupName));
    const created = createdBy(a);
    const restored = result.outputs[`${a.slot}_restored`];
    const purged = result.outputs[`${a.slot}_purged`];
    if ((a.form === "recovered" || a.form === "reclaimable") && !shared.has(a)) {
      if (mine("restore") && created && restored !== true) out.push({ invariant: "h", step: record.step, message: `${a.resourceName} restored '${a.accountName}' but its output restored is ${JSON.stringify(restored)}` });
      if (!mine("restore") && created && restored === true) out.push({ invariant: "h", step: record.step, message: `${a.resourceName} was created without a restore of '${a.accountName}' but its output restored is true` });
    }
    if (a.form === "reclaimable" && !shared.has(a)) {
      if (mine("purge") && created && purged !== true) out.push({ invariant: "h", step: record.step, message: `${a.resourceName}'s create purged '${a.accountName}' but its output purged is ${JSON.stringify(purged)}` });
      if (!purgedFor(record, a) && created && purged === true) out.push({ invariant: "h", step: record.step, message: `${a.resourceName} was created without a purge of '${a.accountName}' but its output purged is true` });
    }
    if (a.form === "guard") {
      const guardRan = result.steps.some((s) => s.name === `${a.resourceName}-guard` && (s.op === "create" || s.op === "update" || s.op === "replace"));
      if (guardRan && purged === true && !mine("purge")) out.push({ invariant: "h", step: record.step, message: `guard ${a.resourceName}-guard says purged but this up purged no '${a.accountName}'` });
    }
  }
}

function firstError(result: RunResult): string {
  return errorLineOf(result).slice(0, 300);
}

function errorLineOf(result: RunResult): string {
  const line = result.output.split("\n").find((l) => l.includes("error:") && !/error: (update|preview|destroy|refresh) failed/.test(l));
  return (line ?? result.error ?? "").trim();
}

/** Every invariant one command can be held to from outside. */
export function checkCommand(record: CommandRecord, ownership: Ownership): Violation[] {
  const out: Violation[] = [];
  if (record.command.command === "preview" && record.writes.length) {
    out.push({ invariant: "preview-writes", step: record.step, message: `preview sent ${record.writes.map((w) => `${w.action} '${w.name}'`).join(", ")} (check never writes)` });
  }
  const badDeletes = checkDeletes(record, ownership, out);
  checkPurges(record, ownership, badDeletes, out);
  if (record.command.command === "up") {
    checkAgainstPreview(record, out);
    checkOutputs(record, out);
  }
  return out;
}

/** (e): the up right after a successful one changes nothing. */
export function checkConverged(step: number, result: RunResult, writes: Write[]): Violation[] {
  const changed = result.steps.filter((s) => s.op !== "same" && !s.urn.includes("::pulumi:providers:")).map((s) => `${s.op} ${s.name}`);
  const wrote = writes.filter((w) => ok(w) && (w.action !== "purge" || w.id)).map((w) => `${w.action} '${w.name}'`);
  if (!result.ok || changed.length || wrote.length) {
    return [{ invariant: "e", step, message: `the up after a successful up was not a no-op: ${[...changed, ...wrote].join(", ") || firstError(result)}` }];
  }
  return [];
}

/** Records identities after a command: created, restored, deleted by the stack, and adopted (a RecoveredAccount that restored nothing). */
export function recordOwnership(record: CommandRecord, ownership: Ownership): void {
  for (const w of record.writes.filter(ok)) {
    if (!w.id) continue;
    if (w.action === "create") ownership.owned.set(w.id, "created");
    if (w.action === "restore") ownership.owned.set(w.id, "restored");
    if (w.action === "delete") ownership.deletedByStack.add(w.id);
  }
  if (record.command.command !== "up" || !record.result.ok) return;
  for (const a of record.program.accounts.filter((x) => x.form === "recovered")) {
    if (record.result.outputs[`${a.slot}_restored`] !== false) continue;
    const live = record.after.live.find((x) => same(x.name, a.accountName) && same(x.group, a.resourceGroupName));
    if (live && !ownership.owned.has(live.id)) ownership.owned.set(live.id, "adopted");
  }
}
