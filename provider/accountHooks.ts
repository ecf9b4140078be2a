import * as pulumi from "@pulumi/pulumi";
import { armSession, type DeletedAccount } from "./azureSession";
import { type ResolvedInputs, normalizeLocation } from "./inputs";
import { runHook } from "./lifecycle";
import { knownValue, rememberProgramConfig, tell } from "./programRuntime";
import { describeAccount, purgeIfSoftDeleted } from "./purge";
import { revealHookInputs } from "./secrets";
import { defaultSubscriptionId } from "./settings";

/**
 * Resource hooks for an azure-native `cognitiveservices.Account` that keep
 * purge-before-recreate true for every create of the account, not only for
 * the guard's first one: azure-native replaces a named account delete-first
 * (the old one is then soft-deleted and holds the name), and an account
 * deleted out of band is created again after a refresh. The engine calls
 * `beforeCreate` right before each create of the account, after a
 * delete-before-replace's delete (pulumi/pulumi pkg/resource/deploy/step.go,
 * CreateStep.Apply), and `onError` when a create fails.
 *
 * These run in the program's process, not in the provider host.
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
  /**
   * Preview lines only for a create that follows a replacement's delete (a
   * policy resource already names what a first create will meet).
   */
  previewReplacementsOnly?: boolean;
  /**
   * The account's soft-delete policy, when a policy resource decides the first
   * create (`ReclaimableAccount`, `reclaimSoftDeletedAccounts`). Unset for a
   * guard, which always purges. With "recover" or "fail" the hooks purge only
   * the account's own predecessor, deleted by a replacement in this update.
   */
  ifSoftDeleted?: pulumi.Input<string>;
}

/** A create that carries azure-native's restore flag restores the soft-deleted account: never purge it. */
const restores = (inputs: Record<string, unknown> | undefined): boolean => (inputs?.properties as { restore?: unknown } | undefined)?.restore === true;

/** Azure's answers to a create over a name that a soft-deleted account holds (azure-native reports them as text). */
const HELD_BY_SOFT_DELETED = ["FlagMustBeSetForRestore", "CustomDomainInUse"];

/** Retries of one create after a purge; the engine stops asking after its own bound too. */
const MAX_RETRIES_AFTER_PURGE = 2;

async function resolveGuarded(guarded: GuardedAccount): Promise<(ResolvedInputs & { known: true }) | { known: false }> {
  rememberProgramConfig();
  const [accountName, location, resourceGroupName, subscriptionId, timeoutMinutes] = await Promise.all([
    knownValue(guarded.accountName),
    knownValue(guarded.location),
    knownValue(guarded.resourceGroupName),
    knownValue(guarded.subscriptionId),
    knownValue(guarded.timeoutMinutes),
  ]);
  const subscription = subscriptionId ?? defaultSubscriptionId();
  if (!accountName || !location || !resourceGroupName || !subscription) return { known: false };
  return { known: true, accountName, location: normalizeLocation(location), resourceGroupName, subscriptionId: subscription, purgeOnDestroy: false, timeoutMinutes: timeoutMinutes ?? 30 };
}

/** Whether the account being created is the one the guard watches (same name, group and region). */
function sameAccount(c: ResolvedInputs, inputs: Record<string, unknown> | undefined): boolean {
  if (!inputs) return false;
  const same = (a: unknown, b: string) => typeof a === "string" && a.toLowerCase() === b.toLowerCase();
  return same(inputs.accountName, c.accountName) && same(inputs.resourceGroupName, c.resourceGroupName) && typeof inputs.location === "string" && normalizeLocation(inputs.location) === c.location;
}

/**
 * The soft-deleted account that would refuse a create of this name: same
 * name and group, in any region (a replacement that moves the account to
 * another region leaves its predecessor soft-deleted in the old one).
 */
async function blockingDeletedAccount(c: ResolvedInputs): Promise<{ at: ResolvedInputs; deleted: DeletedAccount } | undefined> {
  const session = await armSession(c.subscriptionId);
  const here = await session.getDeletedAccount(c);
  if (here) return { at: c, deleted: here };
  const elsewhere = (await session.listDeletedAccounts()).find(
    (d) => d.accountName.toLowerCase() === c.accountName.toLowerCase() && d.resourceGroupName.toLowerCase() === c.resourceGroupName.toLowerCase(),
  );
  return elsewhere ? { at: { ...c, location: elsewhere.location }, deleted: elsewhere } : undefined;
}

/** When this program (the update's) started, less a margin for the difference between this clock and Azure's. */
const UPDATE_STARTED_AT_MS = Date.now() - process.uptime() * 1000 - 30_000;

/**
 * Whether the account was deleted during this update: the delete half of a
 * delete-before-replace runs after the program has started, so its deletion
 * date is later. (A delete hook would tell it exactly, but delete hooks make
 * `pulumi destroy` demand `--run-program`: pkg/engine/destroy.go, newDestroySource.)
 */
