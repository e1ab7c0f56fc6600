#!/usr/bin/env bash
# Starts a local S3-compatible server (S3Proxy 4.1.0 with its filesystem-nio2 backend: a bucket
# is a folder, an object a file) from jars fetched from Maven Central, with AWS signature
# authentication (V2 or V4), and makes sure the bucket exists.
#
#   scripts/s3-start.sh                                   # http://127.0.0.1:9090, bucket lakehouse
#   S3_PORT=19090 S3_BUCKET=other scripts/s3-start.sh
#   set -a; eval "$(scripts/s3-start.sh | grep -E '^[A-Z_0-9]+=')"; set +a     # exported
#
# Settings (see scripts/s3/env.sh): S3_PORT, S3_BUCKET, S3_STATE_DIR (default
# <repo>/.local/s3/<port>), S3_LIB_DIR, S3_ACCESS_KEY / S3_SECRET_KEY (default: random, made once,
# kept in <state>/secrets/ mode 600), S3_HEAP_OPTS, S3_START_TIMEOUT (default 60 s).
# Listens on 127.0.0.1 only, plain HTTP; clients must use path-style requests
# (fs.s3a.path.style.access=true). Objects survive a restart. Idempotent: if it already runs and
# answers, it only makes sure the bucket exists and prints the lines below.
# Start-up check (scripts/s3/S3Ready.java): an authenticated request is answered, the bucket
# exists, a PUT with If-None-Match: * works and a second one is refused (412), a wrong secret is
# refused (403).
# Stop it with scripts/s3-stop.sh [--purge] (same environment).
#
# The last lines printed are, for a shell (eval) or a tool (also in <state>/client.env, mode 600):
#   S3_ENDPOINT=http://127.0.0.1:9090
#   S3_BUCKET=lakehouse
#   AWS_ENDPOINT_URL=http://127.0.0.1:9090
#   AWS_REGION=us-east-1
#   AWS_ACCESS_KEY_ID=...
#   AWS_SECRET_ACCESS_KEY=...
#   LAKEHOUSE_PATH=s3a://lakehouse/lakehouse
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=s3/env.sh
source "$SCRIPT_DIR/s3/env.sh"

START_TIMEOUT="${S3_START_TIMEOUT:-60}"
HEAP_OPTS="${S3_HEAP_OPTS:--Xms64m -Xmx512m}"

# --- 1. jars (once) --------------------------------------------------------------------------
ensure_jars() {
  local pom="$S3_SCRIPTS_DIR/pom.xml" marker="$LIB_DIR/.copied" want
  want="s3proxy $S3PROXY_VERSION pom $(sha256sum "$pom" | cut -d' ' -f1)"
  if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    return 0
  fi
  mkdir -p "$(dirname "$LIB_DIR")"
  # Serialise concurrent first runs (e.g. parallel tests) on the same lib folder.
  exec 8>"$(dirname "$LIB_DIR")/.lib.lock"
  flock 8
  if [[ ! -f "$marker" || "$(cat "$marker")" != "$want" ]]; then
    log "copying S3Proxy $S3PROXY_VERSION jars from Maven into $LIB_DIR (once) ..."
    rm -rf "$LIB_DIR"
    # Maven's output goes to a file: this script's own output must end with the lines below.
    local mvn_log
    mvn_log="$(dirname "$LIB_DIR")/copy-jars.log"
    if ! "${MVN:-mvn}" -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
        -DoutputDirectory="$LIB_DIR" > "$mvn_log" 2>&1; then
      cat "$mvn_log" >&2
      die "could not fetch the S3Proxy jars with Maven (log: $mvn_log)"
    fi
    echo "$want" > "$marker"
    log "$(find "$LIB_DIR" -name '*.jar' | wc -l) jars in $LIB_DIR"
  fi
  flock -u 8
  exec 8>&-
}

# --- 2. credentials (once) -------------------------------------------------------------------

