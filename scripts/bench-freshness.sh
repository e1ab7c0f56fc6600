#!/usr/bin/env bash
# Freshness as a product figure: seconds from an event produced to Kafka to its row in
# gold/trending_now_1h, with both pipelines streaming against live traffic, on each runner:
#   1. builds once (test classes + each runner's runtime classpath) into the build folder,
#   2. starts a dedicated local broker (scripts/kafka-start.sh on 127.0.0.1:29096 or the next free
#      port, state in target/bench-freshness/kafka; stopped with --purge at the end, on Ctrl+C
#      and on errors),
#   3. per runner, in a fresh lakehouse target/bench-freshness/<runner>/lakehouse: the live
#      generator (--rate messages/s), Kafka → Silver (continuous, KAFKA_STARTING_OFFSETS=latest)
#      and Silver → Gold (streaming), three JVMs started as scripts/generate-events.sh,
#      scripts/kafka-to-silver.sh and scripts/trending-to-gold.sh start them (same classpath,
#      runners/<runner>/pipeline.options defaults, JAVA_OPTS); Spark's JobScheduler logs at INFO
#      so that each streaming micro-batch's time is in the Gold log (spark-cluster: a standalone
#      master and worker started here with runners/spark/cluster-start.sh on free ports, both
#      pipelines submitted with runners/spark/submit.sh; target 20 s),
#   4. after the warm-up (Gold has rows and refreshed since, Kafka → Silver caught up with the
#      traffic: its last two batches each held at most 10 s of it, on Spark Gold's last two
#      micro-batches each done within their interval, and --warmup seconds passed), injects
#      --markers marker views one at a time (movie_id 2,000,000,000 + k, event_ts = now, acks=all)
#      and polls Silver's and Gold's commit logs every 200 ms until each shows in trending_now_1h
#      (a marker not there after --timeout seconds is a timeout; the run goes on),
#   5. prints every marker, median / worst / best, where the time goes according to the logs and
#      commit times (Kafka → Silver batch durations, Silver and Gold commit cadence, Spark
#      micro-batch execution), and a final table against the targets (≤10 s Direct, ≤15 s Spark).
# The core is src/test/java/com/trending/bench/FreshnessBenchmark.java (test classpath).
#
#   scripts/bench-freshness.sh                                   # Direct and Spark, 1,000 events/s
#   scripts/bench-freshness.sh --runners=direct --rate=200 --markers=5 --warmup=30
#   scripts/bench-freshness.sh --storageFormat=delta
#   scripts/bench-freshness.sh --runners=direct --goldArgs="--triggerPeriodSeconds=2 --silverPollSeconds=0.1"
#
# Options: --runners=direct,spark[,spark-cluster][,flink] --rate=1000 --markers=7 --warmup=60 --storageFormat=parquet|delta
#          --timeout=180 (s per marker) --spacing=5 (s between markers, ±2 s jitter)
#          --sparkMaster=local[2] (default: runners/spark/pipeline.options, local[*])
#          --silverArgs="..." --goldArgs="..." (extra options of Kafka → Silver / Silver → Gold)
#          --workDir=DIR (lakehouses, logs, broker state; default target/bench-freshness; one run
#          at a time per folder) --port=29096 (first port tried, the next free pair is taken)
#          --buildDir=DIR (Maven output folder, default target/;
#          env BENCH_BUILD_DIR; passed to Maven as -Dbuild.dir, so a build of its own never
#          rewrites the classes another build or run uses) --seed=N
# Environment: JAVA_OPTS for the pipelines (default: as the launchers, lib/java-opens.sh; generator -Xmx1g), MVN_FLAGS (e.g. -o).
# Timings depend on the machine and on what else runs on it: not for tests.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

