import { randomUUID } from "node:crypto";
import type { EngineProvider } from "./provider";
import type { ConstructInfo } from "./remoteComponents";
import { emptyHooks, isProviderType, makeUrn, packageOf, parseProviderRef, type ResourceState, typeOfUrn } from "./state";
import type { StepRecord } from "./steps";
import { deepEqual, type Props, UNKNOWN } from "./values";

/** Makes the provider plugin for a provider resource (its package, its inputs as config). */
export type ProviderFactory = (pkg: string) => Promise<EngineProvider>;

/** What the registry needs from the run it serves. */
export interface RegistryHost {
  readonly dryRun: boolean;
  readonly stack: string;
  readonly project: string;
  /** Stack config, `namespace:key` → value. */
  readonly config: Record<string, string>;
  readonly news: ResourceState[];
  readonly prev: ResourceState[];
  readonly olds: Map<string, ResourceState>;
  readonly seen: Set<ResourceState>;
  readonly consumed: Set<ResourceState>;
  record(step: StepRecord): void;
}

/**
 * The providers of one run (pkg/resource/deploy/providers/registry.go, Registry; default providers:
 * source_eval.go, defaultProviders; deployment.go, EnsureProvider — pulumi/pulumi 3.260): provider references
 * resolve to plugins, one plugin instance per provider resource per run, configured with the provider's inputs
 * (for a default provider: the stack config of its package) on first use.
 */
export class ProviderRegistry {
  private readonly plugins = new Map<string, Promise<EngineProvider>>();

  constructor(
    private readonly host: RegistryHost,
    private readonly factory: ProviderFactory,
  ) {}

  /**
   * The provider reference of a custom resource: its explicit one, or its package's default provider, registered
   * on first use (source_eval.go, defaultProviders.newRegisterDefaultProviderEvent: name "default" or
   * "default_<version with _>"). Default providers are steps the CLI does not display (engine/events.go,
   * isDefaultProviderStep).
   */
  refFor(type: string, version: string, explicit: string | undefined): string {
    if (explicit) return explicit;
    const pkg = packageOf(type);
    const name = version ? `default_${version.replace(/[.+-]/g, "_")}` : "default";
    const providerType = `pulumi:providers:${pkg}`;
    const urn = makeUrn(this.host.stack, this.host.project, undefined, providerType, name);
    const existing = this.host.news.find((r) => r.urn === urn);
    if (existing) return `${urn}::${existing.id}`;
    const inputs: Props = Object.fromEntries(
      Object.entries(this.host.config)
        .filter(([k]) => k.startsWith(`${pkg}:`))
        .map(([k, v]) => [k.slice(pkg.length + 1), v]),
    );
    if (version) inputs.version = version;
    const old = this.host.olds.get(urn);
    if (old) this.host.seen.add(old);
    const state: ResourceState = {
      urn,
      type: providerType,
      custom: true,
      id: old?.id ?? (this.host.dryRun ? UNKNOWN : randomUUID()),
      inputs,
      outputs: inputs,
      dependencies: [],
      protect: false,
      retainOnDelete: false,
      pendingDelete: false,
      pendingReplacement: false,
      hooks: emptyHooks(),
      additionalSecretOutputs: [],
    };
    if (old) this.host.consumed.add(old);
    this.host.news.push(state);
    this.host.record({ op: old ? (deepEqual(old.inputs, inputs) ? "same" : "update") : "create", urn, type: providerType, name, keys: [], providerCalled: false, diagnostics: [] });
    return `${urn}::${state.id}`;
  }

  /** The plugin for a provider reference, configured with the provider's inputs on first use. */
  plugin(ref: string): Promise<EngineProvider> {
    const { urn } = parseProviderRef(ref);
    let plugin = this.plugins.get(urn);
    if (!plugin) {
      const pkg = typeOfUrn(urn).slice("pulumi:providers:".length);
      const state = this.host.news.find((r) => r.urn === urn) ?? this.host.prev.find((r) => r.urn === urn);
      plugin = (async () => {
        const instance = await this.factory(pkg);
        const config: Record<string, string> = { ...this.host.config };
        for (const [k, v] of Object.entries(state?.inputs ?? {})) if (k !== "version") config[`${pkg}:${k}`] = String(v);
        await instance.configure(config);
        return instance;
      })();
      this.plugins.set(urn, plugin);
    }
    return plugin;
  }

  /**
   * A remote component's provider plugin and what its `Construct` needs from this run (source_eval.go,
   * resmon.RegisterResource, the `if remote` branch: the provider reference as for a custom resource — the default
   * provider registered on first use — then `providers.GetProvider`).
   */
  async remoteComponentProvider(type: string, version: string, explicit: string | undefined): Promise<{ plugin: EngineProvider; info: Omit<ConstructInfo, "monitorAddress"> }> {
    const plugin = await this.plugin(this.refFor(type, version, explicit));
    return { plugin, info: { project: this.host.project, stack: this.host.stack, organization: "organization", config: this.host.config, dryRun: this.host.dryRun } };
  }

  /** Whether a provider resource still serves a live resource (providers are deleted after their resources). */
  stillUsed(provider: ResourceState): boolean {
    const live = [...this.host.news, ...this.host.prev.filter((r) => !this.host.consumed.has(r) && r !== provider)];
    return live.some((r) => r.provider && parseProviderRef(r.provider).urn === provider.urn);
  }

  isProvider(state: ResourceState): boolean {
    return isProviderType(state.type);
  }

  async close(): Promise<void> {
    for (const plugin of this.plugins.values()) await (await plugin.catch(() => undefined))?.close();
  }
}
