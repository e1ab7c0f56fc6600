# Shared settings for runners/spark/cluster-start.sh, cluster-stop.sh and submit.sh (sourced).
#
# Inputs (environment):
#   SPARK_LOCAL_HOME       where the Maven-assembled Spark lives; default <repo>/.local/spark
#                          (jars/ = SPARK_HOME/jars, plus pid files, logs, work/ of the worker)
#   SPARK_MASTER_HOST      default 127.0.0.1
#   SPARK_MASTER_PORT      default 7077
#   SPARK_MASTER_WEBUI_PORT default 8080
#   SPARK_WORKER_WEBUI_PORT default 8081
#   SPARK_WORKER_CORES     executor slots the worker offers; default 4 (two 2-core applications)
#   SPARK_WORKER_MEMORY    memory the worker may give executors; default 4g
#   SPARK_DAEMON_MEMORY    heap of the master and worker JVMs; default 512m
#   SPARK_START_TIMEOUT    seconds to wait for master/worker; default 60
#   SPARK_STOP_TIMEOUT     seconds after SIGTERM before SIGKILL; default 15
#   JAVA_HOME / MVN        java and maven to use (default: java and mvn on the PATH)
#
# Requires REPO_ROOT to be set by the caller.

SPARK_VERSION=3.5.7
SPARK_SCRIPTS_DIR="$REPO_ROOT/runners/spark"

log() { echo "[$(basename "$0" .sh)] $*" >&2; } # stdout is for results (submit.sh build: the jar)
die() { echo "[$(basename "$0" .sh)] ERROR: $*" >&2; exit 1; }

SPARK_LOCAL_HOME="${SPARK_LOCAL_HOME:-$REPO_ROOT/.local/spark}"
SPARK_JARS_DIR="$SPARK_LOCAL_HOME/jars"
MASTER_HOST="${SPARK_MASTER_HOST:-127.0.0.1}"
MASTER_PORT="${SPARK_MASTER_PORT:-7077}"
MASTER_WEBUI_PORT="${SPARK_MASTER_WEBUI_PORT:-8080}"
WORKER_WEBUI_PORT="${SPARK_WORKER_WEBUI_PORT:-8081}"
WORKER_CORES="${SPARK_WORKER_CORES:-4}"
WORKER_MEMORY="${SPARK_WORKER_MEMORY:-4g}"
DAEMON_MEMORY="${SPARK_DAEMON_MEMORY:-512m}"
MASTER_URL="spark://$MASTER_HOST:$MASTER_PORT"
# One state folder per master port, so clusters on different ports do not share pid files.
STATE_DIR="$SPARK_LOCAL_HOME/cluster-$MASTER_PORT"
MASTER_PID_FILE="$STATE_DIR/master.pid"
WORKER_PID_FILE="$STATE_DIR/worker.pid"
MASTER_LOG="$STATE_DIR/master.log"
WORKER_LOG="$STATE_DIR/worker.log"
WORKER_DIR="$STATE_DIR/work"

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

# shellcheck source=../../scripts/lib/java-opens.sh
source "$REPO_ROOT/scripts/lib/java-opens.sh"

# Fetches the Spark jars from Maven Central into $SPARK_JARS_DIR (once; a marker records the pom).
ensure_spark_jars() {
  local pom="$SPARK_SCRIPTS_DIR/pom.xml" marker="$SPARK_JARS_DIR/.copied" want
  want="spark $SPARK_VERSION pom $(sha256sum "$pom" | cut -d' ' -f1)"
  if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    return 0
  fi
  mkdir -p "$SPARK_LOCAL_HOME"
  exec 8>"$SPARK_LOCAL_HOME/.jars.lock"
  flock 8
  if [[ ! -f "$marker" || "$(cat "$marker")" != "$want" ]]; then
    log "copying Spark $SPARK_VERSION jars from Maven into $SPARK_JARS_DIR (once) ..."
    rm -rf "$SPARK_JARS_DIR"
    "${MVN:-mvn}" -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
      -DoutputDirectory="$SPARK_JARS_DIR" || die "could not fetch the Spark jars with Maven"
    echo "$want" > "$marker"
    log "$(find "$SPARK_JARS_DIR" -name '*.jar' | wc -l) jars in $SPARK_JARS_DIR"
  fi
  flock -u 8
  exec 8>&-
}

# True if pid $1 is alive and its command line contains $2.
pid_matches() {
  local pid="$1" cmdline
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$2"* ]]
}

# Prints the pid of the master / worker of this cluster if it runs; returns 1 otherwise.
master_pid() {
  local pid
  pid="$(cat "$MASTER_PID_FILE" 2>/dev/null || true)"
  pid_matches "$pid" "org.apache.spark.deploy.master.Master --host $MASTER_HOST --port $MASTER_PORT" \
    && echo "$pid"
}
worker_pid() {
  local pid
  pid="$(cat "$WORKER_PID_FILE" 2>/dev/null || true)"
  pid_matches "$pid" "org.apache.spark.deploy.worker.Worker" && pid_matches "$pid" "$MASTER_URL" \
    && echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
