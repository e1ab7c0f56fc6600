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

log() { echo "[$(basename "$0" .sh)] $*"; }
die() { echo "[$(basename "$0" .sh)] ERROR: $*" >&2; exit 1; }

HDFS_PORT="${HDFS_PORT:-9000}"
[[ "$HDFS_PORT" =~ ^[0-9]+$ ]] && (( HDFS_PORT > 0 && HDFS_PORT < 65536 )) \
  || die "bad HDFS_PORT: '$HDFS_PORT'"
HTTP_PORT="${HDFS_HTTP_PORT:-0}"
[[ "$HTTP_PORT" =~ ^[0-9]+$ ]] && (( HTTP_PORT < 65536 )) && (( HTTP_PORT != HDFS_PORT )) \
  || die "bad HDFS_HTTP_PORT: '$HTTP_PORT'"
NAMENODE_URI="hdfs://$HDFS_HOST:$HDFS_PORT"

# --- folders -----------------------------------------------------------------------------
STATE_DIR="${HDFS_STATE_DIR:-$REPO_ROOT/.local/hdfs/$HDFS_PORT}"
[[ "$STATE_DIR" == /* ]] || STATE_DIR="$PWD/$STATE_DIR"   # absolute: it is on the JVM's command line
STATE_DIR="${STATE_DIR%/}"
LIB_DIR="${HDFS_LIB_DIR:-$REPO_ROOT/.local/hdfs/lib}"
PID_FILE="$STATE_DIR/hdfs.pid"
LOG_FILE="$STATE_DIR/hdfs.log"
READY_FILE="$STATE_DIR/ready"   # written by MiniHdfs.java once the file system works
DFS_DIR="$STATE_DIR/dfs"

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

# --- process helpers ---------------------------------------------------------------------

# True if $1 is a live HDFS JVM started for this port and state folder.
is_our_hdfs() {
  local pid="$1" cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"MiniHdfs.java $HDFS_PORT "*" $STATE_DIR " ]]
}

# Prints the pid of the HDFS JVM for this state folder, if it runs; returns 1 otherwise.
# Uses the pid file; falls back to looking for the command line (pid file lost).
hdfs_pid() {
  local pid
  if [[ -f "$PID_FILE" ]]; then
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    if is_our_hdfs "$pid"; then echo "$pid"; return 0; fi
  fi
  for pid in $(pgrep -f -- "MiniHdfs.java $HDFS_PORT " 2>/dev/null || true); do
    if is_our_hdfs "$pid"; then echo "$pid"; return 0; fi
  done
  return 1
}

# True if something accepts TCP connections on host $1 port $2.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
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
