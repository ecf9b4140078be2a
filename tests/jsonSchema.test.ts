import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DRAFT_2020_12, formatViolations, JsonSchema } from "./harness/jsonSchema";
import { bindingViolations, metaschemaViolations } from "./harness/packageSchema";

/**
 * The test validator (tests/harness/jsonSchema.ts) held to what a JSON Schema 2020-12 validator must do with Pulumi's
 * package metaschema (tests/fixtures/pulumi-metaschema/pulumi.json): package schemas it must refuse, naming the JSON
 * pointer and the rule, and ones it must accept; and a metaschema it cannot fully implement refused outright. The
 * plugin's real `GetSchema` answer is validated in tests/remoteComponents.test.ts.
 */
const METASCHEMA = JSON.parse(readFileSync(join(__dirname, "fixtures", "pulumi-metaschema", "pulumi.json"), "utf8")) as Record<string, Record<string, Record<string, unknown>>>;
const T = "example:index:Thing";

/** A small component package using every kind of type Pulumi has, valid as written. */
function validPackage(): Record<string, unknown> {
  return {
    name: "example",
    version: "1.2.3-alpha.1+build.5",
    description: "A package.",
    language: { nodejs: { packageName: "@example/x" } },
    dependencies: [{ name: "azure-native", version: "3.0.0" }],
    types: {
      "example:index:Mode": { type: "string", enum: [{ value: "a", description: "A." }, { name: "Bee", value: "b" }] },
      "example:index:Inner": { type: "object", properties: { n: { type: "integer", description: "n." } }, required: ["n"] },
    },
    resources: {
      [T]: {
        isComponent: true,
        description: "A thing.",
        inputProperties: {
          s: { type: "string", description: "s.", secret: true },
          mode: { $ref: "#/types/example:index:Mode", description: "mode." },
          list: { type: "array", items: { type: "number" } },
          map: { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } },
          plainMap: { type: "object", plain: true },
          union: { oneOf: [{ type: "string" }, { $ref: "#/types/example:index:Inner" }], discriminator: { propertyName: "kind" } },
          other: { $ref: "/azure-native/v3.0.0/schema.json#/types/azure-native:cognitiveservices:Sku", type: "object" },
        },
        requiredInputs: ["s"],
        properties: { out: { type: "boolean", description: "out." } },
        required: ["out"],
      },
    },
  };
}

