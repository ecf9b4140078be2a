import * as pulumi from "@pulumi/pulumi";
import { armSession } from "./azureSession";
import { describeAccount, type InputName, normalizeLocation, type ResolvedInputs, RULES, UNKNOWN } from "./inputs";
import { accountHookOptions, previewLookup, runHook } from "./lifecycle";
import { type Asker, decide, type Decision, type Declared, type Identity, isOwned, isSameName, type Owned, PERMANENT, type Policy, purgesOf, sentenceOf, subdomainRefusal, unseenSentence } from "./planner";
import { isKnownNow, knownValue, rememberProgramConfig, tell, uniqueHookName } from "./programRuntime";
import { purgeDecided } from "./purge";
import { revealHookInputs } from "./secrets";
import { defaultSubscriptionId } from "./settings";
import { lookUpWorld } from "./world";

/**
 * Resource hooks for an azure-native `cognitiveservices.Account` that keep
 * purge-before-recreate true for every create of the account, not only for
 * the guard's first one: azure-native replaces a named account delete-first
 * (the old one is then soft-deleted and holds the name, and its subdomain),
 * and an account deleted out of band is created again after a refresh. The
 * engine calls `beforeCreate` right before each create of the account, after
 * a delete-before-replace's delete (pulumi/pulumi pkg/resource/deploy/step.go,
 * CreateStep.Apply), and `onError` when a create fails. Neither is given the
 * old state (CreateStep.Apply passes nil old inputs and outputs), and delete
 * hooks are not bound because they make `pulumi destroy` demand
 * `--run-program` (pkg/engine/destroy.go, newDestroySource).
 *
 * They decide nothing themselves: they gather what Azure holds and ask the
 * planner (planner.ts), print its sentence, and act on its decision.
 *
 * Identity, not time. "This stack's own predecessor" is a soft-deleted
 * account whose `internalId` the stack recorded:
 * - in the state of the policy or guard the account depends on (`owned`): the
 *   account it restored or kept, and, when the policy or guard is replaced
 *   along with the account (a change of location, group or name), the account
 *   that was live at the old coordinates, read at its check before any delete;
 * - in this update, the account live at the declared name when the program
 *   ran (`observeOwnAccount`): the component's and the transform's account
 *   waits for that read before it registers (its restore flag depends on it),
 *   so the read precedes the delete of a delete-first replacement and
 *   `up --replace`. Whatever is live at the account's ARM id then is what the
 *   engine's delete deletes, so a soft-deleted account with that internalId is
 *   the one this update deleted. An account deleted out of band before the up
 *   is never seen live, so it is never "own": under "recover" it is restored
 *   (after a refresh) and never purged.
 * The hooks run in the program's process; the account depends on its policy
 * (or guard), whose step completes before the account's, so its outputs are
 * known when the hooks run.
 */

/** Where the guarded account lives, as the hooks resolve it when they run. */
export interface GuardedAccount {
  /** Name used for the hooks (unique in the program). */
  name: string;
  accountName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  subscriptionId?: pulumi.Input<string>;
  timeoutMinutes?: pulumi.Input<number>;
  /** Ignored (kept for programs written against 0.2.0): the hooks' preview lines are never suppressed. */
  previewReplacementsOnly?: boolean;
  /**
   * The account's soft-delete policy, when a policy resource decides the first
   * create (`ReclaimableAccount`, `reclaimSoftDeletedAccounts`). Unset for a
   * guard, which purges every soft-deleted account of the name. With
   * "recover" or "fail" the hooks purge only the account's own predecessor.
   */
  ifSoftDeleted?: pulumi.Input<string>;
  /** Identities the stack recorded (the policy's or guard's `owned` output). */
  owned?: pulumi.Input<Identity[] | undefined>;
  /** Whether the policy set the restore flag for this update (the policy's `restore` output). */
  restore?: pulumi.Input<boolean | undefined>;
  /**
   * The policy's `lineage` output: under `foreign` (a live account this stack
   * never recorded held the name when the policy decided) the account seen
   * live when the program ran is not this stack's, so it never counts as own.
   */
  lineage?: pulumi.Input<string | undefined>;
}

