import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { knownValue, runsUnderMocks, tell, typeOfUrn } from "./programRuntime";
import { restoreSecrets } from "./secrets";
import { accountRecorder } from "./accountRecord";
import { type AccountInputs, attachSoftDeleteHandling, mergeHooks, type SoftDeleteSettings, subdomainOfProperties } from "./softDeleteHandling";
import { accountResourceKey } from "./programDeclarations";
import { contradictionInProgram } from "./softDeletePolicy";

/** Settings for every account, and per account by its Pulumi resource name. */
export interface ReclaimSoftDeletedAccountsOptions extends SoftDeleteSettings {
  /** Overrides by the account's resource name (the first argument of `new cognitiveservices.Account(name, …)`). */
  accounts?: Record<string, SoftDeleteSettings>;
}

const ACCOUNT_TYPE = "azure-native:cognitiveservices:Account";

/**
 * The former names of an account renamed in place: its aliases that keep its parent, type, stack and project
 * (`aliases: [{ name: "old" }]`, or the old URN). The resources this package adds beside the account take the same
 * aliases, so a rename does not replace them: a new policy would start with no record of the accounts this stack
 * owns. An alias that moves the account elsewhere is not followed: under its new parent the former name may be
 * another account's, whose policy would be taken over (or the engine would refuse the alias).
 * `prefix` is the account's URN without its name (`urn:pulumi:<stack>::<project>::<types>::`), where known.
 */
async function formerNamesOf(aliases: unknown, prefix: string | undefined, parentUrn: string | undefined): Promise<string[]> {
  const names: string[] = [];
  for (const alias of Array.isArray(aliases) ? aliases : []) {
    const name = typeof alias === "string" ? nameInUrn(alias, prefix) : nameInPlace(alias);
    if (name === undefined) continue;
    // A spec's parent (the SDK fills in the resource's own when the alias names none), or none: the same parent.
    const parent = typeof alias === "string" ? undefined : (alias as { parent?: unknown }).parent;
    const aliasParentUrn = pulumi.Resource.isInstance(parent) ? await knownValue(parent.urn) : parentUrn;
    if (aliasParentUrn === parentUrn) names.push(name);
  }
  return names;
}

/** {@link formerNamesOf} where the parent's URN cannot be waited for: only aliases that name no parent. */
function formerNamesInPlace(aliases: unknown, prefix: string | undefined): string[] {
  return (Array.isArray(aliases) ? aliases : []).flatMap((alias) => {
    const name = typeof alias === "string" ? nameInUrn(alias, prefix) : "parent" in (alias as object) ? undefined : nameInPlace(alias);
    return name === undefined ? [] : [name];
  });
}

/** The name in an alias URN that differs from the account's own URN (`prefix` + name) by its name only. */
function nameInUrn(urn: string, prefix: string | undefined): string | undefined {
  return prefix !== undefined && urn.startsWith(prefix) && !urn.slice(prefix.length).includes("::") ? urn.slice(prefix.length) : undefined;
}

/** The name of an alias spec that keeps the account's type, project and stack. */
function nameInPlace(alias: unknown): string | undefined {
  const { name, type, project, stack } = (alias ?? {}) as { name?: unknown; type?: unknown; project?: unknown; stack?: unknown };
  const unchanged = (value: unknown, now: string) => value === undefined || value === "" || value === now;
  return typeof name === "string" && name !== "" && unchanged(type, ACCOUNT_TYPE) && unchanged(project, pulumi.getProject()) && unchanged(stack, pulumi.getStack()) ? name : undefined;
}

