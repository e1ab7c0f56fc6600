#!/usr/bin/env bash
# Stops the local HDFS that scripts/hdfs-start.sh started for the same HDFS_PORT /
# HDFS_STATE_DIR: SIGTERM (clean shutdown of DataNode and NameNode), then SIGKILL if it is still
# alive after HDFS_STOP_TIMEOUT seconds (default 20). Does nothing if no HDFS runs.
#
#   scripts/hdfs-stop.sh            # keep the state: the file system survives a restart
#   scripts/hdfs-stop.sh --purge    # also delete the state folder (the whole file system)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=hdfs/env.sh
source "$SCRIPT_DIR/hdfs/env.sh"

PURGE=false
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=true ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (only --purge is supported)" ;;
  esac
done

STOP_TIMEOUT="${HDFS_STOP_TIMEOUT:-20}"

if pid="$(hdfs_pid)"; then
  log "stopping HDFS pid $pid ($NAMENODE_URI, state in $STATE_DIR)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while is_our_hdfs "$pid" && (( SECONDS < deadline )); do
    sleep 0.5
  done
  if is_our_hdfs "$pid"; then
    log "still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while is_our_hdfs "$pid"; do sleep 0.2; done
  fi
  log "HDFS stopped"
else
  log "no HDFS running for $NAMENODE_URI (state in $STATE_DIR)"
fi
rm -f "$PID_FILE" "$READY_FILE"

if $PURGE; then
  if [[ -d "$STATE_DIR" ]]; then
    # Guard against deleting something that is not an HDFS state folder.
    [[ -d "$DFS_DIR" || -f "$LOG_FILE" || -z "$(ls -A "$STATE_DIR")" ]] \
      || die "refusing to purge $STATE_DIR: it does not look like an HDFS state folder"
    rm -rf -- "$STATE_DIR"
    log "purged $STATE_DIR"
  else
    log "nothing to purge ($STATE_DIR does not exist)"
  fi
fi
