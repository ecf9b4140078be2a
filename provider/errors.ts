/**
 * Turns whatever a hook throws into a message that names the cause and the
 * fix. Azure errors are recognised by `statusCode` and ARM's error `code`,
 * never by matching message text, and no message carries a token or secret.
 */

import { type TransportFailure, transportFailureOf } from "./transportFailures";

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
  /** Set for a preview lookup: its own bound, which replaces timeoutMinutes. */
  previewBoundInMs?: number;
  /** A TLS or connect failure the hook met (transportFailures); the error itself may not carry it. */
  transportFailure?: TransportFailure;
  /** The token authority's `host:port`, to tell its failures from Resource Manager's. */
  authorityHost?: string;
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

/** A duration for people: `2.4 s`, `20 s`, `1.5 min`; never a long float. */
export function durationText(ms: number): string {
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

/** `timeoutMinutes` as the user wrote it (`5 minutes`, `0.04 minutes`), or as a duration when it has more than two decimals. */
function minutes(n: number): string {
  const hundredths = n * 100;
  if (Math.abs(hundredths - Math.round(hundredths)) > 1e-9) return durationText(n * 60_000);
  return `${Number(n.toFixed(2))} minute${n === 1 ? "" : "s"}`;
}

/**
 * A credential error's message without MSAL's and the identity library's
 * boilerplate ("Timestamp: Not Available", "Trace ID", "Correlation ID",
 * "Error Codes", "To troubleshoot, visit https://aka.ms/..."): the AADSTS
 * code and its first sentence when there is one, else the first line.
 */
export function credentialMessage(text: string | undefined): string {
  const message = text ?? "";
  const aadsts = /AADSTS\d+:[^.\r\n]*\.?/.exec(message);
  if (aadsts) return aadsts[0].trim();
  return firstLine(message)
    .replace(/\s*To troubleshoot, visit https:\/\/aka\.ms\/\S+/g, "")
    .replace(/:?\s*See https:\/\/aka\.ms\/\S+ for details\.?/g, "")
    .replace(/\s*-?\s*(Timestamp|Trace ID|Correlation ID|Error Codes|Error\(s\)):.*$/i, "")
    .trim();
}

/** Why a certificate was refused, and what to do about it, per Node's code. */
function tlsAdvice(code: string): string {
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID" || code === "HOSTNAME_MISMATCH") {
    return "its certificate is for another host name: check that AZURE_AUTHORITY_HOST / AZURE_RESOURCE_MANAGER_ENDPOINT name the host the certificate was issued for.";
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return "its certificate is outside its validity period: check this machine's clock, or renew the certificate.";
  }
  return (
    "Node does not trust the certificate's issuer. If the host uses a private CA (an emulator, a proxy that inspects TLS), " +
    "set NODE_EXTRA_CA_CERTS to that CA's PEM file in the environment that starts Pulumi (Node reads it once, at start)."
  );
}

/** The message for a TLS or connect failure at `service`. */
function transportMessage(failure: TransportFailure, service: string, ctx: FailureContext): string {
  const where = `${service} (${failure.host || "host unknown"})`;
  if (failure.kind === "tls") {
    return (
      `${ctx.action} failed: Node refused the TLS certificate of ${where} (${failure.code}), so the request never reached it; this is not a credential problem. ` +
      `${tlsAdvice(failure.code)} No setting turns certificate verification off.`
    );
  }
  const check = service === "the token authority" ? "AZURE_AUTHORITY_HOST" : "AZURE_RESOURCE_MANAGER_ENDPOINT";
  if (ctx.previewBoundInMs !== undefined) {
    return (
      `${ctx.action} could not connect to ${where} (${failure.code}). Preview lookups stop at the first connection failure ` +
      `(and give up after ${durationText(ctx.previewBoundInMs)} at most); this does not affect up, which retries within its own bound, timeoutMinutes. ` +
      `Check the network and ${check}.`
    );
  }
  return `${ctx.action} failed: could not connect to ${where} (${failure.code}) after retries. Check the network and ${check}, then run \`pulumi up\` again.`;
}

