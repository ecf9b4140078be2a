import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { accountHookBinding } from "./accountHooks";
import { comesFromResource, runsUnderMocks } from "./programRuntime";
import type { AccountResource } from "./programDeclarations";
import { restoreSecrets } from "./secrets";
import { type IfSoftDeleted, SoftDeletePolicy } from "./softDeletePolicy";

/**
 * What `ReclaimableAccount` and `reclaimSoftDeletedAccounts` attach to an
 * azure-native account, in one place:
 *
 * - a `SoftDeletePolicy` resource the account depends on. It decides when the
 *   account is first created (and again after a refresh found the account
 *   soft-deleted): recover, purge or fail. Its `restore` output feeds
 *   `properties.restore`, and only while the account's other inputs are the
 *   ones it decided for: the first change of any of them drops the flag in
 *   the same update, so no request after the restoring create carries it.
 * - resource hooks on the account: a create the policy did not decide (the
 *   second half of azure-native's delete-first replacement) purges the
 *   soft-deleted predecessor first, and a create that still meets one is
 *   purged and retried. A create that carries the restore flag is left alone.
 */

/** The soft-delete settings of one account. */
export interface SoftDeleteSettings {
  /**
   * What to do when a soft-deleted account holds the name: `"recover"`
   * (default) restores it with its keys, endpoint and data; `"purge"` purges
   * it and creates a new account; `"fail"` fails the preview and says so.
   */
  ifSoftDeleted?: pulumi.Input<IfSoftDeleted>;
  /** On destroy, purge the account after it was deleted. Default false. */
  purgeOnDestroy?: pulumi.Input<boolean>;
  /** Bounds every wait on Azure, in minutes. Default 30. */
  timeoutMinutes?: pulumi.Input<number>;
}

/** The account inputs the handling reads: azure-native's `cognitiveservices.AccountArgs` (any other field is passed through). */
export interface AccountInputs {
  accountName?: pulumi.Input<string>;
  location?: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  properties?: pulumi.Input<Record<string, unknown>>;
  [field: string]: unknown;
}

/** JSON with sorted keys, so equal inputs always give the same digest. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A digest of an account's resolved inputs other than the restore flag. */
export function fingerprintOf(inputs: Record<string, unknown>): string {
  const properties = inputs.properties as Record<string, unknown> | undefined;
  const { restore: _restore, ...rest } = properties ?? {};
  return createHash("sha256").update(canonical({ ...inputs, properties: properties ? rest : undefined })).digest("hex");
}

/** `properties` with `restore` set from the policy; the other fields stay as known as the user gave them. */
function withRestoreFlag(properties: pulumi.Input<Record<string, unknown>> | undefined, restore: pulumi.Output<boolean>): pulumi.Input<Record<string, unknown>> {
  const flag = restore.apply((r) => (r ? true : undefined));
  if (pulumi.Output.isInstance(properties) || (properties && typeof (properties as PromiseLike<unknown>).then === "function")) {
    return pulumi.all([properties as pulumi.Input<Record<string, unknown>>, flag]).apply(([p, r]) => ({ ...(p ?? {}), restore: r }));
  }
  return { ...((properties as Record<string, unknown>) ?? {}), restore: flag };
}

/** What to give the azure-native account. */
export interface SoftDeleteAttachment {
  policy: SoftDeletePolicy;
  /** The account's `properties`, with `restore` fed by the policy. */
  properties: pulumi.Input<Record<string, unknown>>;
  /** Hooks to merge into the account's `hooks` option (empty under mocks). */
  hooks: pulumi.ResourceHookBinding;
  /**
   * `purged` and `restored` as the policy recorded them, or-ed with what the
   * account's hooks did in this run: known once the account's step is done.
   */
  outcome(account: pulumi.Resource & { id: pulumi.Output<string> }): { purged: pulumi.Output<boolean>; restored: pulumi.Output<boolean> };
}

/**
 * Creates the policy for one account and returns what the account needs.
 * `subscriptionId` must be the subscription azure-native deploys the account
 * to (the component asks azure-native's own `getClientConfig`).
 */
