import { processSlot, setProcessSlot } from "./processCache";

/**
 * Run-time configuration: which subscription, which cloud, which credential.
 * Read when a hook runs, from the stack config the engine hands the
 * provider's `configure` hook and from the environment; never captured into
 * the serialized provider or the state.
 */

/** The stack config keys this package reads (the `azure-native` provider's own). */
export interface StackConfig {
  subscriptionId?: string;
  environment?: string;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
}


/**
 * Remembers the stack config for this process. Called by the `configure`
 * hook in the provider host (or by the lookups in the program), so it lives
 * in process memory, never on the serialized provider object.
 */
export function rememberStackConfig(config: { get(key: string): string | undefined }): void {
  const read = (key: string) => config.get(`azure-native:${key}`) || undefined;
  const stack: StackConfig = {
    subscriptionId: read("subscriptionId"),
    environment: read("environment"),
    tenantId: read("tenantId"),
    clientId: read("clientId"),
    clientSecret: read("clientSecret"),
  };
  setProcessSlot("stackConfig", stack);
}

export function stackConfig(): StackConfig {
  return processSlot<StackConfig>("stackConfig", () => ({}));
}

const firstSet = (...values: (string | undefined)[]): string | undefined => values.find((v) => v !== undefined && v !== "");

/**
 * The precedence is azure-native's, so the package acts in the subscription and
 * as the identity azure-native deploys with: each setting is read from the
 * `azure-native:<key>` stack config, else from `ARM_<KEY>`
 * (pulumi/pulumi-azure-native provider/pkg/provider/provider.go, `getConfig`;
 * auth_azidentity.go, `readAuthConfig`). azure-native never reads the `AZURE_*`
 * variables for these; this package still honours them (the `@azure/identity`
 * convention) when azure-native's own sources leave the setting unset.
 */
const azureNativeFirst = (stackValue: string | undefined, armValue: string | undefined, azureValue: string | undefined): string | undefined =>
  firstSet(stackValue, armValue, azureValue);

/** The resource input wins (callers check it first); then `azure-native:subscriptionId`, `ARM_SUBSCRIPTION_ID`, `AZURE_SUBSCRIPTION_ID`. */
export function defaultSubscriptionId(env: NodeJS.ProcessEnv = process.env, stack: StackConfig = stackConfig()): string | undefined {
  return azureNativeFirst(stack.subscriptionId, env.ARM_SUBSCRIPTION_ID, env.AZURE_SUBSCRIPTION_ID);
}

interface Cloud {
  resourceManager: string;
  authorityHost: string;
}

/** The Azure clouds `ARM_ENVIRONMENT` / `azure-native:environment` name. */
export const CLOUDS: Readonly<Record<string, Cloud>> = {
  public: { resourceManager: "https://management.azure.com", authorityHost: "https://login.microsoftonline.com" },
  usgovernment: { resourceManager: "https://management.usgovcloudapi.net", authorityHost: "https://login.microsoftonline.us" },
  china: { resourceManager: "https://management.chinacloudapi.cn", authorityHost: "https://login.chinacloudapi.cn" },
};

/** Token authorities of the public Azure clouds; any other host gets instance discovery turned off. */
const PUBLIC_AUTHORITY_HOSTS = ["login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn"];

export interface Endpoints {
  /** Resource Manager base URL, no trailing slash. */
  resourceManager: string;
  /** Token audience; the scope requested is `<audience>/.default`. */
  audience: string;
  authorityHost: string;
  disableInstanceDiscovery: boolean;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, "");

