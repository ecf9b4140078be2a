import * as pulumi from "@pulumi/pulumi";
import { armSession } from "./azureSession";
import { type ResolvedInputs, UNKNOWN, pickInputs } from "./inputs";
import { accountHookOptions, previewLookup, runHook } from "./lifecycle";
import { type Declared, type Identity, subdomainRefusal } from "./planner";
import { type AccountResource, accountResourceKey } from "./programDeclarations";
import { knownValue, uniqueHookName } from "./programRuntime";
import { revealHookInputs } from "./secrets";
import { lookUpWorld } from "./world";

/**
 * The guard's own step purges the soft-deleted account of its name before the
 * guarded account's hooks run (the account depends on the guard), so a
 * refusal those hooks would make about the account's `customSubDomainName`
 * (held by another live account, or outside the subscription) comes after the
 * purge: an up that purges, then fails for a reason preview could foresee
 * (contract invariant (g)). The same holds for a soft-deleted holder of another
 * name that is not this stack's own, which the hooks refuse too. The guard is not given the account's inputs; the
 * program is. So:
 * - `watchHookedAccount` notes the `properties` of the resource constructed
 *   with the guard's account hooks, through a stack transformation, which the
 *   SDK applies synchronously in that resource's constructor
 *   (@pulumi/pulumi resource.js, Resource constructor: `__transformations`
 *   from the parent, the stack, whose list `registerStackTransformation`
 *   extends);
 * - `guardSubdomainHook`, a `beforeCreate` and `beforeUpdate` hook bound to
 *   the guard itself (preview and up), asks the planner about that subdomain
 *   before the guard's create, or its update after a refresh found the name
 *   soft-deleted again (`pendingPurge`), and refuses when the guard would
 *   purge an account for a create that Azure will refuse.
 * The hook refuses only when the guard's own step would purge: otherwise the
 * account's hooks refuse right before its create, having purged nothing.
 * Kept in program memory, never on a serialized provider.
 */
export interface HookedAccountWatch {
  /** Whether a resource constructed with the guard's account hooks was seen. */
  seen: boolean;
  /** That resource, as `accountResourceKey` names it (programDeclarations.ts). */
  accountResource?: Promise<AccountResource>;
  /** That resource's `retainOnDelete`: a replacement then leaves its account in Azure. */
  retained?: boolean;
  /** That resource's `properties` input, as its constructor passed it on. */
  properties?: pulumi.Input<Record<string, unknown> | undefined>;
  /** The account live at the guarded name when the program ran: the hooks' "own" (accountHooks.ts, observeOwnAccount). */
  own?: Promise<Identity | undefined>;
}

/** Notes the first resource constructed with these hooks (a program with no such resource leaves the watch unseen). */
export function watchHookedAccount(hooks: pulumi.ResourceHookBinding, watch: HookedAccountWatch): void {
  const marker = hooks.beforeCreate?.[0];
  if (!marker) return;
  try {
    pulumi.runtime.registerStackTransformation((args) => {
      const bound = (args.opts as { hooks?: pulumi.ResourceHookBinding }).hooks?.beforeCreate ?? [];
      if (!watch.seen && bound.includes(marker)) {
        watch.seen = true;
        watch.accountResource = accountResourceKey(args.name, args.opts.parent);
        watch.retained = args.opts.retainOnDelete === true;
        watch.properties = (args.props as Record<string, unknown>).properties as HookedAccountWatch["properties"];
      }
      return undefined;
    });
  } catch {
    // No stack resource in this process (a component provider's): the account's hooks still refuse before its create.
  }
}

async function subdomainOfWatched(watch: HookedAccountWatch): Promise<string | undefined> {
  if (!watch.seen || watch.properties === undefined) return undefined;
  const properties = await knownValue(pulumi.output(watch.properties) as pulumi.Output<Record<string, unknown> | undefined>);
  const subdomain = properties?.customSubDomainName;
  return typeof subdomain === "string" && subdomain !== UNKNOWN ? subdomain : undefined;
}

/**
 * The planner's refusal of the guarded account's create when its `customSubDomainName` is held by another account:
 * live, outside the subscription (the holds only the live-accounts listing or Azure's check finds), or soft-deleted
 * and not this stack's own (the account's hooks would refuse it: fuzz seed 8105 life 38, a rename keeping the
 * subdomain after a destroy). Asked only when the guard's own step would purge (a soft-deleted account at its
 * coordinates, one GET); undefined otherwise. "Own" is what the hooks count as own at that moment: the account live
 * at the name when the program ran.
 */
async function refusalBeforePurge(c: ResolvedInputs, subdomain: string, signal: AbortSignal, own: Identity | undefined): Promise<string | undefined> {
  const session = await armSession(c.subscriptionId);
  if (!(await session.getDeletedAccount(c, { abortSignal: signal }))) return undefined;
  const held = await lookUpWorld(session, c, subdomain, signal);
  if (!held.subdomainHolder) return undefined;
  const declared: Declared = { account: c, customSubDomainName: subdomain, policy: "guard", asker: "create", groupDeclared: true };
  return subdomainRefusal(declared, held, { identities: own ? [own] : [] });
}

/** The guard's own `beforeCreate` hook (see the module's comment). */
export function guardSubdomainHook(name: string, watch: HookedAccountWatch): pulumi.ResourceHook {
  return new pulumi.ResourceHook(
    uniqueHookName(`${name}-subdomain-before-purge`),
    async (args) => {
      // Bound to the guard's create and update: an update purges only what a refresh found (`pendingPurge`).
      if (args.oldOutputs !== undefined && (await revealHookInputs(args.oldOutputs))?.pendingPurge !== true) return;
      const subdomain = await subdomainOfWatched(watch);
      if (!subdomain) return;
      const inputs = (await revealHookInputs(args.newInputs)) ?? {};
      if (![inputs.accountName, inputs.location, inputs.resourceGroupName, inputs.subscriptionId].every((v) => typeof v === "string" && v !== UNKNOWN)) return;
      const c = pickInputs(inputs);
      const own = await watch.own?.catch(() => undefined);
      const refusal = pulumi.runtime.isDryRun()
        ? await previewLookup(name, `the subdomain of account ${c.accountName}`, c.subscriptionId, (run) => refusalBeforePurge(c, subdomain, run.signal, own))
        : await runHook(accountHookOptions("look-up of the subdomain before the guard's purge of account", c), (run) => refusalBeforePurge(c, subdomain, run.signal, own));
      if (refusal) throw new Error(`${name}: ${refusal} The guard purges nothing for a create that Azure would refuse (soft-deleted account '${c.accountName}' stays recoverable).`);
    },
    { onDryRun: true },
  );
}
