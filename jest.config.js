/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // tests/soak runs in CI's fuzz step (jest.soak.config.js).
  // tests/packaging packs the package and installs it into fresh projects (minutes): `npm run test:packaging`, run by CI.
  // tests/soak and the component package's suites (jest.languages.config.js) run in CI steps of their own.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/packaging/", "<rootDir>/tests/soak/", "<rootDir>/tests/remoteComponents.test.ts", "<rootDir>/tests/languageExamples.test.ts"],
  // tsconfig.json's isolatedModules makes ts-jest transpile each file on its own instead of building a
  // program per worker (a fifth of the CPU); `npm run typecheck` checks the whole project.
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  modulePathIgnorePatterns: ["<rootDir>/dist/"],
  testTimeout: 60_000,
  // The tests start HTTPS servers, provider hosts and programs, and mostly wait on them: on 2 cores a
  // third worker keeps both busy (measured: 1.5 cores busy with two).
  maxWorkers: 3,
  testSequencer: "<rootDir>/jest.sequencer.js",
};
