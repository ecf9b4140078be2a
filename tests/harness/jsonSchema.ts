/**
 * A JSON Schema (draft 2020-12) validator for the tests, implementing exactly the keywords Pulumi's package
 * metaschema uses (tests/fixtures/pulumi-metaschema/pulumi.json), so the plugin's `GetSchema` answer is checked
 * against the metaschema itself rather than a restatement of it. No validator is a dependency of this project.
 *
 * Compiling a schema walks all of it first and throws on any keyword not implemented here, on a `$ref` that does not
 * resolve and on a pattern that does not compile: a refreshed metaschema that starts using a new keyword fails
 * loudly instead of having that keyword silently ignored.
 *
 * Like Pulumi's own validator, `format` and `contentEncoding` are annotations and assert nothing: bind.go's init
 * compiles pulumi.json with santhosh-tekuri/jsonschema v5's NewCompiler and sets neither AssertFormat nor
 * AssertContent, which for draft 2020-12 are off unless set (as draft 2020-12 itself specifies). One difference:
 * validateSpec validates the schema after a round trip through Go's PackageSpec struct, which drops members the
 * struct does not know; this validator sees the answer as the plugin sent it, so it is the stricter of the two.
 */
export const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

/** One broken rule: where in the instance (a JSON pointer, "" for the root), which schema rule, and what. */
export interface Violation {
  instancePath: string;
  schemaPath: string;
  rule: string;
  /** For oneOf/anyOf that no branch matched: why each branch did not. */
  causes?: Violation[];
}

type SchemaNode = boolean | Record<string, unknown>;

/** Keywords that assert something about an instance; each has a case in `checkKeyword`. */
const ASSERTIONS = new Set(["$ref", "type", "properties", "additionalProperties", "required", "pattern", "enum", "const", "oneOf", "anyOf", "allOf", "items", "propertyNames", "minItems", "minLength"]);
/** Keywords that only identify, structure or annotate in draft 2020-12 (core and meta-data vocabularies; format and content as annotations). */
const ANNOTATIONS = new Set(["$schema", "$id", "$defs", "$comment", "title", "description", "default", "format", "contentEncoding"]);
/**
 * pulumi.json misspells one annotation (`"desciption"` in `$defs/csharpLanguageSpec`, property rootNamespace).
 * Draft 2020-12 ignores unknown keywords; this one is accepted by name so any other unknown keyword still throws.
 */
