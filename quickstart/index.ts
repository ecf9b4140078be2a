import { quickstart } from "./program";

const stack = quickstart();

export const purgedBeforeCreate = stack.guard.purged;
export const endpoint = stack.account.properties.endpoint;
