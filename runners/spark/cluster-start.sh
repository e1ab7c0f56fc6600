#!/usr/bin/env bash
# Starts a local Spark 3.5.7 standalone cluster: one master (spark://127.0.0.1:7077, web UI on
# 8080) and one worker (4 cores, 4g for executors: room for both pipelines, 2 cores each; web
# UI on 8081), each its own background JVM,
# from jars fetched from Maven Central (no Spark tarball needed; see runners/spark/pom.xml).
# Executors are launched by the worker as further JVMs.
#
#   runners/spark/cluster-start.sh
#   SPARK_MASTER_PORT=17077 SPARK_MASTER_WEBUI_PORT=18080 SPARK_WORKER_WEBUI_PORT=18081 runners/spark/cluster-start.sh
#
# Settings: see runners/spark/env.sh (ports, SPARK_WORKER_CORES, SPARK_WORKER_MEMORY, ...).
# Pid files and logs: .local/spark/cluster-<port>/. Idempotent: a running master/worker is kept.
# Stop with runners/spark/cluster-stop.sh (same environment). A real Spark distribution's
# sbin/start-master.sh and sbin/start-worker.sh do the same job.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=env.sh
source "$REPO_ROOT/runners/spark/env.sh"
accept_no_args "$@"
START_TIMEOUT="${SPARK_START_TIMEOUT:-60}"
LOG_TAIL_LINES=30 # of a daemon's log, shown when it fails to start

# Bind to the master's address rather than whatever the host name resolves to.
[[ "$MASTER_HOST" == 127.0.0.1 ]] && export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

ensure_spark_jars
mkdir -p "$STATE_DIR" "$WORKER_DIR"

# --- master ----------------------------------------------------------------------------------
if pid="$(master_pid)"; then
  log "master already running (pid $pid, $MASTER_URL)"
else
  port_open "$MASTER_HOST" "$MASTER_PORT" && die "port $MASTER_PORT on $MASTER_HOST is already in use"
  log "starting master $MASTER_URL (web UI http://$MASTER_HOST:$MASTER_WEBUI_PORT), log $MASTER_LOG"
  start_daemon "$MASTER_PID_FILE" "$MASTER_LOG" \
    env SPARK_SCALA_VERSION=2.12 SPARK_HOME="$SPARK_LOCAL_HOME" \
    "$JAVA" -Xmx"$DAEMON_MEMORY" "${ADD_OPENS[@]}" -cp "$SPARK_JARS_DIR/*" \
    org.apache.spark.deploy.master.Master --host "$MASTER_HOST" --port "$MASTER_PORT" \
    --webui-port "$MASTER_WEBUI_PORT"
fi
deadline=$((SECONDS + START_TIMEOUT))
await_daemon master master_pid "$MASTER_LOG" "come up" "I have been elected leader" "$MASTER_HOST" "$MASTER_PORT"
log "master up (pid $(master_pid))"

# --- worker ----------------------------------------------------------------------------------
if pid="$(worker_pid)"; then
  log "worker already running (pid $pid)"
else
  log "starting worker ($WORKER_CORES cores, $WORKER_MEMORY, web UI http://$MASTER_HOST:$WORKER_WEBUI_PORT), log $WORKER_LOG"
  # SPARK_SCALA_VERSION: without it the executors it launches fail ("Cannot find any build
  # directories"), because this SPARK_HOME has no RELEASE file.
  start_daemon "$WORKER_PID_FILE" "$WORKER_LOG" \
    env SPARK_SCALA_VERSION=2.12 SPARK_HOME="$SPARK_LOCAL_HOME" \
    "$JAVA" -Xmx"$DAEMON_MEMORY" "${ADD_OPENS[@]}" -cp "$SPARK_JARS_DIR/*" \
    org.apache.spark.deploy.worker.Worker --host "$MASTER_HOST" --cores "$WORKER_CORES" \
    --memory "$WORKER_MEMORY" --webui-port "$WORKER_WEBUI_PORT" --work-dir "$WORKER_DIR" \
    "$MASTER_URL"
fi
await_daemon worker worker_pid "$WORKER_LOG" register "Successfully registered with master"
log "worker registered (pid $(worker_pid))"
log "ready: SPARK_MASTER_URL=$MASTER_URL  (web UI http://$MASTER_HOST:$MASTER_WEBUI_PORT)"
