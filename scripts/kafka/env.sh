# Shared settings for scripts/kafka-start.sh and scripts/kafka-stop.sh (sourced, not run).
#
# Inputs (environment):
#   KAFKA_BOOTSTRAP_SERVERS  host:port of the broker listener; default localhost:9092.
#                            If comma-separated, only the first entry is used.
#   KAFKA_CONTROLLER_PORT    port of the KRaft controller listener; default <port>+1
#                            (9093 for the default 9092, as in the Kafka quickstart).
#   KAFKA_STATE_DIR          data, logs, pid, server.properties; default <repo>/.local/kafka/<port>
#   KAFKA_LIB_DIR            broker jars; default <repo>/.local/kafka/lib
#   KAFKA_HEAP_OPTS          broker heap; default "-Xms128m -Xmx512m"
#   KAFKA_START_TIMEOUT      seconds to wait for the broker to answer; default 60
#   KAFKA_STOP_TIMEOUT       seconds to wait after SIGTERM before SIGKILL; default 20
#   KAFKA_SECURITY           plaintext (default) or sasl_ssl: the client listener's security
#                            (fixed when the state folder is first formatted; see kafka-start.sh)
#   KAFKA_SASL_USER          sasl_ssl: the client's SCRAM user; default trending
#   KAFKA_SASL_PASSWORD      sasl_ssl: its password; default random, made once and kept in the
#                            state folder (mode 600)
#   JAVA_HOME / MVN          java and maven to use (default: java and mvn on the PATH)
#
# Requires REPO_ROOT and SCRIPT_DIR to be set by the caller.

KAFKA_VERSION=3.9.1
KAFKA_SCRIPTS_DIR="$SCRIPT_DIR/kafka"

# shellcheck source=../lib/service.sh
source "$SCRIPT_DIR/lib/service.sh"   # log, die, JAVA, ensure_jars, service_pid, stop_service...

# --- listener address --------------------------------------------------------------------
BOOTSTRAP_ENTRY="${KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}"
BOOTSTRAP_ENTRY="${BOOTSTRAP_ENTRY%%,*}"            # first entry only
BOOTSTRAP_ENTRY="${BOOTSTRAP_ENTRY//[[:space:]]/}"  # no blanks
BOOTSTRAP_ENTRY="${BOOTSTRAP_ENTRY#*://}"           # tolerate PLAINTEXT://host:port
KAFKA_HOST="${BOOTSTRAP_ENTRY%:*}"
KAFKA_PORT="${BOOTSTRAP_ENTRY##*:}"
[[ "$BOOTSTRAP_ENTRY" == *:* && -n "$KAFKA_HOST" ]] \
  || die "KAFKA_BOOTSTRAP_SERVERS must look like host:port, got '${KAFKA_BOOTSTRAP_SERVERS:-}'"
[[ "$KAFKA_PORT" =~ ^[0-9]+$ ]] && (( KAFKA_PORT > 0 && KAFKA_PORT < 65535 )) \
  || die "bad port in KAFKA_BOOTSTRAP_SERVERS: '$KAFKA_PORT'"

# Binding to all interfaces is allowed, but clients (and the controller quorum) need a real
# address: advertise localhost and run the controller on 127.0.0.1 in that case.
if [[ "$KAFKA_HOST" == "0.0.0.0" ]]; then
  ADVERTISED_HOST=localhost
  CONTROLLER_HOST=127.0.0.1
else
  ADVERTISED_HOST="$KAFKA_HOST"
  CONTROLLER_HOST="$KAFKA_HOST"
fi
BOOTSTRAP="$ADVERTISED_HOST:$KAFKA_PORT"

CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
[[ "$CONTROLLER_PORT" =~ ^[0-9]+$ ]] && (( CONTROLLER_PORT > 0 && CONTROLLER_PORT < 65536 )) \
  && (( CONTROLLER_PORT != KAFKA_PORT )) \
  || die "bad KAFKA_CONTROLLER_PORT: '$CONTROLLER_PORT'"

# --- folders -----------------------------------------------------------------------------
STATE_DIR="${KAFKA_STATE_DIR:-$REPO_ROOT/.local/kafka/$KAFKA_PORT}"
LIB_DIR="${KAFKA_LIB_DIR:-$REPO_ROOT/.local/kafka/lib}"
PID_FILE="$STATE_DIR/kafka.pid"
LOG_FILE="$STATE_DIR/kafka.log"
SERVER_PROPERTIES="$STATE_DIR/server.properties"
DATA_DIR="$STATE_DIR/data"

# sasl_ssl mode (kafka-start.sh): certificates, passwords (mode 600, never printed) and the
# properties file a client needs.
TLS_DIR="$STATE_DIR/tls"
SECRETS_DIR="$STATE_DIR/secrets"
CLIENT_PROPERTIES="$STATE_DIR/client.properties"
# Security mode the state folder was formatted with (absent: plaintext, as before this file).
SECURITY_MARKER="$STATE_DIR/security"

SECURITY="${KAFKA_SECURITY:-plaintext}"
SECURITY="${SECURITY,,}"   # checked by kafka-start.sh; kafka-stop.sh works the same in both modes

if [[ -n "${JAVA_HOME:-}" ]]; then KEYTOOL="$JAVA_HOME/bin/keytool"; else KEYTOOL=keytool; fi

# --- process helpers ---------------------------------------------------------------------

# True if $1 is a live broker JVM started for this state folder.
is_our_broker() {
  local cmdline
  cmdline="$(process_cmdline "$1")" || return 1
  [[ "$cmdline" == *"kafka.Kafka $SERVER_PROPERTIES"* ]]
}

# Prints the pid of the broker for this state folder, if it runs; returns 1 otherwise.
# Uses the pid file; falls back to looking for the exact command line (pid file lost).
broker_pid() {
  service_pid is_our_broker "kafka.Kafka $SERVER_PROPERTIES"
}

# True if $STATE_DIR holds what the start script makes (the purge guard of kafka-stop.sh).
looks_like_broker_state() {
  [[ -f "$SERVER_PROPERTIES" || -d "$DATA_DIR" || -f "$LOG_FILE" ]]
}

# Runs a Kafka command line tool (class name + args) with a small, quick-starting JVM,
# killed after TOOL_TIMEOUT seconds (default 60).
kafka_tool() {
  timeout "${TOOL_TIMEOUT:-60}" "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j.configuration="file:$KAFKA_SCRIPTS_DIR/tools-log4j.properties" \
    -cp "$LIB_DIR/*" "$@"
}
