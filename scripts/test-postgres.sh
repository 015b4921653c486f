#!/usr/bin/env bash
# `npm run test:postgres`: the suite on PostgreSQL. The file list lives here, not in
# package.json's tap "include" (which is the SQLite run's), because the two runs differ:
# - test/*.test.ts: every unit and integration test, on the engine DATELINE_TEST_ENGINE picks;
# - test/postgres/*.test.ts: tests of the PostgreSQL engine itself (only this run has them);
# - test/e2e/: every file. Each starts its servers (through scripts/lib/instances.ts and
#   test/helpers/instances.ts) or builds its apps (test/helpers/app.ts) on
#   DATELINE_TEST_ENGINE's database; the soak measures 15 s here instead of 30.
#   (test/postgres/restart.test.ts stops and restarts a private cluster of its own.)
# Extra arguments go to tap (e.g. a single file). scripts/pg-test-env.sh starts the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/pg-test-env.sh
bash scripts/ensure-chromium.sh # the Swagger UI tests
export DATELINE_TEST_ENGINE=postgres
if [ "$#" -gt 0 ]; then exec npx tap "$@"; fi
exec npx tap test/*.test.ts test/postgres/*.test.ts test/e2e/*.test.ts
