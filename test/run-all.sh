#!/usr/bin/env bash
# `npm test`: unit tests (the core and the element in Chromium), then the end-to-end suite
# against a real Kamailio, all inside a loopback-only network namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash test/loopback-only.sh bash -c '
  set -e
  node_modules/.bin/wtr --config test/web-test-runner.config.mjs
  node test/kamailio-smoke.mjs
  node --test --test-concurrency=1 --test-reporter=spec test/build/*.test.mjs test/manifest/*.test.mjs test/package/*.test.mjs test/e2e/*.test.mjs
'