# Writes stdin to file $1 with mode 600 (atomically: a reader never sees half a file).
write_private() {
  local file="$1"
  ( umask 077; cat > "$file.tmp" )
  chmod 600 "$file.tmp"
  mv -f "$file.tmp" "$file"
}

random_hex() {
  od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'
}

# Access key and secret go into a properties file, client.env and `eval`: keep them to
# characters that mean nothing in any of those.
check_credential() {
  [[ -n "$2" && "$2" =~ ^[A-Za-z0-9._~+/=-]+$ ]] \
    || die "$1 may only hold the characters A-Z a-z 0-9 . _ ~ + / = -"
}

# Sets ACCESS_KEY and SECRET_KEY: from S3_ACCESS_KEY / S3_SECRET_KEY if given, else the stored
# ones, else new random ones; and CREDENTIALS_CHANGED if they differ from the stored ones
# (store_credentials keeps them when S3Proxy is started with them).
load_credentials() {
  ( umask 077; mkdir -p "$SECRETS_DIR" )
  chmod 700 "$SECRETS_DIR"
  local stored_key stored_secret
  stored_key="$(cat "$SECRETS_DIR/access-key" 2>/dev/null || true)"
  stored_secret="$(cat "$SECRETS_DIR/secret-key" 2>/dev/null || true)"
  if [[ -n "${S3_ACCESS_KEY:-}" || -n "${S3_SECRET_KEY:-}" ]]; then
    [[ -n "${S3_ACCESS_KEY:-}" && -n "${S3_SECRET_KEY:-}" ]] \
      || die "set both S3_ACCESS_KEY and S3_SECRET_KEY, or neither"
    ACCESS_KEY="$S3_ACCESS_KEY"
    SECRET_KEY="$S3_SECRET_KEY"
  elif [[ -n "$stored_key" && -n "$stored_secret" ]]; then
    ACCESS_KEY="$stored_key"
    SECRET_KEY="$stored_secret"
  else
    # The shape of AWS keys: 20 upper-case characters, 40-character secret.
    ACCESS_KEY="LOCAL$(random_hex 8 | tr 'a-f' 'A-F')"
    ACCESS_KEY="${ACCESS_KEY:0:20}"
    SECRET_KEY="$(random_hex 20)"
  fi
  check_credential "the access key (S3_ACCESS_KEY)" "$ACCESS_KEY"
  check_credential "the secret key (S3_SECRET_KEY)" "$SECRET_KEY"
  CREDENTIALS_CHANGED=false
  if [[ "$stored_key" != "$ACCESS_KEY" || "$stored_secret" != "$SECRET_KEY" ]]; then
    CREDENTIALS_CHANGED=true
  fi
}

# Keeps the credentials a (re)started S3Proxy uses, for the next start.
store_credentials() {
  if $CREDENTIALS_CHANGED; then
    printf '%s\n' "$ACCESS_KEY" | write_private "$SECRETS_DIR/access-key"
    printf '%s\n' "$SECRET_KEY" | write_private "$SECRETS_DIR/secret-key"
  fi
}

# --- 3. config + start + wait ----------------------------------------------------------------
write_properties() {
  cat <<EOF | write_private "$PROPERTIES_FILE"
# Generated by scripts/s3-start.sh on every start; edit the script, not this file. Keep it private.
s3proxy.endpoint=$ENDPOINT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ACCESS_KEY
s3proxy.credential=$SECRET_KEY
# filesystem-nio2: buckets are folders of jclouds.filesystem.basedir, objects files (metadata in
# user xattrs); PUT with If-None-Match: * is atomic (link(2)).
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$DATA_DIR
EOF
}

start_s3proxy() {
  log "starting S3Proxy $S3PROXY_VERSION on $ENDPOINT, objects in $DATA_DIR"
  if [[ -s "$LOG_FILE" ]]; then mv -f "$LOG_FILE" "$LOG_FILE.prev"; fi
  # setsid: own session, so S3Proxy outlives this script and is not hit by signals sent to the
  # caller's process group; the inner shell records its pid and becomes the JVM (exec).
  # The credentials are in the properties file, not on the command line (which anyone can see).
  # shellcheck disable=SC2086
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$PID_FILE" \
    "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlogback.configurationFile="$S3_SCRIPTS_DIR/logback.xml" \
    -cp "$LIB_DIR/*" org.gaul.s3proxy.Main --properties "$PROPERTIES_FILE" \
    < /dev/null > "$LOG_FILE" 2>&1 &
}

