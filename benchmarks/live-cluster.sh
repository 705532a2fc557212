#!/usr/bin/env bash
# The live feed through a cluster member (not a test): what relaying costs a client that watches
# workflows other members own. Two runs on fresh state (PostgreSQL database LIVE_DB, Redis database
# REDIS_DB), each with the standard K=5 load and LiveBench's clients (CLIENTS on the `workflows`
# topic, SINGLES following one running workflow at a time):
#   single   one server (PostgreSQL + Redis, no cluster): load and clients on it;
#   cluster  two members: the load through member 2, the clients on member 1, so about half of
#            the events they get were decided on member 2 and relayed.
# Prints workflows/s, CPU per workflow of the server(s), messages and the delay from a change's
# decision to its arrival at a client (p50/p99/max).
#
#   benchmarks/live-cluster.sh
#   WORKFLOWS=2000 CLIENTS=20 SKIP_BUILD=1 benchmarks/live-cluster.sh
#   RATE=40 WORKFLOWS=2400 benchmarks/live-cluster.sh   # paced: the delay at a load both setups keep up with
set -euo pipefail
cd "$(dirname "$0")/.."
WORKFLOWS=${WORKFLOWS:-5000}
CLIENTS=${CLIENTS:-50}
SINGLES=${SINGLES:-50}
RATE=${RATE:-}
BASE_PORT=${BASE_PORT:-18160}
LIVE_DB=${LIVE_DB:-cvx_live_cluster}
REDIS_DB=${REDIS_DB:-9}
POSTGRES=${POSTGRES:-postgresql://postgres@127.0.0.1:5432}

log() { printf '[live-cluster] %s\n' "$*" >&2; }
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building the server and the load generator"
  mvn -q -B install -DskipTests -Dmaven.test.skip=true
  mvn -q -B -f benchmarks/pom.xml package -DskipTests
fi
mkdir -p benchmarks/target
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="benchmarks/target/live-cluster-$stamp.jsonl"
pids=""
clients_pid=""
stop_all() {
  for p in $clients_pid $pids; do kill "$p" 2>/dev/null || true; done
  for p in $clients_pid $pids; do wait "$p" 2>/dev/null || true; done
  pids=""; clients_pid=""
}
trap stop_all EXIT

# start_member <index> <cluster true|false>: a server on BASE_PORT+index
start_member() {
  local i=$1 cluster=$2 port=$((BASE_PORT + $1))
  CONDUCTOR_PORT=$port CONDUCTOR_STORE=postgres CONDUCTOR_QUEUE=redis \
    CONDUCTOR_POSTGRES_URL="$POSTGRES/$LIVE_DB" CONDUCTOR_REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB" \
    CONDUCTOR_CLUSTER=$cluster CONDUCTOR_CLUSTER_PORT=$((BASE_PORT + 10 + i)) \
    CONDUCTOR_LIVE_MAX_CONNECTIONS=$((CLIENTS + SINGLES + 100)) \
    java @config/jvm.options -jar target/conductor-vx.jar > "benchmarks/target/live-cluster-member$i.log" 2>&1 &
  pids="$pids $!"
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do sleep 0.2; done
}

echo "| setup | workflows/s | server CPU ms per workflow | messages to clients | seq gaps | delay p50 ms | delay p99 ms | delay max ms |"
echo "|---|---|---|---|---|---|---|---|"
for setup in single cluster; do
  psql -q "$POSTGRES/postgres" -c "DROP DATABASE IF EXISTS $LIVE_DB" -c "CREATE DATABASE $LIVE_DB" > /dev/null
  redis-cli -n "$REDIS_DB" flushdb > /dev/null
  if [ "$setup" = single ]; then
    start_member 1 false
    load_url="http://127.0.0.1:$((BASE_PORT + 1))/api"
  else
    start_member 1 true
    sleep 1
    start_member 2 true
    for _ in $(seq 1 60); do
      held=$(curl -s "http://127.0.0.1:$((BASE_PORT + 1))/api/admin/cluster" | python3 -c \
        "import json,sys; d=json.load(sys.stdin); print(sum(1 for m in d.get('members',[]) if m.get('partitionCount',0)>0))" 2>/dev/null || echo 0)
      [ "$held" -ge 2 ] && break
      sleep 1
    done
    load_url="http://127.0.0.1:$((BASE_PORT + 2))/api"
  fi
  live_url="http://127.0.0.1:$((BASE_PORT + 1))/api"
  pidlist=$(echo $pids | tr ' ' ',')
  java -jar benchmarks/target/benchmarks.jar url="$load_url" label=warm case=k5 shape=simple tasks=5 workflows=1000 \
    workers=16 starters=16 > /dev/null 2>&1
  stop_file="benchmarks/target/live-cluster-$stamp-$setup.stop"
  clients_out="benchmarks/target/live-cluster-$stamp-$setup.clients"
  rm -f "$stop_file"
  java -cp benchmarks/target/benchmarks.jar io.conductorvx.bench.LiveBench url="$live_url" clients="$CLIENTS" \
    singles="$SINGLES" stopFile="$stop_file" > "$clients_out" 2>&1 &
  clients_pid=$!
  until grep -q '^ready' "$clients_out"; do
    kill -0 "$clients_pid" 2>/dev/null || { log "the clients exited: $(cat "$clients_out")"; exit 1; }
    sleep 0.1
  done
  log "$setup: $CLIENTS clients + $SINGLES following single workflows, $WORKFLOWS workflows"
  line=$(java -jar benchmarks/target/benchmarks.jar url="$load_url" label="live-$setup" case=live-cluster-k5 \
    pid="$pidlist" shape=simple tasks=5 workflows="$WORKFLOWS" workers=16 starters=16 ${RATE:+rate=$RATE} 2>/dev/null | tail -1)
  touch "$stop_file"
  wait "$clients_pid" || true
  clients_pid=""
  live=$(grep '^{' "$clients_out" | tail -1)
  echo "$line" | jq -c --argjson live "${live:-{\}}" --arg setup "$setup" '. + {setup: $setup, live: $live}' >> "$results"
  rm -f "$stop_file"
  stop_all
done
jq -r '"| \(.setup) | \(.workflowsPerSecond) | \((.serverCpuSeconds * 1000 / .completed * 100 | round) / 100) | \(.live.messages // 0) | \(.live.seqGaps // "-") | \(.live.delayP50Ms // "-") | \(.live.delayP99Ms // "-") | \(.live.delayMaxMs // "-") |"' "$results"
log "results in $results"
