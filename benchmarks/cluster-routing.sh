#!/usr/bin/env bash
# The cost of a routed request (not a test): two cluster members over one PostgreSQL schema with a
# single partition, so one member owns every workflow and the other forwards every command to it.
# Pauses and resumes one workflow N times through the owner, then through the other member, three
# rounds alternated, and prints the median and p90 of each (client-side time on a kept-alive
# connection, so the difference is the routing: one internal HTTP hop and the command's JSON both ways).
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
# N pause + resume pairs on one kept-alive connection (python's http.client: no process per request,
# unlike curl, whose start-up of a few ms hid the difference); prints the median and p90
measure() { # port
  python3 - "$1" "$WF" "$N" <<'PY'
import http.client, sys, time
port, wf, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
conn = http.client.HTTPConnection("127.0.0.1", port)
times = []
for _ in range(n):
    for op in ("pause", "resume"):
        t0 = time.perf_counter()
        conn.request("PUT", f"/api/workflow/{wf}/{op}")
        r = conn.getresponse()
        r.read()
        times.append((time.perf_counter() - t0) * 1000)
        if r.status != 200:
            sys.exit(f"{op} answered {r.status}")
times.sort()
print(f"median {times[len(times) // 2]:.2f} ms, p90 {times[int(len(times) * 0.9)]:.2f} ms ({len(times)} requests)")
PY
}
measure "$OWNER" >/dev/null # warm-up of both paths
measure "$OTHER" >/dev/null
for round in 1 2 3; do # alternated, so drift of the machine shows as spread, not as a difference
  echo "round $round, through the owner:        $(measure "$OWNER")"
  echo "round $round, through the other member: $(measure "$OTHER")"
done
