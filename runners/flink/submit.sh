#!/usr/bin/env bash
# Runs one of the pipelines on a Flink session cluster with the shaded jar
# (target/trending-lakehouse-<version>-flink.jar, built here if missing or older than the sources).
#
#   runners/flink/submit.sh kafka-to-silver  [pipeline options]    # com.trending.silver.KafkaToSilver
#   runners/flink/submit.sh trending-to-gold [pipeline options]    # com.trending.gold.TrendingToGold
#   runners/flink/submit.sh build                                  # only build the jar; print its path
#   e.g. KAFKA_STARTING_OFFSETS=earliest LAKEHOUSE_PATH=$PWD/lh runners/flink/submit.sh kafka-to-silver --maxRecords=5000
#
# The program's main runs in this JVM (the "client", like Spark's client mode) with the Flink jars
# of cluster-start.sh (.local/flink/jars) and --runner=FlinkRunner --flinkMaster=<cluster>
# --filesToStage=<the jar>: Beam's Flink runner submits each pipeline over REST, with the jar,
# and the cluster runs it. Kafka → Silver in streaming mode submits one bounded job per
# micro-batch and commits it from here; Trending → Gold in streaming mode is one unbounded job,
# which this JVM waits for (Ctrl+C / SIGTERM ends the wait; cancel the job on the cluster with
# Flink's REST API: curl -X PATCH http://<master>/jobs/<id>). Options given here win over these.
# (Flink's own `flink run -m <master> app.jar` would run the main the same way, in its CLI JVM.)
#
# Environment:
#   FLINK_MASTER          host:port of the JobManager's REST endpoint; default 127.0.0.1:$FLINK_REST_PORT
#                         (127.0.0.1:8081)
#   FLINK_CONF_DIR        Flink configuration the client reads; default the local cluster's
#                         (.local/flink/cluster-<port>/conf) when FLINK_MASTER is that cluster
#   FLINK_CLIENT_MEMORY   heap of this JVM; default 1g
#   FLINK_CLIENT_LOG_CONFIG log4j2 configuration of this JVM; default the pipelines' own
#                         (src/main/resources/log4j2.properties: our progress at INFO, frameworks at WARN)
#   FLINK_APP_BUILD_DIR   Maven output folder of the jar; default <repo>/target (the tests use
#                         target/flink-app, so that a running build's classes are left alone)
#   LAKEHOUSE_PATH, STORAGE_FORMAT, KAFKA_*, MIN_RATING, MAX_RATING: read by the program here, which
#   puts what the workers need into the pipeline. LAKEHOUSE_PATH must be a path every TaskManager
#   sees; a relative one is made absolute here. Hadoop/S3 settings of the lakehouse's store reach
#   the TaskManagers the same way (inside the pipeline).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=env.sh
source "$REPO_ROOT/runners/flink/env.sh"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
case "${1:-}" in
  kafka-to-silver) MAIN_CLASS=com.trending.silver.KafkaToSilver ;;
  trending-to-gold) MAIN_CLASS=com.trending.gold.TrendingToGold ;;
  build) MAIN_CLASS= ;;
  -h|--help) usage; exit 0 ;;
  *) usage >&2; die "first argument must be kafka-to-silver, trending-to-gold or build, got '${1:-}'" ;;
esac
shift

# --- the shaded jar ----------------------------------------------------------------------------
VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$REPO_ROOT/pom.xml" | head -n 1)"
BUILD_DIR="${FLINK_APP_BUILD_DIR:-$REPO_ROOT/target}"
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$REPO_ROOT/$BUILD_DIR"
APP_JAR="$BUILD_DIR/trending-lakehouse-$VERSION-flink.jar"
jar_is_stale() {
  [[ ! -f "$APP_JAR" || -n "$(find "$REPO_ROOT/src/main" "$REPO_ROOT/schemas" "$REPO_ROOT/pom.xml" -newer "$APP_JAR" -print -quit)" ]]
}
if jar_is_stale; then
  mkdir -p "$BUILD_DIR"
  if command -v flock > /dev/null; then # one build at a time (flock is Linux-only; optional)
    exec 9>"$BUILD_DIR/.flink-app.lock"
    flock 9
  fi
  if jar_is_stale; then # whoever waited for the lock finds the jar fresh
    log "building $APP_JAR (mvn -Pflink-runner package, tests skipped) ..."
    # Built in a side folder and moved into place in one step, so that nobody ever runs a
    # half-written jar.
    (cd "$REPO_ROOT" && "${MVN:-mvn}" -q -B -Pflink-runner -Dmaven.test.skip=true \
        -Dbuild.dir="$BUILD_DIR/.flink-build" package) >&2 || die "mvn -Pflink-runner package failed"
    [[ -f "$BUILD_DIR/.flink-build/${APP_JAR##*/}" ]] || die "the build did not produce ${APP_JAR##*/}"
    mv -f "$BUILD_DIR/.flink-build/${APP_JAR##*/}" "$APP_JAR"
  fi
  exec 9>&-
fi
if [[ -z "$MAIN_CLASS" ]]; then
  echo "$APP_JAR"
  exit 0
fi

ensure_flink_jars

if [[ -n "${LAKEHOUSE_PATH:-}" && "$LAKEHOUSE_PATH" != /* && "$LAKEHOUSE_PATH" != *://* ]]; then
  LAKEHOUSE_PATH="$(pwd)/$LAKEHOUSE_PATH"
  log "LAKEHOUSE_PATH is relative; using $LAKEHOUSE_PATH"
  export LAKEHOUSE_PATH
fi

MASTER="${FLINK_MASTER:-$FLINK_HOST:$REST_PORT}"
# The client reads the cluster's configuration, as `flink run` does (parallelism.default of
# cluster-start.sh; Beam's --parallelism wins).
if [[ -z "${FLINK_CONF_DIR:-}" && "$MASTER" == "$FLINK_HOST:$REST_PORT" && -f "$CONF_DIR/config.yaml" ]]; then
  export FLINK_CONF_DIR="$CONF_DIR"
fi
log "running $MAIN_CLASS on the Flink cluster at $MASTER"
# The application jar first: its classes (and Guava, Jackson, ...) win over the Flink jars', as
# in the cluster's child-first user-code class loader.
exec "$JAVA" -Xmx"${FLINK_CLIENT_MEMORY:-1g}" "${FLINK_OPENS[@]}" \
  -Dlog4j2.configurationFile="${FLINK_CLIENT_LOG_CONFIG:-$REPO_ROOT/src/main/resources/log4j2.properties}" \
  -cp "$APP_JAR:$FLINK_JARS_DIR/*" "$MAIN_CLASS" \
  --runner=FlinkRunner --flinkMaster="$MASTER" --filesToStage="$APP_JAR" "$@"
