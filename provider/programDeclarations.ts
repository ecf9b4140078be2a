import * as pulumi from "@pulumi/pulumi";
import { contradictionOf, type Intent } from "./claims";
import { processSlot } from "./processCache";
import { comesFromResource, knownValue, rememberProgramConfig, typeOfUrn } from "./programRuntime";
import { defaultSubscriptionId } from "./settings";

/**
 * What the program process knows and a provider cannot: every resource of
 * this package that the program constructs, before any of them registers.
 *
 * The engine checks, diffs and applies one registration while the program is
 * still registering the next ones (pulumi/pulumi pkg/resource/deploy
 * step_generator.go, GenerateSteps per registration; step_executor.go runs
 * each chain as soon as it is generated). So a `check` in the provider sees
 * only the registrations that came before it: in an `up` without preview, a
 * guard's create could purge before the `check` of a `RecoveredAccount`
 * registered after it declares the contradiction. The program sees both
 * constructors; a resource's registration waits (through an input) until
 * the code that constructs it has run, so the refusal reaches the first
 * `check` of both resources, before any step acts.
 *
 * "The code that constructs it" is everything that runs in the same turn of
 * the event loop as the constructor (Node's `setImmediate` runs after the
 * turn's synchronous code and its microtasks): every resource a program
 * constructs without awaiting I/O in between. A resource constructed after
 * such an await is still caught by the provider's `check` (claims.ts,
 * `declareIntent`) when it registers in time; the README's Limits say so.
 *
 * Kept in process memory of the program (never on a serialized provider).
 */

/** Resolves once the code running with the caller (this turn of the event loop, its microtasks included) has run. */
export function afterThisTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A resource of this package, as its constructor declared it. */
export interface ProgramDeclaration {
  intent: Intent;
  /** Named as the provider's check names it (claims.ts). */
  who: string;
  accountName: pulumi.Input<string> | undefined;
  resourceGroupName: pulumi.Input<string> | undefined;
  subscriptionId?: pulumi.Input<string>;
  /**
   * The account's `customSubDomainName`, a second name unique across Azure; a function when it is known only once
   * the account's constructor has run in this turn (the guard's hooked account).
   */
  customSubDomainName?: pulumi.Input<string | undefined> | (() => pulumi.Input<string | undefined> | undefined);
  /**
   * The azure-native account resource this declaration creates, named by `accountResourceKey` (a soft-delete policy's
   * account, or the account a guard's hooks are bound to); a function when known only once this turn's code has run.
   * Two declarations of one account resource are one (a transformed account is declared by the transformation and by
   * its policy).
   */
  creates?: Promise<AccountResource | undefined> | (() => Promise<AccountResource | undefined> | undefined);
}

/** An azure-native account resource of the program: `key` tells two apart, `name` is how a message names it. */
export interface AccountResource {
  key: string;
  name: string;
}

/** Names an azure-native account resource of the program: its name and its parent's URN, as its own URN does. */
export async function accountResourceKey(name: string, parent: pulumi.Resource | undefined): Promise<AccountResource> {
  const parentUrn = parent ? await knownValue(parent.urn) : undefined;
  // The stack is every root resource's parent, given or not (a transformation may see it either way).
  const root = !parentUrn || typeOfUrn(parentUrn) === "pulumi:pulumi:Stack";
  return { key: `${root ? "" : parentUrn}/${name}`, name };
}

const createdBy = async (d: ProgramDeclaration): Promise<AccountResource | undefined> => {
  try {
    return await (typeof d.creates === "function" ? d.creates() : d.creates);
  } catch {
    return undefined; // a parent whose URN fails fails its own registration, which says why
  }
};

interface Coordinates {
  accountName: string;
  resourceGroupName: string;
  subscriptionId: string;
}

function declarations(): ProgramDeclaration[] {
  return processSlot<ProgramDeclaration[]>("programDeclarations", () => []);
}

/**
 * A value the program knows without any resource's step: a plain value, a
 * promise, or an output no resource produces. Values a resource produces are
 * not waited for (waiting could wait on this very resource's registration):
 * undefined, so they are left to the provider's check.
 */
async function programValue(value: pulumi.Input<string> | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  // An output's own resources are known at once; its `allResources` waits for its value, and so for those resources' steps.
  if (pulumi.Output.isInstance(value) && (value as unknown as { resources(): Set<unknown> }).resources().size > 0) return undefined;
  if (await comesFromResource(value)) return undefined;
  const known = await knownValue(value);
  return typeof known === "string" ? known : undefined;
}