/** A create that carries azure-native's restore flag restores the soft-deleted account: never purge it. */
const restores = (inputs: Record<string, unknown> | undefined): boolean => (inputs?.properties as { restore?: unknown } | undefined)?.restore === true;

const subdomainOf = (inputs: Record<string, unknown> | undefined): string | undefined => {
  const value = (inputs?.properties as { customSubDomainName?: unknown } | undefined)?.customSubDomainName;
  return typeof value === "string" ? value : undefined;
};

/** Azure's answers to a create over a name that a soft-deleted account holds (azure-native reports them as text). */
const HELD_BY_SOFT_DELETED = ["FlagMustBeSetForRestore", "CustomDomainInUse"];

/** Retries of one create after a purge; the engine stops asking after its own bound too. */
const MAX_RETRIES_AFTER_PURGE = 2;

/** The same rules as `check` (inputs.ts), applied before any request: a bad value names the property and the rule. */
function validate(hooksName: string, values: Partial<Record<InputName, unknown>>): void {
  for (const [name, value] of Object.entries(values) as [InputName, unknown][]) {
    if (value === undefined) continue;
    const broken = RULES[name](value);
    if (broken) throw new Error(`purgeBeforeCreateHooks(${JSON.stringify(hooksName)}): ${name} ${broken}; nothing was looked up or purged`);
  }
}

/** Values given as plain values are checked when the hooks are made, so a program with a bad one fails before it deploys anything. */
function validateGiven(guarded: GuardedAccount): void {
  const plain = (v: unknown) => (pulumi.Output.isInstance(v) || (v && typeof (v as PromiseLike<unknown>).then === "function") ? undefined : v);
  validate(guarded.name, {
    accountName: plain(guarded.accountName),
    location: plain(guarded.location),
    resourceGroupName: plain(guarded.resourceGroupName),
    subscriptionId: plain(guarded.subscriptionId),
    timeoutMinutes: plain(guarded.timeoutMinutes),
  });
  const policy = plain(guarded.ifSoftDeleted);
  if (policy !== undefined && !["recover", "purge", "fail"].includes(policy as string)) {
    throw new Error(`purgeBeforeCreateHooks(${JSON.stringify(guarded.name)}): ifSoftDeleted must be one of "recover", "purge", "fail", got ${JSON.stringify(policy)}`);
  }
}

async function resolveGuarded(guarded: GuardedAccount): Promise<ResolvedInputs | undefined> {
  rememberProgramConfig();
  const [accountName, location, resourceGroupName, subscriptionId, timeoutMinutes] = await Promise.all([
    knownValue(guarded.accountName),
    knownValue(guarded.location),
    knownValue(guarded.resourceGroupName),
    knownValue(guarded.subscriptionId),
    knownValue(guarded.timeoutMinutes),
  ]);
  const subscription = subscriptionId ?? defaultSubscriptionId();
  validate(guarded.name, { accountName, location, resourceGroupName, subscriptionId: subscription, timeoutMinutes });
  if (!accountName || !location || !resourceGroupName || !subscription) return undefined;
  return { accountName, location: normalizeLocation(location), resourceGroupName, subscriptionId: subscription, purgeOnDestroy: false, timeoutMinutes: timeoutMinutes ?? 30 };
}

/** Whether the account being created is the one the hooks watch; values not known as strings (preview) are not held against it. */
function sameAccount(c: ResolvedInputs, inputs: Record<string, unknown> | undefined): boolean {
  if (!inputs) return true;
  const differs = (a: unknown, b: string) => typeof a === "string" && a.toLowerCase() !== b.toLowerCase();
  return !differs(inputs.accountName, c.accountName) && !differs(inputs.resourceGroupName, c.resourceGroupName) && !(typeof inputs.location === "string" && normalizeLocation(inputs.location) !== c.location);
}

