#!/usr/bin/env bash
# The live feed under the standard load: 10,000 workflows of 5 tasks, 16 workers, 16 starters,
# against a fresh in-memory server, with 0, 100 and 500 live-feed clients subscribed to the
# `workflows` topic (plus, when there are any, 100 clients each following one running workflow at a
# time). Prints, per client count, completed workflows/s and the server's CPU per workflow (from the
# load generator) and the delay from a change's decision to its arrival at a client, p50/p99/max
# (from benchmarks' LiveBench, which holds the clients).
#
#   benchmarks/live.sh                                  # clients 0, 100, 500; 10,000 workflows each
#   CLIENTS="0 500" WORKFLOWS=3000 benchmarks/live.sh   # a quick look
#   PORT=18098 (default) is where the server under test listens
#   JFR=dir                                             # record the server with JFR (settings=profile) into dir/live-<n>.jfr
#
# The clients run on the same machine as the server and the load generator, so on a small machine
# part of what 500 clients cost is the clients' own CPU: read the server CPU per workflow too.
# Results: benchmarks/target/live-<time>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

WORKFLOWS=${WORKFLOWS:-10000}
CLIENTS=${CLIENTS:-0 100 500}
SINGLES=${SINGLES:-100}
PORT=${PORT:-18098}

log() { printf '[live] %s\n' "$*" >&2; }

target="$root/benchmarks/target"
mkdir -p "$target"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$target/live-$stamp.jsonl"

if [ -z "${SKIP_BUILD:-}" ]; then
  log "building the server and the load generator"
  mvn -q -B install -DskipTests -Dmaven.test.skip=true
  mvn -q -B -f benchmarks/pom.xml package -DskipTests
fi
server_jar="$root/target/conductor-vx.jar"
bench_jar="$root/benchmarks/target/benchmarks.jar"

server_pid=""
clients_pid=""
stop_all() {
  for pid in $clients_pid $server_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  server_pid=""
  clients_pid=""
}
trap stop_all EXIT

for n in $CLIENTS; do
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; then
    log "port $PORT is already in use: stop whatever listens there first"; exit 1
  fi
  CONDUCTOR_PORT=$PORT CONDUCTOR_LIVE_MAX_CONNECTIONS=$(( n + SINGLES + 100 )) \
    java ${JFR:+-XX:StartFlightRecording=filename=$JFR/live-$n.jfr,settings=profile} -jar "$server_jar" \
    > "$target/live-server.log" 2>&1 &
  server_pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/metadata/taskdefs"; do
    kill -0 "$server_pid" 2>/dev/null || { log "server exited during startup"; exit 1; }
    sleep 0.05
  done
  # warm-up, unmeasured, before any client connects
  java -jar "$bench_jar" url="http://127.0.0.1:$PORT/api" shape=simple tasks=5 workflows=$(( WORKFLOWS / 10 + 50 )) \
    workers=16 starters=16 > /dev/null
  stop_file="$target/live-$stamp-$n.stop"
  clients_out="$target/live-$stamp-$n.clients"
  rm -f "$stop_file"
  singles=$SINGLES
  [ "$n" -eq 0 ] && singles=0
  java -cp "$bench_jar" io.conductorvx.bench.LiveBench url="http://127.0.0.1:$PORT/api" clients="$n" singles="$singles" \
    stopFile="$stop_file" > "$clients_out" 2>&1 &
  clients_pid=$!
  until grep -q '^ready' "$clients_out"; do
    kill -0 "$clients_pid" 2>/dev/null || { log "the clients exited: $(cat "$clients_out")"; exit 1; }
    sleep 0.1
  done
  log "$n clients (+$singles following single workflows): running $WORKFLOWS workflows"
  load=$(java -jar "$bench_jar" url="http://127.0.0.1:$PORT/api" label="clients-$n" case="live-k5" \
    pid="$server_pid" shape=simple tasks=5 workflows="$WORKFLOWS" workers=16 starters=16)
  touch "$stop_file"
  wait "$clients_pid" || true
  clients_pid=""
  live=$(grep '^{' "$clients_out" | tail -1)
  echo "$load" | jq -c --argjson live "${live:-{\}}" '. + {live: $live}' | tee -a "$results" >&2
  rm -f "$stop_file"
  stop_all
done

echo "| clients | workflows/s | server CPU ms per workflow | messages to clients | resyncs | seq gaps | delay p50 ms | delay p99 ms | delay max ms |"
echo "|---|---|---|---|---|---|---|---|---|"
jq -r '"| \(.live.clients // 0)\(if (.live.singles // 0) > 0 then " + \(.live.singles) single" else "" end) | \(.workflowsPerSecond) | \((.serverCpuSeconds * 1000 / .completed * 100 | round) / 100) | \(.live.messages // 0) | \(.live.resyncs // 0) | \(.live.seqGaps // "-") | \(.live.delayP50Ms // "-") | \(.live.delayP99Ms // "-") | \(.live.delayMaxMs // "-") |"' "$results"
