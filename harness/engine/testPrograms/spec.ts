import * as pulumi from "@pulumi/pulumi";
import type * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import type { ProgramSpec } from "./programSpec";

/**
 * A Pulumi program whose resources come from the stack config `flow:spec`
 * (JSON, see `ProgramSpec` in programSpec.ts), so one program covers every rule the
 * flow harness tests. `thing` resources are dynamic resources whose provider
 * appends each call to the file named by `FLOW_CALL_LOG`; hooks append there
 * too, so a test reads the order of everything the engine did.
 */

interface ThingInputs {
  value?: unknown;
  /** Changing it replaces the thing. */
  key?: unknown;
  /** Its diff asks for delete-before-replace. */
  dbr?: boolean;
  /** Fail this many creates (counted in the call log), then succeed. */
  failCreates?: number;
  /** Fail Check with this reason. */
  invalid?: string;
  /** Fail Delete. */
  failDelete?: boolean;
  [key: string]: unknown;
}

/* eslint-disable @typescript-eslint/no-require-imports -- the provider runs in Pulumi's provider host: everything it uses is required inside its methods */
const thingProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds: ThingInputs, news: ThingInputs) {
    const log = (line: string) => require("fs").appendFileSync(process.env.FLOW_CALL_LOG as string, `${line}\n`);
    // What the engine sent: whether it gave olds, and the value it checks (raw or with ignoreChanges applied).
    log(`check ${news.label} olds=${Object.keys(olds ?? {}).length ? "yes" : "no"} value=${JSON.stringify(news.value)}`);
    return { inputs: news, failures: news.invalid ? [{ property: "invalid", reason: String(news.invalid) }] : [] };
  },
  async diff(_id: string, olds: ThingInputs, news: ThingInputs) {
    require("fs").appendFileSync(process.env.FLOW_CALL_LOG as string, `diff ${news.label ?? olds.label}\n`);
    // `out` is an output only: the old state has it, the new inputs do not; `label` follows the name (a rename).
    const keys = Object.keys({ ...olds, ...news }).filter((k) => !["__provider", "out", "label"].includes(k) && JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: keys.length > 0, replaces: keys.filter((k) => k === "key"), deleteBeforeReplace: Boolean(news.dbr) };
  },
  async create(inputs: ThingInputs) {
    const fs = require("fs");
    const file = process.env.FLOW_CALL_LOG as string;
    const attempts = String(fs.readFileSync(file, "utf8")).split("\n").filter((l: string) => l === `create ${inputs.label}`).length;
    fs.appendFileSync(file, `create ${inputs.label}\n`);
    if (attempts < Number(inputs.failCreates ?? 0)) throw new Error(`create ${inputs.label} failed (attempt ${attempts + 1})`);
    console.log(`created ${inputs.label}`);
    return { id: `${inputs.label}-${Date.now()}`, outs: { ...inputs, out: `out-${inputs.label}` } };
  },
  async update(_id: string, _olds: ThingInputs, news: ThingInputs) {
    require("fs").appendFileSync(process.env.FLOW_CALL_LOG as string, `update ${news.label}\n`);
    return { outs: { ...news, out: `out-${news.label}` } };
  },
  async read(id: string, props: ThingInputs) {
    require("fs").appendFileSync(process.env.FLOW_CALL_LOG as string, `read ${props.label}\n`);
    const gone = String(process.env.FLOW_GONE ?? "").split(",").includes(String(props.label));
    return gone ? { id: "" } : { id, props };
  },
  async delete(_id: string, props: ThingInputs) {
    require("fs").appendFileSync(process.env.FLOW_CALL_LOG as string, `delete ${props.label}\n`);
    if (props.failDelete) throw new Error(`delete ${props.label} failed`);
  },
};

class Thing extends pulumi.dynamic.Resource {
  declare readonly out: pulumi.Output<string>;
  declare readonly value: pulumi.Output<unknown>;
  constructor(name: string, props: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
    super(thingProvider, name, { out: undefined, value: undefined, ...props, label: name }, opts, "flow", "Thing");
  }
}

