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

parse_stop_args 2,7 "$@"

STOP_TIMEOUT="${HDFS_STOP_TIMEOUT:-20}"

stop_service HDFS "$NAMENODE_URI" hdfs_pid is_our_hdfs "$STOP_TIMEOUT" 0.5
rm -f "$PID_FILE" "$READY_FILE"

if $PURGE; then
  purge_state_dir "an HDFS" looks_like_hdfs_state
fi
