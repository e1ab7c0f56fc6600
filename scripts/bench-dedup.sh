#!/usr/bin/env bash
# Does a Kafka → Silver batch's cost grow with the Silver behind it? On a dedicated local broker
# (127.0.0.1:29094, state in .local/bench-dedup/), produces 2 × --messages events (default 10,000,
# 48 h of traffic), then times two batches of --messages in a row on the Direct runner into an
# empty lakehouse and into one whose Silver views already hold --rows events (default 5,000,000)
# over the last --days days (default 90) in files of --rowsPerFile rows (default 100,000), and
# prints each batch and the ratios (src/test/java/com/trending/bench/DedupGrowthBenchmark).
# A streaming run's day looks like --rows=1000000 --rowsPerFile=500 --days=2: thousands of small
# files in the partitions every batch touches. The Silver files carry the id index the pipeline
# writes; --noIndex writes them as an earlier release did, without it.
#
#   scripts/bench-dedup.sh [--rows=5000000] [--messages=10000] [--rowsPerFile=100000] [--days=90]
#                          [--noIndex]
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
ROWS=5000000
MESSAGES=10000
ROWS_PER_FILE=100000
DAYS=90
INDEXED=true
for arg in "$@"; do
  case "$arg" in
    --rows=*) ROWS="${arg#*=}" ;;
    --messages=*) MESSAGES="${arg#*=}" ;;
    --rowsPerFile=*) ROWS_PER_FILE="${arg#*=}" ;;
    --days=*) DAYS="${arg#*=}" ;;
    --noIndex) INDEXED=false ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench-dedup: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
WORK="$REPO_ROOT/.local/bench-dedup"
export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:29094
export KAFKA_STATE_DIR="$WORK/kafka"
rm -rf "$WORK"
mkdir -p "$WORK/logs"
trap '"$SCRIPT_DIR/kafka-stop.sh" > "$WORK/logs/kafka-stop.log" 2>&1 || true' EXIT
"$SCRIPT_DIR/kafka-start.sh" > "$WORK/logs/kafka-start.log" 2>&1 || { tail -20 "$WORK/logs/kafka-start.log"; exit 1; }
echo "[bench-dedup] producing $((2 * MESSAGES)) events ..."
"$SCRIPT_DIR/generate-events.sh" --events="$((2 * MESSAGES))" --hours=48 > "$WORK/logs/generate.log" 2>&1 \
  || { tail -20 "$WORK/logs/generate.log"; exit 1; }
echo "[bench-dedup] building the benchmark classpath ..."
(cd "$REPO_ROOT" && mvn -q -B -DskipTests test-compile dependency:build-classpath -DincludeScope=test \
    -Dmdep.outputFile="$REPO_ROOT/target/classpath-test.txt") > "$WORK/logs/build.log" 2>&1 \
  || { tail -20 "$WORK/logs/build.log"; exit 1; }
# shellcheck source=lib/java-opens.sh
source "$SCRIPT_DIR/lib/java-opens.sh"
java -Xmx4g "${ADD_OPENS[@]}" \
  -cp "$REPO_ROOT/target/test-classes:$REPO_ROOT/target/classes:$(cat "$REPO_ROOT/target/classpath-test.txt")" \
  com.trending.bench.DedupGrowthBenchmark "$KAFKA_BOOTSTRAP_SERVERS" "$WORK" "$ROWS" "$MESSAGES" "$ROWS_PER_FILE" "$DAYS" "$INDEXED" 2> "$WORK/logs/benchmark.log"
