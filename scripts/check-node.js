// Run by `npm run demo` and `npm run example` before anything else (before the build), so plain
// JavaScript that any Node.js can parse. An unsupported Node.js would build and run with only npm's
// EBADENGINE warnings, and the user could not tell whether the result counts: refuse it in one line.
"use strict";

const SUPPORTED = [22, 24];

/** The line that refuses `version` (as `process.version` spells it), or undefined when it is supported. */
function unsupportedNode(version) {
  const match = /^v?(\d+)\./.exec(version);
  const major = match ? Number(match[1]) : NaN;
  if (major >= SUPPORTED[0]) return undefined;
  return `Node.js ${version} is not supported: use Node.js ${SUPPORTED.join(" or ")} (install one with: PATH="$(bash scripts/install-node.sh 22):$PATH")`;
}

/** Refuses this process's Node.js: the line on stderr, exit code 1. */
function main() {
  const refusal = unsupportedNode(process.version);
  if (refusal) {
    console.error(refusal);
    process.exit(1);
  }
}

module.exports = { unsupportedNode, main, SUPPORTED };

if (require.main === module) main();
