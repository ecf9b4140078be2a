import { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import { ClientSecretCredential } from "@azure/identity";
import type { RunningEmulator } from "../../emulator/server";

/** The scope a client of the public cloud asks for; the emulator's authority issues tokens for it. */
export const SCOPE = ["https://management.azure.com/.default"];

/** The real `@azure/arm-cognitiveservices` client with the real `@azure/identity` credential, pointed at the emulator. */
export function sdkClient(emulator: RunningEmulator, options: { maxRetries?: number } = {}): CognitiveServicesManagementClient {
  const credential = new ClientSecretCredential(emulator.principal.tenantId, emulator.principal.clientId, emulator.principal.clientSecret, {
    authorityHost: emulator.url,
    disableInstanceDiscovery: true,
  });
  return new CognitiveServicesManagementClient(credential, emulator.subscriptionId, {
    endpoint: emulator.url,
    $host: emulator.url,
    credentialScopes: SCOPE,
    retryOptions: { maxRetries: options.maxRetries ?? 3, retryDelayInMs: 50, maxRetryDelayInMs: 200 },
  });
}

/** One answer, as the SDK's pipeline (token, TLS, retries) received it. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: unknown;
}

/**
 * Sends one request through the client's own pipeline (`sendRequest`), for
 * routes and answers the generated methods hide (status codes, headers,
 * operation documents). `pathAndQuery` is relative to the emulator, or an
 * absolute URL (an operation URL the service returned).
 */
export async function send(client: CognitiveServicesManagementClient, emulator: RunningEmulator, method: string, pathAndQuery: string, body?: unknown): Promise<WireAnswer> {
  const url = pathAndQuery.startsWith("https://") ? pathAndQuery : `${emulator.url}${pathAndQuery}`;
  const request = createPipelineRequest({
    url,
    method: method as "GET",
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: undefined,
  });
  if (body !== undefined) request.headers.set("Content-Type", "application/json");
  const response = await client.sendRequest(request);
  const text = response.bodyAsText ?? "";
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers.toJSON(), text, body: parsed };
}
