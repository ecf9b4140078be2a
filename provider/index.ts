/**
 * pulumi-cognitive-reclaim: declarative purge and recovery of soft-deleted
 * Azure AI services (Cognitive Services) accounts.
 */
export { PurgedDeletedAccount, type PurgedDeletedAccountArgs, type PurgedDeletedAccountOutputs } from "./purgedDeletedAccount";
export { RecoveredAccount, type RecoveredAccountArgs, type RecoveredAccountOutputs } from "./recoveredAccount";
export { getDeletedAccount, listDeletedAccounts, type DeletedAccount } from "./lookups";
export { ReclaimableAccount, type ReclaimableAccountArgs } from "./reclaimableAccount";
export { SoftDeletePolicy, type IfSoftDeleted } from "./softDeletePolicy";
