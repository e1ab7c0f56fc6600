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

log() { echo "[$(basename "$0" .sh)] $*"; }
die() { echo "[$(basename "$0" .sh)] ERROR: $*" >&2; exit 1; }

S3_PORT="${S3_PORT:-9090}"
[[ "$S3_PORT" =~ ^[0-9]+$ ]] && (( S3_PORT > 0 && S3_PORT < 65536 )) || die "bad S3_PORT: '$S3_PORT'"
ENDPOINT="http://$S3_HOST:$S3_PORT"

BUCKET="${S3_BUCKET:-lakehouse}"
# S3 bucket naming rules (no dots: they break path-style and TLS host names alike).
[[ "$BUCKET" =~ ^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$ ]] \
  || die "S3_BUCKET must be 3-63 characters a-z 0-9 - (starting and ending with a letter or digit), got '$BUCKET'"

# --- folders -----------------------------------------------------------------------------
STATE_DIR="${S3_STATE_DIR:-$REPO_ROOT/.local/s3/$S3_PORT}"
[[ "$STATE_DIR" == /* ]] || STATE_DIR="$PWD/$STATE_DIR"   # absolute: it is on the JVM's command line
STATE_DIR="${STATE_DIR%/}"
LIB_DIR="${S3_LIB_DIR:-$REPO_ROOT/.local/s3/lib}"
PID_FILE="$STATE_DIR/s3proxy.pid"
LOG_FILE="$STATE_DIR/s3proxy.log"
PROPERTIES_FILE="$STATE_DIR/s3proxy.properties"   # holds the secret: mode 600
DATA_DIR="$STATE_DIR/data"                         # a bucket is a folder in here
SECRETS_DIR="$STATE_DIR/secrets"
CLIENT_ENV="$STATE_DIR/client.env"                 # what s3-start.sh prints last, mode 600

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

# --- process helpers ---------------------------------------------------------------------

# True if $1 is a live S3Proxy JVM started for this state folder.
is_our_s3proxy() {
  local pid="$1" cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"org.gaul.s3proxy.Main --properties $PROPERTIES_FILE "* ]]
}

# Prints the pid of the S3Proxy for this state folder, if it runs; returns 1 otherwise.
# Uses the pid file; falls back to looking for the exact command line (pid file lost).
s3proxy_pid() {
  local pid
  if [[ -f "$PID_FILE" ]]; then
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    if is_our_s3proxy "$pid"; then echo "$pid"; return 0; fi
  fi
  for pid in $(pgrep -f -- "org.gaul.s3proxy.Main --properties $PROPERTIES_FILE" 2>/dev/null || true); do
    if is_our_s3proxy "$pid"; then echo "$pid"; return 0; fi
  done
  return 1
}

# True if something accepts TCP connections on host $1 port $2.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}
