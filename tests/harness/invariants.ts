import type { RunningEmulator } from "../../emulator/server";
import type { LoggedRequest } from "../../emulator/server";
import type { RunOptions, RunResult } from "../../harness/engine/flowStack";
import { type ArmEvents, FlowWorld } from "./flows";
import { GROUP, LOCATION } from "./emulator";

/**
 * The contract's invariants ((a)-(h), /work/shared/api-contract.md) as
 * reusable assertions over one run of a flow world. FlowWorld.up already
 * holds every run to (c) (no create meets a soft-deleted account) and (d)
 * (preview named each purge as permanent and each restore); `upHeld` adds:
 *
 * - (a) an account is deleted only by the stack that recorded it, and a purge
 *   of an account that was live before the run follows that stack's own delete;
 * - (b) an account a RecoveredAccount adopted is never deleted or purged;
 * - (d) each account delete is named in preview, by account (a line naming it,
 *   or a delete or replace step of the resource that declared it);
 * - (f) under "recover" and "fail", only identities the stack recorded are purged;
 * - (g) an up that fails for a reason preview could foresee purged nothing.
 *
 * (e) is FlowWorld.converges; (h) is `outputsTell`.
 */

export type Policy = "recover" | "purge" | "fail";
export const HOURS = 3600_000;

/** An account as Azure holds it: where it lives and which account it is (its internalId). */
export interface HeldAccount {
  name: string;
  group: string;
  location: string;
  internalId: string;
  subdomain?: string;
  deleted: boolean;
}

/** Every account Azure holds now, live and soft-deleted (names and groups lower-cased, locations normalized). */
export async function heldAccounts(emulator: RunningEmulator): Promise<HeldAccount[]> {
  const { state } = await emulator.control.state();
  const view = (a: { name: string; resourceGroupName: string; location: string; properties: Record<string, unknown> }, deleted: boolean): HeldAccount => ({
    name: a.name.toLowerCase(),
    group: a.resourceGroupName.toLowerCase(),
    location: a.location.toLowerCase().replace(/\s+/g, ""),
    internalId: String(a.properties.internalId),
    subdomain: typeof a.properties.customSubDomainName === "string" ? a.properties.customSubDomainName.toLowerCase() : undefined,
    deleted,
  });
  return [...Object.values(state.accounts).map((a) => view(a, false)), ...Object.values(state.deletedAccounts).map((d) => view(d.account, true))];
}

/**
 * Every string a stack's state records in its resources' outputs: an
 * account's identity (`internalId`) counts as recorded wherever the package
 * keeps it (azure-native's `properties.internalId`, or a field of the package's own).
 */
export function recordedIdentities(world: FlowWorld): Set<string> {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === "string") found.add(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  for (const r of world.stack.resources()) walk(r.outputs);
  return found;
}

/** Accounts a RecoveredAccount of this stack adopted (found live, `restored: false`): never to be deleted or purged by it. */
export function adoptedAccounts(world: FlowWorld): { name: string; group: string }[] {
  return world.stack
    .resources()
    .filter((r) => r.type.endsWith(":RecoveredAccount") && r.outputs.restored === false && typeof r.outputs.accountName === "string")
    .map((r) => ({ name: String(r.outputs.accountName).toLowerCase(), group: String(r.outputs.resourceGroupName).toLowerCase() }));
}

/** An account delete or purge ARM carried out, with where it happened (read from the request path). */
export interface AccountTouch {
  action: "delete" | "purge";
  name: string;
  group: string;
  /** The purge path's location segment, normalized. */
  location?: string;
}

const ACCOUNT_PATH = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.CognitiveServices\/accounts\/([^/?]+)$/i;
const DELETED_PATH = /^\/subscriptions\/[^/]+\/providers\/Microsoft\.CognitiveServices\/locations\/([^/]+)\/resourceGroups\/([^/]+)\/deletedAccounts\/([^/?]+)$/i;

/** The deletes and purges ARM answered with success in a slice of its request log (a purge of nothing, 204, is no purge). */
export function touchesOf(log: LoggedRequest[]): AccountTouch[] {
  const touched: AccountTouch[] = [];
  for (const q of log) {
    if (q.kind !== "arm" || q.method !== "DELETE" || q.status >= 300 || q.status === 204) continue;
    const path = decodeURIComponent(q.path);
    const account = ACCOUNT_PATH.exec(path);
    const deleted = DELETED_PATH.exec(path);
    if (account) touched.push({ action: "delete", group: account[1].toLowerCase(), name: account[2].toLowerCase() });
    else if (deleted) touched.push({ action: "purge", location: deleted[1].toLowerCase().replace(/\s+/g, ""), group: deleted[2].toLowerCase(), name: deleted[3].toLowerCase() });
  }
  return touched;
}

