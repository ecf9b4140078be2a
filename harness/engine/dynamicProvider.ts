import { ProviderHost } from "../providerHost";
import type { DiffResult, EngineProvider } from "./provider";
import { type Props, revealSecrets } from "./values";

/**
 * The `pulumi-nodejs` provider: Pulumi's own dynamic provider host
 * (`@pulumi/pulumi/cmd/dynamic-provider`) started in the program's folder,
 * one process per run, as the engine starts one plugin per provider.
 */
export class DynamicProvider implements EngineProvider {
  private mark = 0;

  private constructor(private readonly host: ProviderHost) {}

  static async start(cwd: string, env: NodeJS.ProcessEnv): Promise<DynamicProvider> {
    return new DynamicProvider(await ProviderHost.start({ cwd, env }));
  }

  async configure(config: Record<string, string>): Promise<void> {
    await this.host.configure(config);
  }

  // The dynamic host answers acceptSecrets=false: the engine reveals secrets before sending (plugin/rpc.go, MarshalOptions.KeepSecrets).
  async check(urn: string, olds: Props, news: Props) {
    return this.host.check(urn, revealSecrets(olds) as Props, revealSecrets(news) as Props);
  }

  async diff(urn: string, id: string, _oldInputs: Props, oldOutputs: Props, news: Props): Promise<DiffResult> {
    // The dynamic host diffs the old outputs (its state) against the new inputs (cmd/dynamic-provider/index.js, diffRPC).
    const diff = await this.host.diff(id, urn, revealSecrets(oldOutputs) as Props, revealSecrets(news) as Props);
    return { ...diff, diffs: [] };
  }

  async create(urn: string, news: Props, preview: boolean) {
    // The host answers supportsPreview=false: during preview the plugin client answers the inputs as outputs
    // without calling it (sdk/go/common/resource/plugin/provider_plugin.go, provider.Create).
    if (preview) return { id: "", outputs: news };
    const created = await this.host.create(urn, revealSecrets(news) as Props);
    return { id: created.id, outputs: created.properties };
  }

  async read(urn: string, id: string, inputs: Props, outputs: Props) {
    const read = await this.host.read(id, urn, revealSecrets(outputs) as Props, revealSecrets(inputs) as Props);
    return { id: read.id, outputs: read.properties, inputs: read.inputs };
  }

  async update(urn: string, id: string, _oldInputs: Props, oldOutputs: Props, news: Props, preview: boolean) {
    if (preview) return news; // provider_plugin.go, provider.Update: no preview support → the inputs
    return this.host.update(id, urn, revealSecrets(oldOutputs) as Props, revealSecrets(news) as Props);
  }

  async delete(urn: string, id: string, _inputs: Props, outputs: Props) {
    await this.host.delete(id, urn, revealSecrets(outputs) as Props);
  }

  async takeOutput(): Promise<string> {
    // The host's output goes to a file, written synchronously before it answers a call (see ProviderHost.output).
    const text = this.host.output.slice(this.mark);
    this.mark = this.host.output.length;
    return text;
  }

  async close(): Promise<void> {
    await this.host.stop();
  }
}
