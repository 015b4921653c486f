#!/usr/bin/env bash
# `npm run test:postgres`: the suite on PostgreSQL. The file list lives here, not in
# package.json's tap "include" (which is the SQLite run's), because the two runs differ:
# - test/*.test.ts: every unit and integration test, on the engine DATELINE_TEST_ENGINE picks;
# - test/postgres/*.test.ts: tests of the PostgreSQL engine itself (only this run has them);
# - test/e2e/: every file but the crash test, which is about SQLite's file surviving a kill
#   and starts SQLite servers whatever the engine. The others start their servers (through
#   test/helpers/instances.ts) or build their apps (test/helpers/app.ts) on
#   DATELINE_TEST_ENGINE's database; the soak measures 15 s here instead of 30.
# Extra arguments go to tap (e.g. a single file). scripts/pg-test-env.sh starts the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/pg-test-env.sh
bash scripts/ensure-chromium.sh # the Swagger UI tests
export DATELINE_TEST_ENGINE=postgres
if [ "$#" -gt 0 ]; then exec npx tap "$@"; fi
e2e=()
for f in test/e2e/*.test.ts; do [ "$f" = test/e2e/crash-safety.test.ts ] || e2e+=("$f"); done
exec npx tap test/*.test.ts test/postgres/*.test.ts "${e2e[@]}"
