import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningEmulator } from "../emulator/server";

/**
 * An example's world: what the emulator holds before the run and the stack
 * config, from `emulator.json` beside its `Pulumi.yaml`. Read by
 * `npm run example` and by the tests that run the examples.
 */
export interface ExampleWorld {
  /** Stack configuration; a key without a namespace gets the project's. */
  config?: Record<string, string>;
  world?: {
    resourceGroups?: string[];
    softDeleted?: ExampleAccount[];
    live?: ExampleAccount[];
  };
}

interface ExampleAccount {
  name: string;
  resourceGroupName: string;
  location?: string;
  kind?: string;
}

/** The folder's `emulator.json`, or an empty world when it has none. */
export function readExampleWorld(folder: string): ExampleWorld {
  const file = join(folder, "emulator.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as ExampleWorld) : {};
}

/** The project's name, from the `name:` line of `Pulumi.yaml`. */
export function projectName(folder: string): string {
  const match = /^name:\s*(\S+)\s*$/m.exec(readFileSync(join(folder, "Pulumi.yaml"), "utf8"));
  if (!match) throw new Error(`${join(folder, "Pulumi.yaml")} has no 'name:' line: a Pulumi project file names its project`);
  return match[1];
}

/** The stack config, each key without a namespace given the project's (`region` → `<project>:region`). */
export function stackConfigOf(example: ExampleWorld, project: string): Record<string, string> {
  return Object.fromEntries(Object.entries(example.config ?? {}).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
}

/** Seeds the emulator: the groups, and the accounts soft-deleted and live in them (in `eastus`, kind `OpenAI`, unless said). */
export async function seedExampleWorld(emulator: RunningEmulator, example: ExampleWorld): Promise<void> {
  const subscriptionId = emulator.subscriptionId;
  const world = example.world ?? {};
  const account = (a: ExampleAccount) => ({
    subscriptionId, resourceGroupName: a.resourceGroupName, name: a.name, location: a.location ?? "eastus", kind: a.kind ?? "OpenAI", properties: { customSubDomainName: a.name },
  });
  await emulator.control.seed({
    resourceGroups: (world.resourceGroups ?? []).map((name) => ({ subscriptionId, name, location: "eastus" })),
    deletedAccounts: (world.softDeleted ?? []).map(account),
    accounts: (world.live ?? []).map(account),
  });
}
