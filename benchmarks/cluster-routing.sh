#!/usr/bin/env bash
# The cost of a routed request (not a test): two cluster members over one PostgreSQL schema with a
# single partition, so one member owns every workflow and the other forwards every command to it.
# Pauses and resumes one workflow N times through the owner, then through the other member, and
# prints the median and p90 of each (curl's total time, so the difference is the routing: one
# internal HTTP hop and the command's JSON both ways).
#
#   N=300 benchmarks/cluster-routing.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-300}"
PG="${PG:-postgresql://postgres@127.0.0.1:5432/test}"
SCHEMA="cvx_bench_routing_$$"
PORT_A="${PORT_A:-18481}"; PORT_B="${PORT_B:-18482}"
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
CP="target/classes:$(cat target/classpath.txt)"
psql "$PG" -qc "CREATE SCHEMA $SCHEMA"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; psql "$PG" -qc "DROP SCHEMA $SCHEMA CASCADE" >/dev/null 2>&1 || true; }
trap cleanup EXIT
for port in "$PORT_A" "$PORT_B"; do
  env CONDUCTOR_PORT="$port" CONDUCTOR_STORE=postgres CONDUCTOR_QUEUE=postgres CONDUCTOR_POSTGRES_URL="$PG?search_path=$SCHEMA" \
    CONDUCTOR_CLUSTER=true CONDUCTOR_CLUSTER_PARTITIONS=1 CONDUCTOR_METRICS=false \
    java -cp "$CP" io.conductorvx.Main > "target/routing-$port.log" 2>&1 &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.5; done
done
owner_id=$(curl -s "http://127.0.0.1:$PORT_A/api/admin/cluster" | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["partitionTable"][0]["owner"])')
self_a=$(curl -s "http://127.0.0.1:$PORT_A/api/admin/cluster" | python3 -c 'import json,sys; print(json.load(sys.stdin)["memberId"])')
if [ "$owner_id" = "$self_a" ]; then OWNER=$PORT_A; OTHER=$PORT_B; else OWNER=$PORT_B; OTHER=$PORT_A; fi
curl -sf -X POST -H 'content-type: application/json' "http://127.0.0.1:$OWNER/api/metadata/taskdefs" \
  -d '[{"name":"routing_task","ownerEmail":"bench@conductor-vx.io","responseTimeoutSeconds":3600}]' >/dev/null
curl -sf -X POST -H 'content-type: application/json' "http://127.0.0.1:$OWNER/api/metadata/workflow" \
  -d '{"name":"routing","version":1,"schemaVersion":2,"ownerEmail":"bench@conductor-vx.io","tasks":[{"name":"routing_task","taskReferenceName":"t","type":"SIMPLE"}]}' >/dev/null
WF=$(curl -sf -X POST -H 'content-type: application/json' "http://127.0.0.1:$OWNER/api/workflow/routing" -d '{}')
measure() { # port
  for i in $(seq "$N"); do
    curl -s -o /dev/null -w '%{time_total}\n' -X PUT "http://127.0.0.1:$1/api/workflow/$WF/pause"
    curl -s -o /dev/null -w '%{time_total}\n' -X PUT "http://127.0.0.1:$1/api/workflow/$WF/resume"
  done | sort -n | awk '{a[NR]=$1} END {printf "median %.2f ms, p90 %.2f ms (%d requests)\n", a[int(NR*0.5)]*1000, a[int(NR*0.9)]*1000, NR}'
}
measure "$OWNER" >/dev/null # warm-up of both paths
measure "$OTHER" >/dev/null
echo "through the owner:        $(measure "$OWNER")"
echo "through the other member: $(measure "$OTHER")"
