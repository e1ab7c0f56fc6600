#!/usr/bin/env bash
# What a streaming Gold refresh costs as the table grows: the same refresh (a few thousand changed
# rows in the latest hour) on a 1-hour Gold table holding 1 day of windows and on one holding 30,
# Parquet and Delta, beside the whole-table rewrite a refresh cost before Gold was laid out by day.
# Prints the median and worst refresh per table size and the ratio of the medians.
# Usage: scripts/bench-gold-refresh.sh [--movies=5000] [--changed=2000] [--refreshes=20]
#                                      [--days=1,30] [--formats=parquet,delta] [--dir=target/bench-gold-refresh]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

cp_file=target/classpath-test.txt
if [[ ! -f "$cp_file" || ! -d target/test-classes ]] \
    || [[ -n "$(find pom.xml src schemas -newer "$cp_file" -print -quit)" ]]; then
  echo "Building..." >&2
  mvn -q -B -DskipTests test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
fi

source "$here/scripts/lib/java-opens.sh"

# shellcheck disable=SC2086
exec java "${ADD_OPENS[@]}" ${JAVA_OPTS:--Xmx6g} -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  com.trending.bench.GoldRefreshBenchmark "$@"
