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
START_TIMEOUT="${SPARK_START_TIMEOUT:-60}"

# Bind to the master's address rather than whatever the host name resolves to.
[[ "$MASTER_HOST" == 127.0.0.1 ]] && export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

ensure_spark_jars
mkdir -p "$STATE_DIR" "$WORKER_DIR"

# Starts "$@" in its own session in the background, pid into $1, output into $2.
start_daemon() {
  local pid_file="$1" log_file="$2"
  shift 2
  if [[ -s "$log_file" ]]; then mv -f "$log_file" "$log_file.prev"; fi
  rm -f "$pid_file"
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pid_file" "$@" < /dev/null >> "$log_file" 2>&1 &
  local i
  for i in $(seq 50); do [[ -s "$pid_file" ]] && return 0; sleep 0.1; done
  die "no pid file $pid_file after 5 s"
}

fail_with_log() {
  echo "----- last lines of $2 -----" >&2
  tail -n 30 "$2" >&2 || true
  die "$1"
}

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
until grep -q "I have been elected leader" "$MASTER_LOG" 2>/dev/null && port_open "$MASTER_HOST" "$MASTER_PORT"; do
  master_pid > /dev/null || fail_with_log "the master exited during start-up" "$MASTER_LOG"
  (( SECONDS < deadline )) || fail_with_log "the master did not come up within ${START_TIMEOUT}s" "$MASTER_LOG"
  sleep 0.5
done
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
until grep -q "Successfully registered with master" "$WORKER_LOG" 2>/dev/null; do
  worker_pid > /dev/null || fail_with_log "the worker exited during start-up" "$WORKER_LOG"
  (( SECONDS < deadline )) || fail_with_log "the worker did not register within ${START_TIMEOUT}s" "$WORKER_LOG"
  sleep 0.5
done
log "worker registered (pid $(worker_pid))"
log "ready: SPARK_MASTER_URL=$MASTER_URL  (web UI http://$MASTER_HOST:$MASTER_WEBUI_PORT)"
