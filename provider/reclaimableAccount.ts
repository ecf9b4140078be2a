import * as pulumi from "@pulumi/pulumi";
import { accountRecorder } from "./accountRecord";
import { accountResourceKey } from "./programDeclarations";
import { runsUnderMocks } from "./programRuntime";
import { restoreSecrets } from "./secrets";
import { type AccountInputs, attachSoftDeleteHandling, mergeHooks, type SoftDeleteSettings } from "./softDeleteHandling";
import type { SoftDeletePolicy } from "./softDeletePolicy";

/**
 * Arguments of {@link ReclaimableAccount}: azure-native's
 * `cognitiveservices.AccountArgs` (typed here without importing
 * `@pulumi/azure-native`, so programs that do not install it still
 * type-check) plus the soft-delete policy.
 */
export interface ReclaimableAccountArgs extends SoftDeleteSettings {
  /** Required here: the policy must know the name to look it up. */
  accountName: pulumi.Input<string>;
  /** Required here: soft-deleted accounts are kept per location. */
  location: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  kind?: pulumi.Input<string>;
  sku?: pulumi.Input<{ name: pulumi.Input<string>; capacity?: pulumi.Input<number>; family?: pulumi.Input<string>; size?: pulumi.Input<string>; tier?: pulumi.Input<string> }>;
  /** azure-native's `AccountPropertiesArgs`. Leave `restore` out: the policy sets it for the create that restores. */
  properties?: pulumi.Input<{ customSubDomainName?: pulumi.Input<string>; [field: string]: unknown }>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  identity?: pulumi.Input<Record<string, unknown>>;
  /** Any other `cognitiveservices.AccountArgs` field is passed to the account as given. */
  [field: string]: unknown;
}

/** The account's options a component can carry, forwarded to the account as for a plain azure-native account. */
export type ReclaimableAccountOptions = pulumi.ComponentResourceOptions &
  Pick<pulumi.CustomResourceOptions, "deleteBeforeReplace" | "additionalSecretOutputs" | "import">;

/** The azure-native account, as far as this package's typings need it (cast to `cognitiveservices.Account` for the rest). */
export type AzureNativeAccount = pulumi.CustomResource & {
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly properties: pulumi.Output<{ endpoint?: string; provisioningState?: string; [field: string]: unknown }>;
};

/** Options that reach the account itself (a parent passes only `protect` and providers to its children). */
const FORWARDED = ["retainOnDelete", "ignoreChanges", "deleteBeforeReplace", "customTimeouts", "replaceOnChanges", "additionalSecretOutputs", "import", "deletedWith", "replaceWith", "replacementTrigger"] as const;

/**
 * An azure-native Cognitive Services account that works whatever state its
 * name is in (free, soft-deleted in this group and location, or live) and in
 * every flow of a stack's life: the first `up`, later updates (after a
 * recovery too), a replacement of the account, an out-of-band delete followed
 * by `up --refresh`, and `destroy` followed by `up` within 48 hours.
 *
 * A soft-deleted account is recovered (azure-native's own `properties.restore`,
 * present only in the create that restores), purged, or refused, as
 * `ifSoftDeleted` says; preview prints one line per account saying which. The
 * component's options (`retainOnDelete`, `protect`, `ignoreChanges`,
 * `deleteBeforeReplace`, `customTimeouts`, `replaceOnChanges`, aliases, hooks)
 * reach the account, and its lookups use the subscription azure-native
 * deploys the account to. Requires `@pulumi/azure-native` at run time.
 */
export class ReclaimableAccount extends pulumi.ComponentResource {
  /** The azure-native `cognitiveservices.Account`. */
  public readonly account: AzureNativeAccount;
  /** The deployment-time decision. */
  public readonly policy: SoftDeletePolicy;
  /** ARM id of the account. */
  public readonly accountId: pulumi.Output<string>;
  /** The account's endpoint (`https://<subdomain>.cognitiveservices.azure.com/`); empty until Azure reports one. */
  public readonly endpoint: pulumi.Output<string>;
  /** The account's properties, as azure-native reports them. */
  public readonly properties: AzureNativeAccount["properties"];
  /**
   * True when this stack recovered the account from soft-delete: by the policy's last decision (kept until it decides
   * again), or by the account's hooks in this run (a restore before an update; reported only by the run that did it).
   */
  public readonly restored: pulumi.Output<boolean>;
  /**
   * True when a soft-deleted account was purged to make room: by the policy's last decision (kept until it decides
   * again), or by the account's hooks in this run (a replacement's predecessor; reported only by the run that did it).
   */
  public readonly purged: pulumi.Output<boolean>;

