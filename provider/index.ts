/**
 * pulumi-cognitive-reclaim: declarative purge and recovery of soft-deleted
 * Azure AI services (Cognitive Services) accounts.
 */
export { PurgedDeletedAccount, type PurgedDeletedAccountArgs, type PurgedDeletedAccountOutputs } from "./purgedDeletedAccount";
export { RecoveredAccount, type RecoveredAccountArgs, type RecoveredAccountOutputs } from "./recoveredAccount";
export { getDeletedAccount, listDeletedAccounts, type DeletedAccount } from "./lookups";
export { ReclaimableAccount, type ReclaimableAccountArgs, type ReclaimableAccountOptions, type AzureNativeAccount } from "./reclaimableAccount";
export { reclaimSoftDeletedAccounts, type ReclaimSoftDeletedAccountsOptions } from "./reclaimSoftDeletedAccounts";
export type { SoftDeleteSettings } from "./softDeleteHandling";
export { purgeBeforeCreateHooks, type GuardedAccount } from "./accountHooks";
export { SoftDeletePolicy, type IfSoftDeleted } from "./softDeletePolicy";
