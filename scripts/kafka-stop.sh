#!/usr/bin/env bash
# Stops the local Kafka broker that scripts/kafka-start.sh started for the same
# KAFKA_BOOTSTRAP_SERVERS / KAFKA_STATE_DIR: SIGTERM (clean shutdown), then SIGKILL if it is
# still alive after KAFKA_STOP_TIMEOUT seconds (default 20). Does nothing if no broker runs.
# Works the same for both KAFKA_SECURITY modes (plaintext, sasl_ssl).
#
#   scripts/kafka-stop.sh            # keep the state: topics and data survive a restart (sasl_ssl:
#                                    # also the certificate, passwords, SCRAM users, client.properties)
#   scripts/kafka-stop.sh --purge    # also delete the state folder
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=kafka/env.sh
source "$SCRIPT_DIR/kafka/env.sh"

PURGE=false
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=true ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (only --purge is supported)" ;;
  esac
done

STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-20}"

if pid="$(broker_pid)"; then
  log "stopping broker pid $pid ($BOOTSTRAP, state in $STATE_DIR)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while is_our_broker "$pid" && (( SECONDS < deadline )); do
    sleep 0.5
  done
  if is_our_broker "$pid"; then
    log "still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while is_our_broker "$pid"; do sleep 0.2; done
  fi
  log "broker stopped"
else
  log "no broker running for $BOOTSTRAP (state in $STATE_DIR)"
fi
rm -f "$PID_FILE"

if $PURGE; then
  if [[ -d "$STATE_DIR" ]]; then
    # Guard against deleting something that is not a broker state folder.
    [[ -f "$SERVER_PROPERTIES" || -d "$DATA_DIR" || -f "$LOG_FILE" || -z "$(ls -A "$STATE_DIR")" ]] \
      || die "refusing to purge $STATE_DIR: it does not look like a broker state folder"
    rm -rf -- "$STATE_DIR"
    log "purged $STATE_DIR"
  else
    log "nothing to purge ($STATE_DIR does not exist)"
  fi
fi
