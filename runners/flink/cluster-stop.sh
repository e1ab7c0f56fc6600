#!/usr/bin/env bash
# Stops the local Flink session cluster started by runners/flink/cluster-start.sh with the same
# environment: TaskManager first, then JobManager; SIGTERM, then SIGKILL after FLINK_STOP_TIMEOUT
# seconds (default 15). Running jobs are lost with it (a streaming job stops without committing
# more). Does nothing if nothing runs.
#   runners/flink/cluster-stop.sh [--purge]     (--purge: also delete conf/, logs and work/)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=env.sh
source "$REPO_ROOT/runners/flink/env.sh"
STOP_TIMEOUT="${FLINK_STOP_TIMEOUT:-15}"
PURGE=false
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=true ;;
    *) die "unknown argument: $arg (only --purge is supported)" ;;
  esac
done

# stop <name> <pid-function>
stop() {
  local name="$1" fn="$2" pid deadline
  if ! pid="$($fn)"; then
    log "no $name running (http://$FLINK_MASTER)"
    return 0
  fi
  log "stopping $name pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while $fn > /dev/null && (( SECONDS < deadline )); do sleep 0.5; done
  if $fn > /dev/null; then
    log "$name still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while $fn > /dev/null; do sleep 0.2; done
  fi
  log "$name stopped"
}

stop TaskManager taskmanager_pid
stop JobManager jobmanager_pid
rm -f "$TM_PID_FILE" "$JM_PID_FILE"
if $PURGE && [[ -d "$STATE_DIR" ]]; then
  rm -rf -- "$STATE_DIR"
  log "purged $STATE_DIR"
fi