fail_with_log() {
  if [[ -f "$LOG_FILE" ]]; then
    echo "----- last lines of $LOG_FILE -----" >&2
    tail -n 40 "$LOG_FILE" >&2
    echo "-----" >&2
  fi
  die "$@"
}

wait_until_listening() {
  local deadline=$((SECONDS + START_TIMEOUT)) pid=""
  while (( SECONDS < deadline )); do
    if ! pid="$(s3proxy_pid)"; then
      sleep 0.5   # the pid file is written by the inner shell right away; give it a moment
      pid="$(s3proxy_pid)" || fail_with_log "S3Proxy exited during start-up"
    fi
    if port_open "$S3_HOST" "$S3_PORT"; then
      return 0
    fi
    sleep 0.3
  done
  fail_with_log "S3Proxy did not listen on $ENDPOINT within ${START_TIMEOUT}s (pid $pid still running; stop it with scripts/s3-stop.sh)"
}

# Authenticated requests: bucket (made if missing), conditional write round trip, wrong secret
# refused. The keys go through the environment of the check, not its command line.
check_and_make_bucket() {
  S3_CHECK_ACCESS_KEY="$ACCESS_KEY" S3_CHECK_SECRET_KEY="$SECRET_KEY" \
    timeout $((START_TIMEOUT + 30)) "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlogback.configurationFile="$S3_SCRIPTS_DIR/tools-logback.xml" \
    -cp "$LIB_DIR/*" "$S3_SCRIPTS_DIR/S3Ready.java" "$ENDPOINT" "$BUCKET" "$START_TIMEOUT"
}

# --- main -----------------------------------------------------------------------------------
ensure_jars
mkdir -p "$STATE_DIR"
load_credentials

started=$SECONDS
if pid="$(s3proxy_pid)"; then
  if $CREDENTIALS_CHANGED; then
    die "S3Proxy already runs (pid $pid) with other credentials than S3_ACCESS_KEY / S3_SECRET_KEY;" \
        "stop it first (scripts/s3-stop.sh), then start it with the new ones"
  fi
  log "S3Proxy already running (pid $pid, $ENDPOINT, state in $STATE_DIR)"
else
  if port_open "$S3_HOST" "$S3_PORT"; then
    die "port $S3_PORT on $S3_HOST is already in use by another process (set S3_PORT)"
  fi
  # Buckets made by hand must be mode 700: the filesystem backend serves a folder that others
  # may read as a public-read bucket (anonymous listing). S3Ready makes it through the API.
  ( umask 077; mkdir -p "$DATA_DIR" )
  store_credentials
  write_properties
  start_s3proxy
fi
wait_until_listening
check_and_make_bucket || fail_with_log "S3Proxy on $ENDPOINT does not work with the stored credentials (see above)"
pid="$(s3proxy_pid)" || fail_with_log "S3Proxy exited"
log "S3Proxy answers on $ENDPOINT (pid $pid, waited $((SECONDS - started))s), bucket $BUCKET; log: $LOG_FILE"
log "clients: path-style requests, region $S3_REGION, no TLS; Hadoop: fs.s3a.endpoint=$ENDPOINT" \
    "fs.s3a.path.style.access=true fs.s3a.connection.ssl.enabled=false"
cat <<EOF | write_private "$CLIENT_ENV"
S3_ENDPOINT=$ENDPOINT
S3_BUCKET=$BUCKET
AWS_ENDPOINT_URL=$ENDPOINT
AWS_REGION=$S3_REGION
AWS_ACCESS_KEY_ID=$ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$SECRET_KEY
LAKEHOUSE_PATH=s3a://$BUCKET/lakehouse
EOF
cat "$CLIENT_ENV"
