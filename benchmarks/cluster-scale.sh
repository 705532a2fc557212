#!/usr/bin/env bash
# Throughput of 1, 2 and 3 cluster members side by side (not a test): for each member count, fresh
# state (PostgreSQL database MEMBERS_DB, Redis database REDIS_DB), that many conductor-vx processes
# in cluster mode on this machine, and the standard K=5 load from one load generator whose requests
# go to the members in turn, as behind a round-robin load balancer. Prints workflows/s and the
# members' summed CPU per workflow, plus PostgreSQL's and Redis's.
#
#   benchmarks/cluster-scale.sh                          # 1 2 3 members, 5,000 workflows each
#   MEMBERS="1 3" WORKFLOWS=2000 SKIP_BUILD=1 benchmarks/cluster-scale.sh
#
# On one machine more members do not add cores: the numbers show the cost of the cluster (forwarded
# commands, fenced saves, leases), not its gain. From the CPU per workflow one can estimate N
# members on N machines of the same kind.
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${MEMBERS:-1 2 3}
WORKFLOWS=${WORKFLOWS:-5000}
BASE_PORT=${BASE_PORT:-18140}
MEMBERS_DB=${MEMBERS_DB:-cvx_cluster_scale}
REDIS_DB=${REDIS_DB:-8}
POSTGRES=${POSTGRES:-postgresql://postgres@127.0.0.1:5432}

log() { printf '[cluster-scale] %s\n' "$*" >&2; }
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building the server and the load generator"
  mvn -q -B install -DskipTests -Dmaven.test.skip=true
  mvn -q -B -f benchmarks/pom.xml package -DskipTests
fi
mkdir -p benchmarks/target
results="benchmarks/target/cluster-scale-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
pids=""
stop_all() { for p in $pids; do kill "$p" 2>/dev/null || true; done; for p in $pids; do wait "$p" 2>/dev/null || true; done; pids=""; }
trap stop_all EXIT
cpu_of() { ps -C "$1" -o cputimes= 2>/dev/null | awk '{s+=$1} END {print s+0}'; }

echo "| members | workflows/s | members' CPU ms per workflow | PostgreSQL CPU ms per workflow | Redis CPU ms per workflow | errors | not completed |"
echo "|---|---|---|---|---|---|---|"
for n in $MEMBERS; do
  psql -q "$POSTGRES/postgres" -c "DROP DATABASE IF EXISTS $MEMBERS_DB" -c "CREATE DATABASE $MEMBERS_DB" > /dev/null
  redis-cli -n "$REDIS_DB" flushdb > /dev/null
  urls=""
  for i in $(seq 1 "$n"); do
    port=$((BASE_PORT + i))
    CONDUCTOR_PORT=$port CONDUCTOR_STORE=postgres CONDUCTOR_QUEUE=redis \
      CONDUCTOR_POSTGRES_URL="$POSTGRES/$MEMBERS_DB" CONDUCTOR_REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB" \
      CONDUCTOR_CLUSTER=true CONDUCTOR_CLUSTER_PORT=$((BASE_PORT + 10 + i)) \
      java @config/jvm.options -jar target/conductor-vx.jar > "benchmarks/target/cluster-scale-member$i.log" 2>&1 &
    pids="$pids $!"
    urls="$urls,http://127.0.0.1:$port/api"
    until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do sleep 0.2; done
    sleep 1 # members start one after another, as the first creates the schema
  done
  urls=${urls#,}
  # wait until every member holds partitions (rebalancing settles within a few heartbeats)
  for _ in $(seq 1 60); do
    held=$(curl -s "http://127.0.0.1:$((BASE_PORT + 1))/api/admin/cluster" | python3 -c \
      "import json,sys; d=json.load(sys.stdin); print(sum(1 for m in d.get('members',[]) if m.get('partitionCount',0)>0))" 2>/dev/null || echo 0)
    [ "$held" -ge "$n" ] && break
    sleep 1
  done
  pidlist=$(echo $pids | tr ' ' ',')
  java -jar benchmarks/target/benchmarks.jar url="$urls" label=warm case=k5 shape=simple tasks=5 workflows=1000 workers=16 starters=16 > /dev/null 2>&1
  pg0=$(cpu_of postgres); rd0=$(cpu_of redis-server)
  line=$(java -jar benchmarks/target/benchmarks.jar url="$urls" label="members-$n" case=cluster-k5 pid="$pidlist" \
    shape=simple tasks=5 workflows="$WORKFLOWS" workers=16 starters=16 2>/dev/null | tail -1)
  pg1=$(cpu_of postgres); rd1=$(cpu_of redis-server)
  echo "$line" >> "$results"
  python3 - "$line" "$n" "$pg0" "$pg1" "$rd0" "$rd1" <<'PY'
import json, sys
d = json.loads(sys.argv[1]); n = d["workflows"]
pg = (float(sys.argv[4]) - float(sys.argv[3])) * 1000 / n
rd = (float(sys.argv[6]) - float(sys.argv[5])) * 1000 / n
print(f"| {sys.argv[2]} | {d['workflowsPerSecond']} | {d['serverCpuSeconds'] * 1000 / n:.2f} | {pg:.2f} | {rd:.2f} | {d['errors']} | {d['notCompleted']} |")
PY
  stop_all
done
log "results in $results"