/** ARM's error code and message from a RestError (its `details.error` carries the service's body). */
function armError(e: AzureErrorLike): { code?: string; message: string } {
  const body = (e.details as { error?: { code?: string; message?: string } } | undefined)?.error;
  return { code: body?.code ?? e.code, message: body?.message ?? e.message ?? String(e) };
}

/** Builds the user-facing message for a failure. `isRestError` is `@azure/core-rest-pipeline`'s. */
export function describeFailure(error: unknown, ctx: FailureContext, isRestError: (e: unknown) => boolean): string {
  const e = (error ?? {}) as AzureErrorLike;
  const isIdentityError = IDENTITY_ERRORS.includes(e.name ?? "");
  // A failure noted elsewhere explains this error only if no HTTP answer came (a token that never came, a wait cut short).
  const failure = transportFailureOf(error) ?? (e.statusCode === undefined ? ctx.transportFailure : undefined);
  // A connect failure is named here for credentials and previews; the generic RestError branch below covers up's.
  if (failure && (failure.kind === "tls" || isIdentityError || ctx.previewBoundInMs !== undefined || isRestError(error))) {
    return transportMessage(failure, failure.host === ctx.authorityHost ? "the token authority" : "Azure Resource Manager", ctx);
  }
  if (ctx.previewBoundInMs !== undefined && (ctx.timedOut || e.name === "AbortError")) {
    return (
      `${ctx.action} gave up after ${durationText(ctx.previewBoundInMs)}, the bound of preview lookups, while waiting for ${ctx.waitingFor ?? "Azure Resource Manager"}. ` +
      "This does not affect up, whose bound is timeoutMinutes."
    );
  }
  if ((ctx.timedOut || e.name === "AbortError") && ctx.transportFailure?.kind === "connect") {
    const f = ctx.transportFailure;
    const service = f.host === ctx.authorityHost ? "the token authority" : "Azure Resource Manager";
    return (
      `${ctx.action} timed out after ${minutes(ctx.timeoutMinutes)} (timeoutMinutes) while waiting for ${ctx.waitingFor ?? "Azure Resource Manager"}: ` +
      `it could not connect to ${service} (${f.host}): ${f.code}, and retried until then. ` +
      `Check the network and ${f.host === ctx.authorityHost ? "AZURE_AUTHORITY_HOST" : "AZURE_RESOURCE_MANAGER_ENDPOINT"}, then run \`pulumi up\` again.`
    );
  }
  if (ctx.timedOut || e.name === "AbortError") {
    return (
      `${ctx.action} timed out after ${minutes(ctx.timeoutMinutes)} (timeoutMinutes) while waiting for ${ctx.waitingFor ?? "Azure Resource Manager"}. ` +
      "Azure may still finish the operation: run `pulumi up` again to pick up where it stopped, or raise timeoutMinutes (at most 1440)."
    );
  }
  if (isIdentityError) {
    const inner = Array.isArray((e as { errors?: unknown }).errors) ? ((e as { errors: AzureErrorLike[] }).errors) : [];
    const said = inner.length > 0 ? inner.map((x) => `${x.name}: ${credentialMessage(x.message)}`).join("; ") : `${e.name}: ${credentialMessage(e.message)}`;
    return (
      `${ctx.action} failed: no token for Azure Resource Manager (${said}). ` +
      "Set the service principal as azure-native reads it (azure-native:tenantId, clientId and clientSecret stack config, or ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET), " +
      "or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or log in with `az login`; " +
      "for a private authority set AZURE_AUTHORITY_HOST."
    );
  }
  if (isRestError(error)) {
    const { code, message } = armError(e);
    const status = e.statusCode;
    if (status === undefined) {
      return `${ctx.action} failed: could not reach Azure (${code ?? e.name}: ${firstLine(message)}) after retries. Check the network, AZURE_RESOURCE_MANAGER_ENDPOINT and NODE_EXTRA_CA_CERTS, then run \`pulumi up\` again.`;
    }
    if (status === 403 && (code === "AuthorizationFailed" || code === "LinkedAuthorizationFailed")) return authorizationMessage(code, message, ctx);
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

// ---- 403: the action Azure refused, and the narrowest built-in role that grants it -----------------

/** The action and scope ARM names in an AuthorizationFailed message; undefined when it names none. */
export function refusedAction(message: string): { action: string; scope?: string } | undefined {
  // ARM's text: "... does not have authorization to perform action '<action>' over scope '<scope>' or the scope is invalid."
  // LinkedAuthorizationFailed: "... does not have permission to perform action(s) '<action>' on the linked scope(s) '<scope>' ...".
  const m = /perform action(?:\(s\))? '([^']+)' (?:over|on the linked) scope(?:\(s\))? '([^']+)'/.exec(message) ?? /perform action(?:\(s\))? '([^']+)'/.exec(message);
  return m ? { action: m[1], scope: m[2] } : undefined;
}

