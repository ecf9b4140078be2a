import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatViolations, JsonSchema, pointerTo } from "./jsonSchema";

/**
 * What Pulumi checks of a package schema before it generates an SDK from it (pulumi/pulumi
 * `pkg/codegen/schema/bind.go`, bindSpec, which `pulumi package add` runs through `pkg/cmd/pulumi/packages`
 * BindSpec): first the package metaschema (validateSpec, `pulumi.json`, vendored in tests/fixtures/pulumi-metaschema),
 * then, while binding, what a JSON Schema cannot say: that required names are properties and that a `$ref` names a
 * type that exists. Each function returns one line per violation, naming the JSON
 * pointer of the offending value and the rule; none when the schema passes.
 */
type Json = Record<string, unknown>;

const METASCHEMA_FILE = join(__dirname, "..", "fixtures", "pulumi-metaschema", "pulumi.json");
let metaschema: JsonSchema | undefined;

/** Pulumi's package metaschema, compiled once per test file. */
export function pulumiMetaschema(): JsonSchema {
  metaschema ??= JsonSchema.compile(JSON.parse(readFileSync(METASCHEMA_FILE, "utf8")));
  return metaschema;
}

/** validateSpec: the schema against the metaschema. */
export function metaschemaViolations(schema: unknown): string[] {
  return formatViolations(pulumiMetaschema().validate(schema));
}

/** The built-in types (bind.go, bindTypeSpecRef). */
const BUILT_INS = ["pulumi.json#/Any", "pulumi.json#/Archive", "pulumi.json#/Asset", "pulumi.json#/Json"];
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The binder's reference and required-name checks (bind.go): every name in `required` / `requiredInputs` is a
 * property ("unknown required property %q", bindProperties: always an error); a local `$ref` names a type or
 * resource of this package ("type %v not found in package %v", bindTypeSpecRef). `pulumi package add` binds with
 * AllowDanglingReferences, which turns a missing local type into an opaque token type instead of an error: the SDK
 * then has no such type, so it is refused here all the same. A `pulumi.json#/` reference must be one of the built-ins
 * bindTypeSpecRef handles. References to other packages are not followed (they need that package's schema).
 */
export function bindingViolations(schema: unknown): string[] {
  if (!isObject(schema)) return ["(root): a package schema is an object"];
  const errors: string[] = [];
  const types = isObject(schema.types) ? schema.types : {};
  const resources = isObject(schema.resources) ? schema.resources : {};
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) return value.forEach((item, i) => visit(item, pointerTo(path, i)));
    if (!isObject(value)) return;
    if (typeof value.$ref === "string") checkReference(value.$ref, pointerTo(path, "$ref"));
    checkRequired(value, "required", "properties", path);
    checkRequired(value, "requiredInputs", "inputProperties", path);
    for (const [key, member] of Object.entries(value)) visit(member, pointerTo(path, key));
  };
  visit(schema, "");
  return errors;

  function checkReference(ref: string, path: string): void {
    const local = /^#\/(types|resources)\/(.+)$/.exec(ref);
    if (local) {
      const token = decodeURIComponent(local[2]);
      if (!Object.hasOwn(local[1] === "types" ? types : resources, token)) errors.push(`${path}: ${ref} names no ${local[1] === "types" ? "type" : "resource"} of this package`);
    } else if (ref.startsWith("pulumi.json#") && !BUILT_INS.includes(ref)) {
      errors.push(`${path}: ${ref} is no built-in type (${BUILT_INS.join(", ")})`);
    }
  }

  function checkRequired(value: Json, requiredKey: string, propertiesKey: string, path: string): void {
    const required = value[requiredKey];
    if (!Array.isArray(required)) return;
    const properties = isObject(value[propertiesKey]) ? value[propertiesKey] : {};
    required.forEach((name, i) => {
      if (typeof name === "string" && !Object.hasOwn(properties, name)) errors.push(`${pointerTo(pointerTo(path, requiredKey), i)}: names "${name}", which is not among ${propertiesKey}`);
    });
  }
}
