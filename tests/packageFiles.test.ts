import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What `npm pack` ships (the `files` of package.json, as npm reads them): every source map carries the
 * sources it maps to (tsconfig.build.json's `inlineSources`), since the TypeScript sources are not shipped.
 * Needs `npm run build`.
 */
const ROOT = join(__dirname, "..");

function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const [packed] = JSON.parse(out) as { files: { path: string }[] }[];
  return packed.files.map((f) => f.path);
}

it("every shipped source map carries its sources, and no TypeScript source is shipped", () => {
  const files = packedFiles();
  const maps = files.filter((f) => f.endsWith(".map"));
  expect(maps.length).toBeGreaterThan(0);
  expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
  for (const file of maps) {
    const map = JSON.parse(readFileSync(join(ROOT, file), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
    expect({ file, carried: map.sourcesContent?.filter((s) => typeof s === "string" && s.length > 0).length }).toEqual({ file, carried: map.sources.length });
  }
});
