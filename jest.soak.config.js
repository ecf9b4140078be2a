/**
 * Tests that run in CI's fuzz step (`.ci/run`), outside `npm test` (which is at its time bound): the flow
 * harness's own engine rules (flowEngine.test.ts) and its model of an update killed midway, which the fuzzer's
 * lives and every flow suite rely on, the fuzzer's exit code, and the rows the fuzzer found (fuzz/rows).
 * @type {import('jest').Config}
 */
module.exports = {
  ...require("./jest.config.js"),
  roots: ["<rootDir>/tests/soak"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 180_000,
};