async function policyOf(guarded: GuardedAccount): Promise<Policy | undefined> {
  if (guarded.ifSoftDeleted === undefined) return "guard";
  const policy = await knownValue(guarded.ifSoftDeleted);
  return policy === undefined ? undefined : (policy as Policy);
}

/**
 * The account live at the declared name when the program runs `up`: the
 * account this update's replacement (if any) deletes. Read once per program
 * run, through the lifecycle wrapper; a failed read is reported and counts as
 * "nothing seen", which only ever makes the hooks purge less.
 */
async function observeOwnAccount(guarded: GuardedAccount): Promise<Identity | undefined> {
  if (pulumi.runtime.isDryRun()) return undefined;
  const c = await resolveGuarded(guarded).catch(() => undefined);
  if (!c) return undefined;
  try {
    const live = await runHook(accountHookOptions("read of the live account before this update's steps, for its identity:", c), async (run) =>
      // Read before this update's steps, so a group the program creates is not there yet: not worth a line.
      (await armSession(c.subscriptionId)).getAccount(c, { abortSignal: run.signal, groupMayBeMissing: true }),
    );
    return live ? { id: live.id, internalId: live.internalId } : undefined;
  } catch (error) {
    tell(`${guarded.name}: could not read the live account before this update (${(error as Error).message}); only identities recorded in the state count as this stack's own`);
    return undefined;
  }
}

async function ownedBy(guarded: GuardedAccount, seen: Promise<Identity | undefined>): Promise<Owned> {
  const recorded = (await knownValue(guarded.owned)) ?? [];
  // Seen live is proof of ownership only for an account this stack created or restored at the name.
  const now = (await knownValue(guarded.lineage)) === "foreign" ? undefined : await seen;
  return { identities: now ? [...recorded, now] : [...recorded] };
}

/** What the hooks did in this program run, for the outputs `purged` and `restored` (invariant (h)). */
export interface HookOutcome {
  purged: boolean;
  restored: boolean;
}

async function actOn(guarded: GuardedAccount, c: ResolvedInputs, declared: Declared, decision: Decision, done?: HookOutcome): Promise<boolean> {
  if (decision.kind === "refuse") throw new Error(`${guarded.name}: ${sentenceOf(declared, decision, { actor: guarded.name })}`);
  const purges = purgesOf(decision);
  if (!purges.length) return false;
  tell(`${guarded.name}: ${sentenceOf(declared, decision, { actor: guarded.name })}`);
  let purged = false;
  for (const d of purges) {
    const outcome = await runHook(accountHookOptions(`purge before create of account`, { ...c, accountName: d.accountName, resourceGroupName: d.resourceGroupName, location: d.location }), async (run) =>
      purgeDecided(await armSession(c.subscriptionId), d, run),
    );
    purged ||= outcome.purged;
  }
  if (done) done.purged ||= purged;
  return purged;
}

/** What the hooks decide for this create: gathered through the lifecycle wrapper, decided by the planner. */
async function decideFor(guarded: GuardedAccount, c: ResolvedInputs, inputs: Record<string, unknown> | undefined, asker: Asker, seen: Promise<Identity | undefined>): Promise<{ declared: Declared; decision: Decision } | undefined> {
  const policy = await policyOf(guarded);
  const declared: Declared = { account: c, customSubDomainName: subdomainOf(inputs), policy: policy ?? "recover", asker, restoreFlag: restores(inputs), atCreate: true };
  if (policy === undefined) return { declared: { ...declared, account: undefined }, decision: { kind: "undecided", reason: "the policy is not known yet" } };
  const held = await runHook(accountHookOptions("look-up before create of account", c), async (run) =>
    lookUpWorld(await armSession(c.subscriptionId), c, declared.customSubDomainName, run.signal, { group: true }),
  );
  return { declared, decision: decide(declared, held, await ownedBy(guarded, seen)) };
}

