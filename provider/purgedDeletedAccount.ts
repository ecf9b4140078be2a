import * as pulumi from "@pulumi/pulumi";
import { accountHookBinding, type GuardedAccount } from "./accountHooks";
import { guardSubdomainHook, type HookedAccountWatch, watchHookedAccount } from "./guardSubdomain";
import { afterThisTurn, declareInProgram } from "./programDeclarations";
import { comesFromResource, runsUnderMocks, tell } from "./programRuntime";
import { subdomainOfProperties } from "./softDeleteHandling";
import { stableProvider } from "./stableProvider";
export type { PurgedDeletedAccountOutputs } from "./handlers/purgedDeletedAccount";

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
  /** Bounds every wait on Azure, in minutes: > 0 and <= 1440, fractions allowed. Default 30. Pulumi's `customTimeouts` do not reach dynamic resources. */
  timeoutMinutes?: pulumi.Input<number>;
}

/**
 * The provider object serialized into each guard's state: a thin forwarder to
 * the package's stable entry, `pulumi-cognitive-reclaim/runtime`.
 */
export const purgedDeletedAccountProvider = stableProvider("purgedDeletedAccount");

/**
 * Declares: "no soft-deleted Cognitive Services account with this name exists
 * here". Its create purges the soft-deleted account of that name, if any, and
 * waits until the purge has finished, so an `azure-native`
 * `cognitiveservices.Account` that `dependsOn` it can take the name again.
 * It never deletes or purges a live account. A refresh that finds a
 * soft-deleted account again reports `pendingPurge: true`, and the update that
 * follows purges it.
 */
export class PurgedDeletedAccount extends pulumi.dynamic.Resource {
  /** The account's name, as given. */
  declare public readonly accountName: pulumi.Output<string>;
  /** The account's region, normalized (`East US` is stored as `eastus`). */
  declare public readonly location: pulumi.Output<string>;
  /** The resource group the account is (or was) in. */
  declare public readonly resourceGroupName: pulumi.Output<string>;
  /** The subscription, resolved at check: the input, else `azure-native:subscriptionId`, else `AZURE_SUBSCRIPTION_ID`, else `ARM_SUBSCRIPTION_ID`. */
  declare public readonly subscriptionId: pulumi.Output<string>;
  /** Whether destroy purges a soft-deleted account of this name (default false). */
  declare public readonly purgeOnDestroy: pulumi.Output<boolean>;
  /** The bound on every wait on Azure, in minutes (default 30). */
  declare public readonly timeoutMinutes: pulumi.Output<number>;
  /** True when this resource's last create or update purged a soft-deleted account. */
  declare public readonly purged: pulumi.Output<boolean>;
  /** True when a refresh found a soft-deleted account of this name again. */
  declare public readonly pendingPurge: pulumi.Output<boolean>;
  /** The ARM id the guard watches (always set): `/subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{location}/resourceGroups/{rg}/deletedAccounts/{name}`. */
  declare public readonly deletedAccountId: pulumi.Output<string>;
  /** When the account the last create or update purged was deleted (ISO 8601); absent when nothing was purged. */
  declare public readonly deletionDate: pulumi.Output<string | undefined>;
  /** When Azure would have purged that account by itself (ISO 8601); absent when nothing was purged. */
  declare public readonly scheduledPurgeDate: pulumi.Output<string | undefined>;

  /** Identities of the guarded account recorded when the guard was replaced along with it (its hooks' "own predecessor"). */
  declare public readonly owned: pulumi.Output<{ id: string; internalId?: string }[] | undefined>;

  private readonly guarded: GuardedAccount;
  private hooks?: pulumi.ResourceHookBinding;
  /** The guarded account's inputs, noted when it is constructed with this guard's hooks (guardSubdomain.ts). */
  private readonly watch: HookedAccountWatch;

