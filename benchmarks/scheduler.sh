#!/usr/bin/env bash
# Builds the server and the benchmarks, then runs the scheduler benchmark: SCHEDULES schedules
# (default 10,000) firing every second for WINDOW_SECONDS (default 60) on one in-memory server, in one
# process. Prints one JSON line (see SchedulerBench). Extra arguments go to SchedulerBench.
#
#   benchmarks/scheduler.sh
#   SKIP_BUILD=1 SCHEDULES=1000 WINDOW_SECONDS=20 benchmarks/scheduler.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  (cd "$here/.." && mvn -q -B install -DskipTests -Dmaven.test.skip=true)
  (cd "$here" && mvn -q -B package)
fi

exec java -Xms2g -Xmx8g -cp "$here/target/benchmarks.jar" io.conductorvx.bench.SchedulerBench \
  "schedules=${SCHEDULES:-10000}" "seconds=${WINDOW_SECONDS:-60}" "$@"