/** At preview: what the create will meet, in the planner's words; a refusal fails the preview (nothing is purged by an up that then fails). */
async function previewCreate(guarded: GuardedAccount, c: ResolvedInputs | undefined, inputs: Record<string, unknown> | undefined): Promise<void> {
  const policy = await policyOf(guarded);
  if (!c || policy === undefined) {
    const accountName = await knownValue(guarded.accountName);
    tell(`${guarded.name}: ${sentenceOf({ policy: policy ?? "recover", asker: "create", accountName }, { kind: "undecided", reason: "" })}`);
    return;
  }
  // While the policy's outputs are not known (it decides in this update), the policy's own preview line says what happens; the hooks say what differs.
  const restoreFlag = guarded.ifSoftDeleted === undefined ? false : await knownValue(guarded.restore);
  const asker: Asker = restoreFlag === undefined ? "plan" : "create";
  // At preview a group the program creates does not exist yet, and the policy's own preview refuses a missing one:
  // the hooks refuse a missing group only at up, right before the create.
  const declared: Declared = { account: c, customSubDomainName: subdomainOf(inputs), policy, asker, restoreFlag: restoreFlag ?? restores(inputs), groupDeclared: true };
  const found = await previewLookup(
    guarded.name,
    `what account ${c.accountName}'s create will meet`,
    c.subscriptionId,
    async (run) => ({ held: await lookUpWorld(await armSession(c.subscriptionId), c, declared.customSubDomainName, run.signal, { group: true }) }),
    unseenSentence(declared),
  );
  if (!found) return;
  const holder = found.held.subdomainHolder;
  const owned = { identities: [...((await knownValue(guarded.owned)) ?? []), ...(found.held.live ? [{ id: found.held.live.id, internalId: found.held.live.internalId }] : [])] };
  const ownedUnknown = !(await isKnownNow(guarded.owned));
  if (holder?.state === "live" && (ownedUnknown || isOwned(owned, holder.account)) && !isSameName(holder.account, c)) {
    // The live holder may be this stack's own account (what the stack recorded is not known while the policy or guard
    // is created or replaced in this update), which a replacement (a rename or move keeping the subdomain) deletes
    // before the create, when it replaces delete-first. Preview cannot tell which way the engine replaces (it gives
    // no diff for an `up --replace` target): up refuses right before the create if the holder is still live then.
    if (ownedUnknown) found.held.subdomainHolder = undefined;
    const account = describeAccount({ ...c, accountName: holder.account.accountName, resourceGroupName: holder.account.resourceGroupName, location: holder.account.location });
    tell(
      `${guarded.name}: customSubDomainName '${declared.customSubDomainName}' is held by live account ${account} (${holder.account.id}). ` +
        `If it is this stack's own account and this update's replacement deletes it first (azure-native replaces an account delete-first), the account's hooks then purge soft-deleted account ${account} before the create of account '${c.accountName}', as this stack's own predecessor; ${PERMANENT}. ` +
        `If it is still live right before that create (\`pulumi up --replace\` and deleteBeforeReplace: false delete it after the create), up fails there, having purged nothing`,
    );
  }
  // A create that meets a live account at its own name is that account's replacement, delete-first (azure-native
  // refuses to create over a live account otherwise), even while the policy decides in this update: the hooks purge
  // the predecessor right before the create (fuzz seed 8111 life 11: `up --replace` with a policy change, silent).
  const decision = decide(found.held.live ? { ...declared, asker: "create" } : declared, found.held, owned);
  if (decision.kind === "refuse") throw new Error(`${guarded.name}: ${sentenceOf(declared, decision)}`);
  // The policy decides this create in this update and its preview says so; the hooks add what only they do (a replacement's purge).
  // A policy that decided in an earlier up (whose create failed) says nothing now: the hooks name its restore (fuzz seed 8119 life 0).
  const policySpoke = guarded.ifSoftDeleted !== undefined && asker === "plan" && decision.kind !== "replace";
  if (!policySpoke) tell(`${guarded.name}: ${sentenceOf(declared, decision, { actor: guarded.name })}`);
}

