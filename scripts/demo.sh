#!/usr/bin/env bash
# From a fresh clone to trending tables, on the local machine:
#   1. build, 2. start a local Kafka broker, 3. generate ~48 h of traffic (with bad messages),
#   4. Kafka → Silver (bounded), 5. Silver → Gold (one recompute), 6. show the result.
#
#   scripts/demo.sh                        # Direct runner
#   scripts/demo.sh --runner=SparkRunner   # Spark local[*]
#   scripts/demo.sh --runner=FlinkRunner   # Flink, embedded ([local])
#   scripts/demo.sh --events=500000        # more traffic (default 200000)
#   scripts/demo.sh --storageFormat=delta  # Delta Lake tables (same as STORAGE_FORMAT=delta)
#   scripts/demo.sh --lakehouse=hdfs       # the lakehouse on a local HDFS (scripts/hdfs-start.sh)
#   scripts/demo.sh --lakehouse=s3         # the lakehouse on a local S3 server (scripts/s3-start.sh)
#   scripts/demo.sh --lakehouse=s3 --keep  # ... and leave that server running at the end
#   scripts/demo.sh --live [--rate=200]    # live: generator at 200 events/s, both pipelines streaming,
#                                          # the view refreshed every ~10 s until Ctrl+C
#
# The demo keeps its broker state and lakehouse under .local/demo/ (wiped at each start), unless
# LAKEHOUSE_PATH is set. Logs of each step: .local/demo/logs/. The batch demo also draws
# .local/demo/trending.png (show-trending.sh --chart).
#
# --lakehouse=hdfs|s3 (default local): the demo first starts that store with its start script,
# exports the KEY=VALUE lines it prints (LAKEHOUSE_PATH, for S3 also AWS_*; they replace any set
# before) and runs every step against it. The start scripts are idempotent: a store that already
# ran is used as it is and left running; one the demo started is stopped at the end (data kept),
# unless --keep. HDFS_PORT, S3_PORT, S3_BUCKET... choose another local store (see their scripts).
# The lakehouse is a new folder per run, <store's LAKEHOUSE_PATH>/demo-<UTC date-time>, e.g.
# hdfs://127.0.0.1:9000/lakehouse/demo-20250101-120000: fresh without deleting anything on a store
# that may hold other data, and with no hadoop or S3 client needed. Earlier runs' folders stay (a
# few MB each); scripts/hdfs-stop.sh --purge or scripts/s3-stop.sh --purge deletes the whole store.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

RUNNER=DirectRunner
EVENTS=200000
SEED=42
LIVE=false
RATE=200
LAKEHOUSE=local
KEEP=false
for arg in "$@"; do
  case "$arg" in
    --live) LIVE=true ;;
    --rate=*) RATE="${arg#--rate=}" ;;
    --runner=*) RUNNER="${arg#--runner=}" ;;
    --events=*) EVENTS="${arg#--events=}" ;;
    --seed=*) SEED="${arg#--seed=}" ;;
    --storageFormat=*) export STORAGE_FORMAT="${arg#--storageFormat=}" ;;
    --lakehouse=*) LAKEHOUSE="${arg#--lakehouse=}" ;;
    --keep) KEEP=true ;;
    -h|--help) sed -n '/^[^#]/q;2,$p' "$0"; exit 0 ;; # the header comment
    *) echo "demo: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
case "$LAKEHOUSE" in
  local) STORE_NAME="" ;;
  hdfs) STORE_NAME=HDFS ;;
  s3) STORE_NAME=S3 ;;
  *) echo "demo: --lakehouse must be local, hdfs or s3, not '$LAKEHOUSE'" >&2; exit 2 ;;
esac

DEMO_DIR="$REPO_ROOT/.local/demo"
LOGS="$DEMO_DIR/logs"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}"
export KAFKA_STATE_DIR="$DEMO_DIR/kafka"
export KAFKA_STARTING_OFFSETS=earliest
export KAFKA_GROUP_ID=demo
if [[ "$LAKEHOUSE" == local && -z "${LAKEHOUSE_PATH:-}" ]]; then
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