/** Which account (as held before the run) a touch acted on: a purge finds the soft-deleted one at its path, or the live one its run deleted. */
function accountTouched(t: AccountTouch, before: HeldAccount[]): HeldAccount | undefined {
  const here = (a: HeldAccount) => a.name === t.name && a.group === t.group;
  if (t.action === "delete") return before.find((a) => here(a) && !a.deleted);
  return before.find((a) => here(a) && a.deleted && a.location === t.location) ?? before.find((a) => here(a) && !a.deleted);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The account name each resource of the state declares, by URN (what a delete or replace step of it acts on). */
function declaredNames(world: FlowWorld): Map<string, string> {
  const names = new Map<string, string>();
  for (const r of world.stack.resources()) {
    const name = r.inputs?.accountName ?? r.outputs?.accountName;
    if (typeof name === "string") names.set(r.urn, name.toLowerCase());
  }
  return names;
}

/** (d) for deletes, by account: a preview line names the account's delete, or preview shows a delete/replace step of the resource that declared it. */
export function previewNamesDeletes(preview: RunResult, deletes: string[], declared: Map<string, string>): void {
  for (const name of deletes) {
    const byLine = new RegExp(`delet[^\\n]*'${escape(name)}'|'${escape(name)}'[^\\n]*delet`, "i").test(preview.output);
    const byStep = preview.steps.some((s) => ["delete", "replace", "delete-replaced"].includes(s.op) && declared.get(s.urn) === name);
    expect({ invariant: "(d) preview names the delete of account", account: name, named: byLine || byStep }).toEqual({ invariant: "(d) preview names the delete of account", account: name, named: true });
  }
}

/** What one run did and what was true before it: the facts invariants (a), (b), (f) and (g) are judged on. */
export interface RunFacts {
  before: HeldAccount[];
  recorded: Set<string>;
  adopted: { name: string; group: string }[];
  touched: AccountTouch[];
  /** The run's error, when it failed. */
  failed?: string;
  /** Names of the accounts purged (the events' view, for (g)). */
  purges: string[];
}

/** The invariants (a), (b), (f), (g) a run broke, one sentence each (empty when it kept them). */
export function brokenInvariants(facts: RunFacts, rules: { policy?: Policy; unforeseeableFailure?: boolean } = {}): string[] {
  const { before, recorded, adopted, touched } = facts;
  const broken: string[] = [];
  for (const t of touched) {
    const account = accountTouched(t, before);
    const what = `${t.action} of '${t.name}' in '${t.group}'${t.location ? ` (${t.location})` : ""}`;
    // (a) A stack deletes only an account it recorded; a purge of an account live before the run follows this stack's own delete of it.
    if (account && !account.deleted && !recorded.has(account.internalId)) broken.push(`(a) ${what}: a live account this stack did not record`);
    if (t.action === "purge" && account && !account.deleted && !touched.some((d) => d.action === "delete" && d.name === t.name && d.group === t.group)) broken.push(`(a) ${what}: purged while live before the run, not deleted by it`);
    // (b) An adopted account is never deleted or purged.
    if (adopted.some((a) => a.name === t.name && a.group === t.group)) broken.push(`(b) ${what}: an account this stack adopted`);
    // (f) Under "recover" and "fail", only the stack's own recorded predecessor is purged.
    if (t.action === "purge" && (rules.policy === "recover" || rules.policy === "fail") && !(account && recorded.has(account.internalId))) broken.push(`(f) ${what} under "${rules.policy}": not an identity this stack recorded`);
  }
  // (g) Nothing is purged by an up that then fails for a reason preview could foresee.
  if (facts.failed && !rules.unforeseeableFailure && facts.purges.length) broken.push(`(g) up failed (${facts.failed}) after purging ${facts.purges.join(", ")}`);
  return broken;
}

export interface HeldRun {
  result: RunResult;
  events: ArmEvents;
  preview: RunResult;
  touched: AccountTouch[];
}

/**
 * `pulumi preview` then `pulumi up` (FlowWorld.up: invariants (c), (d)), held
 * besides to (a), (b), (d) for deletes, (f) (when `policy` is "recover" or
 * "fail") and (g) (unless the row made the failure unforeseeable, with an
 * injected fault).
 */
export async function upHeld(world: FlowWorld, options: RunOptions & { preview?: boolean } = {}, rules: { policy?: Policy; unforeseeableFailure?: boolean } = {}): Promise<HeldRun> {
  const before = await heldAccounts(world.emulator);
  const recorded = recordedIdentities(world);
  const adopted = adoptedAccounts(world);
  const declared = declaredNames(world);
  const start = (await world.emulator.control.requests()).length;
  const ran = await world.up(options);
  const touched = touchesOf((await world.emulator.control.requests()).slice(start));
  const broken = brokenInvariants({ before, recorded, adopted, touched, failed: ran.result.ok ? undefined : (ran.result.error ?? "failed"), purges: ran.events.purges }, rules);
  expect(broken).toEqual([]);
  if (options.preview !== false) previewNamesDeletes(ran.preview, ran.events.accountDeletes, declared);
  return { ...ran, touched };
}

/** (h) The stack outputs say what was done (`purged`, `restored`, the guard's `guardPurged`). */
export function outputsTell(result: RunResult, expected: Record<string, boolean>): void {
  const got = Object.fromEntries(Object.keys(expected).map((k) => [k, result.outputs[k]]));
  expect({ invariant: "(h) outputs say what was done", outputs: got }).toEqual({ invariant: "(h) outputs say what was done", outputs: expected });
}

/** The error text of a run: its error and every `error:` line under a resource. */
export function errorsOf(result: RunResult): string {
  return [result.error ?? "", ...result.output.split("\n").filter((l) => /^\s+error: /.test(l))].join("\n");
}

/**
 * Azure's own refusal of a write, as it reaches a user: azure-native's `Code="…"`, the package's
 * wrapping of it (`(409 FlagMustBeSetForRestore)`), or ARM's messages (/work/shared/arm-behavior.md).
 */
export const RAW_AZURE_REFUSAL =
  /Code="(FlagMustBeSetForRestore|CustomDomainInUse|ResourceGroupNotFound)"|\((409|404) (FlagMustBeSetForRestore|CustomDomainInUse|ResourceGroupNotFound)\)|has been soft-deleted\. To restore the resource|already used by a resource|Resource group '[^']*' could not be found/;

