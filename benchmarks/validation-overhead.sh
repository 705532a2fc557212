#!/usr/bin/env bash
# What checking requests against the OpenAPI document costs: the same throughput case against the
# in-memory server with the setting apiValidation on ("validation-on") and off ("validation-off":
# CONDUCTOR_API_VALIDATION=false), ROUNDS times each, in turn, a fresh server per run; prints
# workflows/s and the server's CPU milliseconds per workflow for every run and the median of each.
# Every request of the run is validated: starts, batch polls and task updates (the hot two).
#
#   benchmarks/validation-overhead.sh                       # 3 rounds of 10,000 workflows of 5 tasks
#   ROUNDS=5 WORKFLOWS=5000 benchmarks/validation-overhead.sh
#   MODE=postgres-redis benchmarks/validation-overhead.sh   # PostgreSQL (database cvx_validation_bench) + Redis (db 5)
#   PORT=18098 (default) is where the server under test listens
#
# CPU per workflow is the steadier number on a shared machine. Results:
# benchmarks/target/validation-overhead-<time>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

WORKFLOWS=${WORKFLOWS:-10000}
ROUNDS=${ROUNDS:-3}
MODE=${MODE:-memory}
POSTGRES_URL=${POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
PORT=${PORT:-18098}

log() { printf '[validation-overhead] %s\n' "$*" >&2; }

target="$root/benchmarks/target"
mkdir -p "$target"
results="$target/validation-overhead-$(date -u +%Y%m%dT%H%M%SZ).jsonl"

log "building the server and the load generator"
mvn -q -B install -DskipTests -Dmaven.test.skip=true
mvn -q -B -f benchmarks/pom.xml package -DskipTests
server_jar="$root/target/conductor-vx.jar"
bench_jar="$root/benchmarks/target/benchmarks.jar"

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

start_server() {
  local setting=$1 store=memory queue=memory validation=true
  [ "$setting" = validation-off ] && validation=false
  if [ "$MODE" = postgres-redis ]; then
    store=postgres; queue=redis
    psql "$POSTGRES_URL/postgres" -qtAc "DROP DATABASE IF EXISTS cvx_validation_bench WITH (FORCE)" >/dev/null
    psql "$POSTGRES_URL/postgres" -qtAc "CREATE DATABASE cvx_validation_bench" >/dev/null
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n 5 FLUSHDB >/dev/null
  fi
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; then
    log "port $PORT is already in use: stop whatever listens there first"; exit 1
  fi
  CONDUCTOR_PORT=$PORT CONDUCTOR_API_VALIDATION=$validation CONDUCTOR_STORE=$store CONDUCTOR_QUEUE=$queue \
    CONDUCTOR_POSTGRES_URL="$POSTGRES_URL/cvx_validation_bench" CONDUCTOR_REDIS_URL="redis://$REDIS_HOST:$REDIS_PORT/5" \
    java -jar "$server_jar" > "$target/validation-overhead-server.log" 2>&1 &
  server_pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/metadata/taskdefs"; do
    kill -0 "$server_pid" 2>/dev/null || { log "server exited during startup"; exit 1; }
    sleep 0.05
  done
}

for round in $(seq 1 "$ROUNDS"); do
  for setting in validation-on validation-off; do
    start_server "$setting"
    # warm-up, unmeasured: both settings are measured after JIT
    java -jar "$bench_jar" url="http://127.0.0.1:$PORT/api" shape=simple tasks=5 workflows=$(( WORKFLOWS / 10 + 50 )) \
      workers=16 starters=16 > /dev/null
    log "round $round, $setting"
    java -jar "$bench_jar" url="http://127.0.0.1:$PORT/api" label="$setting" case="throughput-k5-$MODE" \
      pid="$server_pid" shape=simple tasks=5 workflows="$WORKFLOWS" workers=16 starters=16 | tee -a "$results" >&2
    stop_server
  done
done

echo "| run | setting | workflows/s | server CPU ms per workflow | errors |"
echo "|---|---|---|---|---|"
jq -r '"| \(input_line_number) | \(.label) | \(.workflowsPerSecond) | \((.serverCpuSeconds * 1000 / .completed * 100 | round) / 100) | \(.errors) |"' "$results"
for label in validation-on validation-off; do
  jq -s -r --arg l "$label" '[.[] | select(.label == $l)] as $runs
    | ($runs | map(.workflowsPerSecond) | sort) as $w
    | ($runs | map(.serverCpuSeconds * 1000 / .completed) | sort) as $c
    | "median \($l): \($w[($w | length) / 2 | floor]) workflows/s, \(($c[($c | length) / 2 | floor] * 100 | round) / 100) CPU ms per workflow"' "$results"
done
