/**
 * Turns whatever a hook throws into a message that names the cause and the
 * fix. Azure errors are recognised by `statusCode` and ARM's error `code`,
 * never by matching message text, and no message carries a token or secret.
 */

/** The action purging needs, at subscription scope. */
export const PURGE_ACTION = "Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts/delete";

export interface FailureContext {
  /** What the hook was doing, e.g. `purge of soft-deleted account 'x' in resource group 'rg' (eastus)`. */
  action: string;
  subscriptionId?: string;
  resourceGroupName?: string;
  timeoutMinutes: number;
  /** The wait in progress when the deadline passed. */
  waitingFor?: string;
  timedOut: boolean;
}

interface AzureErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  details?: unknown;
}

/** The error classes `@azure/identity` throws when it cannot get a token. */
const IDENTITY_ERRORS = ["AuthenticationError", "AuthenticationRequiredError", "CredentialUnavailableError", "AggregateAuthenticationError"];

const minutes = (n: number): string => `${n} minute${n === 1 ? "" : "s"}`;

/** ARM's error code and message from a RestError (its `details.error` carries the service's body). */
function armError(e: AzureErrorLike): { code?: string; message: string } {
  const body = (e.details as { error?: { code?: string; message?: string } } | undefined)?.error;
  return { code: body?.code ?? e.code, message: body?.message ?? e.message ?? String(e) };
}

/** Builds the user-facing message for a failure. `isRestError` is `@azure/core-rest-pipeline`'s. */
export function describeFailure(error: unknown, ctx: FailureContext, isRestError: (e: unknown) => boolean): string {
  const e = (error ?? {}) as AzureErrorLike;
  if (ctx.timedOut || e.name === "AbortError") {
    return (
      `${ctx.action} timed out after ${minutes(ctx.timeoutMinutes)} (timeoutMinutes) while waiting for ${ctx.waitingFor ?? "Azure Resource Manager"}. ` +
      "Azure may still finish the operation: run `pulumi up` again to pick up where it stopped, or raise timeoutMinutes (at most 1440)."
    );
  }
  if (IDENTITY_ERRORS.includes(e.name ?? "")) {
    return (
      `${ctx.action} failed: no token for Azure Resource Manager (${e.name}: ${firstLine(e.message)}). ` +
      "Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or the ARM_ equivalents), or log in with `az login`; " +
      "for a private authority set AZURE_AUTHORITY_HOST."
    );
  }
  if (isRestError(error)) {
    const { code, message } = armError(e);
    const status = e.statusCode;
    if (status === undefined) {
      return `${ctx.action} failed: could not reach Azure (${code ?? e.name}: ${firstLine(message)}) after retries. Check the network, AZURE_RESOURCE_MANAGER_ENDPOINT and NODE_EXTRA_CA_CERTS, then run \`pulumi up\` again.`;
    }
    if (status === 403 && code === "AuthorizationFailed") {
      return (
        `${ctx.action} was refused (403 AuthorizationFailed): the identity needs the action '${PURGE_ACTION}', ` +
        `which must be granted at subscription scope (/subscriptions/${ctx.subscriptionId ?? "<subscription>"}), for example by assigning the Contributor role there; ` +
        `a role on the resource group is not enough, because a deleted account is no longer inside its group. Azure said: ${message}`
      );
    }
    const described = describeAccountStateError(status, code, message, ctx);
    if (described) return described;
    if (code === "FlagMustBeSetForRestore") {
      return (
        `${ctx.action} failed: a soft-deleted account holds this name (409 FlagMustBeSetForRestore). ` +
        "Either recover it (declare a RecoveredAccount, or ReclaimableAccount with ifSoftDeleted: \"recover\", keeping its keys, endpoint and data), " +
        `or purge it first (declare a PurgedDeletedAccount that the account dependsOn). Azure said: ${message}`
      );
    }
    if (code === "CustomDomainInUse") {
      return (
        `${ctx.action} failed: the custom subdomain is held by another account, possibly soft-deleted in the last 48 hours (409 CustomDomainInUse). ` +
        `Find it with listDeletedAccounts() and purge it (PurgedDeletedAccount) or recover it (RecoveredAccount). Azure said: ${message}`
      );
    }
    if (code === "CanNotRestoreANonExistingResource") {
      return `${ctx.action} failed: there is no soft-deleted account to restore; it was purged or its 48-hour retention expired, so recovery is no longer possible (${code}: ${message})`;
    }
    return `${ctx.action} failed: Azure answered ${status} ${code ?? ""}: ${message}`.replace(/  +/g, " ");
  }
  if (e.code && e.message) return `${ctx.action} failed: ${e.code}: ${firstLine(e.message)}`;
  return `${ctx.action} failed: ${firstLine(e.message ?? String(error))}`;
}

// ---- errors about the state of accounts and groups (issue #9, #11) ------------------------------
// Kept apart from the credential and TLS messages above: each names ARM's code, the cause and the fix.

/** The message for an ARM error about the account's or group's state, or undefined when `code` is not one of them. */
export function describeAccountStateError(status: number, code: string | undefined, message: string, ctx: FailureContext): string | undefined {
  const group = ctx.resourceGroupName ?? "?";
  switch (code) {
    case "ResourceGroupNotFound":
      return (
        `${ctx.action} failed: resource group '${group}' does not exist (${status} ResourceGroupNotFound). ` +
        "Deleting a group soft-deletes the accounts in it, and a deleted group cannot be recovered: recreate it with the same name and location, " +
        "then run `pulumi up` again (listDeletedAccounts({ resourceGroupName }) shows the accounts it held)."
      );
    case "CanNotCreateMultipleFreeAccounts":
      return (
        `${ctx.action} failed: the subscription already has a free-tier (F0) account of this kind, live or soft-deleted, and Azure allows one per kind (${status} CanNotCreateMultipleFreeAccounts). ` +
        "A soft-deleted F0 account keeps the slot for 48 hours: find it with listDeletedAccounts() and purge it (PurgedDeletedAccount) or recover and reuse it (RecoveredAccount), " +
        `or choose a paid SKU such as S0. Azure said: ${message}`
      );
    case "CannotDeleteResource":
      return (
        `${ctx.action} failed: the account still has nested resources, such as AI Foundry projects (${status} CannotDeleteResource), and Azure deletes an account only once they are gone. ` +
        `Delete its projects (and their model deployments) first, by removing them from the stack or in the portal, then run again. Azure said: ${message}`
      );
    case "RequestConflict":
      return (
        `${ctx.action} failed: Azure answered ${status} RequestConflict: another operation on this account is still in progress (a soft delete that just happened settles for a while). ` +
        `Run \`pulumi up\` again in a few minutes. Azure said: ${message}`
      );
    default:
      return undefined;
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0].trim();
}

/** Removes bearer tokens and the configured secrets from a message, whatever produced it. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message.replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, "Bearer <redacted>");
  out = out.replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g, "<redacted token>");
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("<redacted>");
  return out;
}
