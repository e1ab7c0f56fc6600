#!/usr/bin/env bash
# Kafka → Silver throughput, against the broker's own ceiling, all from one run:
#   1. starts a dedicated local broker (127.0.0.1:29092, fresh state in .local/bench/kafka),
#   2. produces N events with the generator (scripts/generate-events.sh; default 1,000,000),
#   3. measures the raw consume rate with Kafka's ConsumerPerformance (kafka-consumer-perf-test)
#      over the same messages (one run per topic; rate = all messages / summed consume time;
#      --raw-runs rounds, default 3, the median round kept: one round moves by half on this machine),
#   4. times scripts/kafka-to-silver.sh --maxRecords=N on the Direct runner and on Spark local[2],
#      each into a fresh LAKEHOUSE_PATH with a fresh consumer group and earliest offsets, and
#      checks their Silver rows and dead letters against the generator's summary, twice: in the
#      pipeline's own summary and read back from the lakehouse (scripts/show-trending.sh),
#      (--runners=...,native: also the reference a team would write instead, a plain Spark
#      Structured Streaming job with the same rules, src/test/java/com/trending/bench/NativeSparkIngest,
#      whose Silver rows and dead letters by reason, counted from its tables, are checked alike),
#      (--runners=...,direct-steady,spark-steady,native-steady: also the rate of a job that has been
#      running for a while: src/test/java/com/trending/bench/SteadyIngest (NativeSparkIngest for
#      native-steady) ingests the N messages --steady-passes times (default 3) in one JVM, each pass
#      into its own lakehouse with its own consumer group (checkpoint), and the last pass is timed;
#      the JIT is still busy during a second pass),
#      (--stores=local,hdfs: each runner once per store, one after the other; the hdfs runs into a
#      fresh hdfs://127.0.0.1:29900/lakehouse/bench-<run>-<time> on the bench's own HDFS,
#      scripts/hdfs-start.sh with its state in .local/bench/hdfs, started unless it runs),
#   5. prints a table (store, messages, seconds, events/s, ratio to the raw consume rate; "warm":
#      the messages/s inside a run's batches after its first, once the JIT has compiled it), with
#      two stores the ratio hdfs/local of each runner's events/s, and stops the broker (and the
#      bench HDFS) if it started it.
#
#   scripts/bench-ingest.sh                        # 1,000,000 events, Direct and Spark local[2]
#   scripts/bench-ingest.sh --events=100000
#   scripts/bench-ingest.sh --runners=spark --sparkMaster='local[2]'
#   scripts/bench-ingest.sh --runners=direct,spark,native   # with the plain Spark reference job
#   scripts/bench-ingest.sh --runners=direct,spark,native,direct-steady,spark-steady,native-steady
#   scripts/bench-ingest.sh --runners=direct,spark,flink    # flink: embedded ([local]), parallelism 2
#   scripts/bench-ingest.sh --runners=direct,cluster    # cluster: runners/spark/submit.sh against
#                                                       # SPARK_MASTER_URL (default spark://127.0.0.1:7077;
#                                                       # start it with runners/spark/cluster-start.sh)
#   scripts/bench-ingest.sh --stores=local,hdfs    # each runner on the local disk and on a local HDFS
#   scripts/bench-ingest.sh --reuse                # keep the previous bench's broker data, skip producing
#   scripts/bench-ingest.sh --keep-broker          # leave the broker (and the bench HDFS) running at the end
#   scripts/bench-ingest.sh --reuse -- --experiments=use_deprecated_read   # extra pipeline options
#
# Options: --events=N --runners=direct,spark --sparkMaster=local[2] --seed=N --acks=all|1
#          --stores=local|hdfs|local,hdfs --hdfsPort=29900 --steady-passes=3 --raw-runs=3
#          --reuse --keep-broker --bootstrap=127.0.0.1:29092; after "--": options for both pipelines.
# Pipeline seconds are wall-clock around the whole process (JVM and Spark start-up included); the
# pipeline's own "messages/s" (time inside its batches) is shown next to them. Logs and the
# generator summary are kept in .local/bench/, the lakehouses too (local: .local/bench/lakehouse-<run>,
# replaced at each run; hdfs: on the bench HDFS, whose file system is made fresh when the bench
# starts it, unless --reuse). Timings depend on the machine: not for tests.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

EVENTS=1000000
RUNNERS=direct,spark
SPARK_MASTER='local[2]'
SEED=20251217
ACKS=all
REUSE=false
KEEP_BROKER=false
BOOTSTRAP=127.0.0.1:29092
STORES=local
HDFS_BENCH_PORT=29900
STEADY_PASSES=3
RAW_RUNS=3