  constructor(name: string, args: ReclaimableAccountArgs, opts: ReclaimableAccountOptions = {}) {
    // Refused before anything registers: without a name azure-native names the account at its own check (the
    // resource name plus 8 random hex characters, pulumi-azure-native provider.go getDefaultName), after the policy
    // looked up a name the account never has; it could purge or restore another account of that name. Unit tests
    // under setMocks still construct whatever is omitted (the contract).
    if ((args as Partial<ReclaimableAccountArgs>)?.accountName === undefined && !runsUnderMocks()) {
      throw new Error(
        `ReclaimableAccount ${name}: accountName is required (got undefined): without it azure-native names the account ` +
          `'${name}' plus 8 random characters, a name the soft-delete handling cannot look up before the create; ` +
          `set accountName (for example accountName: "${name}")`,
      );
    }
    super("cognitive-reclaim:index:ReclaimableAccount", name, {}, opts);
    // A wire-form secret (args built from a transform's props) becomes a secret Output before it is read.
    const { ifSoftDeleted, purgeOnDestroy, timeoutMinutes, ...accountArgs } = restoreSecrets(args);
    // Loaded here so the package's other exports work without azure-native installed.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cognitiveservices = require("@pulumi/azure-native/cognitiveservices") as typeof import("@pulumi/azure-native/cognitiveservices");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const authorization = require("@pulumi/azure-native/authorization") as typeof import("@pulumi/azure-native/authorization");
    // The subscription azure-native deploys this account to: its own provider's answer, through the same parent.
    const subscriptionId = runsUnderMocks() ? undefined : authorization.getClientConfigOutput({ parent: this }).subscriptionId;
    const attached = attachSoftDeleteHandling(name, accountArgs as AccountInputs, { ifSoftDeleted, purgeOnDestroy, timeoutMinutes }, {
      parent: this,
      dependsOn: opts.dependsOn,
      retainOnDelete: opts.retainOnDelete,
      subscriptionId,
      // Keyed as the component itself: a guard whose hooks it is given sees the component constructed with them.
      accountResource: accountResourceKey(name, opts.parent),
    });
    this.policy = attached.policy;
    const forwarded = Object.fromEntries(FORWARDED.filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]]));
    if (opts.ignoreChanges?.some((path) => path === "properties" || path.startsWith("properties.restore"))) {
      pulumi.log.warn(
        `ReclaimableAccount ${name}: ignoreChanges ${JSON.stringify(opts.ignoreChanges)} keeps the restore flag of a recovery in the account's inputs, and Azure refuses it in any later update (CanNotRestoreAnActiveResource); list the sub-properties of properties to ignore instead`,
        this,
      );
    }
    // The record of what the account's creates made, which purgeOnDestroy purges and nothing else (accountRecord.ts).
    const recorder = accountRecorder(name, { accountName: accountArgs.accountName, resourceGroupName: accountArgs.resourceGroupName, subscriptionId: this.policy.subscriptionId }, purgeOnDestroy);
    this.account = new cognitiveservices.Account(
      name,
      { ...(accountArgs as import("@pulumi/azure-native/cognitiveservices").AccountArgs), properties: attached.properties as never },
      { ...forwarded, parent: this, dependsOn: [this.policy], hooks: mergeHooks(recorder?.hooks, opts.hooks, attached.hooks) },
    ) as unknown as AzureNativeAccount;
    this.accountId = this.account.id;
    this.properties = this.account.properties;
    this.endpoint = this.account.properties.apply((p) => p?.endpoint ?? "");
    // What was done, by the policy or by the account's hooks in this run (a replacement's purge, a restore before an update).
    recorder?.record(this.account, this);
    const outcome = attached.outcome(this.account as unknown as pulumi.CustomResource);
    this.restored = outcome.restored;
    this.purged = outcome.purged;
    this.registerOutputs({ accountId: this.accountId, endpoint: this.endpoint, restored: this.restored, purged: this.purged });
  }
}