  /**
   * Resource hooks to bind to the account this guard protects, so that
   * purge-before-recreate holds for every create of the account, not only
   * for the guard's first: `{ dependsOn: [guard], hooks: guard.accountHooks }`.
   * Right before each create of that account (the second half of azure-native's
   * delete-first replacement, or a recreation after an out-of-band delete and a
   * refresh), a soft-deleted account of the guarded name is purged, and a
   * create that Azure still refuses with `FlagMustBeSetForRestore` or
   * `CustomDomainInUse` is purged and retried. Preview says when that will
   * happen. Empty under `pulumi.runtime.setMocks`, whose monitor has no hooks.
   */
  public get accountHooks(): pulumi.ResourceHookBinding {
    if (!this.hooksRead.value && this.hooksRead.sealed && !runsUnderMocks()) {
      tell(
        `${this.guarded.name}: accountHooks was read after the guard registered (the program awaited something in between), so the guard's own step ` +
          `does not know that an account will be created in the resource group it watches: a missing group is then refused by the hooks only after the guard's own purge`,
      );
    }
    this.hooksRead.value = true;
    if (!this.hooks) {
      const binding = runsUnderMocks() ? undefined : accountHookBinding(this.guarded);
      this.hooks = binding?.hooks ?? {};
      // What the hooks count as own, for the guard's own hook's look at the subdomain's holder.
      this.watch.own = binding?.seen;
      // The account constructed with these hooks is built right after this getter runs: note its subdomain for the guard's own hook.
      watchHookedAccount(this.hooks, this.watch);
    }
    return this.hooks;
  }

  /** Whether the program read `accountHooks`, and whether the guard's registration already sent the answer. */
  private readonly hooksRead: { value: boolean; sealed: boolean };

  constructor(name: string, args: PurgedDeletedAccountArgs, opts?: pulumi.CustomResourceOptions) {
    // Read by the guard's own step (an input, so its registration waits for it): a guard whose hooks are bound to an
    // account knows that the account will be created in the guard's group, so when up finds that group missing it
    // purges nothing and leaves the decision to the hooks (invariant (g)); a guard alone frees a name in a group that
    // may be gone (the contract) and never asks.
    const hooksRead = { value: false, sealed: false };
    const watch: HookedAccountWatch = { seen: false };
    const accountHooked = afterThisTurn().then(() => {
      hooksRead.sealed = true;
      return hooksRead.value;
    });
    super(
      purgedDeletedAccountProvider,
      name,
      {
        ...args,
        accountHooked,
        // Recorded for the guard's diff: a replacement of a retained account leaves it in Azure (claims.ts, declareMoveAway).
        accountRetained: accountHooked.then(() => watch.retained === true),
        groupDeclared: comesFromResource(args.resourceGroupName),
        programContradiction: declareInProgram({
          intent: "purge",
          who: "PurgedDeletedAccount guard",
          accountName: args.accountName,
          resourceGroupName: args.resourceGroupName,
          subscriptionId: args.subscriptionId,
          // The account constructed with the guard's hooks, in this turn (guardSubdomain.ts, watchHookedAccount).
          customSubDomainName: () => (watch.properties === undefined ? undefined : subdomainOfProperties(watch.properties)),
          creates: () => watch.accountResource,
        }),
        purged: undefined,
        pendingPurge: undefined,
        deletedAccountId: undefined,
        deletionDate: undefined,
        scheduledPurgeDate: undefined,
        owned: undefined,
      },
      runsUnderMocks() ? opts : withGuardHook(opts, guardSubdomainHook(name, watch)),
      "cognitive-reclaim",
      "PurgedDeletedAccount",
    );
    this.hooksRead = hooksRead;
    this.watch = watch;
    this.guarded = { name, accountName: args.accountName, location: args.location, resourceGroupName: args.resourceGroupName, subscriptionId: this.subscriptionId, timeoutMinutes: args.timeoutMinutes, owned: this.owned };
  }
}

/** The guard's own hook, before each create and update of the guard (either may purge), after the user's hooks. */
function withGuardHook(opts: pulumi.CustomResourceOptions | undefined, hook: pulumi.ResourceHook): pulumi.CustomResourceOptions {
  const hooks = opts?.hooks;
  return { ...opts, hooks: { ...hooks, beforeCreate: [...(hooks?.beforeCreate ?? []), hook], beforeUpdate: [...(hooks?.beforeUpdate ?? []), hook] } };
}
