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

# shellcheck source=../../scripts/lib/runner-cluster.sh
source "$REPO_ROOT/scripts/lib/runner-cluster.sh"

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

# Fetches the Spark jars from Maven Central into $SPARK_JARS_DIR (once; a marker records the pom).
ensure_spark_jars() { fetch_runner_jars Spark "$SPARK_VERSION" "$SPARK_SCRIPTS_DIR/pom.xml" "$SPARK_LOCAL_HOME"; }

# Prints the pid of the master / worker of this cluster if it runs; returns 1 otherwise.
master_pid() {
  pid_from_file "$MASTER_PID_FILE" "org.apache.spark.deploy.master.Master --host $MASTER_HOST --port $MASTER_PORT"
}
worker_pid() { pid_from_file "$WORKER_PID_FILE" "org.apache.spark.deploy.worker.Worker" "$MASTER_URL"; }
