/**
 * A hand-written check of a Pulumi package schema against the shape Pulumi's package metaschema requires
 * (pulumi/pulumi `pkg/codegen/schema/pulumi.json`, JSON Schema 2020-12), for the parts a component package's schema
 * uses, plus the references the schema binder resolves (`pkg/codegen/schema/bind.go`). The metaschema itself is not
 * copied here and no JSON-schema validator is a dependency of this project: each rule below restates one of its
 * constraints, cited by its `$defs` name. Returns one line per violation, naming the path and the rule.
 */
type Json = Record<string, unknown>;

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const PACKAGE_NAME = /^[a-zA-Z][-a-zA-Z0-9_]*$/;
const TOKEN = /^[a-zA-Z][-a-zA-Z0-9_]*:([^0-9][a-zA-Z0-9._/-]*)?:[^0-9][a-zA-Z0-9._/]*$/;
const NAMESPACE = /^([a-z][a-z0-9]*)(-[a-z0-9]+)*$/;
const PRIMITIVES = ["boolean", "integer", "number", "string"];
/** The metaschema's top level has `additionalProperties: false`: these are the only keys a package may have. */
const PACKAGE_KEYS = ["name", "displayName", "version", "description", "keywords", "homepage", "license", "attribution", "repository", "logoUrl", "pluginDownloadURL", "publisher", "namespace", "meta", "config", "types", "dependencies", "provider", "resources", "functions", "language", "parameterization", "allowedPackageNames"];

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");