/** A built-in role and the scope it must be assigned at. */
export interface RoleAdvice {
  role: string;
  /** Where to assign it, in words (the subscription, the group). */
  at: string;
}

/**
 * The narrowest built-in role that grants an action this package sends, read
 * from the built-in role definitions (learn.microsoft.com, "Azure built-in
 * roles"): Cognitive Services Contributor (25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68)
 * holds `Microsoft.CognitiveServices/*`; Reader (acdd72a7-3385-48ef-bd42-f606fba81ae7)
 * holds every read action and nothing else. (Cognitive Services User grants
 * the reads too, but also `accounts/listkeys/action` and every data action: wider.)
 * Undefined for an action the package never sends: no guess.
 */
export function roleFor(action: string, ctx: Pick<FailureContext, "subscriptionId" | "resourceGroupName">): RoleAdvice | undefined {
  const subscription = `subscription scope (/subscriptions/${ctx.subscriptionId ?? "<subscription>"})`;
  const group = `the scope of resource group '${ctx.resourceGroupName ?? "<the account's group>"}' (or the subscription above it)`;
  switch (action.toLowerCase()) {
    case PURGE_ACTION.toLowerCase():
      // A soft-deleted account is no longer inside its group: only a role at subscription scope reaches it.
      return { role: "Cognitive Services Contributor", at: `${subscription}; a role on the resource group is not enough, because a deleted account is no longer inside its group` };
    case "microsoft.cognitiveservices/accounts/write":
    case "microsoft.cognitiveservices/accounts/delete":
      return { role: "Cognitive Services Contributor", at: group };
    case "microsoft.cognitiveservices/locations/resourcegroups/deletedaccounts/read":
    case "microsoft.cognitiveservices/deletedaccounts/read":
    case "microsoft.cognitiveservices/locations/operationresults/read":
      return { role: "Reader", at: subscription };
    case "microsoft.cognitiveservices/accounts/read":
    case "microsoft.resources/subscriptions/resourcegroups/read":
      return { role: "Reader", at: group };
    case "microsoft.resources/subscriptions/resources/read":
    case "microsoft.storage/storageaccounts/read":
    case "microsoft.keyvault/vaults/read":
      return { role: "Reader", at: subscription };
    default:
      return undefined;
  }
}

/** The message for a 403: the action and scope Azure named, and the role to grant, or Azure's own words when it named none. */
function authorizationMessage(code: string, message: string, ctx: FailureContext): string {
  const refused = refusedAction(message);
  if (!refused) {
    return `${ctx.action} was refused (403 ${code}), and Azure did not name the action it refused. Azure said: ${message}`;
  }
  const scope = refused.scope ? ` over scope '${refused.scope}'` : "";
  const advice = roleFor(refused.action, ctx);
  const grant = advice
    ? `The narrowest built-in role that grants it is ${advice.role}, which must be granted at ${advice.at}.`
    : "Grant it with a role that includes this action (a custom role, or a built-in role whose actions cover it).";
  return `${ctx.action} was refused (403 ${code}): the identity may not perform the action '${refused.action}'${scope}. ${grant} Azure said: ${message}`;
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