/** The account's URN without its name, from its parent's URN (the stack's, or none, for a root account). */
function urnPrefixOf(parentUrn: string | undefined): string {
  const types = parentUrn === undefined || typeOfUrn(parentUrn) === "pulumi:pulumi:Stack" ? ACCOUNT_TYPE : `${parentUrn.split("::")[2]}$${ACCOUNT_TYPE}`;
  return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${types}::`;
}

const COMPONENT_TYPE = "cognitive-reclaim:index:ReclaimableAccount";

/**
 * One line at the top of a program gives every azure-native
 * `cognitiveservices.Account` declared after it the soft-delete handling of a
 * {@link ReclaimableAccount}, without rewriting the accounts:
 *
 * ```ts
 * reclaimSoftDeletedAccounts({ ifSoftDeleted: "recover", accounts: { scratch: { ifSoftDeleted: "purge" } } });
 * ```
 *
 * A stack transform (`pulumi.runtime.registerResourceTransform`) adds to each
 * account a policy resource it depends on, the restore flag in the create that
 * restores, and the hooks that keep replacements working; accounts inside a
 * `ReclaimableAccount` are left to it. The transform runs in the engine, so
 * it does nothing under `pulumi.runtime.setMocks` (whose monitor has no
 * transforms): unit tests see the accounts as declared.
 */
export function reclaimSoftDeletedAccounts(options: ReclaimSoftDeletedAccountsOptions = {}): void {
  if (runsUnderMocks()) return;
  const { accounts = {}, ...defaults } = options;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded here so the package works without azure-native installed
  const authorization = require("@pulumi/azure-native/authorization") as typeof import("@pulumi/azure-native/authorization");
  const settingsOf = (accountResourceName: string): SoftDeleteSettings => ({ ...defaults, ...(accounts[accountResourceName] ?? {}) });
  declareHandledAccounts(settingsOf, authorization);
  pulumi.runtime.registerResourceTransform(async (args) => {
    if (args.type !== ACCOUNT_TYPE || !args.custom) return undefined;
    const parentUrn = args.opts.parent ? await knownValue(args.opts.parent.urn) : undefined;
    if (parentUrn && typeOfUrn(parentUrn) === COMPONENT_TYPE) return undefined;
    // The SDK hands secrets over in their wire form; as secret Outputs they survive being read and extended.
    const props = restoreSecrets(args.props) as AccountInputs;
    if (props.accountName === undefined) return undefined; // autonamed: a fresh random name never meets a soft-deleted one
    if (props.location === undefined) {
      tell(`account ${args.name} has no location; it is left without soft-delete handling (soft-deleted accounts are kept per location)`);
      return undefined;
    }
    const settings = settingsOf(args.name);
    const subscriptionId = authorization.getClientConfigOutput(args.opts.provider ? { provider: args.opts.provider } : {}).subscriptionId;
    // The policy and hooks live at the stack's root: name them after the account's whole URN path, so
    // two accounts of the same name under different parents do not collide.
    const handlingNameOf = (name: string) => (parentUrn ? `${name}-${createHash("sha256").update(parentUrn).digest("hex").slice(0, 8)}` : name);
    const attached = attachSoftDeleteHandling(handlingNameOf(args.name), props, settings, {
      retainOnDelete: args.opts.retainOnDelete,
      subscriptionId,
      accountResource: accountResourceKey(args.name, args.opts.parent),
      formerNames: (await formerNamesOf(args.opts.aliases, urnPrefixOf(parentUrn), parentUrn)).map(handlingNameOf),
    });
    const dependsOn = [...((args.opts.dependsOn as pulumi.Input<pulumi.Resource>[] | undefined) ?? []), attached.policy];
    // The SDK hands a transform `deleteBeforeReplace: false` when the option is unset (callbacks.js,
    // registerTransform), and an explicit false would override azure-native's delete-before-replace
    // (step_generator.go: the option wins over the provider's diff): pass it on only when it is true.
    const { deleteBeforeReplace, ...options } = args.opts as pulumi.CustomResourceOptions;
    return {
      props: { ...props, properties: attached.properties },
      opts: { ...options, ...(deleteBeforeReplace ? { deleteBeforeReplace } : {}), dependsOn, hooks: mergeHooks(args.opts.hooks, attached.hooks) },
    };
  });
}

/**
 * Runs inside each plain account's constructor (a legacy stack transformation: resource.js, `__transformations`),
 * and changes nothing there but the record's hook. Two things cannot wait for the transform above, which runs only when the account
 * registers:
 * - it tells the program process, in the turn that constructs the account, what its handling will do
 *   (programDeclarations.ts), so a `RecoveredAccount` or guard of the same account constructed beside it is refused
 *   before either registers (without this, a `RecoveredAccount` next to an account under "purge" or "fail" restored
 *   before the policy's check refused the pair);
 * - where `purgeOnDestroy` is set, it binds the account's afterCreate hook and registers the record of what the
 *   account's creates made (accountRecord.ts), which reads the account's outputs: only this transformation holds the
 *   account object.
 */
function declareHandledAccounts(settingsOf: (accountResourceName: string) => SoftDeleteSettings, authorization: typeof import("@pulumi/azure-native/authorization")): void {
  try {
    pulumi.runtime.registerStackTransformation((args) => {
      if (args.type !== ACCOUNT_TYPE || !(args.resource instanceof pulumi.CustomResource)) return undefined;
      const parent = args.opts.parent;
      if ((parent as { __pulumiType?: string } | undefined)?.__pulumiType === COMPONENT_TYPE) return undefined; // a ReclaimableAccount's policy declares it
      const props = args.props as AccountInputs;
      if (props.accountName === undefined || props.location === undefined) return undefined; // left unhandled (above)
      const settings = settingsOf(args.name);
      // Its subscription is the one azure-native deploys it to, as the transform asks (the stack's default may be another:
      // a provider of its own, or AZURE_SUBSCRIPTION_ID alone); through a provider resource it is left to the checks.
      const subscriptionId = authorization.getClientConfigOutput(args.opts.provider ? { provider: args.opts.provider } : {}).subscriptionId;
      const where = { accountName: props.accountName, resourceGroupName: props.resourceGroupName, subscriptionId };
      const { ifSoftDeleted } = settings;
      // Declared as the account's policy declares itself; the answer goes nowhere: the other resource's own declaration reads this one.
      // A policy known only later is left to the provider's check, no invoke.
      if (ifSoftDeleted === undefined || typeof ifSoftDeleted === "string") void contradictionInProgram({ ...where, ifSoftDeleted, customSubDomainName: subdomainOfProperties(props.properties) }, accountResourceKey(args.name, parent));
      // The record's name carries the parent's, since two accounts of one name may live under two parents (whose own names differ).
      const recordNameOf = (name: string) => (parent ? `${name}-${createHash("sha256").update(pulumi.resourceName(parent)).digest("hex").slice(0, 8)}` : name);
      // This constructor cannot wait for a parent's URN: a child account's old URN is not followed (its record starts anew).
      const formerNames = formerNamesInPlace(args.opts.aliases, parent ? undefined : urnPrefixOf(undefined));
      const recorder = accountRecorder(recordNameOf(args.name), where, settings.purgeOnDestroy, formerNames.map(recordNameOf));
      if (!recorder) return undefined;
      // The account's outputs exist once its constructor returns.
      const account = args.resource as pulumi.CustomResource;
      queueMicrotask(() => recorder.record(account, parent));
      return { props: args.props, opts: { ...args.opts, hooks: mergeHooks(recorder.hooks, args.opts.hooks as pulumi.ResourceHookBinding | undefined) } };
    });
  } catch {
    // No stack resource in this process (a component provider's): the providers' checks still refuse the pair, and
    // without a record purgeOnDestroy purges nothing (the policy's delete says so).
  }
}
