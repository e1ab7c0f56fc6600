#!/usr/bin/env bash
# From a fresh clone to trending tables, on the local machine:
#   1. build, 2. start a local Kafka broker, 3. generate ~48 h of traffic (with bad messages),
#   4. Kafka → Silver (bounded), 5. Silver → Gold (one recompute), 6. show the result.
#
#   scripts/demo.sh                        # Direct runner
#   scripts/demo.sh --runner=SparkRunner   # Spark local[*]
#   scripts/demo.sh --events=300000        # more traffic (default 100000)
#
# The demo keeps its broker state and lakehouse under .local/demo/ (wiped at each start), unless
# LAKEHOUSE_PATH is set. Logs of each step: .local/demo/logs/.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

RUNNER=DirectRunner
EVENTS=100000
SEED=42
for arg in "$@"; do
  case "$arg" in
    --runner=*) RUNNER="${arg#--runner=}" ;;
    --events=*) EVENTS="${arg#--events=}" ;;
    --seed=*) SEED="${arg#--seed=}" ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "demo: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

DEMO_DIR="$REPO_ROOT/.local/demo"
LOGS="$DEMO_DIR/logs"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}"
export KAFKA_STATE_DIR="$DEMO_DIR/kafka"
export KAFKA_STARTING_OFFSETS=earliest
export KAFKA_GROUP_ID=demo
if [[ -z "${LAKEHOUSE_PATH:-}" ]]; then
  export LAKEHOUSE_PATH="$DEMO_DIR/lakehouse"
  rm -rf "$LAKEHOUSE_PATH"
fi

step=0
run_step() { # run_step "title" log-name command...
  local title="$1" log="$LOGS/$2.log"
  shift 2
  step=$((step + 1))
  printf '\n== %d. %s\n' "$step" "$title"
  local start=$SECONDS
  if ! "$@" > "$log" 2>&1; then
    echo "!! step $step failed ($title); last lines of $log:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
  echo "   done in $((SECONDS - start)) s (log: ${log#"$REPO_ROOT"/})"
}

mkdir -p "$LOGS"
scripts/kafka-stop.sh --purge > /dev/null 2>&1 || true
trap 'scripts/kafka-stop.sh > /dev/null 2>&1 || true' EXIT

run_step "Build (first time: Maven downloads dependencies)" build \
  mvn -q -B -DskipTests compile
run_step "Start Kafka on $KAFKA_BOOTSTRAP_SERVERS" kafka scripts/kafka-start.sh
run_step "Generate $EVENTS messages: 48 h of views, clicks, ratings, with bad ones" generate \
  scripts/generate-events.sh --events="$EVENTS" --hours=48 --seed="$SEED" \
  --summaryFile="$DEMO_DIR/generator-summary.json"
sed -n '/^  topic/,/dead letters by reason/p' "$LOGS/generate.log"

run_step "Kafka → Silver on $RUNNER (all messages in Kafka, then exit)" ingest \
  scripts/kafka-to-silver.sh --runner="$RUNNER" --availableNow=true
sed -n '/Kafka → Silver finished/,$p' "$LOGS/ingest.log"

expected="$(sed -n 's/.*dead letters by reason: //p' "$LOGS/generate.log")"
actual="$(sed -n 's/^  dead letters [0-9]*: //p' "$LOGS/ingest.log")"
if [[ "$expected" == "$actual" ]]; then
  echo "   dead letters match the generator's summary exactly: $actual"
else
  echo "!! dead letters differ: generator says [$expected], pipeline counted [$actual]" >&2
  exit 1
fi

if [[ -x scripts/trending-to-gold.sh ]]; then
  run_step "Silver → Gold on $RUNNER (one recompute)" gold \
    scripts/trending-to-gold.sh --runner="$RUNNER" --streaming=false
fi
if [[ -x scripts/show-trending.sh ]]; then
  run_step "Trending now" show scripts/show-trending.sh
  cat "$LOGS/show.log"
fi

printf '\nLakehouse: %s\n' "$LAKEHOUSE_PATH"
echo "Read it with Spark SQL, e.g. spark.read.parquet(\"$LAKEHOUSE_PATH/silver/events_views\")"
