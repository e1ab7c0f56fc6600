#!/usr/bin/env bash
# Stops the local S3Proxy that scripts/s3-start.sh started for the same S3_PORT / S3_STATE_DIR:
# SIGTERM, then SIGKILL if it is still alive after S3_STOP_TIMEOUT seconds (default 20). Does
# nothing if no S3Proxy runs.
#
#   scripts/s3-stop.sh            # keep the state: buckets, objects and credentials survive
#   scripts/s3-stop.sh --purge    # also delete the state folder (objects and credentials)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=s3/env.sh
source "$SCRIPT_DIR/s3/env.sh"

PURGE=false
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=true ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (only --purge is supported)" ;;
  esac
done

STOP_TIMEOUT="${S3_STOP_TIMEOUT:-20}"

if pid="$(s3proxy_pid)"; then
  log "stopping S3Proxy pid $pid ($ENDPOINT, state in $STATE_DIR)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while is_our_s3proxy "$pid" && (( SECONDS < deadline )); do
    sleep 0.3
  done
  if is_our_s3proxy "$pid"; then
    log "still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while is_our_s3proxy "$pid"; do sleep 0.2; done
  fi
  log "S3Proxy stopped"
else
  log "no S3Proxy running for $ENDPOINT (state in $STATE_DIR)"
fi
rm -f "$PID_FILE"

if $PURGE; then
  if [[ -d "$STATE_DIR" ]]; then
    # Guard against deleting something that is not an S3Proxy state folder.
    [[ -f "$PROPERTIES_FILE" || -d "$DATA_DIR" || -d "$SECRETS_DIR" || -f "$LOG_FILE" \
       || -z "$(ls -A "$STATE_DIR")" ]] \
      || die "refusing to purge $STATE_DIR: it does not look like an S3Proxy state folder"
    rm -rf -- "$STATE_DIR"
    log "purged $STATE_DIR"
  else
    log "nothing to purge ($STATE_DIR does not exist)"
  fi
fi
