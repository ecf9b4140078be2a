import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { EngineProvider } from "./provider";
import type { Props } from "./values";

/* eslint-disable @typescript-eslint/no-require-imports */
const providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const providerProto = require("@pulumi/pulumi/proto/provider_pb");
const resourceProto = require("@pulumi/pulumi/proto/resource_pb");
const aliasProto = require("@pulumi/pulumi/proto/alias_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf messages have no TypeScript types here */

/**
 * Remote components (multi-language component packages), the engine's side:
 *
 * - A program registers a component with `remote: true` (a generated SDK of another language always does). The
 *   engine does not make steps for it: `resmon.RegisterResource` (pkg/resource/deploy/source_eval.go, the `if remote`
 *   branch) resolves the package's provider like a custom resource's (`getProviderReference` on the default
 *   providers, registering `pulumi:providers:<pkg>::default` on first use), loads its plugin
 *   (pkg/resource/deploy/providers/registry.go, `GetProvider`), and calls its `Construct` with the inputs, the
 *   options and the monitor's own address. The plugin registers the component and its children with that monitor,
 *   as any program does, and answers the component's URN and outputs, which become the program's answer.
 * - A component package written in TypeScript is a folder with `PulumiPlugin.yaml` (`runtime: nodejs`), run by the
 *   nodejs language host as `node @pulumi/pulumi/cmd/run-plugin <folder> <engine address>`
 *   (sdk/nodejs/cmd/pulumi-language-nodejs/main.go, RunPlugin); like every provider plugin it prints its port first.
 */

/** The run was cancelled while a component was being constructed: answered `Unavailable`, as source_eval.go does. */
export class ConstructCancelled extends Error {}

/** What `Construct` needs from the run (plugin.ConstructInfo: project, stack, config, dry run). */
export interface ConstructInfo {
  project: string;
  stack: string;
  organization: string;
  config: Record<string, string>;
  dryRun: boolean;
  monitorAddress: string;
}

/** A plugin that can construct components (plugin.Provider.Construct). */
export interface ComponentProvider extends EngineProvider {
  construct(info: ConstructInfo, request: any): Promise<any>;
  getSchema(): Promise<string>;
}

const NO_CUSTOM_RESOURCES = "a component package built with componentProviderHost has no custom resources";

/** A component package's plugin, started as the nodejs language host's RunPlugin starts it. */
export class ComponentPlugin implements ComponentProvider {
  private mark = 0;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    private readonly outputFile: string,
    readonly folder: string,
  ) {}

  /**
   * Starts the plugin of `folder` (the folder of its `PulumiPlugin.yaml`) with the engine's address, in that folder.
   * The plugin's own modules, `@pulumi/pulumi` among them, resolve from there.
   */
  static async start(folder: string, engineAddress: string, env: NodeJS.ProcessEnv): Promise<ComponentPlugin> {
    const manifest = readPluginManifest(folder);
    if (manifest.runtime !== "nodejs") throw new Error(`${path.join(folder, "PulumiPlugin.yaml")}: runtime is ${JSON.stringify(manifest.runtime)}; the flow harness runs nodejs plugins only`);
    const runPlugin = path.dirname(require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [folder] }));
    const dir = mkdtempSync(path.join(tmpdir(), "reclaim-component-plugin-"));
    const portFile = path.join(dir, "port");
    const outputFile = path.join(dir, "output.log");
    const [portFd, outputFd] = [openSync(portFile, "w"), openSync(outputFile, "w")];
    const child = spawn(process.execPath, [runPlugin, folder, engineAddress], { cwd: folder, env, stdio: ["ignore", portFd, outputFd] });
    closeSync(portFd);
    closeSync(outputFd);
    let exited: number | null | undefined;
    child.once("exit", (code) => (exited = code));
    let text = "";
    while (!text.includes("\n")) {
      if (exited !== undefined) throw new Error(`component plugin ${folder} exited with ${exited} before printing its port: ${readFileSync(outputFile, "utf8")}${text}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      text = readFileSync(portFile, "utf8");
    }
    const port = Number(text.slice(0, text.indexOf("\n")).trim());
    if (!Number.isInteger(port)) throw new Error(`component plugin ${folder} printed ${JSON.stringify(text)} where its port belongs`);
    const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ComponentPlugin(child, client, outputFile, folder);
  }

  private call<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => this.client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));
  }

  async configure(config: Record<string, string>): Promise<void> {
    const request = new providerProto.ConfigureRequest();
    for (const [key, value] of Object.entries(config)) request.getVariablesMap().set(key, value);
    request.setArgs(Struct.fromJavaScript({}));
    request.setAcceptsecrets(true);
    request.setAcceptresources(false);
    await this.call("configure", request);
  }

  async getSchema(): Promise<string> {
    const response = await this.call<any>("getSchema", new providerProto.GetSchemaRequest());
    return response.getSchema();
  }

  /** plugin.provider.Construct (sdk/go/common/resource/plugin/provider_plugin.go): the registration's inputs and options, and where to register. */
  async construct(info: ConstructInfo, registration: any): Promise<any> {
    const request = new providerProto.ConstructRequest();
    request.setProject(info.project);
    request.setStack(info.stack);
    request.setOrganization(info.organization);
    for (const [key, value] of Object.entries(info.config)) request.getConfigMap().set(key, value);
    request.setDryrun(info.dryRun);
    request.setParallel(1);
    request.setMonitorendpoint(info.monitorAddress);
    request.setType(registration.getType());
    request.setName(registration.getName());
    request.setParent(registration.getParent());
    request.setInputs(registration.getObject() ?? Struct.fromJavaScript({}));
    for (const [key, deps] of registration.getPropertydependenciesMap().toArray() as [string, [string[]]][]) {
      const dependencies = new providerProto.ConstructRequest.PropertyDependencies();
      dependencies.setUrnsList(deps[0]);
      request.getInputdependenciesMap().set(key, dependencies);
    }
    request.setDependenciesList(registration.getDependenciesList());
    for (const [key, value] of registration.getProvidersMap().toArray() as [string, string][]) request.getProvidersMap().set(key, value);
    request.setProtect(registration.getProtect());
    request.setAdditionalsecretoutputsList(registration.getAdditionalsecretoutputsList());
    const timeouts = registration.getCustomtimeouts();
    if (timeouts) {
      const copy = new providerProto.ConstructRequest.CustomTimeouts();
      copy.setCreate(timeouts.getCreate());
      copy.setUpdate(timeouts.getUpdate());
      copy.setDelete(timeouts.getDelete());
      request.setCustomtimeouts(copy);
    }
    request.setDeletedwith(registration.getDeletedwith());
    request.setDeletebeforereplace(registration.getDeletebeforereplace());
    request.setIgnorechangesList(registration.getIgnorechangesList());
    request.setReplaceonchangesList(registration.getReplaceonchangesList());
    request.setRetainondelete(registration.getRetainondelete());
    request.setReplaceWithList(registration.getReplaceWithList());
    if (registration.hasReplacementTrigger()) request.setReplacementTrigger(registration.getReplacementTrigger());
    if (registration.hasHooks()) request.setResourceHooks(constructHooks(registration.getHooks()));
    // The monitor answers outputValues=false (resourceMonitor.ts, FEATURES): the plugin answers plain values.
    request.setAcceptsOutputValues(false);
    request.setAliasesList(
      (registration.getAliasurnsList() as string[]).map((urn) => {
        const alias = new aliasProto.Alias();
        alias.setUrn(urn);
        return alias;
      }),
    );
    return this.call("construct", request);
  }

  check(urn: string): never {
    throw new Error(`${NO_CUSTOM_RESOURCES} (check ${urn})`);
  }
  diff(urn: string): never {
    throw new Error(`${NO_CUSTOM_RESOURCES} (diff ${urn})`);
  }
  create(urn: string): never {
    throw new Error(`${NO_CUSTOM_RESOURCES} (create ${urn})`);
  }
  read(urn: string): never {
    throw new Error(`${NO_CUSTOM_RESOURCES} (read ${urn})`);
  }
  update(urn: string): never {
    throw new Error(`${NO_CUSTOM_RESOURCES} (update ${urn})`);
  }
  delete(urn: string): never {
    throw new Error(`${NO_CUSTOM_RESOURCES} (delete ${urn})`);
  }

  async takeOutput(): Promise<string> {
    const text = readFileSync(this.outputFile, "utf8");
    const fresh = text.slice(this.mark);
    this.mark = text.length;
    return fresh;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }
}

/** The keys of `PulumiPlugin.yaml` the harness reads: `runtime` (a name, or `{ name, options }`). */
export function readPluginManifest(folder: string): { runtime: string } {
  const file = path.join(folder, "PulumiPlugin.yaml");
  const text = readFileSync(file, "utf8");
  // js-yaml is a dependency of @pulumi/pulumi (it reads Pulumi.yaml): resolved from the SDK, not declared here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require(require.resolve("js-yaml", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] })) as { load(text: string): unknown };
  const manifest = yaml.load(text) as { runtime?: string | { name?: string } } | undefined;
  const runtime = typeof manifest?.runtime === "string" ? manifest.runtime : manifest?.runtime?.name;
  if (!runtime) throw new Error(`${file}: no runtime; a component package names the language it is written in (runtime: nodejs)`);
  return { runtime };
}

/**
 * The monitor's remote branch (source_eval.go, resmon.RegisterResource, `if remote`): the package's provider, then
 * its `Construct`, outside the queue of registrations, since the children it registers go through that queue while
 * it runs. Answers the program as the engine does: the component's URN, its outputs and their dependencies.
 */
export async function registerRemoteComponent(
  registration: any,
  resolve: (type: string, version: string, provider: string) => Promise<{ plugin: EngineProvider; info: Omit<ConstructInfo, "monitorAddress"> }>,
  monitorAddress: string,
  cancelled: Promise<void>,
): Promise<any> {
  const { plugin, info } = await resolve(registration.getType(), registration.getVersion(), registration.getProvider());
  if (!isComponentProvider(plugin)) throw new Error(`the provider of ${registration.getType()} cannot construct components (it is not a component package)`);
  // source_eval.go: Construct races the monitor's cancellation; a failed step of a child cancels the run, and the
  // plugin, whose component waits on that child, would never answer.
  const shutDown = cancelled.then(() => {
    throw new ConstructCancelled("resource monitor shut down while waiting for construct to complete");
  });
  const constructed = await Promise.race([plugin.construct({ ...info, monitorAddress }, registration), shutDown]);
  const response = new resourceProto.RegisterResourceResponse();
  response.setUrn(constructed.getUrn());
  response.setObject(constructed.getState() ?? Struct.fromJavaScript({}));
  for (const [key, deps] of constructed.getStatedependenciesMap().toArray() as [string, [string[]]][]) {
    const dependencies = new resourceProto.RegisterResourceResponse.PropertyDependencies();
    dependencies.setUrnsList(deps[0]);
    response.getPropertydependenciesMap().set(key, dependencies);
  }
  return response;
}

/** The program's hook names for the component (pulumirpc.RegisterResourceRequest.ResourceHooksBinding), as Construct carries them. */
function constructHooks(binding: any): any {
  const copy = new providerProto.ConstructRequest.ResourceHooksBinding();
  copy.setBeforeCreateList(binding.getBeforeCreateList());
  copy.setAfterCreateList(binding.getAfterCreateList());
  copy.setBeforeUpdateList(binding.getBeforeUpdateList());
  copy.setAfterUpdateList(binding.getAfterUpdateList());
  copy.setBeforeDeleteList(binding.getBeforeDeleteList());
  copy.setAfterDeleteList(binding.getAfterDeleteList());
  copy.setOnErrorList(binding.getOnErrorList());
  return copy;
}

function isComponentProvider(plugin: EngineProvider): plugin is ComponentProvider {
  return typeof (plugin as Partial<ComponentProvider>).construct === "function";
}

/** Decoded outputs of a construct answer, for tests. */
export function stateOf(constructed: any): Props {
  return (constructed.getState()?.toJavaScript() ?? {}) as Props;
}
