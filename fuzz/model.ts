/**
 * The fuzzer's vocabulary: what a fuzzed program declares (read by fuzz/program.ts
 * from the `fuzz:program` config) and the steps a life is made of.
 */

/** How an account is declared: a guard with `PurgedDeletedAccount.accountHooks`, `RecoveredAccount`, `ReclaimableAccount`, or a plain azure-native account under `reclaimSoftDeletedAccounts`. */
export type Form = "guard" | "recovered" | "reclaimable" | "transform";
export type Policy = "recover" | "purge" | "fail";

/** One declared account (a "slot" of the program, stable across edits so steps can name it). */
export interface AccountDecl {
  slot: string;
  form: Form;
  /** The Pulumi resource name of the slot's main resource (the account, or the RecoveredAccount). */
  resourceName: string;
  /** Previous resource names, declared as aliases. */
  aliases: string[];
  accountName: string;
  resourceGroupName: string;
  location: string;
  customSubDomainName: string;
  /** ReclaimableAccount and the transform. */
  ifSoftDeleted: Policy;
  purgeOnDestroy: boolean;
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  /** An in-place change (tags). */
  tag: string;
}

/** The whole program: its accounts, in declaration order. */
export interface ProgramDecl {
  accounts: AccountDecl[];
}

export const OPTIONS = ["protect", "retainOnDelete", "deleteBeforeReplace", "purgeOnDestroy"] as const;
export type BoolOption = (typeof OPTIONS)[number];

/** A program edit, applied to the program as it is (an edit of a slot not declared is skipped, so a shrunk life still runs). */
export type Edit =
  | { edit: "add"; decl: AccountDecl }
  | { edit: "remove"; slot: string }
  | { edit: "rename"; slot: string; resourceName: string; alias: boolean }
  | { edit: "accountName"; slot: string; value: string }
  | { edit: "resourceGroup"; slot: string; value: string }
  | { edit: "location"; slot: string; value: string }
  | { edit: "subdomain"; slot: string; value: string }
  | { edit: "policy"; slot: string; value: Policy }
  | { edit: "option"; slot: string; option: BoolOption; value: boolean }
  | { edit: "ignoreChanges"; slot: string; value: string[] }
  | { edit: "tag"; slot: string; value: string };

export type Command =
  | { command: "preview" }
  /** `replace` / `target`: a slot, whose main resource is `--replace`d / `--target`ed (skipped while not in the state). */
  | { command: "up"; refresh?: boolean; replace?: string; target?: string }
  | { command: "refresh" }
  /** `runProgram`: `pulumi destroy --run-program` (delete hooks need the program). */
  | { command: "destroy"; runProgram?: boolean };

/** Something the world does between commands, through the emulator's control API or the Azure SDK. */
export type WorldEvent =
  | { event: "deleteAccount"; name: string }
  | { event: "purgeAccount"; name: string }
  | { event: "restoreAccount"; name: string }
  | { event: "deleteGroup"; group: string }
  | { event: "createGroup"; group: string }
  /** Another stack's account takes the name, or the subdomain, live or soft-deleted. */
  | { event: "foreign"; name: string; group: string; subdomain: string; deleted: boolean }
  | { event: "conflicts"; count: number }
  | { event: "throttle"; times: number }
  | { event: "refuseCreate" }
  | { event: "clock"; hours: number }
  /** The next up or destroy is killed (SIGKILL of the CLI) as its k-th provider Create, Update or Delete returns (harness: `killAfterOperations`). */
  | { event: "kill"; afterOperations: number }
  /** The fuzzer's own self-test only: the next command's window contains a delete and purge of this live account by someone else. */
  | { event: "sabotage"; name: string };

export type Step = Edit | Command | WorldEvent;

export const GROUPS = ["rg-fuzz-a", "rg-fuzz-b"];
export const LOCATIONS = ["eastus", "westus"];
export const NAMES = ["fz-alpha", "fz-beta", "fz-gamma"];

export function isCommand(step: Step): step is Command {
  return "command" in step;
}
export function isEdit(step: Step): step is Edit {
  return "edit" in step;
}
