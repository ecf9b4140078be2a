import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Installs the built package into `<project>/node_modules/pulumi-cognitive-reclaim`
 * the way npm lays out a registry install: `package.json` plus the files it
 * publishes, as real files (not a link). Its dependencies resolve from the
 * nearest `node_modules` above, as hoisted dependencies do. Needs `npm run build`.
 */
export function installBuiltPackage(root: string, project: string): string {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { files: string[] };
  const target = join(project, "node_modules", "pulumi-cognitive-reclaim");
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, "package.json"), readFileSync(join(root, "package.json")));
  for (const entry of manifest.files) cpSync(join(root, entry), join(target, entry), { recursive: true });
  return target;
}
