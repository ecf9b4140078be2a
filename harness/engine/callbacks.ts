import * as grpc from "@grpc/grpc-js";
import { type Props, toStruct } from "./values";

/* eslint-disable @typescript-eslint/no-require-imports */
const callbackRpc = require("@pulumi/pulumi/proto/callback_grpc_pb");
const callbackProto = require("@pulumi/pulumi/proto/callback_pb");
const resourceProto = require("@pulumi/pulumi/proto/resource_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/** A callback the program's SDK registered: its callbacks server address and token (pulumirpc.Callback). */
export interface CallbackRef {
  target: string;
  token: string;
}

/** A resource hook as registered (pkg/resource/deploy/resource_hooks.go, ResourceHook). */
export interface RegisteredHook {
  name: string;
  callback: CallbackRef;
  onDryRun: boolean;
  ignoreErrors: boolean;
}

/** What a hook is told (pulumirpc.ResourceHookRequest / ErrorHookRequest). */
export interface HookCall {
  urn: string;
  id: string;
  name: string;
  type: string;
  newInputs?: Props;
  oldInputs?: Props;
  newOutputs?: Props;
  oldOutputs?: Props;
}

/**
 * Calls back into the program's SDK through its callbacks service, as the
 * engine's `CallbacksClient` does (pkg/resource/deploy/source_eval.go,
 * resmon.wrapResourceHookCallback / wrapErrorHookCallback / wrapTransformCallback).
 */
export class Callbacks {
  private readonly clients = new Map<string, InstanceType<typeof callbackRpc.CallbacksClient>>();

  private client(target: string) {
    let client = this.clients.get(target);
    if (!client) {
      client = new callbackRpc.CallbacksClient(target, grpc.credentials.createInsecure());
      this.clients.set(target, client);
    }
    return client;
  }

  private invoke(ref: CallbackRef, request: { serializeBinary(): Uint8Array }): Promise<Uint8Array> {
    const req = new callbackProto.CallbackInvokeRequest();
    req.setToken(ref.token);
    req.setRequest(request.serializeBinary());
    return new Promise((resolve, reject) => {
      this.client(ref.target).invoke(req, (error: grpc.ServiceError | null, response: { getResponse_asU8(): Uint8Array }) =>
        error ? reject(new Error(error.details || error.message)) : resolve(response.getResponse_asU8()),
      );
    });
  }

  private static fillHookRequest(request: Record<string, (v: unknown) => void>, call: HookCall) {
    request.setUrn(call.urn);
    request.setId(call.id);
    request.setName(call.name);
    request.setType(call.type);
    if (call.newInputs) request.setNewInputs(toStruct(call.newInputs));
    if (call.oldInputs) request.setOldInputs(toStruct(call.oldInputs));
    if (call.oldOutputs) request.setOldOutputs(toStruct(call.oldOutputs));
  }

  /** Runs one resource hook; resolves to its error text, or undefined when it succeeded. */
  async resourceHook(hook: RegisteredHook, call: HookCall): Promise<string | undefined> {
    const request = new resourceProto.ResourceHookRequest();
    Callbacks.fillHookRequest(request, call);
    if (call.newOutputs) request.setNewOutputs(toStruct(call.newOutputs));
    const bytes = await this.invoke(hook.callback, request);
    const error = resourceProto.ResourceHookResponse.deserializeBinary(bytes).getError() as string;
    return error || undefined;
  }

  /** Runs one error hook; resolves to whether it asks for a retry, or throws its error. */
  async errorHook(callback: CallbackRef, call: HookCall, failedOperation: string, errors: string[]): Promise<boolean> {
    const request = new resourceProto.ErrorHookRequest();
    Callbacks.fillHookRequest(request, call);
    request.setFailedOperation(failedOperation);
    request.setErrorsList(errors);
    const response = resourceProto.ErrorHookResponse.deserializeBinary(await this.invoke(callback, request));
    if (response.getError()) throw new Error(response.getError());
    return response.getRetry() as boolean;
  }

  /** Runs one transform on a registration; resolves to the transformed request fields. */
  async transform(callback: CallbackRef, transformRequest: unknown): Promise<unknown> {
    const bytes = await this.invoke(callback, transformRequest as { serializeBinary(): Uint8Array });
    return resourceProto.TransformResponse.deserializeBinary(bytes);
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
