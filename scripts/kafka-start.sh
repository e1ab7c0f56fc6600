#!/usr/bin/env bash
# Starts a local single-node Kafka 3.9.1 broker (KRaft, broker+controller in one JVM) from
# jars fetched from Maven Central, and creates the contract topics
# (events_views, events_clicks, events_ratings; 3 partitions each).
#
#   scripts/kafka-start.sh                                   # localhost:9092, controller 9093
#   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 scripts/kafka-start.sh
#   KAFKA_SECURITY=sasl_ssl KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 scripts/kafka-start.sh
#
# Settings (see scripts/kafka/env.sh): KAFKA_BOOTSTRAP_SERVERS, KAFKA_CONTROLLER_PORT (default
# port+1), KAFKA_STATE_DIR (default <repo>/.local/kafka/<port>), KAFKA_HEAP_OPTS,
# KAFKA_START_TIMEOUT (default 60 s), KAFKA_SECURITY (plaintext | sasl_ssl), KAFKA_SASL_USER,
# KAFKA_SASL_PASSWORD.
# Idempotent: if the broker already runs and answers, it only makes sure the topics exist.
# Topic auto-creation is disabled, so a misspelt topic name fails instead of appearing.
# Stop it with scripts/kafka-stop.sh (same environment).
#
# KAFKA_SECURITY=sasl_ssl: the client listener is SASL_SSL (TLS + SCRAM-SHA-512 or -256
# authentication; no authorizer, so any authenticated user may do anything):
#   - a self-signed broker certificate (SAN IP:127.0.0.1, DNS:localhost and the listener host)
#     in <state>/tls/broker.p12 and a PKCS12 truststore holding it, <state>/tls/truststore.p12;
#   - random passwords in <state>/secrets/ (mode 600, never printed): TLS stores, the broker's
#     own SCRAM user (inter-broker traffic goes over the same SASL_SSL listener), and the client
#     user KAFKA_SASL_USER (default trending; password KAFKA_SASL_PASSWORD, default random);
#   - the SCRAM users are written into the metadata log when the storage is formatted; a later
#     start with another KAFKA_SASL_USER / KAFKA_SASL_PASSWORD adds or updates that user;
#   - <state>/client.properties (mode 600): security.protocol, sasl.mechanism, sasl.jaas.config
#     and the truststore, for any Kafka client (the script's own topic creation uses it);
#   - the KRaft controller listener stays PLAINTEXT on its loopback port.
# Certificates, passwords and users are made once and reused: a restart keeps the data and the
# credentials. The mode is fixed when the state folder is first formatted (another mode on the
# same folder is refused; kafka-stop.sh --purge starts over). In sasl_ssl mode the last two
# lines printed are, for a shell (eval) or a tool:
#   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092
#   KAFKA_CLIENT_PROPERTIES=/abs/path/to/state/client.properties
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=kafka/env.sh
source "$SCRIPT_DIR/kafka/env.sh"
accept_no_args "$@"

START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"

[[ "$SECURITY" == plaintext || "$SECURITY" == sasl_ssl ]] \
  || die "KAFKA_SECURITY must be plaintext or sasl_ssl, got '${KAFKA_SECURITY:-}'"
# sasl_ssl: the broker's own SCRAM user, for inter-broker traffic and the script's own tools.
BROKER_USER=kafka-broker

# topic partitions retention.ms
TOPICS=(
  "events_views   3 $((7 * 24 * 3600 * 1000))"
  "events_clicks  3 $((7 * 24 * 3600 * 1000))"
  "events_ratings 3 $((30 * 24 * 3600 * 1000))"
)

# --- 1. broker jars (once): ensure_jars (scripts/lib/service.sh), called in main -----------

# --- 2. sasl_ssl: passwords, certificates, users (once) -----------------------------------

# Copies stdin to stdout with every "password=..." value hidden (tool error messages).
redact() {
  sed -E 's/(password=)[^],;[:space:]]*/\1<hidden>/g'
}

random_password() {
  od -An -tx1 -N24 /dev/urandom | tr -d ' \n'   # 48 hex digits
}

# Prints the secret stored in $SECRETS_DIR/$1, making a random one first if there is none.
secret() {
  local file="$SECRETS_DIR/$1"
  if [[ ! -s "$file" ]]; then
    random_password | write_private "$file"
  fi
  cat "$file"
}

