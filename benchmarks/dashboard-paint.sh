#!/usr/bin/env bash
# First paint of large executions in headless Chromium (Debian's chromium and chromedriver):
# a 2,000-task definition, a 5,000-branch dynamic fork, and the 2,000-task definition's editor.
# Runs DashboardE2ETest's measuring test alone, RUNS times per page, and prints the times from
# navigation start to the graph painted and to every task's status painted.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
mvn -B -q test -Dtest='DashboardE2ETest#largeExecutionsReachFirstPaint' -Ddashboard.paintRuns="$RUNS" -Dsurefire.failIfNoSpecifiedTests=false \
  | grep '^first paint' | sed 's/; API calls.*//'