async function coordinatesOf(d: ProgramDeclaration): Promise<Coordinates | undefined> {
  try {
    const [accountName, resourceGroupName, subscriptionId] = await Promise.all([programValue(d.accountName), programValue(d.resourceGroupName), programValue(d.subscriptionId)]);
    // Omitted on both: the same default (stack config or environment), whatever it is; the provider's check requires one.
    const subscription = d.subscriptionId === undefined ? (defaultSubscriptionId() ?? "(default)") : subscriptionId;
    return accountName && resourceGroupName && subscription ? { accountName, resourceGroupName, subscriptionId: subscription } : undefined;
  } catch {
    // A value that fails fails its own resource's registration, which says why.
    return undefined;
  }
}

async function subdomainOf(d: ProgramDeclaration): Promise<string | undefined> {
  try {
    const given = typeof d.customSubDomainName === "function" ? d.customSubDomainName() : d.customSubDomainName;
    return (await programValue(given as pulumi.Input<string> | undefined))?.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The refusal of two account resources of one program that both create one account. */
function twoCreatorsRefusal(mine: Coordinates, one: { who: string; resource: AccountResource }, other: { who: string; resource: AccountResource }): string {
  return (
    `two resources of this program create account '${mine.accountName}' in resource group '${mine.resourceGroupName}': the ${one.who} of resource '${one.resource.name}' and the ${other.who} of resource '${other.resource.name}'. ` +
    `An account has one name in its group, so up would create one and fail on the other ("cannot create already existing resource"), ` +
    `after any purge of the name; nothing is done. Fix: keep one of them, or give each its own accountName.`
  );
}

/** The refusal of two accounts of one program declaring one subdomain. */
function sharedSubdomainRefusal(mine: Coordinates, theirs: Coordinates, subdomain: string): string {
  return (
    `two accounts of this program declare customSubDomainName '${subdomain}': account '${mine.accountName}' in resource group '${mine.resourceGroupName}' ` +
    `and account '${theirs.accountName}' in resource group '${theirs.resourceGroupName}'. A subdomain belongs to one account across Azure, so up would ` +
    `create one and fail on the other (CustomDomainInUse); nothing is done. Fix: give each account its own customSubDomainName.`
  );
}

const sameAccount = (a: Coordinates, b: Coordinates): boolean =>
  a.accountName.toLowerCase() === b.accountName.toLowerCase() && a.resourceGroupName.toLowerCase() === b.resourceGroupName.toLowerCase() && a.subscriptionId.toLowerCase() === b.subscriptionId.toLowerCase();

/**
 * Records a resource the program constructs and returns, once this turn's
 * code has run, why it contradicts another resource of the program (one
 * purges what the other recovers, two account resources create one account,
 * or two accounts declare one `customSubDomainName`), or undefined. The resource passes the
 * answer as an input, so its registration (and its `check`) waits for it.
 */
export function declareInProgram(declaration: ProgramDeclaration): Promise<string | undefined> {
  rememberProgramConfig();
  declarations().push(declaration);
  return afterThisTurn().then(async () => {
    const mine = await coordinatesOf(declaration);
    if (!mine) return undefined;
    const others: { other: ProgramDeclaration; theirs: Coordinates }[] = [];
    for (const other of declarations()) {
      if (other === declaration) continue;
      const theirs = await coordinatesOf(other);
      if (theirs) others.push({ other, theirs });
    }
    const contradiction = others.find(({ other, theirs }) => other.intent !== declaration.intent && sameAccount(mine, theirs));
    if (contradiction) return contradictionOf(mine, declaration, contradiction.other);
    // Two account resources of one name: the second create fails after the first one's purges (invariant (g)).
    const mineCreated = await createdBy(declaration);
    for (const { other, theirs } of others) {
      const theirsCreated = mineCreated !== undefined && sameAccount(mine, theirs) ? await createdBy(other) : undefined;
      if (mineCreated !== undefined && theirsCreated !== undefined && theirsCreated.key !== mineCreated.key) return twoCreatorsRefusal(mine, { who: declaration.who, resource: mineCreated }, { who: other.who, resource: theirsCreated });
    }
    // Another account of the program with the same subdomain: Azure lets one of them have it (contract: two names).
    const subdomain = await subdomainOf(declaration);
    if (!subdomain) return undefined;
    for (const { other, theirs } of others) {
      if (!sameAccount(mine, theirs) && (await subdomainOf(other)) === subdomain) return sharedSubdomainRefusal(mine, theirs, subdomain);
    }
    return undefined;
  });
}