/**
 * A refusal preview could foresee: preview fails naming what `mustName`
 * matches, then up fails the same way before any write (nothing created,
 * deleted, purged or restored; no raw Azure refusal).
 */
export async function refusedAtPreview(world: FlowWorld, mustName: RegExp[], options: RunOptions = {}): Promise<{ preview: RunResult; up: RunResult }> {
  const run = { ...options, config: FlowWorld.configOf(options.config as Record<string, string> | undefined) };
  const preview = await world.stack.preview(run);
  const previewEvents = await world.events();
  expect(previewEvents.accountDeletes.concat(previewEvents.purges, previewEvents.restores, previewEvents.puts)).toEqual([]);
  expect({ previewFailed: !preview.ok, output: preview.ok ? preview.output : "" }).toEqual({ previewFailed: true, output: "" });
  for (const pattern of mustName) expect(errorsOf(preview)).toMatch(pattern);
  const up = await world.stack.up(run);
  const events = await world.events();
  expect(up.ok).toBe(false);
  for (const pattern of mustName) expect(errorsOf(up)).toMatch(pattern);
  expect({ deletes: events.accountDeletes, purges: events.purges, restores: events.restores, puts: events.puts }).toEqual({ deletes: [], purges: [], restores: [], puts: [] });
  // The refusal is the package's, foreseen; not Azure's own answer reaching the user (a refusal may name the code it spares them).
  expect(errorsOf(up)).not.toMatch(RAW_AZURE_REFUSAL);
  return { preview, up };
}

/** Seeds soft-deleted accounts as a real world holds them: deleted hours ago unless the row is about a recent delete. */
export async function seedDeleted(
  emulator: RunningEmulator,
  accounts: { name: string; group?: string; location?: string; subdomain?: string; deletedMsAgo?: number }[],
): Promise<void> {
  await emulator.control.seed({
    deletedAccounts: accounts.map((a) => ({
      subscriptionId: emulator.subscriptionId,
      resourceGroupName: a.group ?? GROUP,
      name: a.name,
      location: a.location ?? LOCATION,
      kind: "OpenAI",
      properties: { customSubDomainName: a.subdomain ?? a.name },
      deletedMsAgo: a.deletedMsAgo ?? 3 * HOURS,
    })),
  });
}

/** Seeds resource groups (the usual one is seedWorld's). */
export async function seedGroups(emulator: RunningEmulator, names: string[]): Promise<void> {
  await emulator.control.seed({ resourceGroups: names.map((name) => ({ subscriptionId: emulator.subscriptionId, name, location: LOCATION })) });
}

/**
 * Someone deleted the account outside Pulumi `agoMs` ago: the emulator's clock
 * is set back for the delete and forward again, so the soft-deleted account
 * keeps its identity (internalId) and carries a realistic deletion date.
 */
export async function deleteOutOfBandAgo(world: FlowWorld, name: string, agoMs: number): Promise<void> {
  await world.emulator.control.advanceClock(-agoMs);
  try {
    await world.deleteAccountOutOfBand(name);
  } finally {
    await world.emulator.control.advanceClock(agoMs);
  }
}

/** The next PUT of the account is refused as Azure refuses one over quota (a first up that fails after its policy decided). */
export async function refuseNextAccountPut(emulator: RunningEmulator, name: string): Promise<void> {
  await emulator.control.addFault({
    method: "PUT",
    path: `/accounts/${escape(name)}$`,
    times: 1,
    response: {
      status: 400,
      body: { error: { code: "InsufficientQuota", message: "This operation require 120 new capacity in quota Tokens Per Minute (thousands), which is bigger than the current available capacity 0." } },
    },
  });
}

/** Preview (or up) has one line that says all of `parts`, in any order: how a user reads "it names the purge of X in G, as permanent". */
export function expectLine(run: RunResult, parts: (string | RegExp)[]): void {
  const has = (line: string) => parts.every((p) => (typeof p === "string" ? line.includes(p) : p.test(line)));
  const found = run.output.split("\n").some(has);
  expect({ line: parts.map(String), found, output: found ? "" : run.output }).toEqual({ line: parts.map(String), found: true, output: "" });
}