# --lakehouse=hdfs|s3: start_store starts the store (a step), exports what its start script
# prints and sets LAKEHOUSE_PATH to a new folder on it; stop_store (on exit) stops it if this run
# started it, unless --keep.
STORE_LOG="$LOGS/$LAKEHOUSE.log"
STORE_TRIED=false   # the start script ran: stop_store looks at its log
start_store() {
  rm -f "$STORE_LOG"
  ( umask 077; : > "$STORE_LOG" ) # the S3 server's secret key is among the lines printed
  if [[ "$LAKEHOUSE" == s3 ]]; then
    # Would override what s3-start.sh prints: Storage.java prefers AWS_ENDPOINT_URL_S3, and a
    # session token means temporary credentials, which the local server does not know.
    unset AWS_ENDPOINT_URL_S3 AWS_SESSION_TOKEN
  fi
  STORE_TRIED=true
  run_step "Start the local $STORE_NAME for the lakehouse (scripts/$LAKEHOUSE-start.sh)" "$LAKEHOUSE" \
    "scripts/$LAKEHOUSE-start.sh"
  local line store_root
  unset LAKEHOUSE_PATH
  # The KEY=VALUE lines it printed last, exported as text (not eval'd).
  while IFS= read -r line; do
    if [[ "$line" =~ ^([A-Z_][A-Z_0-9]*)=(.*)$ ]]; then export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"; fi
  done < "$STORE_LOG"
  if [[ -z "${LAKEHOUSE_PATH:-}" ]]; then
    echo "!! scripts/$LAKEHOUSE-start.sh printed no LAKEHOUSE_PATH=...; see $STORE_LOG" >&2
    exit 1
  fi
  store_root="$LAKEHOUSE_PATH"
  export LAKEHOUSE_PATH="$store_root/demo-$(date -u +%Y%m%d-%H%M%S)"
  if store_was_running; then
    echo "   $STORE_NAME was already running: used as it is, left running at the end"
  elif $KEEP; then
    echo "   $STORE_NAME started by the demo; --keep: left running at the end"
  else
    echo "   $STORE_NAME started by the demo; stopped at the end (its data is kept)"
  fi
  echo "   lakehouse: $LAKEHOUSE_PATH (a new folder on $store_root)"
}
store_was_running() {
  grep -q 'already running (pid' "$STORE_LOG" 2>/dev/null
}
stop_store() { # stop_store [indent]
  $STORE_TRIED || return 0
  STORE_TRIED=false
  if store_was_running; then
    echo "${1:-}$STORE_NAME left running (it ran before the demo; scripts/$LAKEHOUSE-stop.sh stops it)"
  elif $KEEP; then
    echo "${1:-}$STORE_NAME left running (--keep; scripts/$LAKEHOUSE-stop.sh stops it)"
  elif scripts/"$LAKEHOUSE"-stop.sh > "$LOGS/$LAKEHOUSE-stop.log" 2>&1; then
    echo "${1:-}$STORE_NAME stopped (data kept; scripts/$LAKEHOUSE-stop.sh --purge deletes it)"
  else
    echo "!! scripts/$LAKEHOUSE-stop.sh failed; see $LOGS/$LAKEHOUSE-stop.log" >&2
  fi
}

mkdir -p "$LOGS"
scripts/kafka-stop.sh --purge > /dev/null 2>&1 || true
trap 'scripts/kafka-stop.sh > /dev/null 2>&1 || true; stop_store' EXIT

if [[ "$LAKEHOUSE" == local ]]; then
  echo "Lakehouse: $LAKEHOUSE_PATH (--lakehouse=local)"
else
  echo "Lakehouse on $STORE_NAME (--lakehouse=$LAKEHOUSE): a new folder on it for this run (step 3)"
fi

run_step "Build (first time: Maven downloads dependencies)" build \
  mvn -q -B -DskipTests compile
run_step "Start Kafka on $KAFKA_BOOTSTRAP_SERVERS" kafka scripts/kafka-start.sh
if [[ "$LAKEHOUSE" != local ]]; then
  start_store
fi

