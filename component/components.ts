/* eslint-disable @typescript-eslint/no-explicit-any -- `any` is how the schema analyzer spells a free-form value (pulumi.json#/Any) */
import * as pulumi from "@pulumi/pulumi";
import { PurgedDeletedAccount as Guard, ReclaimableAccount as Reclaimable, type ReclaimableAccountArgs as CoreReclaimableArgs, RecoveredAccount as Recovered } from "pulumi-cognitive-reclaim";

/*
 * The component package's door to the package: each class here is a thin `ComponentResource` whose constructor
 * creates the TypeScript package's own resource of the same name (provider/*, imported by its npm name) as its only
 * child, so both doors run one implementation. The package is imported from node_modules, not by a relative path:
 * Pulumi's closure serializer copies a module outside node_modules into each dynamic resource's state by value,
 * while one inside it is stored as a `require` of the package's stable entry (provider/runtime.ts). `componentProviderHost` infers the package schema from this file's TypeScript types (the
 * analyzer of `@pulumi/pulumi/provider/experimental`): every argument and output is typed with what the analyzer
 * accepts (primitives, Inputs, named interfaces, string maps, arrays, an `as const` enum) and described by its doc
 * comment, which becomes the description in every language's SDK.
 */

/** What a `ReclaimableAccount` does when a soft-deleted account holds its name (in its resource group and location). */
export const IfSoftDeleted = {
  /** Restore the soft-deleted account (its keys, endpoint and data come back), then manage it. The default. */
  Recover: "recover",
  /** Purge the soft-deleted account (permanent: its data is gone) and create a new one. */
  Purge: "purge",
  /** Fail the preview and say so, naming the two other choices. */
  Fail: "fail",
} as const;
export type IfSoftDeleted = (typeof IfSoftDeleted)[keyof typeof IfSoftDeleted];

/** The account's SKU (azure-native's `cognitiveservices.SkuArgs`). */
export interface AccountSku {
  /** The SKU name, e.g. `S0` or `F0`. */
  name: pulumi.Input<string>;
  /** The SKU capacity, when the SKU has one. */
  capacity?: pulumi.Input<number>;
  /** The SKU family, when the SKU has one. */
  family?: pulumi.Input<string>;
  /** The SKU size, when the SKU has one. */
  size?: pulumi.Input<string>;
  /** The SKU tier (`Free`, `Basic`, `Standard`, `Premium`, `Enterprise`). */
  tier?: pulumi.Input<string>;
}

/** The account's managed identity (azure-native's `cognitiveservices.IdentityArgs`). */
export interface AccountIdentity {
  /** `None`, `SystemAssigned`, `UserAssigned` or `SystemAssigned, UserAssigned`. */
  type: pulumi.Input<string>;
  /** The user-assigned identities, keyed by their ARM ids; each value an empty object. */
  userAssignedIdentities?: pulumi.Input<{ [identityId: string]: any }>;
}

/**
 * The account's properties: azure-native's `cognitiveservices.AccountPropertiesArgs`, field for field, less
 * `restore` (the policy sets it for the one create that restores). Nested objects are free-form here, since a
 * component package cannot reference azure-native's types: write them as azure-native names them (camelCase keys,
 * e.g. `networkAcls: { defaultAction: "Deny", ipRules: [{ value: "1.2.3.4" }] }`).
 */
export interface AccountProperties {
  /** The subdomain of the account's endpoint (`https://<subdomain>.cognitiveservices.azure.com/`); unique across Azure, and held for 48 hours by a soft-deleted account. */
  customSubDomainName?: pulumi.Input<string>;
  /** `Enabled` or `Disabled`. */
  publicNetworkAccess?: pulumi.Input<string>;
  /** Disable key-based (local) authentication. */
  disableLocalAuth?: pulumi.Input<boolean>;
  /** Enable dynamic throttling. */
  dynamicThrottlingEnabled?: pulumi.Input<boolean>;
  /** Restrict outbound network access to `allowedFqdnList`. */
  restrictOutboundNetworkAccess?: pulumi.Input<boolean>;
  /** The host names the account may reach when outbound access is restricted. */
  allowedFqdnList?: pulumi.Input<pulumi.Input<string>[]>;
  /** Allow project management (Azure AI Foundry). */
  allowProjectManagement?: pulumi.Input<boolean>;
  /** The projects associated with the account (Azure AI Foundry). */
  associatedProjects?: pulumi.Input<pulumi.Input<string>[]>;
  /** The default project of the account (Azure AI Foundry). */
  defaultProject?: pulumi.Input<string>;
  /** A migration token, when migrating an account. */
  migrationToken?: pulumi.Input<string>;
  /** azure-native's `NetworkRuleSetArgs`, free-form. */
  networkAcls?: pulumi.Input<{ [field: string]: any }>;
  /** azure-native's `EncryptionArgs` (customer-managed keys), free-form. */
  encryption?: pulumi.Input<{ [field: string]: any }>;
  /** azure-native's `ApiPropertiesArgs`, free-form. */
  apiProperties?: pulumi.Input<{ [field: string]: any }>;
  /** azure-native's `UserOwnedAmlWorkspaceArgs`, free-form. */
  amlWorkspace?: pulumi.Input<{ [field: string]: any }>;
  /** azure-native's `MultiRegionSettingsArgs`, free-form. */
  locations?: pulumi.Input<{ [field: string]: any }>;
  /** azure-native's `RaiMonitorConfigArgs`, free-form. */
  raiMonitorConfig?: pulumi.Input<{ [field: string]: any }>;
  /** azure-native's `NetworkInjectionArgs` list, free-form. */
  networkInjections?: pulumi.Input<pulumi.Input<{ [field: string]: any }>[]>;
  /** azure-native's `UserOwnedStorageArgs` list (customer-managed storage), free-form. */
  userOwnedStorage?: pulumi.Input<pulumi.Input<{ [field: string]: any }>[]>;
}

