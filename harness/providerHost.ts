import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/* eslint-disable @typescript-eslint/no-require-imports */
const providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const providerProto = require("@pulumi/pulumi/proto/provider_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/** The engine's placeholder for a value not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Props = Record<string, unknown>;

export interface CheckResponse {
  inputs: Props;
  failures: { property: string; reason: string }[];
}
export interface DiffResponse {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * Pulumi's own dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`),
 * started the way the engine starts it, and driven over its gRPC protocol.
 * Everything it prints (what the CLI would show the user) is kept in `output`.
 */
export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: InstanceType<typeof providerRpc.ResourceProviderClient>,
    private readonly outputFile: string,
    private readonly outputStart: number,
  ) {}

  /**
   * Everything the host printed after its port line. The host writes stdout and stderr to a file, where Node writes
   * synchronously: a line the provider printed during a call is in the file before the call's answer is sent, so
   * reading it after the answer never races the pipe.
   */
  get output(): string {
    return readFileSync(this.outputFile, "utf8").slice(this.outputStart);
  }

  static async start(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ProviderHost> {
    const cwd = options.cwd ?? process.cwd();
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [cwd] });
    const outputFile = join(mkdtempSync(join(tmpdir(), "reclaim-provider-host-")), "output.log");
    const fd = openSync(outputFile, "w");
    // The engine passes its own address; this host only needs an argument there.
    const child = spawn(process.execPath, [path.dirname(entry), "127.0.0.1:0"], { cwd, env: options.env ?? process.env, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    let exited: number | null | undefined;
    child.once("exit", (code) => (exited = code));
    // The host prints its port as its first line: wait for that line to be in the file.
    let text = "";
    while (!text.includes("\n")) {
      if (exited !== undefined) throw new Error(`provider host exited with ${exited} before printing its port: ${readFileSync(outputFile, "utf8")}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      text = readFileSync(outputFile, "utf8");
    }
    const newline = text.indexOf("\n");
    const port = Number(text.slice(0, newline).trim());
    const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, outputFile, newline + 1);
  }

  /**
   * Resolves once the host has printed `text` (after `since`, an offset into
   * `output`). The host prints before it answers, but its stdout and its gRPC
   * answer reach this process on two channels in either order, so a test
   * waits for the line itself rather than reading `output` right after a call.
   */
  async waitForOutput(text: string, since = 0, timeoutInMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutInMs;
    while (!this.output.slice(since).includes(text)) {
      if (Date.now() > deadline) throw new Error(`the provider host did not print ${JSON.stringify(text)} within ${timeoutInMs} ms; it printed: ${this.output.slice(since)}`);
      await new Promise<void>((resolve) => {
        const onData = () => resolve();
        this.child.stdout!.once("data", onData);
        setTimeout(() => {
          this.child.stdout!.off("data", onData);
          resolve();
        }, 100);
      });
    }
    return this.output.slice(since);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Kills the host at once (SIGKILL), as a crash would. */
  kill(): void {
    this.child.kill("SIGKILL");
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.child.kill("SIGTERM");
      await exited;
    }
    rmSync(path.dirname(this.outputFile), { recursive: true, force: true });
  }

  private call<T>(method: string, request: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.client[method](request, (error: grpc.ServiceError | null, response: T) => (error ? reject(new Error(error.details || error.message)) : resolve(response)));
    });
  }

  /** `Configure`, with the stack config as `namespace:key` → value. */
  async configure(config: Record<string, string> = {}): Promise<void> {
    const request = new providerProto.ConfigureRequest();
    request.setArgs(Struct.fromJavaScript(config));
    request.setAcceptsecrets(false);
    await this.call("configure", request);
  }

  async check(urn: string, olds: Props, news: Props): Promise<CheckResponse> {
    const request = new providerProto.CheckRequest();
    request.setUrn(urn);
    request.setOlds(Struct.fromJavaScript(olds as never));
    request.setNews(Struct.fromJavaScript(news as never));
    const response = await this.call<{ getInputs(): Struct; getFailuresList(): { getProperty(): string; getReason(): string }[] }>("check", request);
    return {
      inputs: response.getInputs().toJavaScript(),
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<DiffResponse> {
    const request = new providerProto.DiffRequest();
    request.setId(id);
    request.setUrn(urn);
    request.setOlds(Struct.fromJavaScript(olds as never));
    request.setNews(Struct.fromJavaScript(news as never));
    const response = await this.call<{ getChanges(): number; getReplacesList(): string[]; getDeletebeforereplace(): boolean }>("diff", request);
    const changes = ({ 0: "unknown", 1: "none", 2: "some" } as const)[response.getChanges() as 0 | 1 | 2];
    return { changes, replaces: response.getReplacesList(), deleteBeforeReplace: response.getDeletebeforereplace() };
  }

  async create(urn: string, properties: Props): Promise<{ id: string; properties: Props }> {
    const request = new providerProto.CreateRequest();
    request.setUrn(urn);
    request.setProperties(Struct.fromJavaScript(properties as never));
    const response = await this.call<{ getId(): string; getProperties(): Struct }>("create", request);
    return { id: response.getId(), properties: response.getProperties().toJavaScript() };
  }

  async read(id: string, urn: string, properties: Props, inputs: Props = {}): Promise<{ id: string; properties: Props; inputs: Props }> {
    const request = new providerProto.ReadRequest();
    request.setId(id);
    request.setUrn(urn);
    request.setProperties(Struct.fromJavaScript(properties as never));
    request.setInputs(Struct.fromJavaScript(inputs as never));
    const response = await this.call<{ getId(): string; getProperties(): Struct | undefined; getInputs(): Struct | undefined }>("read", request);
    return { id: response.getId(), properties: response.getProperties()?.toJavaScript() ?? {}, inputs: response.getInputs()?.toJavaScript() ?? {} };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<Props> {
    const request = new providerProto.UpdateRequest();
    request.setId(id);
    request.setUrn(urn);
    request.setOlds(Struct.fromJavaScript(olds as never));
    request.setNews(Struct.fromJavaScript(news as never));
    const response = await this.call<{ getProperties(): Struct }>("update", request);
    return response.getProperties().toJavaScript();
  }

  async delete(id: string, urn: string, properties: Props): Promise<void> {
    const request = new providerProto.DeleteRequest();
    request.setId(id);
    request.setUrn(urn);
    request.setProperties(Struct.fromJavaScript(properties as never));
    await this.call("delete", request);
  }
}

/** A resource's URN as the engine makes it (pulumi/pulumi sdk/go/common/resource/urn.go, `New`), for a resource with no parent. */
export const urnOf = (type: string, name: string, stack = "test", project = "reclaim-test") => `urn:pulumi:${stack}::${project}::${type}::${name}`;