export function metaschemaViolations(schema: unknown): string[] {
  const errors: string[] = [];
  const fail = (path: string, rule: string): void => {
    errors.push(`${path}: ${rule}`);
  };
  if (!isObject(schema)) return ["(root): a package is an object"];

  for (const key of Object.keys(schema)) if (!PACKAGE_KEYS.includes(key)) fail(key, "not a package property (the metaschema allows no additional properties)");
  if (typeof schema.name !== "string" || !PACKAGE_NAME.test(schema.name)) fail("name", `required, matching ${PACKAGE_NAME}`);
  if (schema.version !== undefined && (typeof schema.version !== "string" || !SEMVER.test(schema.version))) fail("version", "valid semver");
  if (schema.namespace !== undefined && (typeof schema.namespace !== "string" || !NAMESPACE.test(schema.namespace))) fail("namespace", `matching ${NAMESPACE}`);
  for (const key of ["description", "displayName", "homepage", "license", "repository", "publisher", "pluginDownloadURL"]) {
    if (schema[key] !== undefined && typeof schema[key] !== "string") fail(key, "a string");
  }
  if (schema.language !== undefined && !isObject(schema.language)) fail("language", "an object");
  if (schema.dependencies !== undefined) {
    if (!Array.isArray(schema.dependencies)) fail("dependencies", "an array of package descriptors");
    else schema.dependencies.forEach((d, i) => {
      if (!isObject(d) || (d.name !== undefined && !PACKAGE_NAME.test(String(d.name))) || (d.version !== undefined && !SEMVER.test(String(d.version)))) fail(`dependencies[${i}]`, "a package descriptor (name, semver version)");
    });
  }

  const types = schema.types ?? {};
  if (!isObject(types)) fail("types", "a map from type token to complexTypeSpec");
  else for (const [token, type] of Object.entries(types)) complexType(`types["${token}"]`, token, type);

  const resources = schema.resources ?? {};
  if (!isObject(resources)) fail("resources", "a map from type token to resourceSpec");
  else for (const [token, resource] of Object.entries(resources)) resourceSpec(`resources["${token}"]`, token, resource);
  return errors;

  function complexType(path: string, token: string, type: unknown): void {
    if (!TOKEN.test(token)) fail(path, `the key is a type token matching ${TOKEN}`);
    if (!isObject(type)) return fail(path, "complexTypeSpec is an object");
    if (type.description !== undefined && typeof type.description !== "string") fail(`${path}.description`, "a string");
    if (type.enum !== undefined) {
      // enumTypeSpec: required type (a primitive) and enum (values with `value` required).
      if (!PRIMITIVES.includes(String(type.type))) fail(`${path}.type`, `enumTypeSpec.type is one of ${PRIMITIVES.join(", ")}`);
      if (!Array.isArray(type.enum)) return fail(`${path}.enum`, "an array of enum values");
      type.enum.forEach((v, i) => {
        if (!isObject(v) || !["boolean", "number", "string"].includes(typeof v.value)) fail(`${path}.enum[${i}]`, "an enum value with a boolean, number or string `value`");
        else if ((v.name !== undefined && typeof v.name !== "string") || (v.description !== undefined && typeof v.description !== "string")) fail(`${path}.enum[${i}]`, "name and description are strings");
      });
      return;
    }
    // objectTypeSpec with type const "object".
    if (type.type !== "object") fail(`${path}.type`, 'an object type definition has type "object"');
    objectType(path, type);
  }

  function resourceSpec(path: string, token: string, resource: unknown): void {
    if (!TOKEN.test(token)) fail(path, `the key is a type token matching ${TOKEN}`);
    if (!isObject(resource)) return fail(path, "resourceSpec is an object");
    objectType(path, resource);
    if (resource.isComponent !== undefined && typeof resource.isComponent !== "boolean") fail(`${path}.isComponent`, "a boolean");
    if (resource.inputProperties !== undefined) {
      if (!isObject(resource.inputProperties)) fail(`${path}.inputProperties`, "a map of propertySpec");
      else for (const [name, property] of Object.entries(resource.inputProperties)) propertySpec(`${path}.inputProperties.${name}`, property);
    }
    if (resource.requiredInputs !== undefined) {
      if (!isStringArray(resource.requiredInputs)) fail(`${path}.requiredInputs`, "an array of strings");
      else for (const name of resource.requiredInputs as string[]) if (!isObject(resource.inputProperties) || !(name in resource.inputProperties)) fail(`${path}.requiredInputs`, `names input '${name}', which is not among inputProperties`);
    }
  }

  function objectType(path: string, type: Json): void {
    if (type.description !== undefined && typeof type.description !== "string") fail(`${path}.description`, "a string");
    if (type.properties !== undefined) {
      if (!isObject(type.properties)) fail(`${path}.properties`, "a map of propertySpec");
      else for (const [name, property] of Object.entries(type.properties)) propertySpec(`${path}.properties.${name}`, property);
    }
    if (type.required !== undefined) {
      if (!isStringArray(type.required)) fail(`${path}.required`, "an array of strings");
      else for (const name of type.required as string[]) if (!isObject(type.properties) || !(name in type.properties)) fail(`${path}.required`, `names '${name}', which is not among properties`);
    }
  }

  function propertySpec(path: string, property: unknown): void {
    if (!isObject(property)) return fail(path, "propertySpec is an object");
    if (property.description !== undefined && typeof property.description !== "string") fail(`${path}.description`, "a string");
    for (const key of ["secret", "replaceOnChanges", "willReplaceOnChanges"]) if (property[key] !== undefined && typeof property[key] !== "boolean") fail(`${path}.${key}`, "a boolean");
    typeSpec(path, property);
  }

  /** typeSpec: exactly one of primitive, array, map, named ($ref) or union (oneOf) types; `plain` a boolean. */
  function typeSpec(path: string, type: unknown): void {
    if (!isObject(type)) return fail(path, "typeSpec is an object");
    if (type.plain !== undefined && typeof type.plain !== "boolean") fail(`${path}.plain`, "a boolean");
    const has = (key: string) => type[key] !== undefined;
    const kinds = [
      PRIMITIVES.includes(String(type.type)) && !has("additionalProperties") && !has("items") && !has("oneOf") && !has("$ref"),
      type.type === "array" && has("items") && !has("additionalProperties") && !has("oneOf") && !has("$ref"),
      type.type === "object" && !has("items") && !has("oneOf") && !has("$ref"),
      typeof type.$ref === "string" && (type.type === undefined || typeof type.type === "string"),
      Array.isArray(type.oneOf) && type.oneOf.length >= 2 && (type.type === undefined || PRIMITIVES.includes(String(type.type))),
    ].filter(Boolean).length;
    if (kinds !== 1) return fail(path, `exactly one kind of type (primitive, array, map, named or union), found ${kinds}: ${JSON.stringify(type)}`);
    if (type.type === "array") typeSpec(`${path}.items`, type.items);
    if (type.type === "object" && has("additionalProperties")) typeSpec(`${path}.additionalProperties`, type.additionalProperties);
    if (Array.isArray(type.oneOf)) type.oneOf.forEach((t, i) => typeSpec(`${path}.oneOf[${i}]`, t));
    if (typeof type.$ref === "string") reference(path, type.$ref);
  }

  /** bind.go: a local reference names a type of this package; the built-ins are pulumi.json#/Any, /Archive, /Asset, /Json. */
  function reference(path: string, ref: string): void {
    if (ref.startsWith("#/types/")) {
      const token = decodeURIComponent(ref.slice("#/types/".length));
      if (!isObject(types) || !(token in types)) fail(`${path}.$ref`, `${ref} names no type of this package`);
    } else if (ref.startsWith("pulumi.json#/")) {
      if (!["Any", "Archive", "Asset", "Json"].includes(ref.slice("pulumi.json#/".length))) fail(`${path}.$ref`, `${ref} is no built-in type`);
    } else if (!/^\/[^/]+\/v[^/]+\/schema\.json#\/(types|resources)\//.test(ref)) {
      fail(`${path}.$ref`, `${ref} is neither a local, a built-in nor another package's type`);
    }
  }
}