/** Arguments of {@link ReclaimableAccount}: azure-native's `cognitiveservices.AccountArgs` plus the soft-delete policy. */
export interface ReclaimableAccountArgs {
  /** The account's name: 2-64 characters, `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`. */
  accountName: pulumi.Input<string>;
  /** The account's region, `eastus` or `East US` (soft-deleted accounts are kept per region). */
  location: pulumi.Input<string>;
  /** The account's resource group. */
  resourceGroupName: pulumi.Input<string>;
  /** The kind of account: `OpenAI`, `CognitiveServices`, `AIServices`, `TextAnalytics`, ... */
  kind?: pulumi.Input<string>;
  /** The account's SKU. */
  sku?: pulumi.Input<AccountSku>;
  /** The account's properties (azure-native's `AccountPropertiesArgs`, less `restore`). */
  properties?: pulumi.Input<AccountProperties>;
  /** Resource tags. */
  tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  /** The account's managed identity. */
  identity?: pulumi.Input<AccountIdentity>;
  /** What to do when a soft-deleted account holds the name: `recover` (default), `purge` or `fail`. */
  ifSoftDeleted?: pulumi.Input<IfSoftDeleted>;
  /** On destroy, purge the account after it was deleted (otherwise it stays recoverable for 48 hours). Default false. */
  purgeOnDestroy?: pulumi.Input<boolean>;
  /** Bounds every wait on Azure, in minutes: > 0 and <= 1440, fractions allowed. Default 30. */
  timeoutMinutes?: pulumi.Input<number>;
}

/**
 * Makes the `Construct` call's runtime context the plugin's global one. `@pulumi/pulumi` keeps a run's settings (dry
 * run, engine and monitor connections, config) in an AsyncLocalStorage store that the provider server opens for each
 * `Construct` (provider/server.js, construct: `localState.withLocalStorage`); the resource hooks the account is bound
 * to are called back by the engine later, outside that context, and would see the empty global store: not a preview
 * (so a `beforeCreate` hook acted during `pulumi preview`), no engine, no stack config. A plugin process serves one
 * deployment (the engine starts it per run), so every `Construct` of it carries the same settings and sharing them is
 * sound. Uses the SDK's own global (runtime/state.js, getStore falls back to `global.globalStore`).
 */
function shareConstructContext(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const state = require("@pulumi/pulumi/runtime/state") as { getLocalStore(): unknown };
  const local = state.getLocalStore();
  if (local !== undefined) (globalThis as { globalStore?: unknown }).globalStore = local;
}

