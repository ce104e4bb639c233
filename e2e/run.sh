#!/usr/bin/env bash
# End-to-end browser tests of `detente serve`: Debian's chromium driven by playwright-core.
# Idempotent; called by .ci/run. Screenshots land in e2e/screenshots/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  apt-get update && apt-get install -y chromium
fi
(cd e2e && (npm ci --no-audit --no-fund || npm install --no-audit --no-fund))
cargo build --release -p detente-cli
# one file at a time: each starts its own server, and the studies are CPU-bound
node --test --test-concurrency=1 e2e/
