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

/** Input, then `azure-native:subscriptionId`, then `AZURE_SUBSCRIPTION_ID`, then `ARM_SUBSCRIPTION_ID`. */
export function defaultSubscriptionId(env: NodeJS.ProcessEnv = process.env, stack: StackConfig = stackConfig()): string | undefined {
  return firstSet(stack.subscriptionId, env.AZURE_SUBSCRIPTION_ID, env.ARM_SUBSCRIPTION_ID);
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
  const cloudName = (firstSet(env.ARM_ENVIRONMENT, stack.environment) ?? "public").toLowerCase();
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
 * A service principal from stack config, `AZURE_*` or `ARM_*` variables (the
 * first complete set wins); undefined means the `DefaultAzureCredential`
 * chain (Azure CLI login, managed identity, workload identity).
 */
export function servicePrincipal(env: NodeJS.ProcessEnv = process.env, stack: StackConfig = stackConfig()): ServicePrincipalSettings | undefined {
  const sets: [string, string | undefined, string | undefined, string | undefined][] = [
    ["azure-native stack config", stack.tenantId, stack.clientId, stack.clientSecret],
    ["AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET", env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET],
    ["ARM_TENANT_ID / ARM_CLIENT_ID / ARM_CLIENT_SECRET", env.ARM_TENANT_ID, env.ARM_CLIENT_ID, env.ARM_CLIENT_SECRET],
  ];
  for (const [source, tenantId, clientId, clientSecret] of sets) {
    if (tenantId && clientId && clientSecret) return { source, tenantId, clientId, clientSecret };
  }
  return undefined;
}
