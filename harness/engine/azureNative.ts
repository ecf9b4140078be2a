import { type Account, CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import { createPipelineRequest, isRestError, RestError } from "@azure/core-rest-pipeline";
import { ClientSecretCredential } from "@azure/identity";
import { type CheckFailure, type DiffResult, type EngineProvider, PartialFailure } from "./provider";
import { nameOfUrn, typeOfUrn } from "./state";
import { deepEqual, type Props, revealSecrets, UNKNOWN } from "./values";

export const ACCOUNT_TYPE = "azure-native:cognitiveservices:Account";
export const RESOURCE_GROUP_TYPE = "azure-native:resources:ResourceGroup";
/** The api-version azure-native 3.x uses for resource groups (its metadata: `azure-native:resources:ResourceGroup`). */
const RESOURCE_GROUP_API_VERSION = "2024-03-01";

/**
 * Which inputs force a replacement, as azure-native computes it
 * (provider/pkg/provider/diff.go, calculateChangesAndReplacements): the
 * parameters of the resource's path always do, plus the properties its
 * metadata marks `forceNew`. The metadata file (azure-native's
 * `bin/metadata-compact.json`, generated) is too large to read here; for
 * `cognitiveservices:Account` the path is
 * `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.CognitiveServices/accounts/{accountName}`
 * and `location` is `forceNew` on tracked resources (diff.go compares it normalized: case and spaces ignored).
 * Kept as data so the lead can extend it.
 */
export const REPLACE_ON: Record<string, string[]> = {
  [ACCOUNT_TYPE]: ["accountName", "resourceGroupName", "location"],
  [RESOURCE_GROUP_TYPE]: ["resourceGroupName", "location"],
};

/** The SDK-shape inputs azure-native sends in the PUT body of an account (everything but the path parameters). */
const ACCOUNT_BODY_KEYS = ["location", "kind", "sku", "tags", "identity", "properties"];

const normalizeLocation = (value: unknown) => (typeof value === "string" ? value.toLowerCase().replace(/\s+/g, "") : value);

/**
 * diff.go, applyAzureSpecificDiff (azure-native 3.x): `location` compares without case or spaces,
 * `resourceGroupName` without case; objectDiff skips keys starting `__`.
 */
function equalInput(key: string, a: unknown, b: unknown): boolean {
  if (key === "location") return deepEqual(normalizeLocation(a), normalizeLocation(b));
  if (key === "resourceGroupName" && typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return deepEqual(a, b);
}

/**
 * Account properties ARM computes (read-only in the REST spec): not inputs, so Read does not fold them into the
 * inputs (provider.go, Read: SdkOutputsToSdkInputs leaves read-only properties out).
 */
const ACCOUNT_READ_ONLY_PROPERTIES = new Set([
  "provisioningState", "endpoint", "endpoints", "internalId", "capabilities", "isMigrated", "skuChangeInfo", "dateCreated",
  "callRateLimit", "quotaLimit", "privateEndpointConnections", "deletionDate", "scheduledPurgeDate", "commitmentPlanAssociations",
  "abusePenalty", "locations",
]);

/** The input shape of an account's outputs: the PUT body's keys, read-only properties left out. */
function inputProjection(type: string, outputs: Props): Props {
  if (type !== ACCOUNT_TYPE) return { ...(outputs.location !== undefined ? { location: outputs.location } : {}), ...(outputs.tags !== undefined ? { tags: outputs.tags } : {}) };
  const projected: Props = {};
  for (const key of ACCOUNT_BODY_KEYS) if (outputs[key] !== undefined) projected[key] = outputs[key];
  if (typeof projected.properties === "object" && projected.properties !== null) {
    projected.properties = Object.fromEntries(Object.entries(projected.properties as Props).filter(([k]) => !ACCOUNT_READ_ONLY_PROPERTIES.has(k)));
  }
  return projected;
}

/**
 * provider.go, Read + diff.go, applyDiff / applyValueDiff (azure-native 3.x): drift seen in Azure goes into the
 * inputs — the difference between the old and the new outputs' input projections is applied to the old inputs,
 * objects key by key, so a refresh or `up --refresh` leaves inputs that the next Diff compares the program with.
 */
export function foldDrift(inputs: Props, before: Props, after: Props): Props {
  const result: Props = {};
  for (const [k, v] of Object.entries(inputs)) if (!(k in before && !(k in after))) result[k] = v;
  for (const [k, v] of Object.entries(after)) {
    if (!(k in before)) result[k] = v;
    else if (!deepEqual(before[k], v)) result[k] = foldValue(inputs[k], before[k], v);
  }
  return result;
}

function foldValue(base: unknown, before: unknown, after: unknown): unknown {
  const isObject = (v: unknown): v is Props => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(base) && isObject(before) && isObject(after)) return foldDrift(base, before, after);
  return after;
}

/** ARM's error, in the shape azure-native reports it (provider/pkg/azure/errors.go, AzureError). */
function azureError(error: RestError): Error {
  const body = error.details as { error?: { code?: string; message?: string } } | undefined;
  const code = error.code ?? body?.error?.code ?? "Unknown";
  return new Error(`Status=${error.statusCode} Code="${code}" Message="${body?.error?.message ?? error.message}"`);
}

const jsonSafe = (value: unknown) => JSON.parse(JSON.stringify(value ?? {})) as Props;

/**
 * A stand-in for the azure-native provider plugin (which needs the Pulumi CLI
 * to run), for `azure-native:cognitiveservices:Account` and
 * `azure-native:resources:ResourceGroup`, faithful to
 * pulumi/pulumi-azure-native `provider/pkg/provider/provider.go`: Create
 * refuses to create over an existing resource (crud.go, CanCreate: GET first,
 * "cannot create already existing resource"), Create and Update send the whole
 * input body as a PUT and wait for the long-running operation, Diff replaces
 * on path parameters and `forceNew` properties and always asks for
 * delete-before-replace (provider.go, Diff: `deleteBeforeReplace := len(replaces) > 0`),
 * Read answers an empty id on 404, Delete sends DELETE and waits.
 * It talks to ARM with `@azure/arm-cognitiveservices`; credentials come from
 * the same variables azure-native reads (`AZURE_*` / `ARM_*`).
 */
export class AzureNativeProvider implements EngineProvider {
  private client?: CognitiveServicesManagementClient;
  private subscriptionId = "";
  private printed = "";

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  async configure(config: Record<string, string>): Promise<void> {
    const env = this.env;
    this.subscriptionId = config["azure-native:subscriptionId"] ?? env.ARM_SUBSCRIPTION_ID ?? env.AZURE_SUBSCRIPTION_ID ?? "";
    if (!this.subscriptionId) throw new Error("azure-native: no subscription id: set the stack config `azure-native:subscriptionId` or ARM_SUBSCRIPTION_ID");
    const tenantId = env.ARM_TENANT_ID ?? env.AZURE_TENANT_ID ?? "";
    const clientId = env.ARM_CLIENT_ID ?? env.AZURE_CLIENT_ID ?? "";
    const clientSecret = env.ARM_CLIENT_SECRET ?? env.AZURE_CLIENT_SECRET ?? "";
    const endpoint = env.AZURE_RESOURCE_MANAGER_ENDPOINT ?? "https://management.azure.com";
    const credential = new ClientSecretCredential(tenantId, clientId, clientSecret, { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true });
    this.client = new CognitiveServicesManagementClient(credential, this.subscriptionId, {
      endpoint,
      $host: endpoint,
      credentialScopes: ["https://management.azure.com/.default"],
    });
  }

  /**
   * azure-native's functions the flow programs call: `authorization:getClientConfig`, which answers the
   * provider's own identity and subscription (provider/pkg/provider/auth_getclientconfig.go, GetClientConfig:
   * clientId and tenantId from the token's claims, subscriptionId from the provider's configuration).
   */
  async invoke(token: string): Promise<Props> {
    if (token !== "azure-native:authorization:getClientConfig") throw new Error(`azure-native stand-in: function ${token} is not modelled`);
    const env = this.env;
    return {
      clientId: env.ARM_CLIENT_ID ?? env.AZURE_CLIENT_ID ?? "",
      objectId: "",
      subscriptionId: this.subscriptionId,
      tenantId: env.ARM_TENANT_ID ?? env.AZURE_TENANT_ID ?? "",
    };
  }

  private get arm(): CognitiveServicesManagementClient {
    if (!this.client) throw new Error("azure-native: Configure was not called");
    return this.client;
  }

  private idOf(type: string, inputs: Props): string {
    const group = `/subscriptions/${this.subscriptionId}/resourceGroups/${String(inputs.resourceGroupName)}`;
    return type === ACCOUNT_TYPE ? `${group}/providers/Microsoft.CognitiveServices/accounts/${String(inputs.accountName)}` : group;
  }

  async check(urn: string, _olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    const type = typeOfUrn(urn);
    // Other azure-native types (an app's settings that take an account's endpoint, say) are recorded, not sent:
    // their inputs become their outputs, so programs that wire accounts into them run.
    if (!(type in REPLACE_ON)) return { inputs: news, failures: [] };
    const failures: CheckFailure[] = [];
    // Required by the path (provider.go, Check → validateResourceProperties: "missing required property").
    const required = type === ACCOUNT_TYPE ? ["resourceGroupName"] : [];
    for (const key of required) if (news[key] === undefined) failures.push({ property: key, reason: `missing required property '${key}'` });
    const inputs = { ...news };
    // azure-native auto-names a resource whose name input is absent from its URN name plus a random suffix; the
    // flows here always name accounts, so the stand-in takes the URN name as is.
    const nameKey = type === ACCOUNT_TYPE ? "accountName" : "resourceGroupName";
    if (inputs[nameKey] === undefined) inputs[nameKey] = nameOfUrn(urn);
    // provider.go, applyDefaults (v3): "Set the default value of azureApiVersion to the APIVersion of the inputs".
    if (inputs.azureApiVersion === undefined) inputs.azureApiVersion = type === ACCOUNT_TYPE ? this.arm.apiVersion : RESOURCE_GROUP_API_VERSION;
    return { inputs, failures };
  }

  async diff(urn: string, _id: string, recordedInputs: Props, oldOutputs: Props, news: Props): Promise<DiffResult> {
    // provider.go, Diff: "v2-to-v3 migration: apiVersion might be available in the old state".
    const oldInputs = recordedInputs.azureApiVersion === undefined && oldOutputs.azureApiVersion !== undefined ? { ...recordedInputs, azureApiVersion: oldOutputs.azureApiVersion } : recordedInputs;
    const keys = new Set([...Object.keys(oldInputs), ...Object.keys(news)].filter((k) => !k.startsWith("__")));
    const diffs = [...keys].filter((k) => !equalInput(k, oldInputs[k], news[k])).sort();
    const replaces = diffs.filter((k) => REPLACE_ON[typeOfUrn(urn)]?.includes(k));
    // provider.go, Diff: "deleteBeforeReplace := len(replaces) > 0" (no random suffix to make room for a second copy).
    return { changes: diffs.length ? "some" : "none", replaces, deleteBeforeReplace: replaces.length > 0, diffs };
  }

  async create(urn: string, news: Props, preview: boolean): Promise<{ id: string; outputs: Props }> {
    const type = typeOfUrn(urn);
    if (!(type in REPLACE_ON)) return { id: preview ? "" : `recorded:${urn}`, outputs: news };
    const inputs = revealSecrets(news) as Props;
    if (preview) return { id: "", outputs: previewOutputs(type, inputs) };
    const id = this.idOf(type, inputs);
    // crud.go, CanCreate: GET first; anything but 404 means it exists (or cannot be checked).
    if (await this.exists(type, inputs)) throw new Error(`cannot create already existing resource '${id}'`);
    return { id, outputs: await this.put(type, inputs) };
  }

  async update(urn: string, _id: string, _oldInputs: Props, oldOutputs: Props, news: Props, preview: boolean): Promise<Props> {
    const type = typeOfUrn(urn);
    if (!(type in REPLACE_ON)) return news;
    const inputs = revealSecrets(news) as Props;
    if (preview) return { ...oldOutputs, ...previewOutputs(type, inputs) };
    // provider.go, Update: a PUT of the whole input body, as Create sends it.
    return this.put(type, inputs);
  }

  async read(urn: string, id: string, inputs: Props, recorded: Props): Promise<{ id: string; outputs: Props; inputs: Props }> {
    const type = typeOfUrn(urn);
    if (!(type in REPLACE_ON)) return { id, outputs: recorded, inputs };
    const plain = revealSecrets(inputs) as Props;
    const outputs = await this.get(type, plain);
    if (!outputs) return { id: "", outputs: {}, inputs: {} };
    return { id: this.idOf(type, plain), outputs, inputs: foldDrift(inputs, inputProjection(type, recorded), inputProjection(type, outputs)) };
  }

  async delete(urn: string, _id: string, inputs: Props, _outputs: Props): Promise<void> {
    const type = typeOfUrn(urn);
    if (!(type in REPLACE_ON)) return;
    const plain = revealSecrets(inputs) as Props;
    try {
      if (type === ACCOUNT_TYPE) {
        await this.arm.accounts.beginDeleteAndWait(String(plain.resourceGroupName), String(plain.accountName), { updateIntervalInMs: 100 });
      } else {
        await this.groupRequest("DELETE", String(plain.resourceGroupName));
      }
    } catch (error) {
      // provider/pkg/azure/client_azcore.go, azCoreClient.Delete: 404 is among the accepted answers (already gone).
      if (isRestError(error) && error.statusCode === 404) return;
      if (isRestError(error)) throw azureError(error);
      throw error;
    }
  }

  async takeOutput(): Promise<string> {
    const text = this.printed;
    this.printed = "";
    return text;
  }

  async close(): Promise<void> {}

  private async exists(type: string, inputs: Props): Promise<boolean> {
    return (await this.get(type, inputs)) !== undefined;
  }

  private async get(type: string, inputs: Props): Promise<Props | undefined> {
    try {
      if (type === ACCOUNT_TYPE) return accountOutputs(await this.arm.accounts.get(String(inputs.resourceGroupName), String(inputs.accountName)), this.arm.apiVersion);
      return groupOutputs(await this.groupRequest("GET", String(inputs.resourceGroupName)));
    } catch (error) {
      if (isRestError(error) && error.statusCode === 404) return undefined;
      if (isRestError(error)) throw azureError(error);
      throw error;
    }
  }

  private async put(type: string, inputs: Props): Promise<Props> {
    try {
      if (type === ACCOUNT_TYPE) {
        const body = Object.fromEntries(ACCOUNT_BODY_KEYS.filter((k) => inputs[k] !== undefined).map((k) => [k, inputs[k]])) as Account;
        const poller = await this.arm.accounts.beginCreate(String(inputs.resourceGroupName), String(inputs.accountName), body, { updateIntervalInMs: 100 });
        try {
          await poller.pollUntilDone();
        } catch (error) {
          // ARM took the PUT, the operation failed: crud.go, HandleErrorWithCheckpoint — read the resource and
          // answer a partial failure carrying its id and state, so the engine keeps it in the state.
          const left = await this.get(type, inputs).catch(() => undefined);
          const reason = isRestError(error) ? azureError(error).message : (error as Error).message;
          if (left) throw new PartialFailure(reason, this.idOf(type, inputs), left);
          throw error;
        }
      } else {
        await this.groupRequest("PUT", String(inputs.resourceGroupName), { location: inputs.location, tags: inputs.tags });
      }
    } catch (error) {
      if (isRestError(error)) throw azureError(error);
      throw error;
    }
    // provider.go, readAfterWrite: the outputs come from a GET after the write.
    const outputs = await this.get(type, inputs);
    if (!outputs) throw new Error(`azure-native: ${this.idOf(type, inputs)} was written but reads as missing`);
    return outputs;
  }

  /** A resource-group request through the same pipeline (credentials, retries) as the account client. */
  private async groupRequest(method: "GET" | "PUT" | "DELETE", name: string, body?: unknown): Promise<Props> {
    const url = `${this.arm.$host}/subscriptions/${this.subscriptionId}/resourcegroups/${name}?api-version=${RESOURCE_GROUP_API_VERSION}`;
    const request = createPipelineRequest({ url, method, body: body === undefined ? undefined : JSON.stringify(body) });
    if (body !== undefined) request.headers.set("Content-Type", "application/json");
    const response = await this.arm.sendRequest(request);
    const payload = response.bodyAsText ? (JSON.parse(response.bodyAsText) as Props) : {};
    if (response.status >= 300) {
      const error = (payload.error ?? {}) as { code?: string; message?: string };
      throw new RestError(error.message ?? `status ${response.status}`, { code: error.code, statusCode: response.status });
    }
    return payload;
  }
}

function accountOutputs(account: Account, apiVersion: string): Props {
  const { id: _id, ...rest } = jsonSafe(account);
  return { ...rest, azureApiVersion: apiVersion };
}

function groupOutputs(group: Props): Props {
  const { id: _id, ...rest } = group;
  return { ...rest, azureApiVersion: RESOURCE_GROUP_API_VERSION };
}

/** Outputs during preview: the inputs where outputs mirror them, everything ARM computes unknown (convert.PreviewOutputs). */
function previewOutputs(type: string, inputs: Props): Props {
  if (type === ACCOUNT_TYPE) {
    const properties = (inputs.properties ?? {}) as Props;
    return {
      ...Object.fromEntries(ACCOUNT_BODY_KEYS.filter((k) => inputs[k] !== undefined).map((k) => [k, inputs[k]])),
      name: UNKNOWN,
      type: UNKNOWN,
      etag: UNKNOWN,
      properties: { ...properties, endpoint: UNKNOWN, provisioningState: UNKNOWN, internalId: UNKNOWN },
    };
  }
  return { location: inputs.location, name: UNKNOWN, type: UNKNOWN, properties: UNKNOWN };
}
