/**
 * The shapes in which Azure Resource Manager answers: error bodies with the
 * codes and messages users quote, timestamps with seven fractional digits,
 * and the api-versions each resource type accepts.
 */

/** An answer the router sends: status, headers and an optional JSON body. */
export interface WireResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export function armError(status: number, code: string, message: string, headers?: Record<string, string>): WireResponse {
  return { status, headers, body: { error: { code, message } } };
}

/**
 * ARM prints resource times as `2026-11-21T12:00:00.1234567Z`: seven
 * fractional digits, the last four below the millisecond. Those four are
 * derived from the millisecond (never `0000`), so the same instant prints the
 * same text and times 48 h apart keep the same fraction, as the service's do.
 */
export function armTime(ms: number): string {
  const belowMs = String((((ms % 1000) + 1000) % 1000) * 37 + 1).padStart(4, "0").slice(-4);
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, `.$1${belowMs}Z`);
}

/** Operation documents print `startTime` / `endTime` in whole seconds: `2025-10-28T14:50:10Z` (recorded). */
export function armTimeInSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export const COGNITIVE_API_VERSIONS = [
  "2016-02-01-preview", "2017-04-18", "2021-04-30", "2021-10-01", "2022-03-01", "2022-10-01", "2022-12-01",
  "2023-05-01", "2023-10-01-preview", "2024-04-01-preview", "2024-06-01-preview", "2024-10-01",
  "2025-04-01-preview", "2025-06-01", "2025-07-01-preview", "2025-09-01", "2026-03-01", "2026-05-15-preview",
];
/** Versions before this one answer deleted accounts without `deletionDate` / `scheduledPurgeDate` (2021-10-01 omits them; 2022-03-01 carries them, recorded). */
export const DELETION_DATES_SINCE = "2022-03-01";
/** Operation URLs always carry this api-version, whatever the request used (recorded). */
export const OPERATION_API_VERSION = "2017-04-18";
/** ARM's gateway marks the 404s it answers itself (the resource or its group is not in ARM's cache). */
export const GATEWAY_FAILURE = { "x-ms-failure-cause": "gateway" } as const;
export const RESOURCES_API_VERSIONS = ["2019-10-01", "2020-06-01", "2021-04-01", "2022-09-01", "2023-07-01", "2024-03-01", "2024-07-01", "2025-04-01"];
export const KEYVAULT_API_VERSIONS = ["2019-09-01", "2021-10-01", "2022-07-01", "2023-02-01", "2023-07-01", "2024-11-01"];
export const STORAGE_API_VERSIONS = ["2021-09-01", "2022-09-01", "2023-01-01", "2023-05-01", "2024-01-01", "2025-01-01"];

/** Checks `api-version` the way ARM does; returns the error to send, or undefined. */
export function checkApiVersion(apiVersion: string | null, accepted: readonly string[]): WireResponse | undefined {
  if (apiVersion === null || apiVersion === "") {
    return armError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  }
  if (!accepted.includes(apiVersion)) {
    return armError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${accepted.join(",")}'.`,
    );
  }
  return undefined;
}

/** 404 ResourceNotFound with ARM's text; `headers` marks a gateway 404 ({@link GATEWAY_FAILURE}). */
export function notFound(resourceType: string, name: string, resourceGroupName: string, headers?: Record<string, string>): WireResponse {
  return armError(
    404,
    "ResourceNotFound",
    `The Resource '${resourceType}/${name}' under resource group '${resourceGroupName}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    headers,
  );
}

/** 404 ResourceGroupNotFound, answered by ARM's gateway. */
export function resourceGroupNotFound(name: string): WireResponse {
  return armError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`, { ...GATEWAY_FAILURE });
}

/** The body of a 403 as ARM sends it when the caller lacks an action at a scope. */
export function authorizationFailed(clientId: string, action: string, scope: string): WireResponse {
  return armError(
    403,
    "AuthorizationFailed",
    `The client '${clientId}' with object id '${clientId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}
