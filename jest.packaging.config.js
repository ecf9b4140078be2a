/**
 * The package as users get it: packed, installed from the tarball into fresh
 * projects, type-checked, upgraded from 0.1.0, and each example run through its
 * documented command (`npm run test:packaging`).
 * @type {import('jest').Config}
 */
module.exports = {
  ...require("./jest.config.js"),
  roots: ["<rootDir>/tests/packaging"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 180_000,
};
