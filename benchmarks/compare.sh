#!/usr/bin/env bash
# Runs the same end-to-end load against conductor-vx (memory, PostgreSQL+Redis, PostgreSQL alone) and
# against Conductor OSS (Redis and PostgreSQL modes; SQLite on request), one server at a time on this
# machine, and prints a Markdown table of the results and the ratios.
#
#   benchmarks/compare.sh                      # everything, N=10000 for the throughput cases
#   WORKFLOWS=2000 benchmarks/compare.sh       # a quicker run
#   OURS="memory" CONDUCTOR="" benchmarks/compare.sh    # only our in-memory mode
#
# Knobs (environment): WORKFLOWS (throughput cases, default 10000), WARMUP and GEN_WARMUP (workflows
# run unmeasured first against each server, by a separate generator and by each case's own; 3000 each), CASES (default: all, see
# run_cases), OURS (memory postgres-redis postgres), CONDUCTOR (redis postgres; add sqlite),
# CONDUCTOR_WORKFLOWS and CONDUCTOR_CASES (the same for Conductor; by default its cases leave out
# fanout-10000, which takes it hours: its fan-out cost grows with the square of the fork),
# CONDUCTOR_VERSION (3.32.3), JAVA (the java that runs every process: both servers and the load
# generator; default: the newest JDK found, which must be 21+ for Conductor; CONDUCTOR_JAVA is an older name for it),
# POSTGRES_URL (postgresql://postgres@127.0.0.1:5432), REDIS_HOST/REDIS_PORT (127.0.0.1/6379).
# Conductor OSS is fetched from Maven Central into benchmarks/target; it is never committed.
# Results: benchmarks/target/compare-<time>.jsonl (one JSON line per run) and the table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

WORKFLOWS=${WORKFLOWS:-10000}
OURS=${OURS-memory postgres-redis postgres}
CONDUCTOR=${CONDUCTOR-redis postgres}
CONDUCTOR_VERSION=${CONDUCTOR_VERSION:-3.32.3}
POSTGRES_URL=${POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
OUR_PORT=18080
THEIR_PORT=18081
OUR_REDIS_DB=2
THEIR_REDIS_DB=3
OUR_DB=cvx_bench
THEIR_DB=conductor_bench

log() { printf '[compare] %s\n' "$*" >&2; }

target="$root/benchmarks/target"
mkdir -p "$target"
results="$target/compare-$(date -u +%Y%m%dT%H%M%SZ).jsonl"

# ---- build ----
log "building the server and the load generator"
mvn -q -B install -DskipTests -Dmaven.test.skip=true
mvn -q -B -f benchmarks/pom.xml package -DskipTests
server_jar="$root/target/conductor-vx.jar"
bench_jar="$root/benchmarks/target/benchmarks.jar"

conductor_jar="$target/conductor/conductor-server-$CONDUCTOR_VERSION-boot.jar"
if [ -n "$CONDUCTOR" ] && [ ! -f "$conductor_jar" ]; then
  log "fetching Conductor OSS $CONDUCTOR_VERSION"
  mvn -q -B -f benchmarks/pom.xml dependency:copy \
    -Dartifact="org.conductoross:conductor-server:$CONDUCTOR_VERSION:jar:boot" -DoutputDirectory="$target/conductor"
fi

java_major_of() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1; }