if $LIVE; then
  # Builds the launcher's classpath once, before three JVMs would each try to.
  run_step "Prepare the launcher" launcher scripts/generate-events.sh --help
  if [[ "$LAKEHOUSE_PATH" != *://* ]]; then mkdir -p "$LAKEHOUSE_PATH"; fi # HDFS/S3: made by the pipelines
  PIDS=()
  NAMES=()
  LOGFILES=()
  start_bg() { # start_bg name log-name command...: runs it in the background, logs to $LOGS/<log>.log
    local name="$1" log="$LOGS/$2.log"
    shift 2
    "$@" > "$log" 2>&1 &
    PIDS+=($!)
    NAMES+=("$name")
    LOGFILES+=("$log")
    printf '   started %-34s pid %-7s log %s\n' "$name" "$!" "${log#"$REPO_ROOT"/}"
  }
  stop_all() {
    trap - EXIT INT TERM
    printf '\n== Stopping\n'
    local i pid deadline
    for i in "${!PIDS[@]}"; do # in start order: generator first, so the pipelines see its last events
      pid="${PIDS[$i]}"
      kill -0 "$pid" 2>/dev/null || continue
      printf '   stopping %s (pid %s) ...' "${NAMES[$i]}" "$pid"
      kill -TERM "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 30))
      while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.5; done
      if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        echo " killed after 30 s"
      else
        echo " stopped"
      fi
      wait "$pid" 2>/dev/null || true
    done
    scripts/kafka-stop.sh > /dev/null 2>&1 || true
    echo "   broker stopped. Lakehouse: $LAKEHOUSE_PATH, logs: ${LOGS#"$REPO_ROOT"/}/"
    stop_store "   "
  }
  trap stop_all EXIT
  trap 'exit 130' INT TERM

  printf '\n== %d. Start the live generator and both pipelines (streaming, %s)\n' $((++step)) "$RUNNER"
  start_bg "generator ($RATE events/s, live)" generate \
    scripts/generate-events.sh --live --rate="$RATE" --seed="$SEED"
  start_bg "Kafka → Silver (continuous)" ingest scripts/kafka-to-silver.sh --runner="$RUNNER"
  start_bg "Silver → Gold (streaming)" gold scripts/trending-to-gold.sh --runner="$RUNNER"
  echo "   the view refreshes every ~10 s; Gold fills once Silver has files (about a minute). Ctrl+C stops."
  sleep 10 & wait $!

  refresh=0
  while true; do
    for i in "${!PIDS[@]}"; do
      if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
        echo "!! ${NAMES[$i]} exited; last lines of ${LOGFILES[$i]}:" >&2
        tail -40 "${LOGFILES[$i]}" >&2
        exit 1
      fi
    done
    started=$SECONDS
    view="$(scripts/show-trending.sh --top=10 --current 2>&1 || true)"
    refresh=$((refresh + 1))
    if [[ -t 1 ]]; then clear; else printf '\n'; fi
    echo "== Live demo, refresh $refresh at $(date -u +%H:%M:%S) UTC: generator $RATE events/s → Kafka" \
      "→ Silver → Gold on $RUNNER (Ctrl+C stops; logs in ${LOGS#"$REPO_ROOT"/}/)"
    echo "$view"
    sleep $((started + 10 - SECONDS > 1 ? started + 10 - SECONDS : 1)) & wait $! # every ~10 s, viewer included
  done
fi
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
  run_step "Trending now" show scripts/show-trending.sh --chart "$DEMO_DIR/trending.png"
  cat "$LOGS/show.log"
fi

if [[ "$LAKEHOUSE" == local ]]; then
  printf '\nLakehouse: %s\n' "$LAKEHOUSE_PATH"
else
  printf '\nLakehouse: %s (on %s)\n' "$LAKEHOUSE_PATH" "$STORE_NAME"
fi
if [[ "${STORAGE_FORMAT:-parquet}" == delta ]]; then
  echo "Read it with Spark SQL + delta-spark, e.g. spark.read.format(\"delta\").load(\"$LAKEHOUSE_PATH/silver/events_views\")"
else
  echo "Read it with Spark SQL, e.g. spark.read.parquet(\"$LAKEHOUSE_PATH/silver/events_views\")"
fi
case "$LAKEHOUSE" in
  hdfs) echo "Show it again (HDFS running: scripts/hdfs-start.sh):"
        echo "  LAKEHOUSE_PATH=$LAKEHOUSE_PATH scripts/show-trending.sh" ;;
  s3) echo "Show it again (starts S3Proxy if needed; S3A settings for Spark: scripts/s3/README.md):"
      echo "  set -a; eval \"\$(scripts/s3-start.sh | grep -E '^[A-Z_0-9]+=')\"; set +a"
      echo "  LAKEHOUSE_PATH=$LAKEHOUSE_PATH scripts/show-trending.sh" ;;
esac
