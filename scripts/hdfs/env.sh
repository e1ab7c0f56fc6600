# Shared settings for scripts/hdfs-start.sh and scripts/hdfs-stop.sh (sourced, not run).
#
# Inputs (environment):
#   HDFS_PORT            NameNode RPC port on 127.0.0.1; default 9000 (hdfs://127.0.0.1:9000)
#   HDFS_HTTP_PORT       NameNode HTTP port (web UI, WebHDFS) on 127.0.0.1; default 0 = any free
#                        port (the start script prints it; it is in <state>/ready as http=)
#   HDFS_STATE_DIR       file system (NameNode + DataNode folders), log, pid; default
#                        <repo>/.local/hdfs/<port>
#   HDFS_LIB_DIR         jars; default <repo>/.local/hdfs/lib
#   HDFS_HEAP_OPTS       heap of the HDFS JVM; default "-Xms64m -Xmx512m"
#   HDFS_START_TIMEOUT   seconds to wait for a working file system; default 120
#   HDFS_STOP_TIMEOUT    seconds to wait after SIGTERM before SIGKILL; default 20
#   JAVA_HOME / MVN      java and maven to use (default: java and mvn on the PATH)
#
# Requires REPO_ROOT and SCRIPT_DIR to be set by the caller.

HADOOP_VERSION=3.3.4   # scripts/hdfs/pom.xml; the project's Hadoop client version
HDFS_SCRIPTS_DIR="$SCRIPT_DIR/hdfs"
HDFS_HOST=127.0.0.1
LAKEHOUSE_DIR=/lakehouse   # made by the HDFS JVM at every start

# shellcheck source=../lib/service.sh
source "$SCRIPT_DIR/lib/service.sh"   # log, die, JAVA, ensure_jars, service_pid, stop_service...

HDFS_PORT="${HDFS_PORT:-9000}"
[[ "$HDFS_PORT" =~ ^[0-9]+$ ]] && (( HDFS_PORT > 0 && HDFS_PORT < 65536 )) \
  || die "bad HDFS_PORT: '$HDFS_PORT'"
HTTP_PORT="${HDFS_HTTP_PORT:-0}"
[[ "$HTTP_PORT" =~ ^[0-9]+$ ]] && (( HTTP_PORT < 65536 )) && (( HTTP_PORT != HDFS_PORT )) \
  || die "bad HDFS_HTTP_PORT: '$HTTP_PORT'"
NAMENODE_URI="hdfs://$HDFS_HOST:$HDFS_PORT"

# --- folders -----------------------------------------------------------------------------
STATE_DIR="$(absolute_dir "${HDFS_STATE_DIR:-$REPO_ROOT/.local/hdfs/$HDFS_PORT}")"
LIB_DIR="${HDFS_LIB_DIR:-$REPO_ROOT/.local/hdfs/lib}"
PID_FILE="$STATE_DIR/hdfs.pid"
LOG_FILE="$STATE_DIR/hdfs.log"
READY_FILE="$STATE_DIR/ready"   # written by MiniHdfs.java once the file system works
DFS_DIR="$STATE_DIR/dfs"

# --- process helpers ---------------------------------------------------------------------

# True if $1 is a live HDFS JVM started for this port and state folder.
is_our_hdfs() {
  local cmdline
  cmdline="$(process_cmdline "$1")" || return 1
  [[ "$cmdline" == *"MiniHdfs.java $HDFS_PORT "*" $STATE_DIR " ]]
}

# Prints the pid of the HDFS JVM for this state folder, if it runs; returns 1 otherwise.
# Uses the pid file; falls back to looking for the command line (pid file lost).
hdfs_pid() {
  service_pid is_our_hdfs "MiniHdfs.java $HDFS_PORT "
}

# True if $STATE_DIR holds what the start script makes (the purge guard of hdfs-stop.sh).
looks_like_hdfs_state() {
  [[ -d "$DFS_DIR" || -f "$LOG_FILE" ]]
}

# The NameNode HTTP port of the running JVM (from its ready file); empty if not ready.
ready_http_port() {
  sed -n 's/^http=//p' "$READY_FILE" 2>/dev/null || true
}

# GET http://127.0.0.1:$1$2 without curl (HTTP/1.0: the server closes after the answer); prints
# the whole answer (status line, headers, body). Returns 1 if nothing answered in 10 s.
http_get() {
  timeout 10 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n" "$2" "$0" "$1" >&3
    cat <&3
  ' "$HDFS_HOST" "$1" "$2" 2>/dev/null
}

# True if the NameNode's JMX (on HTTP port $1) says it is out of safe mode ("FSState" :
# "Operational") with a live DataNode. Cheaper than a WebHDFS call (whose first use starts Jersey).
namenode_operational() {
  local state
  state="$(http_get "$1" "/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState")" || return 1
  [[ "$state" == *'"FSState" : "Operational"'* ]] || return 1
  [[ "$state" =~ \"NumLiveDataNodes\"\ :\ ([0-9]+) ]] && (( BASH_REMATCH[1] >= 1 ))
}
