#!/usr/bin/env bash
# Install the Node packages the test suite uses (axe-core for the browser accessibility
# checks) from package-lock.json, when they are missing. Without npm it says so and carries on:
# the accessibility tests then skip with the same reason.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f node_modules/axe-core/axe.min.js ]; then exit 0; fi
if ! command -v npm >/dev/null; then
  echo "npm is missing (apt-get install npm): the axe-core accessibility tests will be skipped." >&2
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
