/**
 * The component package as other languages reach it (`npm run test:languages`, run by CI after the packaging
 * tests): GetSchema against Pulumi's metaschema, the flow rows constructed remotely through the plugin, and the
 * YAML and Python examples. Outside `npm test`, which is at its 10-minute bound on 2 cores; these suites alone
 * take about two and a half minutes there.
 * @type {import('jest').Config}
 */
const LANGUAGE_SUITES = ["<rootDir>/tests/remoteComponents.test.ts", "<rootDir>/tests/languageExamples.test.ts"];

module.exports = {
  ...require("./jest.config.js"),
  testPathIgnorePatterns: ["/node_modules/"],
  testMatch: LANGUAGE_SUITES,
};
