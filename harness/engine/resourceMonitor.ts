import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { Callbacks, CallbackRef } from "./callbacks";
import { type Deployment, type Goal, StepFailed } from "./deployment";
import { ConstructCancelled, registerRemoteComponent } from "./remoteComponents";
import { emptyHooks, type HookBindings } from "./state";
import { fromStruct, type Props, revealSecrets, toStruct } from "./values";

/* eslint-disable @typescript-eslint/no-require-imports */
const resourceRpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resourceProto = require("@pulumi/pulumi/proto/resource_pb");
const aliasProto = require("@pulumi/pulumi/proto/alias_pb");
const providerProto = require("@pulumi/pulumi/proto/provider_pb");
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engineProto = require("@pulumi/pulumi/proto/engine_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf messages have no TypeScript types here */
type Call = grpc.ServerUnaryCall<any, any>;
type Reply = grpc.sendUnaryData<any>;

/**
 * The monitor features this engine implements (source_eval.go, resmon.SupportsFeature). Resource references and
 * output values are answered false, so the SDK sends plain ids and URNs and the unknown placeholder; alias specs
 * false, so the SDK computes alias URNs itself (resource.js, prepareResource).
 */
const FEATURES: Record<string, boolean> = {
  secrets: true,
  resourceReferences: false,
  outputValues: false,
  deletedWith: true,
  replaceWith: true,
  aliasSpecs: false,
  transforms: true,
  invokeTransforms: false,
  parameterization: false,
  resourceHooks: true,
  errorHooks: true,
};

const SEVERITY = ["debug", "info", "warning", "error"] as const;

function grpcError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

function newCancellation(): { promise: Promise<void>; cancel: () => void; readonly fired: boolean } {
  let fired = false;
  let resolve = () => undefined as void;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return {
    promise,
    cancel: () => {
      fired = true;
      resolve();
    },
    get fired() {
      return fired;
    },
  };
}

function hooksFrom(binding: any): HookBindings {
  if (!binding) return emptyHooks();
  return {
    beforeCreate: binding.getBeforeCreateList(),
    afterCreate: binding.getAfterCreateList(),
    beforeUpdate: binding.getBeforeUpdateList(),
    afterUpdate: binding.getAfterUpdateList(),
    beforeDelete: binding.getBeforeDeleteList(),
    afterDelete: binding.getAfterDeleteList(),
    onError: binding.getOnErrorList(),
  };
}

function hooksTo(hooks: HookBindings): any {
  const binding = new resourceProto.RegisterResourceRequest.ResourceHooksBinding();
  binding.setBeforeCreateList(hooks.beforeCreate);
  binding.setAfterCreateList(hooks.afterCreate);
  binding.setBeforeUpdateList(hooks.beforeUpdate);
  binding.setAfterUpdateList(hooks.afterUpdate);
  binding.setBeforeDeleteList(hooks.beforeDelete);
  binding.setAfterDeleteList(hooks.afterDelete);
  binding.setOnErrorList(hooks.onError);
  return binding;
}

/**
 * The engine side of a running program: the `ResourceMonitor` and `Engine`
 * gRPC services the SDK talks to (pkg/resource/deploy/source_eval.go, resmon;
 * pkg/resource/deploy/... engine host). One pair of servers serves every run
 * of a stack; each run plugs its {@link Deployment} in.
 */
export class ResourceMonitor {
  private server?: grpc.Server;
  monitorAddress = "";
  private deployment?: Deployment;
  private queue: Promise<unknown> = Promise.resolve();
  /** Registrations handled outside the queue (a seeded order: their steps overlap). */
  private readonly inflight = new Set<Promise<unknown>>();
  private stackTransforms: CallbackRef[] = [];
  private resourceTransforms = new Map<string, CallbackRef[]>();
  private parents = new Map<string, string>();
  private rootUrn = "";
  private shutdownHandler?: () => Promise<void>;
  /** Settles when a step of the attached run failed: the engine cancels the source (source_eval.go, rm.cancel). */
  private cancellation = newCancellation();

  constructor(private readonly callbacks: Callbacks) {}

  async start(): Promise<void> {
    const server = new grpc.Server();
    server.addService(resourceRpc.ResourceMonitorService, {
      supportsFeature: (call: Call, reply: Reply) => {
        const response = new resourceProto.SupportsFeatureResponse();
        response.setHassupport(FEATURES[call.request.getId()] ?? false);
        reply(null, response);
      },
      // source_eval.go, resmon.Invoke: answered by the provider's Invoke, outside the queue of registrations.
      invoke: (call: Call, reply: Reply) => {
        const request = call.request;
        this.run
          .invoke(request.getTok(), fromStruct(request.getArgs()), request.getProvider() || undefined)
          .then((result) => {
            // resource.proto: ResourceMonitor.Invoke answers ResourceInvokeResponse since 3.256 (pulumi/pulumi#24100,
            // wire-compatible) and provider.proto's InvokeResponse before it: the SDK the tests load may be either.
            const response = new (resourceProto.ResourceInvokeResponse ?? providerProto.InvokeResponse)();
            response.setReturn(toStruct(result));
            reply(null, response);
          })
          // Any failure, the harness's own included, answers the program: an unanswered invoke hangs it.
          .catch((error: Error) => reply(grpcError(grpc.status.UNKNOWN, error.message)));
      },
      call: (call: Call, reply: Reply) => reply(grpcError(grpc.status.UNIMPLEMENTED, `call ${call.request.getTok()} is not modelled by the flow harness`)),
      readResource: (call: Call, reply: Reply) =>
        reply(grpcError(grpc.status.UNIMPLEMENTED, `reading an existing resource (${call.request.getType()} '${call.request.getName()}', a \`.get\`) is not modelled by the flow harness`)),
      // source_eval.go, resmon.RegisterResource runs the transforms in the RPC's own goroutine, before the
      // registration event reaches the step generator: a transform may register other resources and wait for
      // them, so transforms run outside the queue that serialises the steps.
      registerResource: (call: Call, reply: Reply) =>
        call.request.getRemote()
          ? this.registerRemote(call.request, reply)
          : this.transform(call.request).then(
              (transformed) => this.enqueue(() => this.registerResource(call.request, transformed), reply, this.run.concurrent),
              // A transform still running when the run was cancelled (it may wait on a resource it registered, whose
              // step failed) ends as the monitor shuts down: Unavailable, as source_eval.go answers a registration
              // once rm.cancel is closed, and the SDK then exits quietly.
              (error: Error) => reply(grpcError(this.cancellation.fired ? grpc.status.UNAVAILABLE : grpc.status.UNKNOWN, error.message)),
            ),
      registerResourceOutputs: (call: Call, reply: Reply) =>
        this.enqueue(async () => {
          this.run.registerOutputs(call.request.getUrn(), fromStruct(call.request.getOutputs()));
          return new Empty();
        }, reply),
      registerStackTransform: (call: Call, reply: Reply) => {
        this.stackTransforms.push({ target: call.request.getTarget(), token: call.request.getToken() });
        reply(null, new Empty());
      },
      registerResourceHook: (call: Call, reply: Reply) => {
        try {
          const cb = call.request.getCallback();
          this.run.registerHook({ name: call.request.getName(), callback: { target: cb.getTarget(), token: cb.getToken() }, onDryRun: call.request.getOnDryRun(), ignoreErrors: call.request.getIgnoreErrors() });
          reply(null, new Empty());
        } catch (error) {
          reply(grpcError(grpc.status.INVALID_ARGUMENT, (error as Error).message));
        }
      },
      registerErrorHook: (call: Call, reply: Reply) => {
        try {
          const cb = call.request.getCallback();
          this.run.registerErrorHook(call.request.getName(), { target: cb.getTarget(), token: cb.getToken() });
          reply(null, new Empty());
        } catch (error) {
          reply(grpcError(grpc.status.INVALID_ARGUMENT, (error as Error).message));
        }
      },
      registerPackage: (_call: Call, reply: Reply) => reply(grpcError(grpc.status.UNIMPLEMENTED, "packages (parameterized providers) are not modelled by the flow harness")),
      // source_eval.go, resmon.SignalAndWaitForShutdown: answered once every step, deletes included, has run, so
      // delete hooks can still call back into the program.
      signalAndWaitForShutdown: (_call: Call, reply: Reply) => this.enqueue(async () => {
        await Promise.all(this.inflight);
        await this.shutdownHandler?.();
        return new Empty();
      }, reply),
    });
    server.addService(engineRpc.EngineService, {
      log: (call: Call, reply: Reply) => {
        this.deployment?.log(SEVERITY[call.request.getSeverity() as 0 | 1 | 2 | 3] ?? "info", call.request.getMessage(), call.request.getUrn());
        reply(null, new Empty());
      },
      getRootResource: (_call: Call, reply: Reply) => {
        const response = new engineProto.GetRootResourceResponse();
        response.setUrn(this.rootUrn);
        reply(null, response);
      },
      setRootResource: (call: Call, reply: Reply) => {
        this.rootUrn = call.request.getUrn();
        reply(null, new engineProto.SetRootResourceResponse());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    this.server = server;
    this.monitorAddress = `127.0.0.1:${port}`;
  }

  /** Plugs a run in: its deployment, and what to do when the program signals it is done. */
  attach(deployment: Deployment, onShutdown: () => Promise<void>): void {
    this.deployment = deployment;
    this.shutdownHandler = onShutdown;
    this.stackTransforms = [];
    this.resourceTransforms.clear();
    this.parents.clear();
    this.rootUrn = "";
    this.queue = Promise.resolve();
    this.inflight.clear();
    this.cancellation = newCancellation();
  }

  detach(): void {
    this.deployment = undefined;
    this.shutdownHandler = undefined;
  }

  /** Resolves when every registration received so far has been answered. */
  async idle(): Promise<unknown> {
    await Promise.all(this.inflight);
    return this.queue;
  }

  private get run(): Deployment {
    if (!this.deployment) throw new Error("no run is attached to the resource monitor");
    return this.deployment;
  }

  /**
   * Serialises the monitor's work: one registration at a time, in arrival order. A registration of a run with a
   * seeded order starts at once instead (the deployment still generates steps one registration at a time).
   */
  private enqueue(work: () => Promise<unknown>, reply: Reply, concurrent = false): void {
    let next: Promise<unknown>;
    if (concurrent) {
      next = work();
      const settled = next.catch(() => undefined);
      this.inflight.add(settled);
      void settled.then(() => this.inflight.delete(settled));
    } else {
      next = this.queue.then(work);
      this.queue = next.catch(() => undefined);
    }
    next.then(
      (response) => reply(null, response),
      (error: Error) => {
        if (error instanceof StepFailed) this.cancellation.cancel();
        // Once cancelled, every registration still open is answered Unavailable, whatever stopped it (source_eval.go,
        // RegisterResource: "resource monitor shut down while sending resource registration" / "... while waiting on
        // step's done channel"), and the SDK then ends the program quietly (runtime/resource.js: Unavailable ->
        // terminateRpcs) instead of one unhandled rejection per output of each open registration.
        const shutDown = error instanceof StepFailed || this.cancellation.fired;
        reply(grpcError(shutDown ? grpc.status.UNAVAILABLE : grpc.status.UNKNOWN, error.message));
      },
    );
  }

  /** Work in the queue of registrations, answered to the caller rather than to a client. */
  private inQueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * source_eval.go, resmon.RegisterResource, `if remote`: a remote component is constructed by its package's plugin
   * (harness/engine/remoteComponents.ts), outside the queue of registrations, since the children it registers go
   * through that queue while it runs. Only its provider is resolved in turn with the registrations: behind those
   * queued before it, and with the step generator's other events (a seeded order handles registrations at once).
   */
  private registerRemote(request: any, reply: Reply): void {
    const resolve = (type: string, version: string, provider: string) =>
      this.inQueue(() => this.run.inGeneration(() => this.run.registry.remoteComponentProvider(type, version, provider || undefined)));
    registerRemoteComponent(request, resolve, this.monitorAddress, this.cancellation.promise).then(
      (response) => reply(null, response),
      (error: Error) => reply(grpcError(error instanceof ConstructCancelled ? grpc.status.UNAVAILABLE : grpc.status.UNKNOWN, error.message)),
    );
  }

  /** source_eval.go, resmon.RegisterResource: the resource's transforms, then its parents', then the stack's. */
  private async transform(request: any): Promise<{ properties: any; options: any; own: CallbackRef[] }> {
    if (request.getImportid()) throw new Error(`the import option (${request.getType()} '${request.getName()}', id '${request.getImportid()}') is not modelled by the flow harness`);
    const own: CallbackRef[] = request.getTransformsList().map((cb: any) => ({ target: cb.getTarget(), token: cb.getToken() }));
    const parent: string = request.getParent();
    const inherited: CallbackRef[] = [];
    for (let current = parent; current; current = this.parents.get(current) ?? "") inherited.push(...(this.resourceTransforms.get(current) ?? []));
    let properties = request.getObject();
    let options = this.transformOptions(request);
    for (const transform of [...own, ...inherited, ...this.stackTransforms]) {
      const transformRequest = new resourceProto.TransformRequest();
      transformRequest.setType(request.getType());
      transformRequest.setName(request.getName());
      transformRequest.setCustom(request.getCustom());
      transformRequest.setParent(parent);
      transformRequest.setProperties(properties);
      transformRequest.setOptions(options);
      const response = (await this.callbacks.transform(transform, transformRequest)) as any;
      if (response.getProperties()) properties = response.getProperties();
      if (response.getOptions()) options = response.getOptions();
    }
    return { properties, options, own };
  }

  private async registerResource(request: any, transformed: { properties: any; options: any; own: CallbackRef[] }): Promise<unknown> {
    const { properties, options, own } = transformed;
    const parent: string = request.getParent();
    const goal: Goal = {
      type: request.getType(),
      name: request.getName(),
      custom: request.getCustom(),
      parent: parent || undefined,
      inputs: fromStruct(properties),
      dependencies: options.getDependsOnList(),
      propertyDependencies: Object.fromEntries(
        (request.getPropertydependenciesMap().toArray() as [string, any][]).map(([k, v]) => [k, v[0] as string[]]),
      ),
      provider: options.getProvider() || undefined,
      version: options.getVersion(),
      protect: options.hasProtect() ? options.getProtect() : undefined,
      deleteBeforeReplace: options.hasDeleteBeforeReplace() ? options.getDeleteBeforeReplace() : undefined,
      ignoreChanges: options.getIgnoreChangesList(),
      replaceOnChanges: options.getReplaceOnChangesList(),
      retainOnDelete: options.hasRetainOnDelete() ? options.getRetainOnDelete() : undefined,
      aliasUrns: aliasUrnsOf(options),
      additionalSecretOutputs: options.getAdditionalSecretOutputsList(),
      hooks: hooksFrom(options.getHooks()),
      replacementTrigger: options.getReplacementTrigger() ? revealSecrets(options.getReplacementTrigger().toJavaScript()) : undefined,
      replaceWith: options.getReplaceWithList(),
      deletedWith: options.getDeletedWith() || undefined,
    };
    // Dependencies sent as explicit `dependencies` and those implied by property dependencies are one set for the state.
    const implied = Object.values(goal.propertyDependencies).flat();
    goal.dependencies = [...new Set([...request.getDependenciesList(), ...goal.dependencies, ...implied])];

    const result = await this.run.register(goal);
    if (own.length) this.resourceTransforms.set(result.urn, own);
    if (parent) this.parents.set(result.urn, parent);
    const response = new resourceProto.RegisterResourceResponse();
    response.setUrn(result.urn);
    response.setId(result.id);
    response.setObject(toStruct(result.outputs as Props));
    return response;
  }

  /** The request's options in the shape transforms exchange (pulumirpc.TransformResourceOptions). */
  private transformOptions(request: any): any {
    const options = new resourceProto.TransformResourceOptions();
    options.setDependsOnList(request.getDependenciesList());
    // The request's alias URNs, as alias values (source_eval.go, resmon.RegisterResource: `aliases` from GetAliasURNs).
    options.setAliasesList(
      (request.getAliasurnsList() as string[]).map((urn) => {
        const alias = new aliasProto.Alias();
        alias.setUrn(urn);
        return alias;
      }),
    );
    if (request.hasProtect()) options.setProtect(request.getProtect());
    options.setIgnoreChangesList(request.getIgnorechangesList());
    options.setReplaceOnChangesList(request.getReplaceonchangesList());
    options.setVersion(request.getVersion());
    options.setProvider(request.getProvider());
    if (request.hasRetainondelete()) options.setRetainOnDelete(request.getRetainondelete());
    if (request.getDeletebeforereplacedefined()) options.setDeleteBeforeReplace(request.getDeletebeforereplace());
    options.setAdditionalSecretOutputsList(request.getAdditionalsecretoutputsList());
    options.setHooks(request.hasHooks() ? request.getHooks() : hooksTo(emptyHooks()));
    options.setReplaceWithList(request.getReplaceWithList());
    options.setDeletedWith(request.getDeletedwith());
    if (request.hasReplacementTrigger()) options.setReplacementTrigger(request.getReplacementTrigger());
    return options;
  }

  async stop(): Promise<void> {
    // The programs are gone by now; their connections must not hold the test process open.
    this.server?.forceShutdown();
  }
}

/**
 * The alias URNs after the transforms. The monitor answers aliasSpecs=false (FEATURES), so the SDK sends URNs, and a
 * transform hands back what it was given; an alias spec (a transform adding `{ name }`) would need the engine's alias
 * resolution (source_eval.go, resmon.RegisterResource), which the harness does not model: refused, not dropped.
 */
function aliasUrnsOf(options: any): string[] {
  return (options.getAliasesList() as any[]).map((alias) => {
    if (!alias.hasUrn()) throw new Error("an alias spec returned by a transform is not modelled by the flow harness (its monitor has aliasSpecs=false)");
    return alias.getUrn() as string;
  });
}
