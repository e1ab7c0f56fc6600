#!/usr/bin/env bash
# Starts a local single-node HDFS (one NameNode + one DataNode in one JVM: Hadoop 3.3.4's
# MiniDFSCluster, run by scripts/hdfs/MiniHdfs.java) from jars fetched from Maven Central, and
# makes sure /lakehouse exists.
#
#   scripts/hdfs-start.sh                      # hdfs://127.0.0.1:9000
#   HDFS_PORT=19000 scripts/hdfs-start.sh      # another port (state in .local/hdfs/19000)
#   set -a; eval "$(scripts/hdfs-start.sh | grep -E '^(HDFS_NAMENODE|LAKEHOUSE_PATH)=')"; set +a
#
# Settings (see scripts/hdfs/env.sh): HDFS_PORT, HDFS_HTTP_PORT (default: any free port),
# HDFS_STATE_DIR (default <repo>/.local/hdfs/<port>), HDFS_LIB_DIR, HDFS_HEAP_OPTS,
# HDFS_START_TIMEOUT (default 120 s).
# Everything listens on 127.0.0.1 only. Permissions are off (dfs.permissions.enabled=false):
# any local user may read and write anything. Replication 1.
# The file system is formatted only the first time (state folder without a NameNode); a restart
# keeps the data. Idempotent: if it already runs and answers, it only checks that /lakehouse can
# be written and prints the lines below.
# Stop it with scripts/hdfs-stop.sh [--purge] (same environment).
#
# The last two lines printed are, for a shell (eval) or a tool:
#   HDFS_NAMENODE=hdfs://127.0.0.1:9000
#   LAKEHOUSE_PATH=hdfs://127.0.0.1:9000/lakehouse
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=hdfs/env.sh
source "$SCRIPT_DIR/hdfs/env.sh"
# shellcheck source=lib/java-opens.sh
source "$SCRIPT_DIR/lib/java-opens.sh"
accept_no_args "$@"

START_TIMEOUT="${HDFS_START_TIMEOUT:-120}"
HEAP_OPTS="${HDFS_HEAP_OPTS:--Xms64m -Xmx512m}"

# --- 1. jars (once): ensure_jars (scripts/lib/service.sh), called in main --------------------

# --- 2. start + wait -------------------------------------------------------------------------
fail_with_log() {
  if [[ -f "$LOG_FILE" ]]; then
    echo "----- last lines of $LOG_FILE -----" >&2
    tail -n 40 "$LOG_FILE" >&2
    echo "-----" >&2
  fi
  die "$@"
}

start_hdfs() {
  mkdir -p "$STATE_DIR"
  rm -f "$READY_FILE"
  if [[ -d "$DFS_DIR/name-0-1/current" ]]; then
    log "starting HDFS (Hadoop $HADOOP_VERSION) on $HDFS_HOST:$HDFS_PORT, existing file system in $DFS_DIR"
  else
    log "starting HDFS (Hadoop $HADOOP_VERSION) on $HDFS_HOST:$HDFS_PORT, formatting a new file system in $DFS_DIR"
  fi
  if [[ -s "$LOG_FILE" ]]; then mv -f "$LOG_FILE" "$LOG_FILE.prev"; fi
  # setsid: own session, so HDFS outlives this script and is not hit by signals sent to the
  # caller's process group; the inner shell records its pid and becomes the JVM (exec).
  # MiniHdfs.java is a single-file program (compiled in memory at each start, ~1-2 s).
  # shellcheck disable=SC2086
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$PID_FILE" \
    "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true \
    "${ADD_OPENS[@]}" \
    -Dlog4j.configuration="file:$HDFS_SCRIPTS_DIR/log4j.properties" \
    -cp "$LIB_DIR/*" \
    "$HDFS_SCRIPTS_DIR/MiniHdfs.java" "$HDFS_PORT" "$HTTP_PORT" "$STATE_DIR" \
    > "$LOG_FILE" 2>&1 < /dev/null &
}

# Waits until the JVM reports a working file system (out of safe mode, /lakehouse made, a probe
# file written, read and deleted: MiniHdfs.java writes the ready file then).
wait_until_ready() {
  local deadline=$((SECONDS + START_TIMEOUT)) pid=""
  while (( SECONDS < deadline )); do
    if ! pid="$(hdfs_pid)"; then
      # The pid file is written by the inner shell right away; give it a moment at first.
      sleep 0.5
      pid="$(hdfs_pid)" || fail_with_log "the HDFS process exited during start-up"
    fi
    if [[ -s "$READY_FILE" ]] && port_open "$HDFS_HOST" "$HDFS_PORT"; then
      return 0
    fi
    sleep 0.5
  done
  fail_with_log "HDFS did not become ready on $NAMENODE_URI within ${START_TIMEOUT}s (pid $pid still running; stop it with scripts/hdfs-stop.sh)"
}

# From outside the JVM: the RPC port is open and the NameNode reports itself out of safe mode
# with a live DataNode (JMX over HTTP). The write check is MiniHdfs.java's own, at start-up: it
# writes the ready file only after it made /lakehouse and wrote, read and deleted a probe file
# through an HDFS client.
check_answers() {
  local http
  http="$(ready_http_port)"
  [[ -n "$http" ]] || return 1
  port_open "$HDFS_HOST" "$HDFS_PORT" || return 1
  namenode_operational "$http"
}

# --- main -----------------------------------------------------------------------------------
ensure_jars Hadoop "$HADOOP_VERSION" "$HDFS_SCRIPTS_DIR/pom.xml" "(minicluster)"

started=$SECONDS
if pid="$(hdfs_pid)"; then
  log "HDFS already running (pid $pid, $NAMENODE_URI, state in $STATE_DIR)"
else
  if port_open "$HDFS_HOST" "$HDFS_PORT"; then
    die "port $HDFS_PORT on $HDFS_HOST is already in use by another process (set HDFS_PORT)"
  fi
  if (( HTTP_PORT != 0 )) && port_open "$HDFS_HOST" "$HTTP_PORT"; then
    die "HTTP port $HTTP_PORT on $HDFS_HOST is already in use by another process (set HDFS_HTTP_PORT)"
  fi
  start_hdfs
fi
wait_until_ready
pid="$(hdfs_pid)" || fail_with_log "the HDFS process exited"
check_answers || fail_with_log "HDFS on $NAMENODE_URI does not answer, or is in safe mode (NameNode HTTP port $(ready_http_port))"
log "HDFS answers on $NAMENODE_URI (pid $pid, waited $((SECONDS - started))s); log: $LOG_FILE"
log "web UI / WebHDFS: http://$HDFS_HOST:$(ready_http_port)"
echo "HDFS_NAMENODE=$NAMENODE_URI"
echo "LAKEHOUSE_PATH=$NAMENODE_URI$LAKEHOUSE_DIR"
