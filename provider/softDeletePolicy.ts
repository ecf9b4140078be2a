import * as pulumi from "@pulumi/pulumi";
import { type IfSoftDeleted, intentOf } from "./handlers/softDeletePolicy";
import { type AccountResource, declareInProgram } from "./programDeclarations";
import { stableProvider } from "./stableProvider";
export { IF_SOFT_DELETED, type IfSoftDeleted, type SoftDeletePolicyOutputs } from "./handlers/softDeletePolicy";

/**
 * The provider object serialized into each policy's state: a thin forwarder
 * to the package's stable entry, `pulumi-cognitive-reclaim/runtime`.
 */
export const softDeletePolicyProvider = stableProvider("softDeletePolicy");

/** Arguments of the policy resource inside {@link ReclaimableAccount}. */
export interface SoftDeletePolicyArgs {
  accountName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  subscriptionId?: pulumi.Input<string>;
  ifSoftDeleted?: pulumi.Input<IfSoftDeleted>;
  purgeOnDestroy?: pulumi.Input<boolean>;
  timeoutMinutes?: pulumi.Input<number>;
  /** A digest of the account's inputs other than the restore flag. */
  accountFingerprint?: pulumi.Input<string>;
  /** The account's `retainOnDelete`: a retained account is never purged on destroy. */
  retained?: pulumi.Input<boolean>;
  /** The account's `properties.customSubDomainName`: a second name, unique across Azure, that a soft-deleted account keeps holding. */
  customSubDomainName?: pulumi.Input<string | undefined>;
  /** The account's resource group is a resource of the same program: its absence at preview is not refused. */
  groupDeclared?: pulumi.Input<boolean>;
}

/** The deployment-time decision of a {@link ReclaimableAccount}; use the component rather than this directly. */
export class SoftDeletePolicy extends pulumi.dynamic.Resource {
  /** The subscription the policy looks the name up in (azure-native's, for the component). */
  declare public readonly subscriptionId: pulumi.Output<string>;
  /** What the name held when the policy last decided. */
  declare public readonly found: pulumi.Output<"free" | "soft-deleted" | "live">;
  /** True while the account must carry `properties.restore: true`. */
  declare public readonly restore: pulumi.Output<boolean>;
  /** True when this policy recovered the account. */
  declare public readonly restored: pulumi.Output<boolean>;
  /** True when this policy purged a soft-deleted account. */
  declare public readonly purged: pulumi.Output<boolean>;
  /** Identities (ARM id, internalId) of the accounts this stack created, restored or kept under this policy: "own" means recorded here. */
  declare public readonly owned: pulumi.Output<{ id: string; internalId?: string }[] | undefined>;
  /** How the account at this name came to the stack: `created`, `restored`, or `foreign` (another account held the name when the policy decided). */
  declare public readonly lineage: pulumi.Output<"created" | "restored" | "foreign" | undefined>;

  /** `accountResource` names the account resource the policy decides for (programDeclarations.ts, `accountResourceKey`). */
  constructor(name: string, args: SoftDeletePolicyArgs, opts?: pulumi.CustomResourceOptions, accountResource?: Promise<AccountResource>) {
    super(
      softDeletePolicyProvider,
      name,
      { ...args, programContradiction: contradictionInProgram(args, accountResource ?? Promise.resolve({ key: `policy:${name}`, name: name.replace(/-soft-delete-policy$/, "") })), found: undefined, restore: undefined, restored: undefined, purged: undefined, pendingDecision: undefined, restoredFingerprint: undefined, owned: undefined, lineage: undefined },
      // Digests of the account's inputs, which may hold secrets: stored encrypted. The engine marks only outputs whose
      // input of the same name was secret (step_executor.go); restoredFingerprint has no such input.
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "accountFingerprint", "restoredFingerprint"] },
      "cognitive-reclaim",
      "SoftDeletePolicy",
    );
  }
}

/** The program's refusal of a resource of the same program acting on this account in contradiction (programDeclarations.ts); a policy given as an output is left to the provider's check. */
export function contradictionInProgram(args: Pick<SoftDeletePolicyArgs, "accountName" | "resourceGroupName" | "subscriptionId" | "ifSoftDeleted" | "customSubDomainName">, accountResource: Promise<AccountResource>): Promise<string | undefined> | undefined {
  const policy = args.ifSoftDeleted ?? "recover";
  if (typeof policy !== "string") return undefined;
  return declareInProgram({ ...intentOf(policy), accountName: args.accountName, resourceGroupName: args.resourceGroupName, subscriptionId: args.subscriptionId, customSubDomainName: args.customSubDomainName, creates: accountResource });
}