# The mode the state folder was formatted with; empty if it is not formatted yet.
formatted_security() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    cat "$SECURITY_MARKER" 2>/dev/null || echo plaintext
  fi
}

check_security_mode() {
  local formatted
  formatted="$(formatted_security)"
  if [[ -n "$formatted" && "$formatted" != "$SECURITY" ]]; then
    die "the state folder $STATE_DIR was made in $formatted mode, not $SECURITY" \
        "(set KAFKA_SECURITY=$formatted, or another KAFKA_STATE_DIR, or start over with kafka-stop.sh --purge)"
  fi
}

# SCRAM user names and passwords go into --add-scram arguments, JAAS configs and properties
# files unquoted: keep them to characters that mean nothing in any of those.
check_credential() {
  local what="$1" value="$2" pattern="$3"
  [[ -n "$value" && "$value" =~ $pattern ]] || die "$what may only hold the characters $4"
}

# Sets TLS_PASSWORD, BROKER_PASSWORD, SASL_USER, SASL_PASSWORD and SCRAM_UPSERT (true when the
# metadata log does not hold this user/password yet and the broker must be told after start).
load_credentials() {
  ( umask 077; mkdir -p "$SECRETS_DIR" )
  chmod 700 "$SECRETS_DIR"
  TLS_PASSWORD="$(secret tls.password)"
  BROKER_PASSWORD="$(secret broker.password)"
  SASL_USER="${KAFKA_SASL_USER:-trending}"
  check_credential KAFKA_SASL_USER "$SASL_USER" '^[A-Za-z0-9._-]+$' "A-Z a-z 0-9 . _ -"
  [[ "$SASL_USER" != "$BROKER_USER" ]] || die "KAFKA_SASL_USER must not be $BROKER_USER (the broker's own user)"
  local stored_user stored_password
  stored_user="$(cat "$SECRETS_DIR/client.user" 2>/dev/null || true)"
  stored_password="$(cat "$SECRETS_DIR/client.password" 2>/dev/null || true)"
  if [[ -n "${KAFKA_SASL_PASSWORD:-}" ]]; then
    SASL_PASSWORD="$KAFKA_SASL_PASSWORD"
    check_credential KAFKA_SASL_PASSWORD "$SASL_PASSWORD" '^[A-Za-z0-9._~+@%^*!#:/-]+$' \
      "A-Z a-z 0-9 . _ ~ + @ % ^ * ! # : / -"
  elif [[ "$stored_user" == "$SASL_USER" && -n "$stored_password" ]]; then
    SASL_PASSWORD="$stored_password"
  else
    SASL_PASSWORD="$(random_password)"
  fi
  SCRAM_UPSERT=false
  if [[ -z "$(formatted_security)" ]]; then
    # Not formatted yet: the format step writes this user into the metadata log.
    store_client_credentials
  elif [[ "$stored_user" != "$SASL_USER" || "$stored_password" != "$SASL_PASSWORD" ]]; then
    SCRAM_UPSERT=true
  fi
}

store_client_credentials() {
  printf '%s\n' "$SASL_USER" | write_private "$SECRETS_DIR/client.user"
  printf '%s\n' "$SASL_PASSWORD" | write_private "$SECRETS_DIR/client.password"
}

# Subject alternative names of the broker certificate: loopback, plus the advertised host.
certificate_san() {
  local san="IP:127.0.0.1,DNS:localhost"
  if [[ "$ADVERTISED_HOST" != 127.0.0.1 && "$ADVERTISED_HOST" != localhost ]]; then
    if [[ "$ADVERTISED_HOST" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ || "$ADVERTISED_HOST" == *:* ]]; then
      san+=",IP:$ADVERTISED_HOST"
    else
      san+=",DNS:$ADVERTISED_HOST"
    fi
  fi
  echo "$san"
}

# keytool on a PKCS12 store; the password goes through the environment, not the command line.
keytool_p12() {
  KAFKA_TLS_PASSWORD="$TLS_PASSWORD" "$KEYTOOL" -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC "$@" \
    -storetype PKCS12 -storepass:env KAFKA_TLS_PASSWORD >> "$STATE_DIR/keytool.log" 2>&1 \
    || { tail -n 20 "$STATE_DIR/keytool.log" >&2; die "keytool $1 failed"; }
}