class Group extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("flow:index:Group", name, {}, opts);
    this.registerOutputs({});
  }
}

function logLine(line: string): void {
  require("fs").appendFileSync(process.env.FLOW_CALL_LOG as string, `${line}\n`);
}

const spec = JSON.parse(new pulumi.Config("flow").require("spec")) as ProgramSpec;

const hooks = new Map<string, pulumi.ResourceHook | pulumi.ErrorHook>();
for (const [name, behaviour] of Object.entries(spec.hooks ?? {})) {
  if (behaviour === "retry") {
    hooks.set(name, new pulumi.ErrorHook(name, async (args) => {
      logLine(`hook ${name} ${args.failedOperation} ${args.name} errors=${args.errors.length}`);
      return args.errors.length < 3;
    }));
  } else {
    hooks.set(name, new pulumi.ResourceHook(name, async (args) => {
      logLine(`hook ${name} ${args.name}`);
      if (behaviour === "fail") throw new Error(`hook ${name} refused ${args.name}`);
    }, { onDryRun: name.endsWith("-dry") }));
  }
}

if (spec.transform) {
  pulumi.runtime.registerResourceTransform((args) => (args.type === "pulumi-nodejs:dynamic/flow:Thing" ? { props: { ...args.props, tagged: true }, opts: args.opts } : undefined));
}

const made = new Map<string, pulumi.Resource>();
const exported: Record<string, pulumi.Output<unknown>> = {};
for (const r of spec.resources) {
  const o = r.opts ?? {};
  const opts: pulumi.CustomResourceOptions = {
    dependsOn: (o.dependsOn ?? []).map((n) => made.get(n)!),
    parent: o.parent ? made.get(o.parent) : undefined,
    protect: o.protect,
    retainOnDelete: o.retainOnDelete,
    ignoreChanges: o.ignoreChanges,
    replaceOnChanges: o.replaceOnChanges,
    deleteBeforeReplace: o.deleteBeforeReplace,
    provider: o.provider ? (made.get(o.provider) as pulumi.ProviderResource) : undefined,
    replaceWith: o.replaceWith?.map((n) => made.get(n)!),
    deletedWith: o.deletedWith ? made.get(o.deletedWith) : undefined,
    replacementTrigger: o.replacementTrigger,
    aliases: o.aliases?.map((a) => (a.noParent ? { name: a.name, parent: pulumi.rootStackResource } : { name: a.name, parent: a.parent ? made.get(a.parent) : undefined })),
    hooks: o.hooks
      ? (Object.fromEntries(Object.entries(o.hooks).map(([kind, names]) => [kind, (names ?? []).map((n) => hooks.get(n)!)])) as pulumi.ResourceHookBinding)
      : undefined,
  };
  const props: Record<string, unknown> = { ...(r.props ?? {}) };
  for (const [input, source] of Object.entries(r.from ?? {})) props[input] = (made.get(source) as Thing).out;
  for (const input of r.secrets ?? []) props[input] = pulumi.secret(props[input]);
  if (r.kind === "thing") {
    const thing = new Thing(r.name, props, opts);
    exported[r.name] = thing.out;
    made.set(r.name, thing);
  } else if (r.kind === "azure-provider") {
    const azure = require("@pulumi/azure-native/provider") as typeof import("@pulumi/azure-native/provider");
    made.set(r.name, new azure.Provider(r.name, props as never, opts));
  } else if (r.kind === "component") {
    made.set(r.name, new Group(r.name, opts));
  } else {
    // Loaded only when a spec declares an account: the azure-native SDK takes a while to load.
    const azure = require("@pulumi/azure-native/cognitiveservices") as typeof cognitiveservices;
    const account = new azure.Account(r.name, props as unknown as cognitiveservices.AccountArgs, opts);
    exported[r.name] = account.properties.endpoint;
    made.set(r.name, account);
  }
}

export = exported;
