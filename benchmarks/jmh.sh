#!/usr/bin/env bash
# Builds the server and the benchmarks, then runs the JMH benchmarks of the server's internals
# (package io.conductorvx.bench.jmh) and writes JMH's JSON results to benchmarks/target/.
#
#   benchmarks/jmh.sh                                  # everything (13 runs, about 4 minutes)
#   benchmarks/jmh.sh QueueBenchmark -p backend=redis  # extra arguments go to JMH (regexes, -p, -prof ...)
#   SKIP_BUILD=1 benchmarks/jmh.sh Decider             # reuse the jar already built
#
# Defaults suit a 2-core machine: one fork, 3 x 2 s warm-up, 5 x 2 s measurement. Any of these
# given on the command line (as "-f 3", not "-f3") replaces the default.
# QueueBenchmark needs Redis and PostgreSQL (see QueueBenchmark for the URLs); exclude it with
# -e QueueBenchmark or keep only the memory backend with -p backend=memory.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  # The benchmarks depend on the server's jar in the local Maven repository.
  (cd "$here/.." && mvn -q -B install -DskipTests -Dmaven.test.skip=true)
  (cd "$here" && mvn -q -B package)
fi

defaults=(-f 1 -wi 3 -w 2s -i 5 -r 2s)
args=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  flag="${defaults[i]}"
  present=false
  for arg in "$@"; do
    [[ "$arg" == "$flag" ]] && present=true
  done
  $present || args+=("$flag" "${defaults[i + 1]}")
done

results="$here/target/jmh-$(date +%Y%m%d-%H%M%S).json"
java -cp "$here/target/benchmarks.jar" org.openjdk.jmh.Main "${args[@]}" -rf json -rff "$results" "$@"
echo "JSON results: $results"
