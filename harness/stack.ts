import { revealSecrets } from "./engine/values";
import type { ProviderHost } from "./providerHost";

type Props = Record<string, unknown>;

/**
 * What the Pulumi engine does with one resource, spelled out: preview is
 * Check (+ Diff for an existing resource); up is Check, Diff, then Create or
 * Update; refresh is Read; destroy is Delete. State holds the outputs plus
 * `__provider`, exactly as the engine keeps them.
 */
export class EngineResource {
  id = "";
  state: Props = {};
  constructor(
    private readonly host: ProviderHost,
    readonly urn: string,
    public inputs: Props,
  ) {}

  get outputs(): Props {
    const { __provider: _p, ...outputs } = this.state;
    return outputs;
  }

  /** `pulumi preview` of this resource: the checked inputs and failures (and the diff when it exists). */
  async preview(inputs: Props = this.inputs) {
    const news = revealed(inputs);
    const checked = await this.host.check(this.urn, this.id ? this.state : {}, news);
    const diff = this.id && checked.failures.length === 0 ? await this.host.diff(this.id, this.urn, this.state, checked.inputs) : undefined;
    return { ...checked, diff };
  }

  /** `pulumi up`: creates, updates or replaces as the diff says. Returns the action taken. */
  async up(inputs: Props = this.inputs): Promise<"create" | "update" | "replace" | "same"> {
    this.inputs = inputs;
    const news = revealed(inputs);
    const checked = await this.host.check(this.urn, this.id ? this.state : {}, news);
    if (checked.failures.length) throw new Error(`check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    if (!this.id) {
      const created = await this.host.create(this.urn, checked.inputs);
      this.id = created.id;
      this.state = created.properties;
      return "create";
    }
    const diff = await this.host.diff(this.id, this.urn, this.state, checked.inputs);
    if (diff.changes !== "some") return "same";
    if (diff.replaces.length) {
      const created = await this.host.create(this.urn, checked.inputs);
      await this.host.delete(this.id, this.urn, this.state);
      this.id = created.id;
      this.state = created.properties;
      return "replace";
    }
    this.state = await this.host.update(this.id, this.urn, this.state, checked.inputs);
    return "update";
  }

  /** `pulumi refresh`: false when the provider says the resource is gone. */
  async refresh(): Promise<boolean> {
    const read = await this.host.read(this.id, this.urn, this.state, revealed(this.inputs));
    if (!read.id) {
      this.id = "";
      this.state = {};
      return false;
    }
    this.state = read.properties;
    return true;
  }

  /**
   * `pulumi destroy` of this resource. The engine runs a destroy in a provider
   * process of its own, which has seen no `check` of this update: pass that
   * host to model it (`this.host` models a delete within the same update).
   */
  async destroy(host: ProviderHost = this.host): Promise<void> {
    await host.delete(this.id, this.urn, this.state);
    this.id = "";
  }
}

/**
 * The inputs as the provider host receives them: it answers acceptSecrets=false, so the engine sends
 * secrets' plain values (pulumi/pulumi sdk/go/common/resource/plugin/rpc.go, MarshalOptions.KeepSecrets;
 * harness/engine/dynamicProvider.ts does the same). Inputs recorded under setMocks keep the wire form.
 */
const revealed = (props: Props): Props => revealSecrets(props) as Props;

export const urnOf = (type: string, name: string, stack = "test", project = "reclaim-test") => `urn:pulumi:${stack}::${project}::${type}::${name}`;