PIPELINE_ARGS=()
while (( $# > 0 )); do
  arg="$1"; shift
  case "$arg" in
    --) PIPELINE_ARGS=("$@"); break ;;
    --events=*) EVENTS="${arg#*=}"; EVENTS="${EVENTS//_/}"; EVENTS="${EVENTS//,/}" ;;
    --runners=*) RUNNERS="${arg#*=}" ;;
    --sparkMaster=*) SPARK_MASTER="${arg#*=}" ;;
    --seed=*) SEED="${arg#*=}" ;;
    --acks=*) ACKS="${arg#*=}" ;;
    --reuse) REUSE=true ;;
    --keep-broker) KEEP_BROKER=true ;;
    --bootstrap=*) BOOTSTRAP="${arg#*=}" ;;
    --stores=*) STORES="${arg#*=}" ;;
    --hdfsPort=*) HDFS_BENCH_PORT="${arg#*=}" ;;
    --steady-passes=*) STEADY_PASSES="${arg#*=}" ;;
    --raw-runs=*) RAW_RUNS="${arg#*=}" ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench-ingest: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$EVENTS" =~ ^[0-9]+$ && "$EVENTS" -gt 0 ]] || { echo "bench-ingest: --events must be a positive number" >&2; exit 2; }
IFS=',' read -r -a STORE_LIST <<< "$STORES"
for store in "${STORE_LIST[@]}"; do
  [[ "$store" == local || "$store" == hdfs ]] \
    || { echo "bench-ingest: unknown store '$store' in --stores (local, hdfs)" >&2; exit 2; }
