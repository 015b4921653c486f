#!/usr/bin/env bash
# `npm run test:postgres`: the suite on PostgreSQL. The file list lives here, not in
# package.json's tap "include" (which is the SQLite run's), because the two runs differ:
# - test/*.test.ts: every unit and integration test, on the engine DATELINE_TEST_ENGINE picks;
# - test/postgres/*.test.ts: tests of the PostgreSQL engine itself (only this run has them);
# - of test/e2e/, only the files that honour the engine: the multi-instance tests and the
#   crash test start their servers through scripts/lib/instances.ts on DATELINE_TEST_ENGINE's
#   database. The other e2e files (soak, drain, swagger-ui, client flow, …) start SQLite
#   servers whatever the engine; running them again here would test SQLite twice for minutes.
#   (test/postgres/restart.test.ts stops and restarts a private cluster of its own.)
# Extra arguments go to tap (e.g. a single file). scripts/pg-test-env.sh starts the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/pg-test-env.sh
export DATELINE_TEST_ENGINE=postgres
if [ "$#" -gt 0 ]; then exec npx tap "$@"; fi
exec npx tap test/*.test.ts test/postgres/*.test.ts test/e2e/multi-instance*.test.ts test/e2e/crash-safety.test.ts
