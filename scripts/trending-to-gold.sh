#!/usr/bin/env bash
# Silver -> Gold trending tables. Usage: scripts/trending-to-gold.sh [pipeline options]
#   --runner=DirectRunner (default) | --runner=SparkRunner [--sparkMaster=local[*]]
#   --streaming=false     one-shot recompute over all of Silver, then exit
#   (default: streaming, refreshing Gold every --triggerPeriodSeconds=5)
# Environment: LAKEHOUSE_PATH, STORAGE_FORMAT, JAVA_OPTS (e.g. -Xmx4g).
# Builds on first use (and when sources change) with Maven.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

profile=direct-runner
spark=false
has_master=false
for arg in "$@"; do
  case "$arg" in
    --runner=SparkRunner|--runner=org.apache.beam.runners.spark.SparkRunner) spark=true ;;
    --sparkMaster=*) has_master=true ;;
  esac
done
extra=()
mvn_profile=()
if $spark; then
  profile=spark-runner
  mvn_profile=(-Pspark-runner)
  $has_master || extra+=("--sparkMaster=local[*]")
fi

cp_file="target/classpath-$profile.txt"
if [[ ! -f "$cp_file" || ! -d target/classes ]] \
    || [[ -n "$(find pom.xml src/main schemas -newer "$cp_file" -print -quit)" ]]; then
  echo "Building ($profile)..." >&2
  mvn -q -B -DskipTests "${mvn_profile[@]}" compile dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$cp_file" >&2
fi

ADD_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED"

# shellcheck disable=SC2086
exec java $ADD_OPENS ${JAVA_OPTS:-} -cp "target/classes:$(cat "$cp_file")" \
  com.trending.gold.TrendingToGold "$@" "${extra[@]}"
