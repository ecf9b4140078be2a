/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  modulePathIgnorePatterns: ["<rootDir>/dist/"],
  testTimeout: 60_000,
  // The tests start HTTPS servers and provider hosts; two workers fit two cores.
  maxWorkers: 2,
};
