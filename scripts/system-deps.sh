#!/usr/bin/env bash
# Install the Debian packages the test suite and benchmarks use (Chromium, Hugo, npm for
# axe-core, PostgreSQL for the store tests, Redis for the worker tests), when they are missing.
# Needs root (CI and the dev machines run as root); elsewhere it says what to install.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v hugo >/dev/null || need+=(hugo)
command -v npm >/dev/null || need+=(npm)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${need[*]} (browser tests, the PostgreSQL and worker tests and the Hugo benchmark will be skipped)." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
