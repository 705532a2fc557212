#!/usr/bin/env bash
# A long-running in-memory server under a paced load: does its memory stay flat and its latency
# low once retention is at work? Starts the server the way the README runs it (java
# @config/jvm.options -jar ...), with the default retention, runs the load generator at RATE
# workflows/s of 5 SIMPLE tasks for DURATION seconds, and prints one JSON line per REPORT seconds:
# workflows completed in the interval, their start-to-completion p50/p99, and the server's RSS.
#
#   benchmarks/steady-state.sh                         # 30 minutes at 200/s (the issue's run)
#   DURATION=120 REPORT=20 benchmarks/steady-state.sh  # a quick look that it works
#
# Knobs (environment): DURATION (1800), RATE (200), REPORT (60), TASKS (5), WORKERS (16),
# JVM_OPTIONS (config/jvm.options), SERVER_ENV (extra VAR=value settings for the server, e.g.
# "CONDUCTOR_RETENTION_MAX_FINISHED=50000"), PORT (18090), LOADGEN_JAVA_OPTS (the load generator's
# JVM options: its own pauses count in the latency it measures), WARMUP (3000: workflows run unpaced
# and unmeasured first, so the curve shows a warmed server; 0 measures from a cold start).
# Results: benchmarks/target/steady-<time>.jsonl (interval lines, then the run's summary line)
# and the server's heap after a full GC at the end (jcmd), in benchmarks/target/steady-<time>.heap.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

DURATION=${DURATION:-1800}
RATE=${RATE:-200}
REPORT=${REPORT:-60}
TASKS=${TASKS:-5}
WORKERS=${WORKERS:-16}
JVM_OPTIONS=${JVM_OPTIONS:-$root/config/jvm.options}
SERVER_ENV=${SERVER_ENV:-}
PORT=${PORT:-18090}
LOADGEN_JAVA_OPTS=${LOADGEN_JAVA_OPTS:-}
WARMUP=${WARMUP:-3000}

log() { printf '[steady] %s\n' "$*" >&2; }

target="$root/benchmarks/target"
mkdir -p "$target"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$target/steady-$stamp.jsonl"

log "building the server and the load generator"
mvn -q -B install -DskipTests -Dmaven.test.skip=true
mvn -q -B -f benchmarks/pom.xml package -DskipTests

if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; then
  log "port $PORT is already in use"
  exit 1
fi
# shellcheck disable=SC2086
env CONDUCTOR_PORT=$PORT $SERVER_ENV java @"$JVM_OPTIONS" -jar "$root/target/conductor-vx.jar" > "$target/steady-$stamp.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/health"; do
  kill -0 "$server_pid" 2>/dev/null || { log "server exited during startup"; exit 1; }
  sleep 0.1
done
if [ "$WARMUP" -gt 0 ]; then
  # the server's JIT, unmeasured: without it the first minute's p99 is 0.5-4 s of compilation on 2 cores
  log "warm-up: $WARMUP workflows, unpaced"
  java -jar "$root/benchmarks/target/benchmarks.jar" url="http://127.0.0.1:$PORT/api" workflows="$WARMUP" \
    tasks="$TASKS" workers="$WORKERS" starters=16 label=warm-up case=warm-up > /dev/null
fi
log "server pid $server_pid; $RATE workflows/s for $DURATION s, a line every $REPORT s"

workflows=$(( RATE * DURATION ))
# shellcheck disable=SC2086
java $LOADGEN_JAVA_OPTS -jar "$root/benchmarks/target/benchmarks.jar" url="http://127.0.0.1:$PORT/api" workflows="$workflows" \
  tasks="$TASKS" workers="$WORKERS" rate="$RATE" reportSeconds="$REPORT" pid="$server_pid" \
  timeoutSeconds=$(( DURATION + 120 )) label=ours-memory case=steady-state | tee "$results"

jcmd "$server_pid" GC.run > /dev/null
jcmd "$server_pid" GC.heap_info > "$target/steady-$stamp.heap"
log "heap after a full GC: $(head -2 "$target/steady-$stamp.heap" | tail -1)"
log "results in $results"
