/** The shape of the `flow:spec` config the `spec` test program reads. */

/** One resource of the spec. */
export interface ResourceSpec {
  name: string;
  kind: "thing" | "component" | "account" | "azure-provider";
  props?: Record<string, unknown>;
  /** Input names whose value is wrapped in `pulumi.secret`. */
  secrets?: string[];
  /** Input names whose value is the `value` output of another thing (a property dependency). */
  from?: Record<string, string>;
  opts?: {
    dependsOn?: string[];
    parent?: string;
    protect?: boolean;
    retainOnDelete?: boolean;
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
    deleteBeforeReplace?: boolean;
    aliases?: { name?: string; parent?: string; noParent?: boolean }[];
    /** The name of an `azure-provider` resource of the spec. */
    provider?: string;
    replaceWith?: string[];
    deletedWith?: string;
    replacementTrigger?: unknown;
    hooks?: Partial<Record<"beforeCreate" | "afterCreate" | "beforeUpdate" | "afterUpdate" | "beforeDelete" | "afterDelete" | "onError", string[]>>;
  };
}

/** The whole program: resources, hooks to register, and whether to add a stack transform. */
export interface ProgramSpec {
  resources: ResourceSpec[];
  /** Hook name → what it does: "log", "fail" (throw), "retry" (an error hook: retry up to 3 times). Preview hooks end in "-dry". */
  hooks?: Record<string, "log" | "fail" | "retry">;
  /** A stack transform that sets the input `tagged: true` on every `thing`. */
  transform?: boolean;
}
