import * as pulumi from "@pulumi/pulumi";
import type * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import { PurgedDeletedAccount, ReclaimableAccount, RecoveredAccount, reclaimSoftDeletedAccounts } from "pulumi-cognitive-reclaim";
import type { AccountDecl, ProgramDecl } from "./model";

/**
 * The fuzzer's one Pulumi program: the accounts it declares come from the
 * stack config `fuzz:program` (JSON, `ProgramDecl` in model.ts), so a life's
 * program edits are config changes between runs, like `flow:spec` drives
 * harness/engine/testPrograms/spec.ts. Exports `<slot>_restored` and
 * `<slot>_purged` where the form has them, for invariant (h).
 */
const program = JSON.parse(new pulumi.Config("fuzz").get("program") ?? '{"accounts":[]}') as ProgramDecl;
const exported: Record<string, pulumi.Output<unknown>> = {};

const transformed = program.accounts.filter((a) => a.form === "transform");
if (transformed.length) {
  reclaimSoftDeletedAccounts({
    ifSoftDeleted: "recover",
    accounts: Object.fromEntries(transformed.map((a) => [a.resourceName, { ifSoftDeleted: a.ifSoftDeleted, purgeOnDestroy: a.purgeOnDestroy }])),
  });
}

function optionsOf(a: AccountDecl, aliasSuffix = ""): pulumi.CustomResourceOptions {
  return {
    protect: a.protect,
    retainOnDelete: a.retainOnDelete,
    // Unset unless true: an explicit false overrides azure-native's own delete-before-replace of a named account.
    ...(a.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
    ignoreChanges: a.ignoreChanges.length ? a.ignoreChanges : undefined,
    aliases: a.aliases.length ? a.aliases.map((name) => ({ name: `${name}${aliasSuffix}` })) : undefined,
  };
}

function accountArgs(a: AccountDecl) {
  return {
    accountName: a.accountName,
    resourceGroupName: a.resourceGroupName,
    location: a.location,
    kind: "OpenAI",
    sku: { name: "S0" },
    properties: { customSubDomainName: a.customSubDomainName },
    tags: a.tag ? { fuzz: a.tag } : undefined,
  };
}

/* eslint-disable @typescript-eslint/no-require-imports -- azure-native loads only when a program declares a plain account: it takes a while */
for (const a of program.accounts) {
  if (a.form === "recovered") {
    const r = new RecoveredAccount(a.resourceName, { accountName: a.accountName, resourceGroupName: a.resourceGroupName, location: a.location, purgeOnDestroy: a.purgeOnDestroy }, optionsOf(a));
    exported[`${a.slot}_restored`] = r.restored;
  } else if (a.form === "reclaimable") {
    const r = new ReclaimableAccount(a.resourceName, { ...accountArgs(a), ifSoftDeleted: a.ifSoftDeleted, purgeOnDestroy: a.purgeOnDestroy }, optionsOf(a));
    exported[`${a.slot}_restored`] = r.restored;
    exported[`${a.slot}_purged`] = r.purged;
  } else {
    const azure = require("@pulumi/azure-native/cognitiveservices") as typeof cognitiveservices;
    if (a.form === "guard") {
      const guard = new PurgedDeletedAccount(
        `${a.resourceName}-guard`,
        { accountName: a.accountName, location: a.location, resourceGroupName: a.resourceGroupName, purgeOnDestroy: a.purgeOnDestroy },
        { aliases: a.aliases.length ? a.aliases.map((name) => ({ name: `${name}-guard` })) : undefined },
      );
      exported[`${a.slot}_purged`] = guard.purged;
      new azure.Account(a.resourceName, accountArgs(a), { ...optionsOf(a), dependsOn: [guard], hooks: guard.accountHooks });
    } else {
      new azure.Account(a.resourceName, accountArgs(a), optionsOf(a));
    }
  }
}

export = exported;
