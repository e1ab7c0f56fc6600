#!/usr/bin/env bash
# Submits one of the pipelines to a Spark cluster with the shaded jar
# (target/trending-lakehouse-<version>-spark.jar, built here if missing or older than the sources).
#
#   runners/spark/submit.sh kafka-to-silver  [pipeline options]    # com.trending.silver.KafkaToSilver
#   runners/spark/submit.sh trending-to-gold [pipeline options]    # com.trending.gold.TrendingToGold
#   runners/spark/submit.sh build                                  # only build the jar; print its path
#   e.g. KAFKA_STARTING_OFFSETS=earliest LAKEHOUSE_PATH=$PWD/lh runners/spark/submit.sh kafka-to-silver --maxRecords=5000
#
# Runs org.apache.spark.deploy.SparkSubmit (client mode: the driver is this JVM) from the Spark
# jars of cluster-start.sh (.local/spark/jars), with runners/spark/spark-defaults.conf.
# A user with a Spark distribution runs its bin/spark-submit with the same arguments instead.
#
# Environment:
#   SPARK_MASTER_URL      default spark://127.0.0.1:7077
#   SPARK_DRIVER_MEMORY   heap of the driver JVM; default 1g
#   SPARK_SUBMIT_CONF     extra spark-submit arguments, e.g. "--conf spark.executor.memory=1g"
#   SPARK_DRIVER_LOG_CONFIG log4j2 configuration of the driver; default the pipelines' own
#                         (src/main/resources/log4j2.properties: our progress at INFO, Spark at WARN)
#   SPARK_APP_BUILD_DIR   Maven output folder of the jar; default <repo>/target (the tests use
#                         target/spark-app, so that a running build's classes are left alone)
#   LAKEHOUSE_PATH, STORAGE_FORMAT, KAFKA_*, MIN_RATING, MAX_RATING: passed to the driver and, via
#   spark.executorEnv.*, to the executors. LAKEHOUSE_PATH must be a path every executor sees; a
#   relative one is made absolute here.
#   KAFKA_CLIENT_PROPERTIES (secured clusters): read by the driver, i.e. on this machine; its
#   settings travel inside the pipeline to the executors, which need no copy of the file (nor do its
#   secrets show in Spark's UI: only the path is an environment variable). Truststores/keystores it
#   names must exist at the same path on every worker, or be given inline (ssl.truststore.type=PEM).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=env.sh
source "$REPO_ROOT/runners/spark/env.sh"

main_class_of "${1:-}"
shift

# --- the shaded jar ----------------------------------------------------------------------------
ensure_app_jar spark "${SPARK_APP_BUILD_DIR:-}"
if [[ -z "$MAIN_CLASS" ]]; then
  echo "$APP_JAR"
  exit 0
fi

ensure_spark_jars

# --- environment for driver and executors --------------------------------------------------------
absolute_lakehouse_path
ENV_CONF=()
for name in $(compgen -e | grep -E '^(LAKEHOUSE_PATH|STORAGE_FORMAT|KAFKA_[A-Z_]+|MIN_RATING|MAX_RATING)$' || true); do
  ENV_CONF+=(--conf "spark.executorEnv.$name=${!name}")
done

MASTER="${SPARK_MASTER_URL:-spark://127.0.0.1:7077}"
# A local cluster: the driver binds to (and advertises) the loopback address, like the daemons.
case "$MASTER" in
  spark://127.0.0.1:*|spark://localhost:*|local*) export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}" ;;
esac
log "submitting $MAIN_CLASS to $MASTER"
# shellcheck disable=SC2086
exec "$JAVA" -Xmx"${SPARK_DRIVER_MEMORY:-1g}" "${ADD_OPENS[@]}" \
  -Dlog4j2.configurationFile="${SPARK_DRIVER_LOG_CONFIG:-$REPO_ROOT/src/main/resources/log4j2.properties}" \
  -cp "$SPARK_JARS_DIR/*" org.apache.spark.deploy.SparkSubmit \
  --master "$MASTER" --deploy-mode client \
  --properties-file "$SPARK_SCRIPTS_DIR/spark-defaults.conf" \
  --name "${MAIN_CLASS##*.}" "${ENV_CONF[@]}" ${SPARK_SUBMIT_CONF:-} \
  --class "$MAIN_CLASS" "$APP_JAR" \
  --runner=SparkRunner "$@"