/** Copies only the arguments that were given: an absent argument stays absent, as in the TypeScript package. */
function given<T extends object>(args: T): Partial<T> {
  return Object.fromEntries(Object.entries(args ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * An azure-native Cognitive Services account that works whatever state its name is in (free, soft-deleted in this
 * group and location, or live) and in every flow of a stack's life: the first `up`, later updates (after a recovery
 * too), a replacement, an out-of-band delete followed by `up --refresh`, and `destroy` followed by `up` within 48
 * hours. A soft-deleted account is recovered, purged or refused as `ifSoftDeleted` says; preview prints one line per
 * account saying which. The policy, the account and the hooks that guard its later creates all live inside this
 * component. Options given to it (`retainOnDelete`, `protect`, `ignoreChanges`, `replaceOnChanges`,
 * `customTimeouts`, `dependsOn`, `deletedWith`) reach the account.
 */
export class ReclaimableAccount extends pulumi.ComponentResource {
  /** ARM id of the account. */
  public readonly accountId: pulumi.Output<string>;
  /** The account's name, as azure-native reports it. */
  public readonly accountName: pulumi.Output<string>;
  /** The account's endpoint (`https://<subdomain>.cognitiveservices.azure.com/`); empty until Azure reports one. */
  public readonly endpoint: pulumi.Output<string>;
  /** The account's properties, as azure-native reports them (`endpoint`, `provisioningState`, `internalId`, ...). */
  public readonly properties: pulumi.Output<{ [field: string]: any }>;
  /** True when this stack recovered the account from soft-delete (the policy's last decision, or the account's hooks in this run). */
  public readonly restored: pulumi.Output<boolean>;
  /** True when a soft-deleted account was purged to make room (the policy's last decision, or the account's hooks in this run). */
  public readonly purged: pulumi.Output<boolean>;

  constructor(name: string, args: ReclaimableAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cognitive-reclaim:index:ReclaimableAccount", name, {}, opts);
    shareConstructContext();
    const inner = new Reclaimable(name, given(args) as CoreReclaimableArgs, { ...forwardedOptions(opts), parent: this });
    this.accountId = inner.accountId;
    this.accountName = inner.account.name;
    this.endpoint = inner.endpoint;
    this.properties = inner.properties as pulumi.Output<{ [field: string]: any }>;
    this.restored = inner.restored;
    this.purged = inner.purged;
    this.registerOutputs({ accountId: this.accountId, accountName: this.accountName, endpoint: this.endpoint, properties: this.properties, restored: this.restored, purged: this.purged });
  }
}

/**
 * The options of a remote component that belong on the account, not on the wrapper (which has no state of its own):
 * what `Construct` hands the component (`@pulumi/pulumi/provider/server.js`, construct).
 */
function forwardedOptions(opts: pulumi.ComponentResourceOptions | undefined): pulumi.ComponentResourceOptions & pulumi.CustomResourceOptions {
  const { dependsOn, retainOnDelete, ignoreChanges, replaceOnChanges, customTimeouts, deletedWith, replacementTrigger, hooks } = (opts ?? {}) as pulumi.CustomResourceOptions;
  return given({ dependsOn, retainOnDelete, ignoreChanges, replaceOnChanges, customTimeouts, deletedWith, replacementTrigger, hooks });
}

/** Arguments of {@link PurgedDeletedAccount}. */
export interface PurgedDeletedAccountArgs {
  /** The account's name: 2-64 characters, `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`. */
  accountName: pulumi.Input<string>;
  /** The account's region, `eastus` or `East US`; stored normalized (`eastus`). */
  location: pulumi.Input<string>;
  /** The group the account lived in (it may no longer exist). */
  resourceGroupName: pulumi.Input<string>;
  /** Default: `azure-native:subscriptionId` stack config, then `AZURE_SUBSCRIPTION_ID`, then `ARM_SUBSCRIPTION_ID`. */
  subscriptionId?: pulumi.Input<string>;
  /** On destroy, also purge the account if it is soft-deleted by then (after the dependent account was deleted). Default false. */
  purgeOnDestroy?: pulumi.Input<boolean>;
  /** Bounds every wait on Azure, in minutes: > 0 and <= 1440, fractions allowed. Default 30. */
  timeoutMinutes?: pulumi.Input<number>;
}

/**
 * Declares: "no soft-deleted Cognitive Services account with this name exists here". Its create purges the
 * soft-deleted account of that name, if any, and waits until the purge has finished, so an azure-native
 * `cognitiveservices.Account` that depends on it (`dependsOn`) can take the name. It never deletes or purges a live
 * account. A refresh that finds a soft-deleted account again reports `pendingPurge`, and the update that follows
 * purges it (`up --refresh`). From a language other than TypeScript the guard covers the account's first create and
 * `up --refresh`, not a later replacement of the account (the hooks that do so cannot be bound across languages):
 * prefer `ReclaimableAccount`.
 */
export class PurgedDeletedAccount extends pulumi.ComponentResource {
  /** The account's name, as given. */
  public readonly accountName: pulumi.Output<string>;
  /** The account's region, normalized (`East US` is stored as `eastus`). */
  public readonly location: pulumi.Output<string>;
  /** The resource group the account is (or was) in. */
  public readonly resourceGroupName: pulumi.Output<string>;
  /** The subscription, resolved at check. */
  public readonly subscriptionId: pulumi.Output<string>;
  /** True when the guard's last create or update purged a soft-deleted account. */
  public readonly purged: pulumi.Output<boolean>;
  /** True when a refresh found a soft-deleted account of this name again (the next update purges it). */
  public readonly pendingPurge: pulumi.Output<boolean>;
  /** The ARM id the guard watches: `/subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{location}/resourceGroups/{rg}/deletedAccounts/{name}`. */
  public readonly deletedAccountId: pulumi.Output<string>;
  /** When the account the last create or update purged was deleted (ISO 8601); absent when nothing was purged. */
  public readonly deletionDate: pulumi.Output<string | undefined>;
  /** When Azure would have purged that account by itself (ISO 8601); absent when nothing was purged. */
  public readonly scheduledPurgeDate: pulumi.Output<string | undefined>;

  constructor(name: string, args: PurgedDeletedAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cognitive-reclaim:index:PurgedDeletedAccount", name, {}, opts);
    shareConstructContext();
    const guard = new Guard(name, given(args) as PurgedDeletedAccountArgs, { ...forwardedOptions(opts), parent: this });
    this.accountName = guard.accountName;
    this.location = guard.location;
    this.resourceGroupName = guard.resourceGroupName;
    this.subscriptionId = guard.subscriptionId;
    this.purged = guard.purged;
    this.pendingPurge = guard.pendingPurge;
    this.deletedAccountId = guard.deletedAccountId;
    this.deletionDate = guard.deletionDate;
    this.scheduledPurgeDate = guard.scheduledPurgeDate;
    this.registerOutputs({ purged: this.purged, pendingPurge: this.pendingPurge, deletedAccountId: this.deletedAccountId });
  }
}

/** Arguments of {@link RecoveredAccount}. */
export interface RecoveredAccountArgs {
  /** The account's name: 2-64 characters, `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`. */
  accountName: pulumi.Input<string>;
  /** The account's region, `eastus` or `East US`; stored normalized (`eastus`). */
  location: pulumi.Input<string>;
  /** The account's resource group; it must exist for a restore. */
  resourceGroupName: pulumi.Input<string>;
  /** Default: `azure-native:subscriptionId` stack config, then `AZURE_SUBSCRIPTION_ID`, then `ARM_SUBSCRIPTION_ID`. */
  subscriptionId?: pulumi.Input<string>;
  /** On destroy, purge the account after deleting it (otherwise it stays recoverable for 48 hours). Default false. */
  purgeOnDestroy?: pulumi.Input<boolean>;
  /** Bounds every wait on Azure, in minutes: > 0 and <= 1440, fractions allowed. Default 30. */
  timeoutMinutes?: pulumi.Input<number>;
}

/**
 * Declares: "this account is live again". Its create adopts the account when it is already live (no restore
 * request), or restores it when it is soft-deleted, after checking Microsoft's prerequisites, and waits until the
 * account reads `Succeeded`. A preview fails when there is nothing to recover. Its delete undoes what its create did:
 * an account it restored is deleted again (and purged with `purgeOnDestroy`); an account it adopted is released
 * untouched.
 */
export class RecoveredAccount extends pulumi.ComponentResource {
  /** The account's name, as given. */
  public readonly accountName: pulumi.Output<string>;
  /** The account's region, normalized. */
  public readonly location: pulumi.Output<string>;
  /** The account's resource group. */
  public readonly resourceGroupName: pulumi.Output<string>;
  /** The subscription, resolved at check. */
  public readonly subscriptionId: pulumi.Output<string>;
  /** ARM id of the live account. */
  public readonly accountId: pulumi.Output<string>;
  /** The live account's endpoint: the same as before the deletion. */
  public readonly endpoint: pulumi.Output<string>;
  /** The live account's kind (`OpenAI`, `CognitiveServices`, ...). */
  public readonly kind: pulumi.Output<string>;
  /** The live account's SKU name (`S0`, ...). */
  public readonly skuName: pulumi.Output<string>;
  /** True when this create restored the account; false when it was live and adopted. */
  public readonly restored: pulumi.Output<boolean>;

  constructor(name: string, args: RecoveredAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cognitive-reclaim:index:RecoveredAccount", name, {}, opts);
    shareConstructContext();
    const recovered = new Recovered(name, given(args) as RecoveredAccountArgs, { ...forwardedOptions(opts), parent: this });
    this.accountName = recovered.accountName;
    this.location = recovered.location;
    this.resourceGroupName = recovered.resourceGroupName;
    this.subscriptionId = recovered.subscriptionId;
    this.accountId = recovered.accountId;
    this.endpoint = recovered.endpoint;
    this.kind = recovered.kind;
    this.skuName = recovered.skuName;
    this.restored = recovered.restored;
    this.registerOutputs({ accountId: this.accountId, endpoint: this.endpoint, restored: this.restored });
  }
}