# A self-signed broker certificate (EC P-256, 10 years) in a PKCS12 keystore, and a PKCS12
# truststore holding that certificate for the clients. Made again only if the SAN changed.
ensure_certificates() {
  local san tmp
  san="$(certificate_san)"
  if [[ -s "$TLS_DIR/broker.p12" && -s "$TLS_DIR/truststore.p12" \
        && "$(cat "$TLS_DIR/san" 2>/dev/null)" == "$san" ]]; then
    return 0
  fi
  log "making a self-signed broker certificate for $san in $TLS_DIR"
  tmp="$TLS_DIR.tmp"
  rm -rf "$tmp"
  ( umask 077; mkdir -p "$tmp" )
  keytool_p12 -genkeypair -alias broker -keyalg EC -groupname secp256r1 -validity 3650 \
    -dname "CN=$ADVERTISED_HOST, OU=scripts/kafka-start.sh, O=trending-lakehouse local broker" \
    -ext "SAN=$san" -keystore "$tmp/broker.p12"
  keytool_p12 -exportcert -rfc -alias broker -keystore "$tmp/broker.p12" -file "$tmp/broker.crt"
  keytool_p12 -importcert -noprompt -alias kafka-broker -file "$tmp/broker.crt" \
    -keystore "$tmp/truststore.p12"
  echo "$san" > "$tmp/san"
  chmod 600 "$tmp"/*
  rm -rf "$TLS_DIR"
  mv "$tmp" "$TLS_DIR"
}

# --- 3. config + storage format (format only the first time) -------------------------------
listener_properties() {
  if [[ "$SECURITY" == plaintext ]]; then
    cat <<EOF
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$CONTROLLER_HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$ADVERTISED_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
EOF
    return 0
  fi
  local tls
  tls="$(cd "$TLS_DIR" && pwd)"
  cat <<EOF
# KAFKA_SECURITY=sasl_ssl: clients and inter-broker traffic on SASL_SSL (SCRAM; no authorizer),
# the KRaft controller on PLAINTEXT.
listeners=SASL_SSL://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$CONTROLLER_HOST:$CONTROLLER_PORT
advertised.listeners=SASL_SSL://$ADVERTISED_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$BROKER_USER" password="$BROKER_PASSWORD";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$tls/broker.p12
ssl.keystore.password=$TLS_PASSWORD
ssl.key.password=$TLS_PASSWORD
ssl.truststore.type=PKCS12
ssl.truststore.location=$tls/truststore.p12
ssl.truststore.password=$TLS_PASSWORD
ssl.client.auth=none
ssl.endpoint.identification.algorithm=https
EOF
}

write_server_properties() {
  mkdir -p "$STATE_DIR" "$DATA_DIR"
  {
    cat <<EOF
# Generated by scripts/kafka-start.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$CONTROLLER_HOST:$CONTROLLER_PORT
EOF
    listener_properties
    cat <<EOF
log.dirs=$DATA_DIR

# Single node: every replication factor is 1.
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
# Small internal topics: quicker first consumer-group / transaction use on a laptop.
offsets.topic.num.partitions=5
transaction.state.log.num.partitions=5
group.initial.rebalance.delay.ms=0

# Topics are created explicitly (kafka-start.sh); a misspelt name must fail loudly.
auto.create.topics.enable=false
num.partitions=3
log.retention.hours=168

# Modest resources (2 cores, 512 MB heap).
num.network.threads=2
num.io.threads=4
log.cleaner.dedupe.buffer.size=16777216
EOF
  } | write_private "$SERVER_PROPERTIES"   # holds the TLS and SCRAM passwords in sasl_ssl mode
}

# A cluster id as StorageTool random-uuid makes one (16 random bytes, base64url, no padding, not
# starting with '-'), without a tool JVM.
random_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" == -* ]] || { echo "$id"; return; }
  done
}

format_storage_once() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  local cluster_id args
  cluster_id="$(random_cluster_id)"
  log "formatting storage in $DATA_DIR (cluster id $cluster_id)"
  args=(format -t "$cluster_id" -c "$SERVER_PROPERTIES")
  if [[ "$SECURITY" == sasl_ssl ]]; then
    log "adding the SCRAM users $BROKER_USER (the broker's own) and $SASL_USER to the metadata log"
    # The passwords go through an argument file ("@file", read by the tool's argument parser),
    # not the command line, which every local user can see.
    printf '%s\n' "${args[@]}" \
      --add-scram "SCRAM-SHA-512=[name=$BROKER_USER,password=$BROKER_PASSWORD]" \
      --add-scram "SCRAM-SHA-512=[name=$SASL_USER,password=$SASL_PASSWORD]" \
      --add-scram "SCRAM-SHA-256=[name=$SASL_USER,password=$SASL_PASSWORD]" \
      | write_private "$SECRETS_DIR/format.args"
    args=("@$SECRETS_DIR/format.args")
  fi
  if ! kafka_tool kafka.tools.StorageTool "${args[@]}" > "$STATE_DIR/format.log" 2>&1; then
    rm -f "$SECRETS_DIR/format.args"
    redact < "$STATE_DIR/format.log" >&2
    die "storage format failed"
  fi
  rm -f "$SECRETS_DIR/format.args"
  echo "$cluster_id" > "$STATE_DIR/cluster.id"
  echo "$SECURITY" > "$SECURITY_MARKER"
}

# --- 4. start + wait -------------------------------------------------------------------------
start_broker() {
  log "starting Kafka $KAFKA_VERSION broker on $KAFKA_HOST:$KAFKA_PORT" \
      "(controller $CONTROLLER_HOST:$CONTROLLER_PORT), state in $STATE_DIR"
  if [[ -s "$LOG_FILE" ]]; then mv -f "$LOG_FILE" "$LOG_FILE.prev"; fi
  # setsid: own session, so the broker outlives this script and is not hit by signals sent to
  # the caller's process group; the inner shell records its pid and becomes the JVM (exec).
  # shellcheck disable=SC2086
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$PID_FILE" \
    "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_SCRIPTS_DIR/log4j.properties" \
    -Dkafka.logs.dir="$STATE_DIR" \
    -cp "$LIB_DIR/*" kafka.Kafka "$SERVER_PROPERTIES" \
    < /dev/null >> "$LOG_FILE" 2>&1 &
}

fail_with_log() {
  echo "----- last lines of $LOG_FILE -----" >&2
  tail -n 40 "$LOG_FILE" >&2 || true
  echo "-----------------------------------" >&2
  die "$1"
}

# Client settings of the script's own tools: timeouts, and in sasl_ssl mode the security
# settings with the broker's own user (which exists whatever KAFKA_SASL_USER says).
ADMIN_CONFIG="$STATE_DIR/admin.properties"
write_admin_config() {
  mkdir -p "$STATE_DIR"
  {
    printf '%s\n' "request.timeout.ms=10000" "default.api.timeout.ms=15000"
    if [[ "$SECURITY" == sasl_ssl ]]; then
      security_properties "$BROKER_USER" "$BROKER_PASSWORD"
    fi
  } | write_private "$ADMIN_CONFIG"
}

# Client security settings for user $1 with password $2 (sasl_ssl mode). The truststore holds
# the broker's certificate, whose SAN has the listener's address: hostname verification stays on.
security_properties() {
  local tls
  tls="$(cd "$TLS_DIR" && pwd)"
  cat <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$1" password="$2";
ssl.truststore.type=PKCS12
ssl.truststore.location=$tls/truststore.p12
ssl.truststore.password=$TLS_PASSWORD
ssl.endpoint.identification.algorithm=https
EOF
}

write_client_properties() {
  {
    cat <<EOF
# Written by scripts/kafka-start.sh (KAFKA_SECURITY=sasl_ssl) for Kafka clients of the broker
# on $BOOTSTRAP (set bootstrap.servers yourself: KAFKA_BOOTSTRAP_SERVERS). Keep it private.
EOF
    security_properties "$SASL_USER" "$SASL_PASSWORD"
  } | write_private "$CLIENT_PROPERTIES"
}

# Lists the topics with client config $1 (default: the admin config).
list_topics() {
  TOOL_TIMEOUT=30 kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --command-config "${1:-$ADMIN_CONFIG}" --list 2>/dev/null
}

# Waits until the broker answers a topic listing; prints the listing.
wait_until_answering() {
  local deadline=$((SECONDS + START_TIMEOUT)) pid
  while (( SECONDS < deadline )); do
    if ! pid="$(broker_pid)"; then
      fail_with_log "the broker process exited during start-up"
    fi
    if port_open "$ADVERTISED_HOST" "$KAFKA_PORT" && list_topics; then
      return 0
    fi
    sleep 0.5
  done
  fail_with_log "the broker did not answer on $BOOTSTRAP within ${START_TIMEOUT}s (pid $pid still running; stop it with scripts/kafka-stop.sh)"
}

# sasl_ssl, on a state formatted with another client user or password: adds or updates that
# user's SCRAM credentials (a previous user is left as it is).
upsert_scram_user() {
  local mechanism
  log "setting the SCRAM credentials of user $SASL_USER"
  : > "$STATE_DIR/scram.log"
  # One request per mechanism (the broker refuses two changes of one user in a request). A file,
  # not --add-config, keeps the password off the command line; in a file the value has no
  # brackets (--add-config 'SCRAM-SHA-512=[password=...]' strips them, a file does not).
  for mechanism in SCRAM-SHA-512 SCRAM-SHA-256; do
    printf '%s\n' "$mechanism=password=$SASL_PASSWORD" | write_private "$SECRETS_DIR/scram.properties"
    if ! kafka_tool kafka.admin.ConfigCommand --bootstrap-server "$BOOTSTRAP" \
        --command-config "$ADMIN_CONFIG" --alter --entity-type users --entity-name "$SASL_USER" \
        --add-config-file "$SECRETS_DIR/scram.properties" 2>&1 | redact >> "$STATE_DIR/scram.log"; then
      rm -f "$SECRETS_DIR/scram.properties"
      cat "$STATE_DIR/scram.log" >&2
      die "could not set the $mechanism credentials of $SASL_USER"
    fi
  done
  rm -f "$SECRETS_DIR/scram.properties"
  store_client_credentials
}

# --- 5. topics ------------------------------------------------------------------------------
# $1: the existing topics, one a line; $2: client config of the topic tool.
# The missing topics are created side by side (one tool JVM each, started at once).
ensure_topics() {
  local existing="$1" config="$2" line name partitions retention
  local -a names=() pids=()
  for line in "${TOPICS[@]}"; do
    read -r name partitions retention <<< "$line"
    if grep -qx -- "$name" <<< "$existing"; then
      log "topic $name exists"
      continue
    fi
    log "creating topic $name (partitions=$partitions, retention.ms=$retention)"
    kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
      --command-config "$config" --create --if-not-exists --topic "$name" \
      --partitions "$partitions" --replication-factor 1 --config "retention.ms=$retention" \
      > /dev/null &
    names+=("$name"); pids+=("$!")
  done
  local i failed=()
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed+=("${names[$i]}")
  done
  (( ${#failed[@]} == 0 )) || die "could not create topic(s) ${failed[*]}"
}

# --- main -----------------------------------------------------------------------------------
ensure_jars Kafka "$KAFKA_VERSION" "$KAFKA_SCRIPTS_DIR/pom.xml" "" inherit
check_security_mode
if [[ "$SECURITY" == sasl_ssl ]]; then
  mkdir -p "$STATE_DIR"
  load_credentials
  ensure_certificates
fi

if pid="$(broker_pid)"; then
  log "broker already running (pid $pid, $BOOTSTRAP, state in $STATE_DIR)"
else
  if port_open "$ADVERTISED_HOST" "$KAFKA_PORT"; then
    die "port $KAFKA_PORT on $ADVERTISED_HOST is already in use by another process"
  fi
  if port_open "$CONTROLLER_HOST" "$CONTROLLER_PORT"; then
    die "controller port $CONTROLLER_PORT on $CONTROLLER_HOST is already in use (set KAFKA_CONTROLLER_PORT)"
  fi
  write_server_properties
  format_storage_once
  start_broker
fi

write_admin_config
started=$SECONDS
existing_topics="$(wait_until_answering)"
pid="$(broker_pid)"
log "broker answers on $BOOTSTRAP (pid $pid, waited $((SECONDS - started))s); log: $LOG_FILE"
if [[ "$SECURITY" == plaintext ]]; then
  ensure_topics "$existing_topics" "$ADMIN_CONFIG"
  log "ready: KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP"
else
  if $SCRAM_UPSERT; then
    upsert_scram_user
  fi
  write_client_properties
  # The topics are listed and made with the client's own settings, which proves they work.
  existing_topics="$(list_topics "$CLIENT_PROPERTIES")" \
    || die "the broker refused the settings in $CLIENT_PROPERTIES (user $SASL_USER)"
  ensure_topics "$existing_topics" "$CLIENT_PROPERTIES"
  log "ready: SASL_SSL, SCRAM-SHA-512 user $SASL_USER; client settings in $CLIENT_PROPERTIES"
  echo "KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP"
  printf 'KAFKA_CLIENT_PROPERTIES=%q\n' "$(cd "$STATE_DIR" && pwd)/$(basename "$CLIENT_PROPERTIES")"
fi
