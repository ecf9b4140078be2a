import type * as pulumi from "@pulumi/pulumi";
import * as runtime from "./runtime";

type Provider = pulumi.dynamic.ResourceProvider<Record<string, unknown>, Record<string, unknown>>;

/**
 * The provider object Pulumi serializes into a resource's state: every method
 * forwards to `handlers[kind]` of the stable entry (`runtime.ts`). Installed
 * from npm, the serializer turns the `runtime` module into
 * `require("pulumi-cognitive-reclaim/runtime")`, so the state holds a few
 * lines, and an upgraded package changes what refresh and delete do without
 * breaking old states. Holds nothing but `kind` and functions.
 */
export function stableProvider(kind: runtime.ResourceKind): Provider {
  return {
    configure: async (request) => runtime.handlers[kind].configure!(request),
    check: async (olds, news) => runtime.handlers[kind].check!(olds, news),
    diff: async (id, olds, news) => runtime.handlers[kind].diff!(id, olds, news),
    create: async (inputs) => runtime.handlers[kind].create(inputs),
    read: async (id, props) => runtime.handlers[kind].read!(id, props),
    update: async (id, olds, news) => runtime.handlers[kind].update!(id, olds, news),
    delete: async (id, props) => runtime.handlers[kind].delete!(id, props),
  };
}
