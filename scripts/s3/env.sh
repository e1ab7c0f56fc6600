# Shared settings for scripts/s3-start.sh and scripts/s3-stop.sh (sourced, not run).
#
# Inputs (environment):
#   S3_PORT             port of the S3 endpoint on 127.0.0.1; default 9090
#   S3_BUCKET           bucket made at start; default lakehouse
#   S3_STATE_DIR        objects (data/<bucket>/...), credentials, s3proxy.properties, log, pid;
#                       default <repo>/.local/s3/<port>
#   S3_LIB_DIR          jars; default <repo>/.local/s3/lib
#   S3_ACCESS_KEY       access key id clients must sign with; default: random, made once and kept
#   S3_SECRET_KEY       its secret key (mode 600) in <state>/secrets/; given ones replace them
#   S3_HEAP_OPTS        heap of the S3Proxy JVM; default "-Xms64m -Xmx512m"
#   S3_START_TIMEOUT    seconds to wait for a working endpoint; default 60
#   S3_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL; default 20
#   JAVA_HOME / MVN     java and maven to use (default: java and mvn on the PATH)
#
# Requires REPO_ROOT and SCRIPT_DIR to be set by the caller.

S3PROXY_VERSION=4.1.0   # scripts/s3/pom.xml
S3_SCRIPTS_DIR="$SCRIPT_DIR/s3"
S3_HOST=127.0.0.1
S3_REGION=us-east-1     # S3Proxy accepts any region in a signature; clients need one

# shellcheck source=../lib/service.sh
source "$SCRIPT_DIR/lib/service.sh"   # log, die, JAVA, ensure_jars, service_pid, stop_service...

S3_PORT="${S3_PORT:-9090}"
[[ "$S3_PORT" =~ ^[0-9]+$ ]] && (( S3_PORT > 0 && S3_PORT < 65536 )) || die "bad S3_PORT: '$S3_PORT'"
ENDPOINT="http://$S3_HOST:$S3_PORT"

BUCKET="${S3_BUCKET:-lakehouse}"
# S3 bucket naming rules (no dots: they break path-style and TLS host names alike).
[[ "$BUCKET" =~ ^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$ ]] \
  || die "S3_BUCKET must be 3-63 characters a-z 0-9 - (starting and ending with a letter or digit), got '$BUCKET'"

# --- folders -----------------------------------------------------------------------------
STATE_DIR="$(absolute_dir "${S3_STATE_DIR:-$REPO_ROOT/.local/s3/$S3_PORT}")"
LIB_DIR="${S3_LIB_DIR:-$REPO_ROOT/.local/s3/lib}"
PID_FILE="$STATE_DIR/s3proxy.pid"
LOG_FILE="$STATE_DIR/s3proxy.log"
PROPERTIES_FILE="$STATE_DIR/s3proxy.properties"   # holds the secret: mode 600
DATA_DIR="$STATE_DIR/data"                         # a bucket is a folder in here
SECRETS_DIR="$STATE_DIR/secrets"
CLIENT_ENV="$STATE_DIR/client.env"                 # what s3-start.sh prints last, mode 600

# --- process helpers ---------------------------------------------------------------------

# True if $1 is a live S3Proxy JVM started for this state folder.
is_our_s3proxy() {
  local cmdline
  cmdline="$(process_cmdline "$1")" || return 1
  [[ "$cmdline" == *"org.gaul.s3proxy.Main --properties $PROPERTIES_FILE "* ]]
}

# Prints the pid of the S3Proxy for this state folder, if it runs; returns 1 otherwise.
# Uses the pid file; falls back to looking for the exact command line (pid file lost).
s3proxy_pid() {
  service_pid is_our_s3proxy "org.gaul.s3proxy.Main --properties $PROPERTIES_FILE"
}

# True if $STATE_DIR holds what the start script makes (the purge guard of s3-stop.sh).
looks_like_s3proxy_state() {
  [[ -f "$PROPERTIES_FILE" || -d "$DATA_DIR" || -d "$SECRETS_DIR" || -f "$LOG_FILE" ]]
}