/** Resolves endpoints from the environment and stack config, per the package's configuration table. */
export function resolveEndpoints(env: NodeJS.ProcessEnv = process.env, stack: StackConfig = stackConfig()): Endpoints {
  // azure-native's getCloud: `azure-native:environment`, else ARM_ENVIRONMENT, else AZURE_ENVIRONMENT (auth_azidentity.go).
  const cloudName = (azureNativeFirst(stack.environment, env.ARM_ENVIRONMENT, env.AZURE_ENVIRONMENT) ?? "public").toLowerCase();
  const cloud = CLOUDS[cloudName];
  if (!cloud) {
    throw new Error(`ARM_ENVIRONMENT / azure-native:environment is ${JSON.stringify(cloudName)}; expected one of ${Object.keys(CLOUDS).join(", ")}`);
  }
  const customEndpoint = firstSet(env.AZURE_RESOURCE_MANAGER_ENDPOINT);
  const resourceManager = trimSlash(customEndpoint ?? cloud.resourceManager);
  // A custom endpoint keeps the public audience, as Azure Stack-less private endpoints do.
  const audience = trimSlash(firstSet(env.AZURE_RESOURCE_MANAGER_AUDIENCE) ?? (customEndpoint ? CLOUDS.public.resourceManager : cloud.resourceManager));
  const authorityHost = trimSlash(firstSet(env.AZURE_AUTHORITY_HOST) ?? cloud.authorityHost);
  const host = authorityHost.replace(/^https?:\/\//, "").split(/[/:]/)[0].toLowerCase();
  return { resourceManager, audience, authorityHost, disableInstanceDiscovery: !PUBLIC_AUTHORITY_HOSTS.includes(host) };
}

export interface ServicePrincipalSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Where the values came from, for messages (never the values). */
  source: string;
}

/**
 * The service principal, chosen as azure-native chooses it: tenant, client id
 * and client secret each from `azure-native:<key>` stack config, else
 * `ARM_TENANT_ID` / `ARM_CLIENT_ID` / `ARM_CLIENT_SECRET` (azure-native's
 * `readAuthConfig`). A client secret from those sources without a tenant or
 * client id is refused, as azure-native refuses it (`newSingleMethodAuthCredential`:
 * "A Tenant ID must be configured when authenticating as a Service Principal
 * using a Client Secret"), rather than falling through to another identity.
 * Only when azure-native's sources hold no client secret does a complete
 * `AZURE_TENANT_ID` / `AZURE_CLIENT_ID` / `AZURE_CLIENT_SECRET` set apply;
 * undefined means the `DefaultAzureCredential` chain (Azure CLI login,
 * managed identity, workload identity).
 */
export function servicePrincipal(env: NodeJS.ProcessEnv = process.env, stack: StackConfig = stackConfig()): ServicePrincipalSettings | undefined {
  const field = (stackValue: string | undefined, key: string, armValue: string | undefined): { value?: string; from?: string } =>
    firstSet(stackValue) ? { value: stackValue, from: `azure-native:${key}` } : firstSet(armValue) ? { value: armValue, from: `ARM_${key.replace(/([A-Z])/g, "_$1").toUpperCase()}` } : {};
  const tenant = field(stack.tenantId, "tenantId", env.ARM_TENANT_ID);
  const client = field(stack.clientId, "clientId", env.ARM_CLIENT_ID);
  const secret = field(stack.clientSecret, "clientSecret", env.ARM_CLIENT_SECRET);
  if (secret.value) {
    const missing = [tenant.value ? undefined : "a tenant id (azure-native:tenantId or ARM_TENANT_ID)", client.value ? undefined : "a client id (azure-native:clientId or ARM_CLIENT_ID)"].filter(Boolean);
    if (missing.length) {
      throw new Error(
        `a client secret is set in ${secret.from}, but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not. azure-native refuses this service principal too, and this package will not fall back to another identity: ` +
          "set the missing value next to the secret (pulumi config set azure-native:tenantId ..., or the ARM_ variable).",
      );
    }
    return { source: [tenant.from, client.from, secret.from].join(" / "), tenantId: tenant.value!, clientId: client.value!, clientSecret: secret.value };
  }
  if (env.AZURE_TENANT_ID && env.AZURE_CLIENT_ID && env.AZURE_CLIENT_SECRET) {
    return { source: "AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET", tenantId: env.AZURE_TENANT_ID, clientId: env.AZURE_CLIENT_ID, clientSecret: env.AZURE_CLIENT_SECRET };
  }
  return undefined;
}

/** Every client secret the settings could hold, whichever is in use: messages are scrubbed of all of them. */
export function knownSecrets(env: NodeJS.ProcessEnv = process.env, stack: StackConfig = stackConfig()): string[] {
  return [stack.clientSecret, env.ARM_CLIENT_SECRET, env.AZURE_CLIENT_SECRET].filter((s): s is string => Boolean(s));
}