/** A copy of the valid package with one change. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each row reaches into the untyped JSON to break one member
function broken(change: (p: Record<string, any>) => void): Record<string, unknown> {
  const p = validPackage();
  change(p);
  return p;
}

describe("Pulumi's package metaschema, through the test validator", () => {
  it("accepts a package using every kind of type, and the smallest package (a name)", () => {
    expect(metaschemaViolations(validPackage())).toEqual([]);
    expect(metaschemaViolations({ name: "x" })).toEqual([]);
    expect(bindingViolations(validPackage())).toEqual([]);
  });

  // Each row: the package, then for one of its violations the JSON pointer and a phrase of the rule broken.
  const refused: [string, Record<string, unknown>, string, string][] = [
    ["no name", broken((p) => delete p.name), "(root)", 'required property "name" is missing'],
    ["a name starting with a digit", broken((p) => (p.name = "9lives")), "/name", "does not match the pattern ^[a-zA-Z][-a-zA-Z0-9_]*$"],
    ["a version that is not semver", broken((p) => (p.version = "1.2")), "/version", "does not match the pattern"],
    ["a member the package has no place for", broken((p) => (p.homepageUrl = "https://x")), "/homepageUrl", 'property "homepageUrl" is not allowed (additionalProperties is false'],
    ["a member named like an Object.prototype member", broken((p) => Object.assign(p, { toString: "x" })), "/toString", 'property "toString" is not allowed'],
    ["a resource token without a module", broken((p) => (p.resources[`example:Thing`] = {})), "/resources/example:Thing", "the property name \"example:Thing\" does not match the pattern"],
    ["a type token with a space", broken((p) => (p.types["example:index:Bad Name"] = { type: "object" })), "/types/example:index:Bad Name", "the property name"],
    ["a property of an unknown type", broken((p) => (p.resources[T].inputProperties.s = { type: "date" })), `/resources/${T}/inputProperties/s`, "matches none of the 5 schemas of oneOf"],
    ["an array without items", broken((p) => (p.resources[T].inputProperties.list = { type: "array" })), `/resources/${T}/inputProperties/list`, "matches none of the 5 schemas of oneOf"],
    ["a named type that also has items", broken((p) => (p.resources[T].inputProperties.mode.items = { type: "string" })), `/resources/${T}/inputProperties/mode`, "matches none"],
    ["a union of one type", broken((p) => (p.resources[T].inputProperties.union.oneOf = [{ type: "string" }])), `/resources/${T}/inputProperties/union`, "matches none"],
    ["an empty discriminator", broken((p) => (p.resources[T].inputProperties.union.discriminator = { propertyName: "" })), `/resources/${T}/inputProperties/union`, "matches none"],
    ["a description that is not a string", broken((p) => (p.resources[T].inputProperties.s.description = 3)), `/resources/${T}/inputProperties/s/description`, "must be of type string, found number 3"],
    ["secret not a boolean", broken((p) => (p.resources[T].inputProperties.s.secret = "yes")), `/resources/${T}/inputProperties/s/secret`, "must be of type boolean"],
    ["isComponent not a boolean", broken((p) => (p.resources[T].isComponent = 1)), `/resources/${T}/isComponent`, "must be of type boolean"],
    ["requiredInputs not strings", broken((p) => (p.resources[T].requiredInputs = [1])), `/resources/${T}/requiredInputs/0`, "must be of type string"],
    ["an enum value without value", broken((p) => p.types["example:index:Mode"].enum.push({ name: "c" })), "/types/example:index:Mode", "matches none of the 2 schemas of oneOf"],
    ["an enum of arrays", broken((p) => (p.types["example:index:Mode"].type = "array")), "/types/example:index:Mode", "matches none"],
    ["an object type of type string without enum", broken((p) => (p.types["example:index:Inner"].type = "string")), "/types/example:index:Inner", "matches none"],
    ["a dependency without a name", broken((p) => (p.dependencies = [{ version: "1.0.0" }])), "/dependencies/0", 'required property "name" is missing'],
    ["a namespace in capitals", broken((p) => (p.namespace = "Example")), "/namespace", "does not match the pattern"],
    ["meta with an unknown member", broken((p) => (p.meta = { supportPack: true, x: 1 })), "/meta/x", "is not allowed"],
    ["an overlay language Pulumi has not", broken((p) => (p.functions = { "example:index:f": { isOverlay: true, overlaySupportedLanguages: ["rust"] } })), "/functions/example:index:f/overlaySupportedLanguages/0", 'must be one of ["nodejs","python","go","csharp","java","yaml"], found "rust"'],
  ];
  it.each(refused)("refuses %s, naming where and why", (_, pkg, pointer, rule) => {
    const lines = metaschemaViolations(pkg);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^\\s*${escape(pointer)}: .*${escape(rule)}`))]));
  });

  it("explains a oneOf that no branch matched, branch by branch", () => {
    const lines = metaschemaViolations(broken((p) => (p.resources[T].inputProperties.s = { type: "date" })));
    expect(lines).toEqual(
      expect.arrayContaining([
        `/resources/${T}/inputProperties/s: matches none of the 5 schemas of oneOf (#/$defs/typeSpec/oneOf)`,
        `  /resources/${T}/inputProperties/s/type: [Primitive Type] must be one of ["boolean","integer","number","string"], found "date" (#/$defs/typeSpec/oneOf/0/properties/type/enum)`,
        `  /resources/${T}/inputProperties/s: [Named Type] required property "$ref" is missing (#/$defs/typeSpec/oneOf/3/required)`,
      ]),
    );
  });

  it("the binder's checks refuse a reference to a missing type and a required name that is no property", () => {
    const pkg = broken((p) => {
      p.resources[T].inputProperties.mode.$ref = "#/types/example:index:Missing";
      p.resources[T].inputProperties.map.additionalProperties.$ref = "pulumi.json#/Anything";
      p.resources[T].requiredInputs = ["s", "nope"];
      p.types["example:index:Inner"].required = ["m", "constructor"];
    });
    expect(metaschemaViolations(pkg)).toEqual([]);
    expect(bindingViolations(pkg).sort()).toEqual([
      `/resources/${T}/inputProperties/mode/$ref: #/types/example:index:Missing names no type of this package`,
      `/resources/${T}/inputProperties/map/additionalProperties/$ref: pulumi.json#/Anything is no built-in type (pulumi.json#/Any, pulumi.json#/Archive, pulumi.json#/Asset, pulumi.json#/Json)`,
      `/resources/${T}/requiredInputs/1: names "nope", which is not among inputProperties`,
      "/types/example:index:Inner/required/0: names \"m\", which is not among properties",
      "/types/example:index:Inner/required/1: names \"constructor\", which is not among properties",
    ].sort());
  });
});

describe("the test validator (draft 2020-12, the metaschema's keywords only)", () => {
  const schemaOf = (body: Record<string, unknown>) => JsonSchema.compile({ $schema: DRAFT_2020_12, ...body });
  const lines = (body: Record<string, unknown>, instance: unknown) => formatViolations(schemaOf(body).validate(instance));

  it("refuses a metaschema using a keyword it does not implement, naming the keyword and where", () => {
    const withPatternProperties = structuredClone(METASCHEMA);
    withPatternProperties.$defs.typeSpec.patternProperties = { "^x-": true };
    expect(() => JsonSchema.compile(withPatternProperties)).toThrow('#/$defs/typeSpec/patternProperties: keyword "patternProperties" is not implemented by tests/harness/jsonSchema.ts');
    const withIf = structuredClone(METASCHEMA);
    withIf.properties.name.if = { const: "x" };
    expect(() => JsonSchema.compile(withIf)).toThrow('#/properties/name/if: keyword "if" is not implemented');
  });

  it("refuses what it cannot resolve or compile: another dialect, a dangling $ref, a bad pattern, the draft-2019 items array", () => {
    expect(() => JsonSchema.compile({ ...METASCHEMA, $schema: "http://json-schema.org/draft-07/schema#" })).toThrow("this validator implements draft 2020-12 only");
    expect(() => schemaOf({ $ref: "#/$defs/missing" })).toThrow('#/$ref: $ref "#/$defs/missing" resolves to nothing');
    expect(() => schemaOf({ $ref: "other.json#/x" })).toThrow("only \"#/...\" references are implemented");
    expect(() => schemaOf({ pattern: "([a-z]" })).toThrow("#/pattern: pattern \"([a-z]\" is no ECMA-262 regular expression");
    expect(() => schemaOf({ items: [{ type: "string" }] })).toThrow("#/items: a schema is an object or a boolean");
    expect(() => schemaOf({ $defs: { a: { $id: "x" } } })).toThrow("#/$defs/a/$id: $id must be absent below the document's root");
  });

  it("takes keyword names inside properties as property names, as pulumi.json's typeSpec uses them", () => {
    expect(lines({ properties: { items: false, if: { type: "string" } } }, { if: "x" })).toEqual([]);
    expect(lines({ properties: { items: false } }, { items: 1 })).toEqual(["/items: no value is allowed here (the schema is false), found 1 (#/properties/items)"]);
  });

  it("implements each keyword's rule", () => {
    expect(lines({ type: "integer" }, 1.0)).toEqual([]);
    expect(lines({ type: "integer" }, 1.5)).toEqual(["(root): must be of type integer, found number 1.5 (#/type)"]);
    expect(lines({ type: ["object", "string"] }, null)).toEqual(["(root): must be of type object or string, found null null (#/type)"]);
    expect(lines({ enum: [{ a: 1, b: [1, 2] }] }, { b: [1, 2], a: 1 })).toEqual([]);
    expect(lines({ const: [1, 2] }, [2, 1])).toEqual(["(root): must be [1,2], found [2,1] (#/const)"]);
    expect(lines({ minLength: 2 }, "é")).toEqual(["(root): must be at least 2 characters long, found \"é\" (#/minLength)"]);
    expect(lines({ minItems: 2 }, [1])).toEqual(["(root): must have at least 2 items, found 1 (#/minItems)"]);
    expect(lines({ pattern: "b" }, "abc")).toEqual([]); // not anchored
    expect(lines({ oneOf: [{ type: "number" }, { type: "integer" }] }, 2)).toEqual(["(root): matches 2 schemas of oneOf (#0, #1); exactly one must match (#/oneOf)"]);
    expect(lines({ anyOf: [{ type: "number" }, { type: "integer" }] }, 2)).toEqual([]);
    expect(lines({ anyOf: [{ type: "number" }, { type: "boolean" }] }, "x")).toEqual([
      "(root): matches none of the 2 schemas of anyOf (#/anyOf)",
      '  (root): must be of type number, found string "x" (#/anyOf/0/type)',
      '  (root): must be of type boolean, found string "x" (#/anyOf/1/type)',
    ]);
    expect(lines({ allOf: [{ required: ["a"] }, { required: ["b"] }] }, { a: 1 })).toEqual(['(root): required property "b" is missing (#/allOf/1/required)']);
    expect(lines({ $defs: { s: { type: "string" } }, additionalProperties: { $ref: "#/$defs/s" }, properties: { n: { type: "number" } } }, { n: 1, "a/b~c": 2 })).toEqual([
      "/a~1b~0c: must be of type string, found number 2 (#/$defs/s/type)",
    ]);
    expect(lines({ propertyNames: { pattern: "^[a-z]+$" } }, { ok: 1, "Not ok": 2 })).toEqual(['/Not ok: the property name "Not ok" does not match the pattern ^[a-z]+$ (#/propertyNames/pattern)']);
    expect(lines({ items: { type: "string" } }, ["a", 2])).toEqual(["/1: must be of type string, found number 2 (#/items/type)"]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
