#!/usr/bin/env bash
# Benchmark of the Gold batch recompute: sliced (hourly slices summed into 24 h windows) against the
# naive SlidingWindows variant, on the Direct runner and on the Spark runner local[2], and against
# a plain Spark SQL job doing the same work (window(), full outer join, same score; run first, its
# rows compared with the pipeline's).
# Usage: scripts/bench-gold.sh [--events=2000000] [--hours=72] [--movies=5000] [--clickShare=0.25]
#                              [--runners=native,direct,spark] [--sparkMaster=local[2]] [--dir=target/bench-lakehouse]
# Silver data is generated once into --dir (Zipf popularity) and reused while the parameters match.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/cli.sh
source "$here/scripts/lib/cli.sh"
help_if_asked "$@"
exec "$here/scripts/lib/bench-main.sh" com.trending.gold.GoldBenchmark "$@"
