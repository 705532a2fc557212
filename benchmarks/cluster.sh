#!/usr/bin/env bash
# Cluster benchmark (not a test): three conductor-vx processes in cluster mode over one PostgreSQL
# (workflows, leases), with Redis queues and then with PostgreSQL queues, starters and workers spread over them round robin as
# behind a load balancer; one member SIGKILLed at a third of the starts and started again, another
# stopped with SIGTERM (hand-over) at two thirds and started again. Prints the total time, the
# stuck workflows and the duplicate hand-outs. It drives the harness of ClusterCrashTest with
# bigger numbers (one line per queue backend); each run uses a fresh PostgreSQL schema and Redis key prefix.
#
#   WORKFLOWS=3000 START_SECONDS=120 benchmarks/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
WORKFLOWS="${WORKFLOWS:-3000}"
START_SECONDS="${START_SECONDS:-120}"
LOG="${LOG:-benchmarks/target/cluster-$(date +%Y%m%d-%H%M%S).log}"
mkdir -p benchmarks/target
echo "cluster benchmark: $WORKFLOWS workflows x 3 tasks, starts for at most $START_SECONDS s; log in $LOG"
set +e
mvn -B -q test -Dtest=ClusterCrashTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dcluster.workflows="$WORKFLOWS" -Dcluster.startSeconds="$START_SECONDS" > "$LOG" 2>&1
status=$?
set -e
grep -E '^\[cluster\]' "$LOG" || true
if [ $status -ne 0 ]; then
  echo "the run did not end clean (stuck workflows or duplicate hand-outs): see $LOG"
fi
exit $status