export function attachSoftDeleteHandling(
  name: string,
  account: AccountInputs,
  settings: SoftDeleteSettings,
  options: {
    parent?: pulumi.Resource;
    dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource>;
    retainOnDelete?: boolean;
    subscriptionId?: pulumi.Input<string>;
    /** The account resource, as `accountResourceKey` names it (programDeclarations.ts), when the program declared it already. */
    accountResource?: Promise<AccountResource>;
    /** The names this handling had before the account was renamed with an alias: the policy keeps its state (and its record of what the stack owns). */
    formerNames?: string[];
  },
): SoftDeleteAttachment {
  // Wire-form secrets (a transform's props) back to secret Outputs before anything reads or spreads them.
  account = restoreSecrets(account);
  const accountName = account.accountName ?? name;
  const location = account.location;
  if (location === undefined) throw new Error(`account ${name}: location is required for its soft-delete handling (soft-deleted accounts are kept per location)`);
  // Secret always: a digest of a short secret input can be reversed by trying values (SoftDeletePolicy keeps it and restoredFingerprint secret).
  const fingerprint = pulumi.secret(pulumi.output(account as Record<string, unknown>).apply((resolved) => fingerprintOf(resolved as Record<string, unknown>)));
  const policy = new SoftDeletePolicy(
    `${name}-soft-delete-policy`,
    {
      accountName,
      location,
      resourceGroupName: account.resourceGroupName,
      subscriptionId: options.subscriptionId,
      ifSoftDeleted: settings.ifSoftDeleted,
      purgeOnDestroy: settings.purgeOnDestroy,
      timeoutMinutes: settings.timeoutMinutes,
      accountFingerprint: fingerprint,
      customSubDomainName: subdomainOfProperties(account.properties),
      retained: options.retainOnDelete ?? false,
      groupDeclared: pulumi.output(comesFromResource(account.resourceGroupName)),
    },
    { parent: options.parent, dependsOn: options.dependsOn, aliases: options.formerNames?.map((former) => ({ name: `${former}-soft-delete-policy` })) },
    options.accountResource,
  );
  const binding = runsUnderMocks()
    ? undefined
    : accountHookBinding({
        name: `${name}-soft-delete`,
        accountName,
        location,
        resourceGroupName: account.resourceGroupName,
        subscriptionId: policy.subscriptionId,
        timeoutMinutes: settings.timeoutMinutes,
        ifSoftDeleted: settings.ifSoftDeleted ?? "recover",
        owned: policy.owned,
        restore: policy.restore,
        lineage: policy.lineage,
      });
  // The account registers only after the hooks read which account is live at its name (its identity, for a
  // delete-first replacement later in this update): the restore flag it carries waits for that read.
  const restore = binding ? pulumi.all([policy.restore, pulumi.output(binding.seen)]).apply(([r]) => r) : policy.restore;
  const hooks = binding?.hooks ?? {};
  const done = binding?.done;
  const outcome = (created: pulumi.Resource & { id: pulumi.Output<string> }) => ({
    purged: pulumi.all([policy.purged, created.id]).apply(([p]) => Boolean(p) || (done?.purged ?? false)),
    restored: pulumi.all([policy.restored, created.id]).apply(([r]) => Boolean(r) || (done?.restored ?? false)),
  });
  return { policy, properties: withRestoreFlag(account.properties, restore), hooks, outcome };
}

/** The `customSubDomainName` an account's `properties` input declares (undefined when it declares none). */
export function subdomainOfProperties(properties: pulumi.Input<Record<string, unknown> | undefined> | undefined): pulumi.Output<string | undefined> {
  return pulumi.output(properties).apply((p) => (typeof p?.customSubDomainName === "string" ? p.customSubDomainName : undefined));
}

/** Hook bindings merged, each kind in the order given (the engine runs them in that order). */
export function mergeHooks(...bindings: (pulumi.ResourceHookBinding | undefined)[]): pulumi.ResourceHookBinding {
  const merged: Record<string, unknown[]> = {};
  for (const binding of bindings) {
    for (const [key, hooks] of Object.entries(binding ?? {})) merged[key] = [...(merged[key] ?? []), ...((hooks as unknown[]) ?? [])];
  }
  return merged as pulumi.ResourceHookBinding;
}
