#!/usr/bin/env bash
# Stops the local Spark standalone cluster started by runners/spark/cluster-start.sh with the
# same environment: worker first, then master; SIGTERM, then SIGKILL after SPARK_STOP_TIMEOUT
# seconds (default 15). Executors die with their worker. Does nothing if nothing runs.
#   runners/spark/cluster-stop.sh [--purge]     (--purge: also delete logs and the worker's work/)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=env.sh
source "$REPO_ROOT/runners/spark/env.sh"
STOP_TIMEOUT="${SPARK_STOP_TIMEOUT:-15}"
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
    log "no $name running ($MASTER_URL)"
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

stop worker worker_pid
stop master master_pid
rm -f "$WORKER_PID_FILE" "$MASTER_PID_FILE"
if $PURGE && [[ -d "$STATE_DIR" ]]; then
  rm -rf -- "$STATE_DIR"
  log "purged $STATE_DIR"
fi
