import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";

/**
 * Installs this package into a project the way a user does, from its packed
 * tarball, without the registry: the project gets a lockfile cut from this
 * repository's own (`package-lock.json`), so `npm ci --offline` resolves
 * every module from npm's local cache, which this repository's `npm ci` filled.
 *
 * Why a lockfile: without one, npm asks the registry for every package's
 * metadata, which the cache does not hold; with one, it needs the tarballs
 * only. The cut keeps each module at the place it has in this repository's
 * tree, so the project installs exactly the versions the tests ran with.
 */

/** A packed package: where its tarball is and npm's integrity record of it. */
export interface PackedPackage {
  tarball: string;
  name: string;
  version: string;
  integrity: string;
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

/**
 * `npm pack` of the package in `root` (which must be built) into `destination`,
 * renamed to `<fileName>` when given. Runs no lifecycle script.
 */
export function packPackage(root: string, destination: string, fileName?: string): PackedPackage {
  mkdirSync(destination, { recursive: true });
  const output = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", destination], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const [packed] = JSON.parse(output) as { filename: string; name: string; version: string; integrity: string }[];
  let tarball = join(destination, basename(packed.filename));
  if (fileName !== undefined) {
    const renamed = join(destination, fileName);
    renameSync(tarball, renamed);
    tarball = renamed;
  }
  return { tarball, name: packed.name, version: packed.version, integrity: packed.integrity };
}

/** Where npm's node resolution finds `name` when required from the package installed at `from`. */
function resolveInLock(lock: Lockfile, from: string, name: string): string | undefined {
  for (let base = from; ; ) {
    const candidate = base === "" ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (base === "") return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut < 0 ? "" : base.slice(0, cut);
  }
}

/**
 * The registry address of a module's tarball. This repository's lockfile may
 * leave `resolved` out (npm's `omit-lockfile-registry-resolved`); without it,
 * `npm ci` would ask the registry for the module's metadata, which an offline
 * install cannot. With it, npm takes the tarball from its cache by integrity.
 */
function tarballUrl(registry: string, location: string, entry: LockEntry): string {
  const name = location.slice(location.lastIndexOf("node_modules/") + "node_modules/".length);
  const base = name.slice(name.lastIndexOf("/") + 1);
  return `${registry.replace(/\/?$/, "/")}${name}/-/${base}-${entry.version}.tgz`;
}

/** Copies into `into` the entry at `location` and, transitively, every entry it needs. */
function copyClosure(lock: Lockfile, location: string, into: Record<string, LockEntry>, registry: string): void {
  if (into[location]) return;
  const entry = lock.packages[location];
  // The flags say how this repository reached the module (dev, peer); npm recomputes them for the project.
  const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
  into[location] = { ...kept, resolved: entry.resolved ?? tarballUrl(registry, location, entry) };
  const required = { ...entry.dependencies, ...entry.optionalDependencies };
  const peers = Object.keys(entry.peerDependencies ?? {}).filter((p) => !entry.peerDependenciesMeta?.[p]?.optional);
  for (const name of [...Object.keys(required), ...peers]) {
    const found = resolveInLock(lock, location, name);
    if (found) copyClosure(lock, found, into, registry);
    else if (!(name in (entry.optionalDependencies ?? {}))) {
      throw new Error(`package-lock.json has no '${name}' reachable from '${location}': run npm install in the repository so its lockfile holds every module the packed package needs`);
    }
  }
}

/**
 * Installs the packed package, and the other modules a project needs, into
 * `project` with `npm ci --offline`, from a lockfile cut from this
 * repository's. With `others` (names of modules this repository installs), it
 * writes the project's `package.json`: the packed package by a relative
 * `file:` path plus those modules at this repository's versions. Without, it
 * keeps the project's own `package.json`, whose dependencies must all be
 * modules this repository installs, at versions its ranges allow, and whose
 * dependency on the package must be `file:<the tarball's path from the project>`.
 */
export function installPacked(root: string, project: string, packed: PackedPackage, others?: string[], options: { name?: string; writeManifest?: boolean } = {}): void {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as Lockfile;
  const registry = execFileSync("npm", ["config", "get", "registry"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  const manifest = lock.packages[""];
  const spec = `file:${relative(project, packed.tarball)}`;
  mkdirSync(project, { recursive: true });
  const manifestPath = join(project, "package.json");
  let projectManifest: { name?: string; dependencies?: Record<string, string>; [key: string]: unknown };
  if (others) {
    options = { ...options, writeManifest: true };
    projectManifest = { name: options.name ?? basename(project), version: "0.0.0", private: true, dependencies: { [packed.name]: spec } };
  } else {
    projectManifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    const given = projectManifest.dependencies?.[packed.name];
    if (given !== spec) throw new Error(`${manifestPath} depends on ${packed.name} '${given}': it must say '${spec}' (the packed tarball) to install offline`);
    others = Object.keys(projectManifest.dependencies ?? {}).filter((name) => name !== packed.name);
  }
  const dependencies: Record<string, string> = { ...projectManifest.dependencies };
  const packages: Record<string, LockEntry> = {};
  for (const name of others) {
    const location = `node_modules/${name}`;
    const entry = lock.packages[location];
    if (!entry?.version) throw new Error(`'${name}' is not at the top of this repository's package-lock.json, so it cannot be installed offline: name a module this repository installs (got '${name}')`);
    dependencies[name] ??= entry.version;
    copyClosure(lock, location, packages, registry);
  }
  const own: LockEntry = {
    version: packed.version,
    resolved: spec,
    integrity: packed.integrity,
    dependencies: manifest.dependencies,
    peerDependencies: manifest.peerDependencies,
    peerDependenciesMeta: manifest.peerDependenciesMeta,
  };
  for (const name of Object.keys(manifest.dependencies ?? {})) copyClosure(lock, `node_modules/${name}`, packages, registry);
  if (options.writeManifest) writeFileSync(manifestPath, `${JSON.stringify({ ...projectManifest, dependencies }, null, 2)}\n`);
  const name = projectManifest.name ?? basename(project);
  const projectLock = {
    name,
    version: "0.0.0",
    lockfileVersion: 3,
    requires: true,
    packages: { "": { name, version: "0.0.0", dependencies }, [`node_modules/${packed.name}`]: own, ...packages },
  };
  writeFileSync(join(project, "package-lock.json"), `${JSON.stringify(projectLock, null, 2)}\n`);
  execFileSync("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: project, stdio: ["ignore", "pipe", "pipe"] });
}
