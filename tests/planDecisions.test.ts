import { PLAN_ROWS_DECISIONS, playPlanRows } from "./harness/planRows";

/**
 * Issue #15's flow-matrix rows, second half: preview and up deciding in one
 * place, decisions re-made when the world changed, foreseeable failures
 * refused before any purge, and an out-of-band delete followed by an update
 * (tests/harness/planRows.ts lists every class and its rows).
 */
playPlanRows(PLAN_ROWS_DECISIONS, "plan-d");