RUNNERS=direct,spark
BUILD_DIR="${BENCH_BUILD_DIR:-$REPO_ROOT/target}"
PORT=29096
WORK="$REPO_ROOT/target/bench-freshness"
BENCH_ARGS=()
for arg in "$@"; do
  case "$arg" in
    --runners=*) RUNNERS="${arg#*=}"; BENCH_ARGS+=("$arg") ;;
    --rate=*|--markers=*|--warmup=*|--storageFormat=*|--timeout=*|--spacing=*|--sparkMaster=*|--seed=*)
      BENCH_ARGS+=("$arg") ;;
    --silverArgs=*|--goldArgs=*) BENCH_ARGS+=("$arg") ;;
    --buildDir=*) BUILD_DIR="${arg#*=}" ;;
    --workDir=*) WORK="${arg#*=}" ;;
    --port=*) PORT="${arg#*=}" ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench-freshness: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$REPO_ROOT/$BUILD_DIR"
[[ "$WORK" == /* ]] || WORK="$PWD/$WORK"
[[ "$PORT" =~ ^[0-9]+$ ]] || { echo "bench-freshness: --port must be a number" >&2; exit 2; }

LOGS="$WORK/logs"
export KAFKA_STATE_DIR="$WORK/kafka"
mkdir -p "$LOGS"
# One run per work folder: a second one would wipe the first one's lakehouses and broker.
exec 9> "$WORK/.lock"
flock -n 9 || { echo "bench-freshness: another run is using $WORK; wait for it or pass --workDir=DIR" >&2; exit 1; }

log() { echo "[bench-freshness] $*"; }
die() { echo "[bench-freshness] ERROR: $*" >&2; exit 1; }
fail_with_log() { echo "----- last lines of $2 -----" >&2; tail -n 30 "$2" >&2 || true; die "$1 (log: $2)"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

BENCH_PID=""
BROKER_STARTED=false
CLUSTER_STARTED=false
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$BENCH_PID" ]] && kill -0 "$BENCH_PID" 2>/dev/null; then
    log "stopping the benchmark (pid $BENCH_PID) and the pipelines it started ..."
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    wait "$BENCH_PID" 2>/dev/null || true
  fi
  if $CLUSTER_STARTED; then
    log "stopping the bench Spark cluster"
    "$REPO_ROOT/runners/spark/cluster-stop.sh" > "$LOGS/spark-cluster-stop.log" 2>&1 \
      || echo "[bench-freshness] cluster-stop failed, see $LOGS/spark-cluster-stop.log" >&2
  fi
  if $BROKER_STARTED; then
    log "stopping the bench broker (--purge)"
    "$SCRIPT_DIR/kafka-stop.sh" --purge > "$LOGS/kafka-stop.log" 2>&1 \
      || echo "[bench-freshness] kafka-stop failed, see $LOGS/kafka-stop.log" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. build --------------------------------------------------------------------------------
# Rebuilt at every run (incremental): the benchmark measures the code in the tree now.
MVN=(mvn -q -B ${MVN_FLAGS:-} -Dbuild.dir="$BUILD_DIR")
log "building into $BUILD_DIR ..."
(cd "$REPO_ROOT" && "${MVN[@]}" -DskipTests test-compile dependency:build-classpath -DincludeScope=test \
    -Dmdep.outputFile="$BUILD_DIR/classpath-test.txt") > "$LOGS/build.log" 2>&1 \
  || fail_with_log "build failed" "$LOGS/build.log"
(cd "$REPO_ROOT" && "${MVN[@]}" dependency:build-classpath -DincludeScope=runtime \
    -Dmdep.outputFile="$BUILD_DIR/classpath-direct-runner.txt") >> "$LOGS/build.log" 2>&1 \
  || fail_with_log "Direct runner classpath failed" "$LOGS/build.log"
if [[ ",$RUNNERS," == *",spark"* || ",$RUNNERS," == *",Spark"* ]]; then
  (cd "$REPO_ROOT" && "${MVN[@]}" -Pspark-runner dependency:build-classpath -DincludeScope=runtime \
      -Dmdep.outputFile="$BUILD_DIR/classpath-spark-runner.txt") >> "$LOGS/build.log" 2>&1 \
    || fail_with_log "Spark runner classpath failed" "$LOGS/build.log"
fi
if [[ ",$RUNNERS," == *",flink"* || ",$RUNNERS," == *",Flink"* ]]; then
  (cd "$REPO_ROOT" && "${MVN[@]}" -Pflink-runner dependency:build-classpath -DincludeScope=runtime \
      -Dmdep.outputFile="$BUILD_DIR/classpath-flink-runner.txt") >> "$LOGS/build.log" 2>&1 \
    || fail_with_log "Flink runner classpath failed" "$LOGS/build.log"
fi

# --- 2. broker -------------------------------------------------------------------------------
# A broker left by an interrupted run of this bench (same state folder) goes first.
KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$PORT" "$SCRIPT_DIR/kafka-stop.sh" --purge > "$LOGS/kafka-stop.log" 2>&1 || true
while listening "$PORT" || listening $((PORT + 1)); do
  PORT=$((PORT + 2))
  (( PORT < 65000 )) || die "no free port pair found"
done
export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$PORT"
log "broker on $KAFKA_BOOTSTRAP_SERVERS, state in $KAFKA_STATE_DIR"
BROKER_STARTED=true
"$SCRIPT_DIR/kafka-start.sh" > "$LOGS/kafka-start.log" 2>&1 \
  || fail_with_log "the broker did not start" "$LOGS/kafka-start.log"

# --- 2b. a Spark standalone cluster (--runners=...,spark-cluster) ----------------------------------
if [[ ",$RUNNERS," == *",spark-cluster,"* ]]; then
  SPARK_PORT=$((PORT + 2))
  while listening "$SPARK_PORT" || listening $((SPARK_PORT + 1)) || listening $((SPARK_PORT + 2)); do
    SPARK_PORT=$((SPARK_PORT + 3))
    (( SPARK_PORT < 65000 )) || die "no free ports for the Spark cluster"
  done
  export SPARK_MASTER_PORT=$SPARK_PORT SPARK_MASTER_WEBUI_PORT=$((SPARK_PORT + 1)) \
    SPARK_WORKER_WEBUI_PORT=$((SPARK_PORT + 2))
  log "building the Spark application jar into $BUILD_DIR/spark-app ..."
  SPARK_APP_BUILD_DIR="$BUILD_DIR/spark-app" "$REPO_ROOT/runners/spark/submit.sh" build \
    > "$LOGS/spark-app-build.log" 2>&1 || fail_with_log "the Spark application jar" "$LOGS/spark-app-build.log"
  CLUSTER_STARTED=true
  "$REPO_ROOT/runners/spark/cluster-start.sh" > "$LOGS/spark-cluster-start.log" 2>&1 \
    || fail_with_log "the Spark cluster did not start" "$LOGS/spark-cluster-start.log"
  BENCH_ARGS+=("--clusterMaster=spark://127.0.0.1:$SPARK_PORT")
  log "Spark cluster at spark://127.0.0.1:$SPARK_PORT"
fi

# --- 3-5. the benchmark ------------------------------------------------------------------------
# shellcheck source=lib/java-opens.sh
source "$SCRIPT_DIR/lib/java-opens.sh"
# In the background, so that the trap can stop it (a background job ignores the terminal's SIGINT).
# Each runner's pipeline JVMs get the launchers' default flags (JAVA_OPTS still wins).
JVM_DEFAULTS=()
for runner in direct spark flink; do
  JVM_DEFAULTS+=("-Dbench.javaOpts.$runner=$(default_java_opts "$runner-runner")")
done
java -Xmx1g "${ADD_OPENS[@]}" "${JVM_DEFAULTS[@]}" \
  -cp "$BUILD_DIR/test-classes:$BUILD_DIR/classes:$(cat "$BUILD_DIR/classpath-test.txt")" \
  com.trending.bench.FreshnessBenchmark --repo="$REPO_ROOT" --buildDir="$BUILD_DIR" --workDir="$WORK" \
  --bootstrap="$KAFKA_BOOTSTRAP_SERVERS" ${BENCH_ARGS[@]+"${BENCH_ARGS[@]}"} 2> "$LOGS/benchmark.log" &
BENCH_PID=$!
set +e
wait "$BENCH_PID"
rc=$?
set -e
BENCH_PID=""
[[ $rc -eq 0 ]] || { echo "[bench-freshness] the benchmark exited $rc (stderr: $LOGS/benchmark.log)" >&2; tail -n 20 "$LOGS/benchmark.log" >&2; }
exit $rc