done
(( ${#STORE_LIST[@]} > 0 )) || { echo "bench-ingest: --stores needs local, hdfs or both" >&2; exit 2; }
[[ "$HDFS_BENCH_PORT" =~ ^[0-9]+$ ]] || { echo "bench-ingest: --hdfsPort must be a port number" >&2; exit 2; }
[[ "$STEADY_PASSES" =~ ^[0-9]+$ && "$STEADY_PASSES" -ge 2 ]] \
  || { echo "bench-ingest: --steady-passes must be 2 or more" >&2; exit 2; }
[[ "$RAW_RUNS" =~ ^[0-9]+$ && "$RAW_RUNS" -ge 1 ]] \
  || { echo "bench-ingest: --raw-runs must be 1 or more" >&2; exit 2; }

BENCH_DIR="$REPO_ROOT/.local/bench"
LOG_DIR="$BENCH_DIR/logs"
SUMMARY="$BENCH_DIR/generator-summary.json"
export KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP"
export KAFKA_STATE_DIR="$BENCH_DIR/kafka"
mkdir -p "$LOG_DIR"

log() { echo "[bench-ingest] $*"; }
die() { echo "[bench-ingest] ERROR: $*" >&2; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }
fail_with_log() { echo "----- last lines of $2 -----" >&2; tail -n 30 "$2" >&2 || true; die "$1 (log: $2)"; }

# shellcheck source=lib/pipeline-options.sh
source "$SCRIPT_DIR/lib/pipeline-options.sh"   # pipeline_defaults, runner_profile
# shellcheck source=kafka/env.sh
source "$SCRIPT_DIR/kafka/env.sh"   # LIB_DIR, broker_pid, kafka_tool (for the same state folder)

# The bench's own HDFS (--stores=...,hdfs): its port and state folder, for hdfs-start.sh / hdfs-stop.sh.
HDFS_ENV=(HDFS_PORT="$HDFS_BENCH_PORT" HDFS_STATE_DIR="$BENCH_DIR/hdfs")
hdfs_runs() { # true if the bench HDFS runs (hdfs/env.sh in a subshell: its names would clash with Kafka's)
  ( export "${HDFS_ENV[@]}"; source "$SCRIPT_DIR/hdfs/env.sh"; hdfs_pid ) > /dev/null 2>&1
}

STARTED_BROKER=false
STARTED_HDFS=false
cleanup() {
  if [[ "$STARTED_BROKER" == true && "$KEEP_BROKER" == false ]]; then
    log "stopping the bench broker"
    "$SCRIPT_DIR/kafka-stop.sh" > "$LOG_DIR/kafka-stop.log" 2>&1 || echo "[bench-ingest] kafka-stop failed, see $LOG_DIR/kafka-stop.log" >&2
  fi
  if [[ "$STARTED_HDFS" == true && "$KEEP_BROKER" == false ]]; then
    log "stopping the bench HDFS (file system kept in $BENCH_DIR/hdfs)"
    env "${HDFS_ENV[@]}" "$SCRIPT_DIR/hdfs-stop.sh" > "$LOG_DIR/hdfs-stop.log" 2>&1 || echo "[bench-ingest] hdfs-stop failed, see $LOG_DIR/hdfs-stop.log" >&2
  fi
}
trap cleanup EXIT

# --- 1. broker -------------------------------------------------------------------------------
if [[ "$REUSE" == true ]]; then
  [[ -f "$SUMMARY" ]] || die "--reuse needs a previous bench run (no $SUMMARY)"
else
  if broker_pid > /dev/null; then
    log "stopping the previous bench broker (fresh state wanted)"
    "$SCRIPT_DIR/kafka-stop.sh" > "$LOG_DIR/kafka-stop.log" 2>&1 || die "could not stop the bench broker"
  fi
  rm -rf "$KAFKA_STATE_DIR" "$SUMMARY"
fi
if ! broker_pid > /dev/null; then STARTED_BROKER=true; fi
log "broker on $BOOTSTRAP, state in $KAFKA_STATE_DIR"
"$SCRIPT_DIR/kafka-start.sh" > "$LOG_DIR/kafka-start.log" 2>&1 \
  || fail_with_log "the broker did not start" "$LOG_DIR/kafka-start.log"

HDFS_LAKEHOUSE=""   # hdfs://127.0.0.1:PORT/lakehouse, under which each hdfs run gets a folder of its own
if [[ " ${STORE_LIST[*]} " == *" hdfs "* ]]; then
  if ! hdfs_runs; then
    STARTED_HDFS=true
    if [[ "$REUSE" == false ]]; then   # a fresh file system, like the broker's fresh state
      env "${HDFS_ENV[@]}" "$SCRIPT_DIR/hdfs-stop.sh" --purge > "$LOG_DIR/hdfs-stop.log" 2>&1 \
        || fail_with_log "could not purge the previous bench HDFS" "$LOG_DIR/hdfs-stop.log"
    fi
  fi
  log "HDFS on 127.0.0.1:$HDFS_BENCH_PORT, state in $BENCH_DIR/hdfs$([[ "$STARTED_HDFS" == true ]] || echo " (already running)")"
  env "${HDFS_ENV[@]}" "$SCRIPT_DIR/hdfs-start.sh" > "$LOG_DIR/hdfs-start.log" 2>&1 \
    || fail_with_log "HDFS did not start" "$LOG_DIR/hdfs-start.log"
  HDFS_LAKEHOUSE="$(sed -n 's/^LAKEHOUSE_PATH=//p' "$LOG_DIR/hdfs-start.log" | tail -n 1)"
  [[ "$HDFS_LAKEHOUSE" == hdfs://* ]] || fail_with_log "hdfs-start.sh printed no LAKEHOUSE_PATH" "$LOG_DIR/hdfs-start.log"
fi

# Build both classpaths now, so that no build time lands inside a measurement.
log "building (first use only) ..."
"$SCRIPT_DIR/generate-events.sh" --help > "$LOG_DIR/build-direct.log" 2>&1 \
  || fail_with_log "build failed" "$LOG_DIR/build-direct.log"
if [[ ",$RUNNERS," == *",spark,"* ]]; then
  "$SCRIPT_DIR/lib/launch.sh" com.trending.generator.EventGenerator --runner=SparkRunner > "$LOG_DIR/build-spark.log" 2>&1 || true
  grep -qE "Unknown option:? .?--runner" "$LOG_DIR/build-spark.log" || fail_with_log "Spark build failed" "$LOG_DIR/build-spark.log"
fi
if [[ ",$RUNNERS," == *",flink,"* ]]; then
  "$SCRIPT_DIR/lib/launch.sh" com.trending.generator.EventGenerator --runner=FlinkRunner > "$LOG_DIR/build-flink.log" 2>&1 || true
  grep -qE "Unknown option:? .?--runner" "$LOG_DIR/build-flink.log" || fail_with_log "Flink build failed" "$LOG_DIR/build-flink.log"
fi

if [[ ",$RUNNERS," =~ ,(native|native-steady|direct-steady|spark-steady), ]]; then
  (cd "$REPO_ROOT" && mvn -q -B -DskipTests test-compile dependency:build-classpath -DincludeScope=test \
      -Dmdep.outputFile="$REPO_ROOT/target/classpath-test.txt") > "$LOG_DIR/build-native.log" 2>&1 \
    || fail_with_log "building the native reference failed" "$LOG_DIR/build-native.log"
fi
if [[ ",$RUNNERS," == *",cluster,"* ]]; then
  master="${SPARK_MASTER_URL:-spark://127.0.0.1:7077}"
  hostport="${master#spark://}"
  (exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}") 2>/dev/null \
    || die "no Spark master at $master: start one with runners/spark/cluster-start.sh (or set SPARK_MASTER_URL)"
  "$REPO_ROOT/runners/spark/submit.sh" build > "$LOG_DIR/build-cluster.log" 2>&1 \
    || fail_with_log "building the Spark jar failed" "$LOG_DIR/build-cluster.log"
fi

# --- 2. produce ------------------------------------------------------------------------------
if [[ "$REUSE" == true ]]; then
  log "reusing the data of the previous bench run ($SUMMARY)"
else
  log "producing $EVENTS events (seed $SEED, acks=$ACKS) ..."
  t0=$(now)
  "$SCRIPT_DIR/generate-events.sh" --events="$EVENTS" --hours=48 --seed="$SEED" --acks="$ACKS" \
      --summaryFile="$SUMMARY" > "$LOG_DIR/generate.log" 2>&1 \
    || fail_with_log "the generator failed" "$LOG_DIR/generate.log"
  t1=$(now)
  grep -E "\] done:" "$LOG_DIR/generate.log" | sed 's/^/  /'
  log "produced in $(secs "$t0" "$t1") s wall-clock"
fi

# Messages per topic, from the generator's summary and from the topics' end offsets.
json_get() { # json_get FILE section key: a number from the generator's summary JSON
  sed -n "/\"$2\" : {/,/}/p" "$1" | grep -m1 "\"$3\" :" | tr -dc '0-9'
}
TOPICS=(events_views events_clicks events_ratings)
declare -A TOPIC_MESSAGES
TOTAL=0
for topic in "${TOPICS[@]}"; do
  end_offsets="$(TOOL_TIMEOUT=60 kafka_tool org.apache.kafka.tools.GetOffsetShell --bootstrap-server "$BOOTSTRAP" \
      --topic "$topic" --time -1 2> "$LOG_DIR/offsets.log")" || fail_with_log "cannot read end offsets" "$LOG_DIR/offsets.log"
  n="$(awk -F: '{ s += $3 } END { print s + 0 }' <<< "$end_offsets")"
  TOPIC_MESSAGES[$topic]=$n
  TOTAL=$((TOTAL + n))
done
SENT="$(json_get "$SUMMARY" totals messages)"
log "topics hold $TOTAL messages (views ${TOPIC_MESSAGES[events_views]}, clicks ${TOPIC_MESSAGES[events_clicks]}, ratings ${TOPIC_MESSAGES[events_ratings]}); generator sent $SENT"
[[ "$TOTAL" == "$SENT" ]] || log "WARNING: the topics hold $TOTAL messages but the generator reports $SENT"
N=$TOTAL

# --- 3. raw consume rate ---------------------------------------------------------------------
log "raw consume rate (org.apache.kafka.tools.ConsumerPerformance, one run per topic; $RAW_RUNS rounds, the median kept) ..."
: > "$LOG_DIR/consumer-perf.log"
RAW_ROUNDS=()   # "seconds fetch-seconds messages" per round
for (( round = 1; round <= RAW_RUNS; round++ )); do
  msgs_=0; secs_=0; fetch_=0
  for topic in "${TOPICS[@]}"; do
    out="$(TOOL_TIMEOUT=600 kafka_tool org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOTSTRAP" \
        --topic "$topic" --messages "${TOPIC_MESSAGES[$topic]}" --group "bench-perf-$topic-$$-$RANDOM" \
        --timeout 30000 2>> "$LOG_DIR/consumer-perf.log")" || fail_with_log "ConsumerPerformance failed" "$LOG_DIR/consumer-perf.log"
    echo "$out" >> "$LOG_DIR/consumer-perf.log"
    # start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
    line="$(tail -n 1 <<< "$out")"
    msgs="$(awk -F', *' '{ print $5 }' <<< "$line")"
    mb="$(awk -F', *' '{ print $3 }' <<< "$line")"
    rate_="$(awk -F', *' '{ print $6 }' <<< "$line")"
    fetch_ms="$(awk -F', *' '{ print $8 }' <<< "$line")"
    s="$(awk -v n="$msgs" -v r="$rate_" 'BEGIN { if (r > 0) printf "%.3f", n / r; else print 0 }')"
    printf '  round %d %-15s %9s messages %8s MB  %8.0f messages/s (%s ms fetching, the rest joining the group)\n' \
      "$round" "$topic" "$msgs" "$mb" "$rate_" "$fetch_ms"
    msgs_=$((msgs_ + msgs))
    secs_="$(awk -v a="$secs_" -v b="$s" 'BEGIN { printf "%.3f", a + b }')"
    fetch_="$(awk -v a="$fetch_" -v b="$fetch_ms" 'BEGIN { printf "%.3f", a + b / 1000 }')"
  done
  RAW_ROUNDS+=("$secs_ $fetch_ $msgs_")
done
# The median round by its seconds: one perf-tool JVM per topic is short, and on a noisy machine a
# single round moved by half (2.8 to 4.5 s for the same messages) with every ratio to it.
read -r RAW_SECS FETCH_SECS RAW_MSGS <<< "$(printf '%s\n' "${RAW_ROUNDS[@]}" | sort -n -k1,1 | sed -n "$(( (RAW_RUNS + 1) / 2 ))p")"
RAW_RATE="$(rate "$RAW_MSGS" "$RAW_SECS")"
FETCH_RATE="$(rate "$RAW_MSGS" "$FETCH_SECS")"
log "raw consume rounds (seconds, fetch seconds): $(printf '%s\n' "${RAW_ROUNDS[@]}" | awk '{ printf "%s%s / %s", (NR > 1 ? "; " : ""), $1, $2 }')"
log "raw consume (median round): $RAW_MSGS messages in $RAW_SECS s = $RAW_RATE messages/s ($FETCH_RATE messages/s counting fetch time only)"

# --- 4. pipelines ----------------------------------------------------------------------------
declare -a ROWS
expected_silver="$(json_get "$SUMMARY" totals valid_unique)"
expected_dead="$(json_get "$SUMMARY" totals dead_letters_total)"
# "invalid_json=11 missing_required_field=12 ...", in the pipeline's order (DeadLetterReason)
expected_reasons="$(grep -m1 'dead letters by reason:' "$LOG_DIR/generate.log" | cut -d: -f2- | xargs)"

lakehouse_for() { # lakehouse_for NAME STORE: a fresh LAKEHOUSE_PATH for one run
  if [[ "$2" == hdfs ]]; then
    echo "$HDFS_LAKEHOUSE/bench-${1//[^A-Za-z0-9.-]/}-$(date +%Y%m%d-%H%M%S)"
  else
    echo "$BENCH_DIR/lakehouse-${1// /-}"
  fi
}
suffix_for() { [[ "$1" == local ]] || echo "-$1"; } # log names: local runs keep the names they had

# Reads the lakehouse back through the product's Storage layer (scripts/show-trending.sh works on
# every store) and prints "" if its Silver rows and dead letters match the generator's summary, a
# description of the difference otherwise.
read_back_check() { # read_back_check LAKEHOUSE_PATH LOGFILE
  local silver dead reasons
  LAKEHOUSE_PATH="$1" "$SCRIPT_DIR/show-trending.sh" --top=1 > "$2" 2>&1 || { echo "read-back failed (log: $2)"; return; }
  silver="$(grep -E '^  silver/' "$2" | awk '{ gsub(",", "", $2); s += $2 } END { print s + 0 }')"
  dead="$(grep -m1 -E '^  dead letters [0-9,]+:' "$2" | awk '{ gsub("[,:]", "", $3); print $3 }')"
  reasons="$(grep -m1 -E '^  dead letters [0-9,]+:' "$2" | cut -d: -f2- | xargs)"
  if [[ "$silver" != "$expected_silver" || "$dead" != "$expected_dead" || "$reasons" != "$expected_reasons" ]]; then
    echo "read back: silver rows $silver vs $expected_silver; dead letters $dead vs $expected_dead: [$reasons] vs [$expected_reasons] (log: $2)"
  fi
}

# "ok" if the run's summary in LOGFILE (its last "Kafka → Silver finished:") and the lakehouse read
# back both hold the generator's Silver rows and dead letters by reason, else what differs.
counts_check() { # counts_check LOGFILE LAKEHOUSE_PATH READ_BACK_LOG
  local silver dead reasons check="ok" back
  silver="$(grep -oE 'silver rows +[0-9]+' "$1" | awk '{ s += $3 } END { print s + 0 }')"
  dead="$(grep -oE 'dead letters [0-9]+' "$1" | tail -n 1 | awk '{ print $3 }')"
  reasons="$(grep -oE 'dead letters [0-9]+:.*' "$1" | tail -n 1 | cut -d: -f2- | xargs)"
  if [[ "$silver" != "$expected_silver" || "$dead" != "$expected_dead" || "$reasons" != "$expected_reasons" ]]; then
    check="MISMATCH (silver rows $silver vs $expected_silver; dead letters $dead vs $expected_dead: [$reasons] vs [$expected_reasons])"
  fi
  back="$(read_back_check "$2" "$3")"
  if [[ -n "$back" ]]; then
    if [[ "$check" == ok ]]; then check="MISMATCH ($back)"; else check="$check; MISMATCH ($back)"; fi
  fi
  echo "$check"
}

# The launcher maps a class-data archive of a main's classes from its third launch on
# (scripts/lib/class-data.sh): the way users run it, so the cold rows time such a launch. Two short
# runs and the dump they start make it, unless it is there.
# shellcheck source=lib/class-data.sh
source "$SCRIPT_DIR/lib/class-data.sh"   # class_data_enabled, class_data_archived, class_data_dumping
CDS_DIR="$REPO_ROOT/target/cds"
prepare_launch() { # prepare_launch COMMAND... (kafka-to-silver.sh with its options)
  [[ "$1" == */kafka-to-silver.sh ]] && class_data_enabled || return 0
  local profile attempt waited
  profile="$(runner_profile "$@")"
  for attempt in 1 2 3; do
    waited=0
    while class_data_dumping "$CDS_DIR" && (( waited < 300 )); do sleep 2; waited=$((waited + 2)); done
    # (the first short run drops an archive of another build)
    if (( attempt > 1 )) && class_data_archived "$CDS_DIR" "KafkaToSilver-$profile"; then return 0; fi
    (( attempt < 3 )) || break
    log "class-data archive for $profile: short run $attempt ..."
    rm -rf "$BENCH_DIR/lakehouse-prepare"
    LAKEHOUSE_PATH="$BENCH_DIR/lakehouse-prepare" KAFKA_STARTING_OFFSETS=earliest KAFKA_GROUP_ID="bench-prepare-$(date +%s)-$$" \
      "$@" --maxRecords=1000 > "$LOG_DIR/prepare-$profile.log" 2>&1 \
      || fail_with_log "short run on $profile failed" "$LOG_DIR/prepare-$profile.log"
  done
  log "no class-data archive for $profile (see $CDS_DIR/*.log): its cold run starts without one"
}

run_pipeline() { # run_pipeline NAME STORE COMMAND... (kafka-to-silver.sh or submit.sh with its options)
  local name="$1" store="$2"; shift 2
  local sfx lake logf t0 t1 s
  prepare_launch "$@"
  sfx="$(suffix_for "$store")"
  lake="$(lakehouse_for "$name" "$store")"
  logf="$LOG_DIR/kafka-to-silver-$name$sfx.log"
  if [[ "$store" == local ]]; then rm -rf "$lake"; fi
  log "Kafka → Silver on $name, $store store ($lake): ${*##*/} ${PIPELINE_ARGS[*]:-} --maxRecords=$N ..."
  t0=$(now)
  LAKEHOUSE_PATH="$lake" KAFKA_STARTING_OFFSETS=earliest KAFKA_GROUP_ID="bench-$name$sfx-$(date +%s)-$$" \
    "$@" ${PIPELINE_ARGS[@]+"${PIPELINE_ARGS[@]}"} --maxRecords="$N" > "$logf" 2>&1 \
    || fail_with_log "Kafka → Silver on $name ($store) failed" "$logf"
  t1=$(now)
  s="$(secs "$t0" "$t1")"
  local own warm
  own="$(grep -oE '[0-9.]+ s in pipelines \([0-9]+ messages/s\)' "$logf" | tail -n 1)"
  # messages/s inside the batches after the first: the pipeline once its JVM is warm
  warm="$(grep -oE 'Batch [0-9]+: [0-9]+ messages in [0-9]+ ms' "$logf" \
          | awk 'NR > 1 { m += $3; t += $6 } END { if (t > 0) printf "%d", m * 1000 / t; else print "n/a" }')"
  grep -A6 "finished:" "$logf" | sed 's/^/  /'
  local check
  check="$(counts_check "$logf" "$lake" "$LOG_DIR/read-back-$name$sfx.log")"
  log "$name ($store): $s s wall-clock; pipeline's own: ${own:-n/a}; counts vs generator (summary and read back): $check"
  ROWS+=("$name|$store|$N|$s|$(rate "$N" "$s")|$warm|${own:-n/a}|$check")
}

# The plain Spark Structured Streaming reference, same messages, same rules; with PASSES > 1 the
# ingestion PASSES times in one session, the last pass timed (native-steady).
run_native() { # run_native STORE [PASSES]
  local store="$1" passes="${2:-1}" sfx lake logf t0 t1 s line silver dead reasons check="ok" name="native"
  (( passes > 1 )) && name="native-steady"
  sfx="$(suffix_for "$store")"
  lake="$(lakehouse_for "$name" "$store")"
  logf="$LOG_DIR/$name-spark$sfx.log"
  if [[ "$store" == local ]]; then rm -rf "$lake" "$lake"-pass*; fi
  log "$name Spark Structured Streaming reference on $SPARK_MASTER, $store store ($lake), $passes pass(es) ..."
  # shellcheck source=lib/java-opens.sh
  source "$SCRIPT_DIR/lib/java-opens.sh"
  t0=$(now)
  # the Spark runner's JVM flags (JAVA_OPTS, else launch.sh's default), so the two differ in code only
  # shellcheck disable=SC2046,SC2086
  java ${JAVA_OPTS:-$(default_java_opts spark-runner)} "${ADD_OPENS[@]}" -cp "$REPO_ROOT/target/test-classes:$REPO_ROOT/target/classes:$(cat "$REPO_ROOT/target/classpath-test.txt")" \
    com.trending.bench.NativeSparkIngest "$BOOTSTRAP" "$lake" "$SPARK_MASTER" "$passes" > "$logf" 2>&1 \
    || fail_with_log "the native reference ($store) failed" "$logf"
  t1=$(now)
  s="$(secs "$t0" "$t1")"
  line="$(grep -m1 '^native:' "$logf")"
  (( passes > 1 )) && s="$(sed -E 's/.* in ([0-9.]+) s$/\1/' <<< "$line")" # the last pass's own time
  silver="$(sed -E 's/.* ([0-9]+) silver rows.*/\1/' <<< "$line")"
  dead="$(sed -E 's/.* ([0-9]+) dead letters.*/\1/' <<< "$line")"
  reasons="$(sed -E 's/.* dead letters \((.*)\) in .*/\1/' <<< "$line")"
  if [[ "$silver" != "$expected_silver" || "$dead" != "$expected_dead" || "$reasons" != "$expected_reasons" ]]; then
    check="MISMATCH (silver rows $silver vs $expected_silver; dead letters $dead vs $expected_dead: [$reasons] vs [$expected_reasons])"
  fi
  if (( passes > 1 )); then
    log "$name ($store): last pass $s s; $(grep '^native' "$logf" | paste -sd ';'); counts vs generator: $check"
    ROWS+=("native-steady ${SPARK_MASTER}|$store|$N|$s|$(rate "$N" "$s")|n/a|pass 1 of $passes $(grep -m1 -oE '^native pass 1: .* in [0-9.]+ s' "$logf" | sed -E 's/.* in //'), same JVM|$check")
  else
    log "native ($store): $s s wall-clock; $line; counts vs generator: $check"
    ROWS+=("native Spark ${SPARK_MASTER}|$store|$N|$s|$(rate "$N" "$s")|n/a|n/a|$check")
  fi
}

run_steady() { # run_steady NAME RUNNER_DIR OPTIONS...: bench/SteadyIngest, the last pass timed
  local name="$1" dir="$2"; shift 2
  local logf="$LOG_DIR/steady-$name.log" lake
  lake="$(lakehouse_for "$name" local)"
  rm -rf "$lake" "$lake"-pass*
  local -a args
  mapfile -t args < <(pipeline_defaults "$REPO_ROOT" "$dir" "$@")   # the launcher's defaults
  args+=("$@" ${PIPELINE_ARGS[@]+"${PIPELINE_ARGS[@]}"} --maxRecords="$N")
  log "$name: Kafka → Silver $STEADY_PASSES times in one JVM (bench/SteadyIngest ${args[*]}), the last pass timed ..."
  # shellcheck source=lib/java-opens.sh
  source "$SCRIPT_DIR/lib/java-opens.sh"
  # the runner's JVM flags, as launch.sh gives them
  # shellcheck disable=SC2046,SC2086
  KAFKA_STARTING_OFFSETS=earliest java ${JAVA_OPTS:-$(default_java_opts "$dir-runner")} "${ADD_OPENS[@]}" \
    -cp "$REPO_ROOT/target/test-classes:$REPO_ROOT/target/classes:$(cat "$REPO_ROOT/target/classpath-test.txt")" \
    com.trending.bench.SteadyIngest "$lake" "bench-$name-$(date +%s)-$$" "$STEADY_PASSES" "${args[@]}" > "$logf" 2>&1 \
    || fail_with_log "$name failed" "$logf"
  local s s1 check
  s="$(sed -nE 's/^steady: [0-9]+ messages in ([0-9.]+) s.*/\1/p' "$logf")"
  s1="$(sed -nE 's/^pass 1: [0-9]+ messages in ([0-9.]+) s.*/\1/p' "$logf")"
  check="$(counts_check "$logf" "$lake" "$LOG_DIR/read-back-$name.log")"
  log "$name: last of $STEADY_PASSES passes $s s ($(grep -E '^pass [0-9]+:' "$logf" | sed -E 's/ messages in / in /; s/ \(.*//' | paste -sd ';')); counts vs generator (summary and read back): $check"
  ROWS+=("$name|local|$N|$s|$(rate "$N" "$s")|n/a|pass 1 of $STEADY_PASSES $s1 s, same JVM|$check")
}

IFS=',' read -r -a RUNNER_LIST <<< "$RUNNERS"
for r in "${RUNNER_LIST[@]}"; do
  for store in "${STORE_LIST[@]}"; do   # the stores of one runner back to back: same conditions
    case "$r" in
      direct) run_pipeline direct "$store" "$SCRIPT_DIR/kafka-to-silver.sh" --runner=DirectRunner ;;
      spark) run_pipeline "spark-${SPARK_MASTER//[^a-z0-9*]/}" "$store" "$SCRIPT_DIR/kafka-to-silver.sh" \
               --runner=SparkRunner --sparkMaster="$SPARK_MASTER" ;;
      flink) run_pipeline flink "$store" "$SCRIPT_DIR/kafka-to-silver.sh" --runner=FlinkRunner --parallelism=2 ;;
      cluster) run_pipeline cluster "$store" "$REPO_ROOT/runners/spark/submit.sh" kafka-to-silver ;;
      native) run_native "$store" ;;
      native-steady) run_native "$store" "$STEADY_PASSES" ;;
      *-steady) if [[ "$store" != local ]]; then log "$r: local store only; skipped on $store"; continue; fi ;;&
      direct-steady) run_steady direct-steady direct --runner=DirectRunner ;;
      spark-steady) run_steady "spark-steady-${SPARK_MASTER//[^a-z0-9*]/}" spark \
                      --runner=SparkRunner --sparkMaster="$SPARK_MASTER" ;;
      *) die "unknown runner '$r' in --runners (direct, spark, flink, cluster, native, direct-steady, spark-steady, native-steady)" ;;
    esac
  done