/**
 * An update that changes the account's `customSubDomainName` to one another account holds fails in Azure with
 * CustomDomainInUse: refused at preview and right before the update, naming the holder and the fix (fuzz seed 8110
 * life 51: a guarded account; a policy checks its own input, softDeletePolicy.ts).
 */
async function refuseHeldSubdomain(guarded: GuardedAccount, c: ResolvedInputs, inputs: Record<string, unknown> | undefined, oldInputs: Record<string, unknown> | undefined): Promise<void> {
  if (guarded.ifSoftDeleted !== undefined) return; // a policy checks its own customSubDomainName input
  const subdomain = subdomainOf(inputs);
  const before = subdomainOf(oldInputs);
  if (!subdomain || subdomain === UNKNOWN || (before !== undefined && before.toLowerCase() === subdomain.toLowerCase())) return;
  const policy = (await policyOf(guarded)) ?? "recover";
  const declared: Declared = { account: c, customSubDomainName: subdomain, policy, asker: "plan" };
  const look = async (run: { signal: AbortSignal }) => {
    const held = await lookUpWorld(await armSession(c.subscriptionId), c, subdomain, run.signal, { subdomainChange: true });
    return subdomainRefusal(declared, held, { identities: [] });
  };
  const refusal = pulumi.runtime.isDryRun()
    ? await previewLookup(guarded.name, `the holder of customSubDomainName '${subdomain}'`, c.subscriptionId, look)
    : await runHook(accountHookOptions("look-up of the holder of the new customSubDomainName of account", c), look);
  if (refusal) throw new Error(`${guarded.name}: ${refusal}`);
}

/**
 * Before an update of the account (the engine updates what its state holds,
 * without a refresh): an account deleted out of band since the last up would
 * make the update's PUT fail with FlagMustBeSetForRestore. The planner decides
 * as the policy would for what the name holds now (recover: restore it, the
 * same account, then the update; guard or purge: purge it, then the update's
 * PUT creates the account; fail: refuse with the fix), named at preview.
 */
async function beforeAnUpdate(guarded: GuardedAccount, c: ResolvedInputs, inputs: Record<string, unknown> | undefined, done: HookOutcome): Promise<void> {
  const policy = await policyOf(guarded);
  if (policy === undefined) return;
  const declared: Declared = { account: c, customSubDomainName: subdomainOf(inputs), policy, asker: "plan" };
  // One GET in the common case (the account is live); the rest only when it is not.
  const look = async (run: { signal: AbortSignal }) => {
    const session = await armSession(c.subscriptionId);
    if (await session.getAccount(c, { abortSignal: run.signal })) return undefined;
    return lookUpWorld(session, c, declared.customSubDomainName, run.signal, { group: true, restore: policy === "recover" });
  };
  const held = pulumi.runtime.isDryRun()
    ? await previewLookup(guarded.name, `account ${c.accountName} before its update`, c.subscriptionId, look, unseenSentence(declared))
    : await runHook(accountHookOptions("look-up before the update of account", c), look);
  if (!held || held.live || !held.deletedSameName.some((d) => d.location === c.location)) return;
  const decision = decide(declared, held, { identities: [] });
  const sentence = `account '${c.accountName}' was deleted since the last up (Azure holds it soft-deleted): ${sentenceOf(declared, decision, { actor: guarded.name, restoreRequest: true })}`;
  if (decision.kind === "refuse") throw new Error(`${guarded.name}: ${sentence}`);
  tell(`${guarded.name}: ${sentence}`);
  if (pulumi.runtime.isDryRun()) return;
  if (decision.kind === "restore") {
    await runHook(accountHookOptions("restore before the update of account", c), async (run) => {
      const session = await armSession(c.subscriptionId);
      await run.waitFor(`restore of account '${c.accountName}'`, (abortSignal) => session.restoreAccount(c, { abortSignal }));
    });
    done.restored = true;
    return;
  }
  await actOn(guarded, c, declared, decision, done);
}

