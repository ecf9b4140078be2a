import { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import { createPipelineRequest, isRestError } from "@azure/core-rest-pipeline";
import { ClientSecretCredential } from "@azure/identity";
import type { RunningEmulator } from "../emulator/server";

/**
 * What the azure-native provider would send for the quickstart's resource
 * group and account, made with `@azure/arm-cognitiveservices` (azure-native
 * cannot run without the Pulumi CLI). The demo's no-CLI path and the
 * component tests use it.
 */
export class AzureNativeStandIn {
  private readonly client: CognitiveServicesManagementClient;

  constructor(private readonly emulator: RunningEmulator) {
    const p = emulator.principal;
    const credential = new ClientSecretCredential(p.tenantId, p.clientId, p.clientSecret, { authorityHost: emulator.url, disableInstanceDiscovery: true });
    this.client = new CognitiveServicesManagementClient(credential, emulator.subscriptionId, {
      endpoint: emulator.url,
      $host: emulator.url,
      credentialScopes: ["https://management.azure.com/.default"],
    });
  }

  async createResourceGroup(name: string, location: string): Promise<void> {
    const url = `${this.emulator.url}/subscriptions/${this.emulator.subscriptionId}/resourcegroups/${name}?api-version=2021-04-01`;
    const request = createPipelineRequest({ url, method: "PUT", body: JSON.stringify({ location }), headers: undefined });
    request.headers.set("Content-Type", "application/json");
    const response = await this.client.sendRequest(request);
    if (response.status >= 300) throw new Error(`resource group create answered ${response.status}: ${response.bodyAsText}`);
  }

  /** The account create azure-native sends: a PUT, then polling until it is done. Resolves to an error text or the endpoint. */
  async createAccount(args: { resourceGroupName: string; accountName: string; location: string; kind: string; skuName: string; customSubDomainName: string }): Promise<{ endpoint?: string; error?: string }> {
    try {
      const account = await this.client.accounts.beginCreateAndWait(
        args.resourceGroupName,
        args.accountName,
        { location: args.location, kind: args.kind, sku: { name: args.skuName }, properties: { customSubDomainName: args.customSubDomainName } },
        { updateIntervalInMs: 250 },
      );
      return { endpoint: account.properties?.endpoint };
    } catch (error) {
      if (isRestError(error)) return { error: `${error.statusCode} ${error.code}: ${error.message}` };
      throw error;
    }
  }

  /** The PUT azure-native sends for an Account whose (resolved) inputs are these. */
  async putAccount(inputs: { resourceGroupName: string; accountName: string; location: string; kind?: string; sku?: { name: string }; properties?: Record<string, unknown> }): Promise<{ endpoint?: string; error?: string }> {
    try {
      const account = await this.client.accounts.beginCreateAndWait(
        inputs.resourceGroupName,
        inputs.accountName,
        { location: inputs.location, kind: inputs.kind, sku: inputs.sku, properties: inputs.properties },
        { updateIntervalInMs: 250 },
      );
      return { endpoint: account.properties?.endpoint };
    } catch (error) {
      if (isRestError(error)) return { error: `${error.statusCode} ${error.code}: ${error.message}` };
      throw error;
    }
  }

  async deleteAccount(resourceGroupName: string, accountName: string): Promise<void> {
    await this.client.accounts.beginDeleteAndWait(resourceGroupName, accountName);
  }
}