done

# --- 5. table --------------------------------------------------------------------------------
echo
echo "Kafka → Silver ingest benchmark ($(nproc) cores; $N messages: $expected_silver valid unique, $expected_dead dead letters)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
ratio2() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
printf '%-24s %-6s %10s %9s %10s %8s %10s %10s %8s   %s\n' "run" "store" "messages" "seconds" "events/s" "vs raw" "vs fetch" \
  "warm ev/s" "vs raw" "pipeline's own figure"
printf '%-24s %-6s %10s %9s %10s %8s %10s\n' "raw consume (perf tool)" "-" "$RAW_MSGS" "$RAW_SECS" "$RAW_RATE" "1.000" "$(ratio "$RAW_RATE" "$FETCH_RATE")"
printf '%-24s %-6s %10s %9s %10s %8s %10s\n' "  fetch time only" "-" "$RAW_MSGS" "$FETCH_SECS" "$FETCH_RATE" "$(ratio "$FETCH_RATE" "$RAW_RATE")" "1.000"
declare -A LOCAL_RATE LOCAL_OWN
for row in "${ROWS[@]}"; do
  IFS='|' read -r name store msgs s r warm own check <<< "$row"
  printf '%-24s %-6s %10s %9s %10s %8s %10s %10s %8s   %s%s\n' "$name" "$store" "$msgs" "$s" "$r" "$(ratio "$r" "$RAW_RATE")" \
    "$(ratio "$r" "$FETCH_RATE")" "$warm" "$([[ "$warm" == n/a ]] && echo n/a || ratio "$warm" "$RAW_RATE")" \
    "$own" "$([[ "$check" == ok ]] || echo "  $check")"
  if [[ "$store" == local ]]; then LOCAL_RATE[$name]=$r; LOCAL_OWN[$name]="$own"; fi
done
if (( ${#STORE_LIST[@]} > 1 )); then   # hdfs/local per runner: wall-clock events/s (and the pipeline's own messages/s)
  echo
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name store msgs s r _ own check <<< "$row"
    [[ "$store" == hdfs && -n "${LOCAL_RATE[$name]:-}" ]] || continue
    own_ratio="$(ratio2 "$(grep -oE '[0-9]+ messages/s' <<< "$own" | tr -dc '0-9')" \
                        "$(grep -oE '[0-9]+ messages/s' <<< "${LOCAL_OWN[$name]}" | tr -dc '0-9')")"
    printf '%s: hdfs/local = %s   (events/s, wall-clock; pipeline'"'"'s own messages/s: %s)\n' \
      "$name" "$(ratio2 "$r" "${LOCAL_RATE[$name]}")" "$own_ratio"
  done
fi
echo "(raw: Kafka's ConsumerPerformance, group join included; fetch time only: without the join."
echo " Pipelines: wall-clock around each process, JVM and Spark start-up included; warm: messages/s"
echo " inside the batches after the first, while the JIT still compiles; *-steady: the last of"
echo " $STEADY_PASSES passes over the same messages in one JVM, the rate of a job that has been running a while;"
echo " logs in $LOG_DIR)"