const deletedDuringThisUpdate = (deleted: DeletedAccount): boolean =>
  deleted.deletionDate !== undefined && Date.parse(deleted.deletionDate) >= UPDATE_STARTED_AT_MS;

async function purgeFor(c: ResolvedInputs, why: string): Promise<boolean> {
  tell(`${why}: purging soft-deleted account ${describeAccount(c)} so the account can be created under its name; a purge is permanent`);
  const outcome = await runHook(
    { action: `purge before create of account ${describeAccount(c)}`, timeoutMinutes: c.timeoutMinutes, subscriptionId: c.subscriptionId, resourceGroupName: c.resourceGroupName },
    async (run) => purgeIfSoftDeleted(await armSession(c.subscriptionId), c, run),
  );
  return outcome.purged;
}

/**
 * Whether the hooks may purge the soft-deleted account before this create:
 * always for a guard and for "purge"; for "recover" and "fail" only when it is
 * the account's own predecessor, deleted by a replacement earlier in this
 * update. Otherwise the policy did not decide
 * this create (a targeted update, a lost policy state): refuse rather than purge.
 */
function mayPurge(policy: string | undefined, deletedHere: boolean, c: ResolvedInputs): true | string {
  if (policy === undefined || policy === "purge" || deletedHere) return true;
  return (
    `account ${describeAccount(c)} is soft-deleted and this create does not carry the restore flag, so its soft-delete policy ("${policy}") did not decide it in this update ` +
    "(for example a targeted update, or a policy left out of the run). Nothing was purged. Run `pulumi up --refresh` so the policy decides again."
  );
}

/**
 * The hooks to bind to the guarded account (`hooks:` resource option).
 * `beforeCreate` purges a soft-deleted account of the guarded name right
 * before each create; at preview it says what the create will meet.
 * `onError` purges and retries a create that Azure refused with
 * `FlagMustBeSetForRestore` or `CustomDomainInUse` (a soft delete that
 * landed between the purge and the create). They only ever address the
 * deleted-accounts path, so a live account cannot be touched, and they do
 * nothing for an account other than the guarded one.
 */
export function purgeBeforeCreateHooks(guarded: GuardedAccount): pulumi.ResourceHookBinding {
  const retries: Record<string, number> = {};
  const beforeCreate = new pulumi.ResourceHook(
    `${guarded.name}-purge-before-create`,
    async (args) => {
      const newInputs = await revealHookInputs(args.newInputs); // a secret `properties` arrives as an Output
      if (restores(newInputs)) return;
      const c = await resolveGuarded(guarded);
      if (!c.known) return;
      if (!sameAccount(c, newInputs)) {
        tell(`account ${args.name} is not the account '${c.accountName}' in resource group '${c.resourceGroupName}' (${c.location}) that ${guarded.name} watches; nothing purged`);
        return;
      }
      const session = await armSession(c.subscriptionId);
      if (pulumi.runtime.isDryRun()) {
        const live = await session.getAccount(c);
        const deleted = live ? undefined : await blockingDeletedAccount(c);
        if (live) tell(`account ${describeAccount(c)} is live and will be created again: the replacement deletes it first (Azure soft-deletes it), then ${guarded.name} purges it before the create; a purge is permanent`);
        else if (deleted && !guarded.previewReplacementsOnly) tell(`up will purge soft-deleted account ${describeAccount(deleted.at)} before creating the account; a purge is permanent`);
        return;
      }
      const blocking = await blockingDeletedAccount(c);
      if (!blocking) return;
      const allowed = mayPurge(await knownValue(guarded.ifSoftDeleted), deletedDuringThisUpdate(blocking.deleted), blocking.at);
      if (allowed !== true) throw new Error(allowed);
      await purgeFor(blocking.at, `${guarded.name}, before the create of account ${args.name}`);
    },
    { onDryRun: true },
  );
  const onError = new pulumi.ErrorHook(`${guarded.name}-purge-and-retry`, async (args) => {
    const newInputs = await revealHookInputs(args.newInputs);
    if (args.failedOperation !== "create" || restores(newInputs)) return false;
    if (!args.errors.some((e) => HELD_BY_SOFT_DELETED.some((code) => e.includes(code)))) return false;
    const c = await resolveGuarded(guarded);
    if (!c.known || !sameAccount(c, newInputs)) return false;
    retries[args.urn] = (retries[args.urn] ?? 0) + 1;
    if (retries[args.urn] > MAX_RETRIES_AFTER_PURGE) return false;
    const blocking = await blockingDeletedAccount(c);
    if (!blocking || mayPurge(await knownValue(guarded.ifSoftDeleted), deletedDuringThisUpdate(blocking.deleted), blocking.at) !== true) return false;
    return purgeFor(blocking.at, `${guarded.name}: the create of account ${args.name} met a soft-deleted account`);
  });
  return { beforeCreate: [beforeCreate], onError: [onError] };
}
