# Shared settings for runners/flink/cluster-start.sh, cluster-stop.sh and submit.sh (sourced).
#
# Inputs (environment):
#   FLINK_LOCAL_HOME        where the Maven-assembled Flink lives; default <repo>/.local/flink
#                           (jars/ = a distribution's lib/, plus per cluster its conf/, pid files
#                           and logs in cluster-<REST port>/)
#   FLINK_HOST              address the JobManager and TaskManager bind to; default 127.0.0.1
#   FLINK_REST_PORT         REST endpoint (job submission, web API); default 8081
#   FLINK_RPC_PORT          JobManager RPC port; default 6123
#   FLINK_BLOB_PORT         JobManager blob server (job jars); default 0 (any free port)
#   FLINK_TASK_SLOTS        slots of the TaskManager; default 2
#   FLINK_PARALLELISM       parallelism.default, the parallelism of a job that sets none; default 1,
#                           so that Kafka → Silver and a streaming Trending → Gold (which holds its
#                           slots for as long as it runs) fit side by side in the 2 slots. A job
#                           with --parallelism=2 uses both.
#   FLINK_TM_MEMORY         TaskManager process size; default 2048m
#   FLINK_JM_MEMORY         JobManager process size; default 1024m
#   FLINK_RESTART_ATTEMPTS  a failed job is restarted this often (fixed delay), for instance while
#                           a lost TaskManager comes back; default 30
#   FLINK_RESTART_DELAY     seconds between those restarts; default 5
#   FLINK_CONF_EXTRA        extra lines for the generated config.yaml ("key: value", newline separated)
#   FLINK_START_TIMEOUT     seconds to wait for JobManager/TaskManager; default 60
#   FLINK_STOP_TIMEOUT      seconds after SIGTERM before SIGKILL; default 15
#   JAVA_HOME / MVN         java and maven to use (default: java and mvn on the PATH)
#
# Requires REPO_ROOT to be set by the caller.

FLINK_VERSION=1.19.0
FLINK_SCRIPTS_DIR="$REPO_ROOT/runners/flink"

# shellcheck source=../../scripts/lib/runner-cluster.sh
source "$REPO_ROOT/scripts/lib/runner-cluster.sh"

FLINK_LOCAL_HOME="${FLINK_LOCAL_HOME:-$REPO_ROOT/.local/flink}"
FLINK_JARS_DIR="$FLINK_LOCAL_HOME/jars"
FLINK_HOST="${FLINK_HOST:-127.0.0.1}"
REST_PORT="${FLINK_REST_PORT:-8081}"
RPC_PORT="${FLINK_RPC_PORT:-6123}"
BLOB_PORT="${FLINK_BLOB_PORT:-0}"
TASK_SLOTS="${FLINK_TASK_SLOTS:-2}"
PARALLELISM="${FLINK_PARALLELISM:-1}"
TM_MEMORY="${FLINK_TM_MEMORY:-2048m}"
JM_MEMORY="${FLINK_JM_MEMORY:-1024m}"
RESTART_ATTEMPTS="${FLINK_RESTART_ATTEMPTS:-30}"
RESTART_DELAY="${FLINK_RESTART_DELAY:-5}"
FLINK_MASTER="$FLINK_HOST:$REST_PORT"
# One state folder per REST port, so clusters on different ports do not share pid files.
STATE_DIR="$FLINK_LOCAL_HOME/cluster-$REST_PORT"
CONF_DIR="$STATE_DIR/conf"
JM_PID_FILE="$STATE_DIR/jobmanager.pid"
TM_PID_FILE="$STATE_DIR/taskmanager.pid"
JM_LOG="$STATE_DIR/jobmanager.log"
TM_LOG="$STATE_DIR/taskmanager.log"
WORK_DIR="$STATE_DIR/work"

# Java 17: what Flink 1.19's env.java.default-opts.all adds to the project's list (Kryo and the
# ClosureCleaner reach into these).
FLINK_OPENS=(
  "${ADD_OPENS[@]}"
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

# Fetches the Flink jars from Maven Central into $FLINK_JARS_DIR (once; a marker records the pom).
ensure_flink_jars() { fetch_runner_jars Flink "$FLINK_VERSION" "$FLINK_SCRIPTS_DIR/pom.xml" "$FLINK_LOCAL_HOME"; }

# Prints the pid of this cluster's JobManager / TaskManager if it runs; returns 1 otherwise.
jobmanager_pid() {
  pid_from_file "$JM_PID_FILE" "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir $CONF_DIR"
}
taskmanager_pid() {
  pid_from_file "$TM_PID_FILE" "org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir $CONF_DIR"
}
