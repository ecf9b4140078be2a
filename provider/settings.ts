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
 * One setting from the two environment variables that name it. The contract's
 * order is `AZURE_*` then `ARM_*`, while azure-native reads only `ARM_*`
 * (pulumi/pulumi-azure-native provider/pkg/provider/auth_azidentity.go,
 * `readAuthConfig`, through provider.go `getConfig`). So that this package and
 * azure-native never act in two subscriptions or as two identities, the two
 * variables must agree when both are set: a disagreement is an error naming
 * both (values only where they are not secret).
 */
function fromEnvironment(env: NodeJS.ProcessEnv, azureName: string, armName: string, secret = false): string | undefined {
  const azure = firstSet(env[azureName]);
  const arm = firstSet(env[armName]);
  if (azure !== undefined && arm !== undefined && azure !== arm) {
    const values = secret ? "two different values" : `${JSON.stringify(azure)} and ${JSON.stringify(arm)}`;
    throw new Error(
      `${azureName} and ${armName} are both set, to ${values}. azure-native reads ${armName}, this package reads ${azureName} first, so the two would act ` +
        `${azureName.endsWith("SUBSCRIPTION_ID") ? "in two subscriptions" : "as two identities"}: unset one of them, or set them to the same value ` +
        `(or set azure-native:${azureName.replace(/^AZURE_/, "").toLowerCase().replace(/_(\w)/g, (_m, c: string) => c.toUpperCase())} in the stack config, which both read first).`,
    );
  }
  return azure ?? arm;
}

/** The resource input wins (callers check it first); then `azure-native:subscriptionId`, then `AZURE_SUBSCRIPTION_ID` / `ARM_SUBSCRIPTION_ID` (which must agree). */
export function defaultSubscriptionId(env: NodeJS.ProcessEnv = process.env, stack: StackConfig = stackConfig()): string | undefined {
  return firstSet(stack.subscriptionId) ?? fromEnvironment(env, "AZURE_SUBSCRIPTION_ID", "ARM_SUBSCRIPTION_ID");
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
  // azure-native's getCloud (auth_azidentity.go): `azure-native:environment`, else ARM_ENVIRONMENT (AZURE_ENVIRONMENT must agree with it).
  const cloudName = (firstSet(stack.environment) ?? fromEnvironment(env, "AZURE_ENVIRONMENT", "ARM_ENVIRONMENT") ?? "public").toLowerCase();
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
 * The service principal: tenant, client id and client secret each from the
 * `azure-native:<key>` stack config (as azure-native reads them first), else
 * from `AZURE_<KEY>` / `ARM_<KEY>`, which must agree when both are set (see
 * `fromEnvironment`). A client secret without its tenant or client id is
 * refused, as azure-native refuses it (`newSingleMethodAuthCredential`: "A
 * Tenant ID must be configured when authenticating as a Service Principal
 * using a Client Secret"), rather than falling through to another identity.
 * Undefined means the `DefaultAzureCredential` chain (Azure CLI login,
 * managed identity, workload identity).
 */
export function servicePrincipal(env: NodeJS.ProcessEnv = process.env, stack: StackConfig = stackConfig()): ServicePrincipalSettings | undefined {
  const field = (stackValue: string | undefined, key: string, variable: string, secret = false): { value?: string; from?: string } => {
    if (firstSet(stackValue)) return { value: stackValue, from: `azure-native:${key}` };
    const value = fromEnvironment(env, `AZURE_${variable}`, `ARM_${variable}`, secret);
    return value === undefined ? {} : { value, from: firstSet(env[`AZURE_${variable}`]) ? `AZURE_${variable}` : `ARM_${variable}` };
  };
  const tenant = field(stack.tenantId, "tenantId", "TENANT_ID");
  const client = field(stack.clientId, "clientId", "CLIENT_ID");
  const secret = field(stack.clientSecret, "clientSecret", "CLIENT_SECRET", true);
  if (!secret.value) return undefined;
  const missing = [tenant.value ? undefined : "a tenant id (azure-native:tenantId, AZURE_TENANT_ID or ARM_TENANT_ID)", client.value ? undefined : "a client id (azure-native:clientId, AZURE_CLIENT_ID or ARM_CLIENT_ID)"].filter(Boolean);
  if (missing.length) {
    throw new Error(
      `a client secret is set in ${secret.from}, but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not. azure-native refuses this service principal too, and this package will not fall back to another identity: ` +
        "set the missing value next to the secret (pulumi config set azure-native:tenantId ..., or the variable).",
    );
  }
  return { source: [tenant.from, client.from, secret.from].join(" / "), tenantId: tenant.value!, clientId: client.value!, clientSecret: secret.value };
}

/** Every client secret the settings could hold, whichever is in use: messages are scrubbed of all of them. */
export function knownSecrets(env: NodeJS.ProcessEnv = process.env, stack: StackConfig = stackConfig()): string[] {
  return [stack.clientSecret, env.ARM_CLIENT_SECRET, env.AZURE_CLIENT_SECRET].filter((s): s is string => Boolean(s));
}
