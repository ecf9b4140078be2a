/**
 * The flow harness: a faithful mini Pulumi engine that runs a whole program
 * through preview, up, refresh and destroy (see {@link FlowStack}).
 */
export { FlowStack, type FlowStackOptions, type RunOptions, type RunResult } from "./flowStack";
export { type StepOp, type StepRecord } from "./steps";
export { type PendingOperation, type ResourceState, type Snapshot } from "./state";
export { ACCOUNT_TYPE, RESOURCE_GROUP_TYPE, REPLACE_ON } from "./azureNative";
export { UNKNOWN } from "./values";
export { type AccountWrite, accountWrites } from "./armLog";
export { type OrderOptions } from "./order";
export { type EngineRelease } from "./deployment";
