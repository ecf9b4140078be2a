#!/usr/bin/env bash
# Runs the README's `npm test`, then `npm run test:packaging`, on every supported combination of Node.js and
# @pulumi/pulumi (`npm run test:matrix`; CI runs it too):
#
#   22:newest  Node 22, the SDK of the lockfile (the newest), in this folder
#   24:newest  Node 24, the same install, in this folder
#   22:oldest  Node 22, the oldest SDK that peerDependencies allows, in a copy
#
# A leg name ending in `:literal` (`24:newest:literal`) runs its suite with the emulator matching
# `deletedAccounts` paths only as the location was spelled at creation (RECLAIM_EMULATOR_LITERAL_LOCATIONS=1;
# the service's behaviour is not recorded, so the package must pass under both).
# Pass leg names to run only those (`scripts/test-matrix.sh 24:newest`).
# The newest legs use this folder's node_modules as `npm ci` left them. The
# oldest leg copies the working tree (tracked and untracked files, not the
# ignored ones) to a temporary folder and installs there, so this folder and
# its lockfile stay as they were. Node binaries come from scripts/install-node.sh.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# The lower bound of the peer range is the oldest SDK the package claims.
oldest_sdk="$(node -e 'const r = require("./package.json").peerDependencies["@pulumi/pulumi"]; const m = /^>=(\d+\.\d+\.\d+) <4$/.exec(r); if (!m) { console.error(`peerDependencies["@pulumi/pulumi"] is "${r}": test-matrix.sh expects ">=X.Y.Z <4"`); process.exit(2); } process.stdout.write(m[1]);')"

if [[ $# -gt 0 ]]; then legs=("$@"); else legs=("22:newest" "24:newest" "22:oldest"); fi

summary=()
failed=0
for leg in "${legs[@]}"; do
  major="${leg%%:*}"
  sdk="${leg#*:}"
  literal=0
  if [[ "$sdk" == *:literal ]]; then literal=1; sdk="${sdk%:literal}"; fi
  bin="$(scripts/install-node.sh "$major")"
  started=$SECONDS
  scratch=""
  dir="$root"
  if [[ "$sdk" == "oldest" ]]; then
    scratch="$(mktemp -d "${TMPDIR:-/tmp}/reclaim-matrix-XXXXXX")"
    dir="$scratch"
    git ls-files -z --cached --others --exclude-standard | tar -c --null -T - | tar -x -C "$scratch"
    # The devDependency pins the SDK our tests load; only the copy changes.
    (cd "$scratch" && PATH="$bin:$PATH" npm pkg set "devDependencies[@pulumi/pulumi]=$oldest_sdk" &&
      PATH="$bin:$PATH" npm install --no-audit --no-fund --prefer-offline --loglevel=error)
  elif [[ "$sdk" != "newest" ]]; then
    echo "unknown leg '$leg': expected <node major>:newest or <node major>:oldest (e.g. 22:oldest)" >&2
    exit 2
  fi
  installed_in=$((SECONDS - started))
  installed="$(cd "$dir" && "$bin/node" -p 'require("@pulumi/pulumi/package.json").version')"
  locations=normalized
  if [[ "$literal" == 1 ]]; then locations=literal; fi
  echo "=== leg $leg: Node $("$bin/node" --version), @pulumi/pulumi $installed, deletedAccounts paths matched $locations, in $dir"
  suite=passed
  tested=$SECONDS
  # The primary leg (the first) runs the whole flow matrices; the other legs a fourth of their rows (tests/harness/flows.ts, selectRows).
  rows=all
  if [[ "$leg" != "${legs[0]}" || -n "${RECLAIM_MATRIX_SAMPLE_ALL:-}" ]]; then rows=sample; fi
  if ! (cd "$dir" && RECLAIM_FLOW_ROWS="$rows" RECLAIM_EMULATOR_LITERAL_LOCATIONS="$literal" PATH="$bin:$PATH" npm test); then suite=FAILED; failed=1; fi
  suite_seconds=$((SECONDS - tested))
  packaging=passed
  tested=$SECONDS
  # The packaging tests (pack, install, type-check, upgrade) run on the primary leg only: CI's 30 minutes.
  if [[ "$rows" == all ]]; then
    # The copy is no git repository: the upgrade test reads 0.1.0 from this one's objects.
    if ! (cd "$dir" && GIT_DIR="$(git -C "$root" rev-parse --absolute-git-dir)" PATH="$bin:$PATH" npm run test:packaging); then packaging=FAILED; failed=1; fi
  else
    packaging=skipped
  fi
  packaging_seconds=$((SECONDS - tested))
  summary+=("leg $leg: Node $("$bin/node" --version), @pulumi/pulumi $installed, $locations locations: npm test $suite in ${suite_seconds} s, test:packaging $packaging in ${packaging_seconds} s, ${installed_in} s installing")
  if [[ -n "$scratch" ]]; then rm -rf "$scratch"; fi
done

echo "=== test matrix"
printf '%s\n' "${summary[@]}"
exit "$failed"