/** The hooks, and the read of the live account that the account's registration must wait for (see `observeOwnAccount`). */
export function accountHookBinding(guarded: GuardedAccount): { hooks: pulumi.ResourceHookBinding; seen: Promise<Identity | undefined>; done: HookOutcome } {
  validateGiven(guarded);
  const done: HookOutcome = { purged: false, restored: false };
  const seen = observeOwnAccount(guarded);
  const retries: Record<string, number> = {};
  const beforeCreate = new pulumi.ResourceHook(
    uniqueHookName(`${guarded.name}-purge-before-create`),
    async (args) => {
      const newInputs = await revealHookInputs(args.newInputs); // a secret `properties` arrives as an Output
      const c = await resolveGuarded(guarded);
      if (c && !sameAccount(c, newInputs)) {
        if (!pulumi.runtime.isDryRun()) tell(`${guarded.name}: the account created as ${args.name} is not account '${c.accountName}' in resource group '${c.resourceGroupName}' (${c.location}) that these hooks watch; nothing purged`);
        return;
      }
      if (pulumi.runtime.isDryRun()) return previewCreate(guarded, c, newInputs);
      if (!c) return;
      const decided = await decideFor(guarded, c, newInputs, "create", seen);
      if (decided) await actOn(guarded, c, decided.declared, decided.decision, done);
    },
    { onDryRun: true },
  );
  const onError = new pulumi.ErrorHook(uniqueHookName(`${guarded.name}-purge-and-retry`), async (args) => {
    const newInputs = await revealHookInputs(args.newInputs); // a secret `properties` arrives as an Output
    if (args.failedOperation !== "create" || restores(newInputs)) return false;
    if (!args.errors.some((e) => HELD_BY_SOFT_DELETED.some((code) => e.includes(code)))) return false;
    const c = await resolveGuarded(guarded);
    if (!c || !sameAccount(c, newInputs)) return false;
    retries[args.urn] = (retries[args.urn] ?? 0) + 1;
    if (retries[args.urn] > MAX_RETRIES_AFTER_PURGE) return false;
    const decided = await decideFor(guarded, c, newInputs, "retry", seen);
    if (!decided || decided.decision.kind === "refuse") return false;
    return actOn(guarded, c, decided.declared, decided.decision, done);
  });
  const beforeUpdate = new pulumi.ResourceHook(
    uniqueHookName(`${guarded.name}-restore-or-purge-before-update`),
    async (args) => {
      const newInputs = await revealHookInputs(args.newInputs); // a secret `properties` arrives as an Output
      // An update that carries the restore flag restores by itself (the policy decided so after a refresh).
      if (restores(newInputs)) return;
      const c = await resolveGuarded(guarded);
      if (!c || !sameAccount(c, newInputs)) return;
      await refuseHeldSubdomain(guarded, c, newInputs, await revealHookInputs(args.oldInputs));
      await beforeAnUpdate(guarded, c, newInputs, done);
    },
    { onDryRun: true },
  );
  return { hooks: { beforeCreate: [beforeCreate], beforeUpdate: [beforeUpdate], onError: [onError] }, seen, done };
}

/**
 * The hooks to bind to the guarded account (`hooks:` resource option).
 * `beforeCreate` asks the planner right before each create and acts on its
 * decision (purging only what it names, refusing with the fix); at preview it
 * prints the planner's sentence and fails where up would. `onError` purges
 * and retries a create that Azure refused with `FlagMustBeSetForRestore` or
 * `CustomDomainInUse`, when the planner says so. They only ever address the
 * deleted-accounts path, so a live account cannot be touched.
 */
export function purgeBeforeCreateHooks(guarded: GuardedAccount): pulumi.ResourceHookBinding {
  return accountHookBinding(guarded).hooks;
}
