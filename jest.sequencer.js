const Sequencer = require("@jest/test-sequencer").default;

/**
 * The flow suites take minutes each and the rest seconds; on CI's 2 cores the
 * run ends when the last long suite ends, so they start first. Jest's own
 * order does that only once its timing cache exists: in a fresh clone it
 * orders by file size, and the flow suites are small files, so they started
 * last (measured: 531 s; the same suites started first keep the run's length
 * near the longest suite's).
 */
const LONGEST_FIRST = ["reclaimFlows", "reclaimStates", "flows", "planDecisions", "planFlows", "recoveredFlows", "flowEngine", "remoteComponents", "secrets", "faults", "exampleFlows", "languageExamples", "host"];

function rank(test) {
  const name = require("node:path").basename(test.path).replace(/\.test\.ts$/, "");
  const at = LONGEST_FIRST.indexOf(name);
  return at === -1 ? LONGEST_FIRST.length : at;
}

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    // Array.prototype.sort is stable: the rest keep Jest's order (failed first, then by duration or size).
    return super.sort(tests).sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirstSequencer;