const KNOWN_MISSPELLINGS = new Set(["desciption"]);
const JSON_TYPES = new Set(["null", "boolean", "object", "array", "number", "string", "integer"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
// Membership is always Object.hasOwn, never `in`: a package member named "constructor" or "toString" is no member of
// Object.prototype's, and `in` would take it as declared.

/** RFC 6901: a JSON pointer's reference tokens escape `~` and `/`. */
export function pointerTo(path: string, token: string | number): string {
  return `${path}/${String(token).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

function unescapeToken(token: string): string {
  return decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  if (type === "integer") return typeof value === "number" && Number.isInteger(value);
  return jsonTypeOf(value) === type;
}

/** JSON equality (enum, const): object member order does not matter, array order does. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return a === b;
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** A compiled schema document: `validate` returns the violations of an instance, none when it conforms. */
export class JsonSchema {
  private readonly patterns = new Map<string, RegExp>();

  private constructor(private readonly document: Record<string, unknown>) {}

  /** Checks the whole document before any validation; throws naming the schema location and the fix. */
  static compile(document: unknown): JsonSchema {
    if (!isObject(document)) throw new Error(`a schema document is a JSON object, found ${show(document)}`);
    if (document.$schema !== DRAFT_2020_12) throw new Error(`$schema is ${show(document.$schema)}: this validator implements draft 2020-12 only (${DRAFT_2020_12})`);
    const schema = new JsonSchema(document);
    schema.compileNode(document, "#");
    return schema;
  }

  validate(instance: unknown): Violation[] {
    return this.check(this.document, instance, "", "#");
  }

  private compileNode(node: unknown, at: string): void {
    if (typeof node === "boolean") return;
    if (!isObject(node)) throw new Error(`${at}: a schema is an object or a boolean, found ${show(node)}`);
    for (const [keyword, value] of Object.entries(node)) {
      const where = pointerTo(at, keyword);
      if (KNOWN_MISSPELLINGS.has(keyword)) continue;
      if (!ASSERTIONS.has(keyword) && !ANNOTATIONS.has(keyword)) {
        throw new Error(`${where}: keyword "${keyword}" is not implemented by tests/harness/jsonSchema.ts (it implements ${[...ASSERTIONS].join(", ")}); implement it there, with a test row in tests/jsonSchema.test.ts`);
      }
      this.compileKeyword(keyword, value, where, at);
    }
  }

  private compileKeyword(keyword: string, value: unknown, where: string, at: string): void {
    const fail = (expected: string): never => {
      throw new Error(`${where}: ${keyword} must be ${expected}, found ${show(value)}`);
    };
    switch (keyword) {
      case "$schema":
      case "$id":
        // A nested $schema or $id would change the dialect or the base URI of the $refs below it: not implemented.
        if (at !== "#") fail("absent below the document's root (changing the dialect or the base URI is not implemented)");
        if (typeof value !== "string") fail("a string");
        return;
      case "$defs":
      case "properties":
        if (!isObject(value)) fail("an object of schemas");
        for (const [name, sub] of Object.entries(value as Record<string, unknown>)) this.compileNode(sub, pointerTo(where, name));
        return;
      case "additionalProperties":
      case "items":
      case "propertyNames":
        // Draft 2020-12's items is one schema for every element (the array form was draft 2019's, now prefixItems).
        return this.compileNode(value, where);
      case "allOf":
      case "anyOf":
      case "oneOf":
        if (!Array.isArray(value) || value.length === 0) fail("a non-empty array of schemas");
        (value as unknown[]).forEach((sub, i) => this.compileNode(sub, pointerTo(where, i)));
        return;
      case "$ref":
        if (typeof value !== "string") fail("a string");
        this.resolve(value as string, where);
        return;
      case "type": {
        const types = Array.isArray(value) ? value : [value];
        if (types.length === 0 || !types.every((t) => typeof t === "string" && JSON_TYPES.has(t))) fail(`one of ${[...JSON_TYPES].join(", ")} or an array of them`);
        return;
      }
      case "required":
        if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) fail("an array of strings");
        return;
      case "enum":
        if (!Array.isArray(value)) fail("an array");
        return;
      case "pattern":
        if (typeof value !== "string") fail("a string");
        this.regex(value as string, where);
        return;
      case "minItems":
      case "minLength":
        if (!Number.isInteger(value) || (value as number) < 0) fail("a non-negative integer");
        return;
      default:
        // const, and the annotations: any value.
        return;
    }
  }

  /** Only references within this document (`#` and a JSON pointer) are implemented; pulumi.json uses no other. */
  private resolve(ref: string, where: string): { node: SchemaNode; path: string } {
    if (!ref.startsWith("#")) throw new Error(`${where}: $ref ${show(ref)} leaves the document; only "#/..." references are implemented`);
    let node: unknown = this.document;
    for (const token of ref.slice(1).split("/").slice(1).map(unescapeToken)) {
      node = Array.isArray(node) ? node[Number(token)] : isObject(node) && Object.hasOwn(node, token) ? node[token] : undefined;
      if (node === undefined) throw new Error(`${where}: $ref ${show(ref)} resolves to nothing in the schema document`);
    }
    if (typeof node !== "boolean" && !isObject(node)) throw new Error(`${where}: $ref ${show(ref)} resolves to ${show(node)}, which is not a schema`);
    return { node, path: ref };
  }

  /** ECMA-262 regular expressions, as draft 2020-12 specifies, in unicode mode; patterns are not anchored implicitly. */
  private regex(pattern: string, where: string): RegExp {
    let re = this.patterns.get(pattern);
    if (!re) {
      try {
        re = new RegExp(pattern, "u");
      } catch (error) {
        throw new Error(`${where}: pattern ${show(pattern)} is no ECMA-262 regular expression: ${(error as Error).message}`);
      }
      this.patterns.set(pattern, re);
    }
    return re;
  }

  private check(node: SchemaNode, instance: unknown, path: string, schemaPath: string): Violation[] {
    if (node === true) return [];
    if (node === false) return [{ instancePath: path, schemaPath, rule: `no value is allowed here (the schema is false), found ${show(instance)}` }];
    return Object.entries(node).flatMap(([keyword, value]) => this.checkKeyword(node, keyword, value, instance, path, pointerTo(schemaPath, keyword)));
  }

  private checkKeyword(node: Record<string, unknown>, keyword: string, value: unknown, instance: unknown, path: string, at: string): Violation[] {
    const broken = (rule: string, causes?: Violation[]): Violation[] => [{ instancePath: path, schemaPath: at, rule, ...(causes ? { causes } : {}) }];
    switch (keyword) {
      case "$ref": {
        const target = this.resolve(value as string, at);
        return this.check(target.node, instance, path, target.path);
      }
      case "type": {
        const types = (Array.isArray(value) ? value : [value]) as string[];
        return types.some((t) => hasType(instance, t)) ? [] : broken(`must be of type ${types.join(" or ")}, found ${jsonTypeOf(instance)} ${show(instance)}`);
      }
      case "enum":
        return (value as unknown[]).some((v) => jsonEqual(v, instance)) ? [] : broken(`must be one of ${show(value)}, found ${show(instance)}`);
      case "const":
        return jsonEqual(value, instance) ? [] : broken(`must be ${show(value)}, found ${show(instance)}`);
      case "pattern":
        return typeof instance !== "string" || this.regex(value as string, at).test(instance) ? [] : broken(`${show(instance)} does not match the pattern ${value as string}`);
      case "minLength":
        return typeof instance !== "string" || [...instance].length >= (value as number) ? [] : broken(`must be at least ${value as number} characters long, found ${show(instance)}`);
      case "minItems":
        return !Array.isArray(instance) || instance.length >= (value as number) ? [] : broken(`must have at least ${value as number} items, found ${instance.length}`);
      case "required":
        if (!isObject(instance)) return [];
        return (value as string[]).filter((name) => !Object.hasOwn(instance, name)).flatMap((name) => broken(`required property "${name}" is missing`));
      case "properties":
        if (!isObject(instance)) return [];
        return Object.entries(value as Record<string, SchemaNode>).flatMap(([name, sub]) => (Object.hasOwn(instance, name) ? this.check(sub, instance[name], pointerTo(path, name), pointerTo(at, name)) : []));
      case "additionalProperties": {
        if (!isObject(instance)) return [];
        // patternProperties would also exempt names here; pulumi.json does not use it (and compile refuses it).
        const declared = isObject(node.properties) ? node.properties : {};
        const extra = Object.keys(instance).filter((name) => !Object.hasOwn(declared, name));
        if (value === false) return extra.flatMap((name) => [{ instancePath: pointerTo(path, name), schemaPath: at, rule: `property "${name}" is not allowed (additionalProperties is false; allowed: ${Object.keys(declared).join(", ")})` }]);
        return extra.flatMap((name) => this.check(value as SchemaNode, instance[name], pointerTo(path, name), at));
      }
      case "propertyNames":
        if (!isObject(instance)) return [];
        return Object.keys(instance).flatMap((name) =>
          this.check(value as SchemaNode, name, pointerTo(path, name), at).map((v) => ({ ...v, rule: `the property name ${v.rule}` })),
        );
      case "items":
        if (!Array.isArray(instance)) return [];
        return instance.flatMap((item, i) => this.check(value as SchemaNode, item, pointerTo(path, i), at));
      case "allOf":
        return (value as SchemaNode[]).flatMap((sub, i) => this.check(sub, instance, path, pointerTo(at, i)));
      case "anyOf": {
        const results = (value as SchemaNode[]).map((sub, i) => this.check(sub, instance, path, pointerTo(at, i)));
        return results.some((r) => r.length === 0) ? [] : broken(`matches none of the ${results.length} schemas of anyOf`, results.flat());
      }
      case "oneOf": {
        const branches = value as SchemaNode[];
        const results = branches.map((sub, i) => this.check(sub, instance, path, pointerTo(at, i)));
        const matched = results.flatMap((r, i) => (r.length === 0 ? [branchName(branches[i], i)] : []));
        if (matched.length === 1) return [];
        if (matched.length > 1) return broken(`matches ${matched.length} schemas of oneOf (${matched.join(", ")}); exactly one must match`);
        return broken(`matches none of the ${branches.length} schemas of oneOf`, results.flatMap((r, i) => r.map((v) => ({ ...v, rule: `[${branchName(branches[i], i)}] ${v.rule}` }))));
      }
      default:
        return [];
    }
  }
}

function branchName(node: SchemaNode, index: number): string {
  if (isObject(node) && typeof node.title === "string") return node.title;
  if (isObject(node) && typeof node.$ref === "string") return node.$ref;
  return `#${index}`;
}

/** One line per violation, causes indented below it: "<pointer or (root)>: <rule> (<schema location>)". */
export function formatViolations(violations: Violation[], indent = ""): string[] {
  return violations.flatMap((v) => [`${indent}${v.instancePath || "(root)"}: ${v.rule} (${v.schemaPath})`, ...formatViolations(v.causes ?? [], `${indent}  `)]);
}
