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

main_class_of "${1:-}"
shift

# --- the shaded jar ----------------------------------------------------------------------------
ensure_app_jar flink "${FLINK_APP_BUILD_DIR:-}"
if [[ -z "$MAIN_CLASS" ]]; then
  echo "$APP_JAR"
  exit 0
fi

ensure_flink_jars

absolute_lakehouse_path

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
