import type { LoggedRequest } from "../emulator/server";
import { brokenInvariants, type HeldAccount, RAW_AZURE_REFUSAL, touchesOf } from "./harness/invariants";

/**
 * The invariant checks the plan rows rely on (tests/harness/invariants.ts),
 * on made-up facts: each must catch the breach it is named for, so a row that
 * passes says something. Runs in milliseconds, no emulator.
 */
const SUB = "/subscriptions/3f2c8a8e-5c1d-4b8e-9a51-6d3e2f1c0b7a";
const log = (method: string, path: string, status: number): LoggedRequest => ({ seq: 0, at: 0, kind: "arm", method, path, apiVersion: "2025-09-01", status });
const accountPath = (group: string, name: string) => `${SUB}/resourceGroups/${group}/providers/Microsoft.CognitiveServices/accounts/${name}`;
const deletedPath = (location: string, group: string, name: string) => `${SUB}/providers/Microsoft.CognitiveServices/locations/${location}/resourceGroups/${group}/deletedAccounts/${name}`;
const held = (name: string, internalId: string, deleted: boolean, location = "eastus", group = "rg"): HeldAccount => ({ name, group, location, internalId, deleted });

describe("touchesOf reads deletes and purges from ARM's log", () => {
  it("keeps answered deletes and purges, with group and normalized location; drops reads, refusals and purges of nothing", () => {
    const touched = touchesOf([
      log("GET", accountPath("rg", "a"), 200),
      log("DELETE", accountPath("RG", "A"), 200),
      log("DELETE", deletedPath("East%20US", "rg", "a"), 202),
      log("DELETE", deletedPath("eastus", "rg", "b"), 204),
      log("DELETE", deletedPath("eastus", "rg", "c"), 409),
    ]);
    expect(touched).toEqual([
      { action: "delete", group: "rg", name: "a" },
      { action: "purge", group: "rg", name: "a", location: "eastus" },
    ]);
  });
});

describe("brokenInvariants", () => {
  const recorded = new Set(["id-own"]);
  const none = { adopted: [], purges: [] as string[] };

  it("(f) under recover, a purge of an account the stack never recorded is a breach; its own predecessor is not", () => {
    const before = [held("a", "id-other", true)];
    const touched = [{ action: "purge" as const, name: "a", group: "rg", location: "eastus" }];
    expect(brokenInvariants({ ...none, before, recorded, touched }, { policy: "recover" })).toEqual([`(f) purge of 'a' in 'rg' (eastus) under "recover": not an identity this stack recorded`]);
    expect(brokenInvariants({ ...none, before, recorded, touched }, { policy: "purge" })).toEqual([]);
    expect(brokenInvariants({ ...none, before: [held("a", "id-own", false)], recorded, touched: [{ action: "delete", name: "a", group: "rg" }, ...touched] }, { policy: "recover" })).toEqual([]);
  });

  it("(a) deleting a live account the stack did not record, or purging a live one it did not delete, is a breach", () => {
    expect(brokenInvariants({ ...none, before: [held("a", "id-other", false)], recorded, touched: [{ action: "delete", name: "a", group: "rg" }] })).toEqual([
      "(a) delete of 'a' in 'rg': a live account this stack did not record",
    ]);
    expect(brokenInvariants({ ...none, before: [held("a", "id-own", false)], recorded, touched: [{ action: "purge", name: "a", group: "rg", location: "eastus" }] })).toEqual([
      "(a) purge of 'a' in 'rg' (eastus): purged while live before the run, not deleted by it",
    ]);
  });

  it("(b) touching an adopted account is a breach", () => {
    expect(brokenInvariants({ ...none, adopted: [{ name: "a", group: "rg" }], before: [held("a", "id-own", false)], recorded, touched: [{ action: "delete", name: "a", group: "rg" }] })).toEqual([
      "(b) delete of 'a' in 'rg': an account this stack adopted",
    ]);
  });

  it("(g) a failed up that purged is a breach unless the row injected the failure", () => {
    const facts = { ...none, before: [], recorded, touched: [], failed: "404 ResourceGroupNotFound", purges: ["a"] };
    expect(brokenInvariants(facts)).toEqual(["(g) up failed (404 ResourceGroupNotFound) after purging a"]);
    expect(brokenInvariants(facts, { unforeseeableFailure: true })).toEqual([]);
  });
});

describe("RAW_AZURE_REFUSAL tells Azure's refusal from the package's", () => {
  it("matches azure-native's and the package's wrapping of Azure's answer, not a refusal that names the code it spares", () => {
    expect(`Status=409 Code="CustomDomainInUse" Message="The subdomain name 'x' is not available"`).toMatch(RAW_AZURE_REFUSAL);
    expect("create of account 'x' failed: a soft-deleted account holds this name (409 FlagMustBeSetForRestore).").toMatch(RAW_AZURE_REFUSAL);
    expect("customSubDomainName 'x' is held by soft-deleted account 'y', which this stack does not own, so the create would fail with CustomDomainInUse; nothing was purged").not.toMatch(RAW_AZURE_REFUSAL);
  });
});