# One JVM runs everything (both servers and the generator): the JDK alone moves our CPU per
# workflow by a fifth (17 -> 25), so servers on different JDKs would not be compared fairly.
newest_java() {
  local best="" best_major=0
  for j in /usr/lib/jvm/*/bin/java "$(command -v java)"; do
    [ -x "$j" ] || continue
    local major; major=$(java_major_of "$j")
    if [ -n "$major" ] && [ "$major" -gt "$best_major" ]; then best="$j"; best_major=$major; fi
  done
  echo "$best"
}
java=${JAVA:-${CONDUCTOR_JAVA:-$(newest_java)}}
java_major=$(java_major_of "$java")
log "every process runs on $java (Java $java_major)"

# ---- backends ----
psql_admin() { psql "$POSTGRES_URL/postgres" -qtAc "$1" >/dev/null; }
fresh_db() { psql_admin "DROP DATABASE IF EXISTS $1 WITH (FORCE)"; psql_admin "CREATE DATABASE $1"; }
fresh_redis() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$1" FLUSHDB >/dev/null; }

# ---- one server at a time ----
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

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
now_ms() { date +%s%3N; }

# Another process on the port would answer in place of the server under test.
require_free_port() {
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/"; then
    log "port $1 is already in use: stop whatever listens there first"
    exit 1
  fi
}

# Waits for the first API answer, then records ready time and idle RSS as a "startup" line.
await_ready() {
  local label=$1 port=$2 t0=$3 deadline=$(( $(now_ms) + 180000 ))
  until curl -sf -o /dev/null "http://127.0.0.1:$port/api/metadata/taskdefs"; do
    if ! kill -0 "$server_pid" 2>/dev/null; then log "$label exited during startup"; return 1; fi
    if [ "$(now_ms)" -gt "$deadline" ]; then log "$label not ready after 180 s"; return 1; fi
    sleep 0.02
  done
  local ready=$(( $(now_ms) - t0 ))
  sleep 5
  printf '{"label":"%s","case":"startup","readyMs":%d,"idleRssMiB":%s}\n' "$label" "$ready" "$(rss_mib "$server_pid")" >> "$results"
  log "$label ready in ${ready} ms"
}

start_ours() {
  local mode=$1 store=memory queue=memory
  case "$mode" in
    memory) ;;
    postgres-redis) store=postgres; queue=redis; fresh_db "$OUR_DB"; fresh_redis "$OUR_REDIS_DB" ;;
    postgres) store=postgres; queue=postgres; fresh_db "$OUR_DB" ;;
    *) log "unknown mode $mode"; return 1 ;;
  esac
  require_free_port "$OUR_PORT"
  local t0; t0=$(now_ms)
  # started as README.md runs it, with the JVM settings from config/jvm.options
  CONDUCTOR_PORT=$OUR_PORT CONDUCTOR_STORE=$store CONDUCTOR_QUEUE=$queue \
    CONDUCTOR_POSTGRES_URL="$POSTGRES_URL/$OUR_DB" CONDUCTOR_REDIS_URL="redis://$REDIS_HOST:$REDIS_PORT/$OUR_REDIS_DB" \
    "$java" @config/jvm.options -jar "$server_jar" > "$target/ours-$mode.log" 2>&1 &
  server_pid=$!
  await_ready "ours-$mode" "$OUR_PORT" "$t0"
}

start_conductor() {
  local mode=$1
  [ "$java_major" -ge 21 ] || { log "no Java 21+ found for Conductor OSS (set JAVA)"; return 1; }
  local run_dir="$target/conductor-run-$mode"
  rm -rf "$run_dir"; mkdir -p "$run_dir"
  local pg_host_db="${POSTGRES_URL#postgresql://}"; pg_host_db="${pg_host_db#*@}"
  local pg_user="${POSTGRES_URL#postgresql://}"; pg_user="${pg_user%%@*}"
  local props=(--server.port=$THEIR_PORT --conductor.app.ownerEmailMandatory=false --loadSample=false
    --conductor.metrics-prometheus.enabled=false --conductor.integrations.ai.enabled=false)
  case "$mode" in
    redis)
      fresh_redis "$THEIR_REDIS_DB"
      props+=(--conductor.db.type=redis_standalone --conductor.queue.type=redis_standalone
        --conductor.redis.hosts="$REDIS_HOST:$REDIS_PORT:us-east-1c" --conductor.redis.database=$THEIR_REDIS_DB
        --conductor.indexing.enabled=false --conductor.workflow-execution-lock.type=local_only) ;;
    postgres)
      fresh_db "$THEIR_DB"
      props+=(--conductor.db.type=postgres --conductor.queue.type=postgres --conductor.indexing.type=postgres
        --conductor.indexing.enabled=true --conductor.elasticsearch.version=0
        --spring.datasource.url="jdbc:postgresql://$pg_host_db/$THEIR_DB" --spring.datasource.username="$pg_user"
        --spring.datasource.password=) ;;
    sqlite)
      props+=(--spring.datasource.url="jdbc:sqlite:file:conductor_bench?mode=memory&cache=shared") ;;
    *) log "unknown Conductor mode $mode"; return 1 ;;
  esac
  require_free_port "$THEIR_PORT"
  local t0; t0=$(now_ms)
  (cd "$run_dir" && exec "$java" -jar "$conductor_jar" "${props[@]}") > "$target/conductor-$mode.log" 2>&1 &
  server_pid=$!
  await_ready "conductor-$mode" "$THEIR_PORT" "$t0"
}

# ---- the cases ----
load() {
  local label=$1 port=$2 case_name=$3; shift 3
  log "$label: $case_name"
  # The generator is a fresh JVM per case: its own unmeasured warm-up (GEN_WARMUP workflows, default
  # 3000) lets its code be compiled first; with the generator's default of 300 its JIT work was a
  # fifth of the machine's CPU in a 10,000-workflow run, which the server under test then lacked.
  "$java" -jar "$bench_jar" url="http://127.0.0.1:$port/api" label="$label" case="$case_name" pid="$server_pid" \
    timeoutSeconds="${TIMEOUT_SECONDS:-900}" warmup="${GEN_WARMUP:-3000}" "$@" | tee -a "$results" >&2
}

CASES=${CASES:-throughput-k5 throughput-k3 fork latency join paced fanout-2000 fanout-10000}
CONDUCTOR_CASES=${CONDUCTOR_CASES:-${CASES/fanout-10000/}}
run_cases() {
  local label=$1 port=$2 CASES=$3 WORKFLOWS=$4
  # warm-up so both servers are measured after JIT, as a long-running server would be: the same
  # number of workflows for both (WARMUP, default 3000)
  "$java" -jar "$bench_jar" url="http://127.0.0.1:$port/api" shape=simple tasks=5 workflows="${WARMUP:-3000}" \
    workers=16 starters=16 warmup=0 > /dev/null
  for c in $CASES; do
    case "$c" in
      throughput-k5) load "$label" "$port" "$c" shape=simple tasks=5 workflows="$WORKFLOWS" workers=16 starters=16 ;;
      throughput-k3) load "$label" "$port" "$c" shape=simple tasks=3 workflows="$WORKFLOWS" workers=8 starters=16 ;;
      fork) load "$label" "$port" "$c" shape=fork workflows="$WORKFLOWS" workers=16 starters=16 ;;
      latency) load "$label" "$port" "latency-3-tasks-1-worker" shape=simple tasks=3 workflows=300 workers=1 starters=1 \
        batch=1 sequential=true ;;
      join) load "$label" "$port" "join-single-fork" shape=fork workflows=100 workers=2 starters=1 batch=1 sequential=true ;;
      paced) load "$label" "$port" "paced-200-per-s" shape=simple tasks=3 workflows=6000 workers=16 rate=200 ;;
      fanout-2000) load "$label" "$port" "$c" shape=dynamic fanout=2000 workers=8 batch=100 ;;
      fanout-10000) load "$label" "$port" "$c" shape=dynamic fanout=10000 workers=8 batch=100 ;;
      *) log "unknown case $c" ;;
    esac
  done
}

for mode in $OURS; do
  start_ours "$mode" && run_cases "ours-$mode" "$OUR_PORT" "$CASES" "$WORKFLOWS" || log "ours-$mode failed"
  stop_server
done
for mode in $CONDUCTOR; do
  start_conductor "$mode" && run_cases "conductor-$mode" "$THEIR_PORT" "$CONDUCTOR_CASES" "${CONDUCTOR_WORKFLOWS:-$WORKFLOWS}" \
    || log "conductor-$mode failed"
  stop_server
done

echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; Java $java_major; $(date -u +%Y-%m-%d); N=$WORKFLOWS (Conductor: ${CONDUCTOR_WORKFLOWS:-$WORKFLOWS})"
echo
"$java" -cp "$bench_jar" io.conductorvx.bench.CompareReport "$results"
log "raw results: $results"
