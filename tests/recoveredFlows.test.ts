import { playRows, RECOVERED } from "./harness/flowRows";

/** The flow matrix of tests/flows.test.ts, for RecoveredAccount alone. */
playRows(RECOVERED);
