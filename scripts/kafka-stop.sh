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

parse_stop_args 2,9 "$@"

STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-20}"

stop_service broker "$BOOTSTRAP" broker_pid is_our_broker "$STOP_TIMEOUT" 0.5
rm -f "$PID_FILE"

if $PURGE; then
  purge_state_dir "a broker" looks_like_broker_state
fi
