#!/usr/bin/env bash
# What a streaming Gold refresh costs as the table grows: the same refresh (a few thousand changed
# rows in the latest hour) on a 1-hour Gold table holding 1 day of windows and on one holding 30,
# Parquet and Delta, beside the whole-table rewrite a refresh cost before Gold was laid out by day.
# Prints the median and worst refresh per table size and the ratio of the medians.
# Usage: scripts/bench-gold-refresh.sh [--movies=5000] [--changed=2000] [--refreshes=20]
#                                      [--days=1,30] [--formats=parquet,delta] [--dir=target/bench-gold-refresh]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/cli.sh
source "$here/scripts/lib/cli.sh"
help_if_asked "$@"
exec "$here/scripts/lib/bench-main.sh" com.trending.bench.GoldRefreshBenchmark "$@"
