import { revealSecrets } from "../../harness/engine/values";
import type { ProviderHost } from "../../harness/providerHost";

type Props = Record<string, unknown>;

/**
 * The inputs as the provider host receives them: it answers acceptSecrets=false, so the engine sends secrets'
 * plain values (pulumi/pulumi sdk/go/common/resource/plugin/rpc.go, MarshalOptions.KeepSecrets;
 * harness/engine/dynamicProvider.ts does the same). Inputs recorded under setMocks keep the wire form.
 */
export const plain = (props: Props): Props => revealSecrets(props) as Props;

/**
 * The two calls the engine makes to a new resource's provider (step_generator.go: Check with no olds; step.go,
 * CreateStep.Apply: Create with the checked inputs), for tests about those calls through Pulumi's provider host.
 * Check's failures are thrown as the CLI reports them, before Create is called. Flows of several runs or
 * resources belong on the flow harness (harness/engine).
 */
export async function checkThenCreate(host: ProviderHost, urn: string, news: Props): Promise<{ id: string; state: Props; outputs: Props; inputs: Props }> {
  const checked = await host.check(urn, {}, plain(news));
  if (checked.failures.length) throw new Error(`check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  const created = await host.create(urn, checked.inputs);
  return { id: created.id, state: created.properties, outputs: outputsOf(created.properties), inputs: checked.inputs };
}

/** A state's outputs without `__provider`, as `pulumi stack output` and the program see them. */
export function outputsOf(state: Props): Props {
  const { __provider: _provider, ...outputs } = state;
  return outputs;
}
