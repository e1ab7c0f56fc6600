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

parse_stop_args 2,7 "$@"

STOP_TIMEOUT="${S3_STOP_TIMEOUT:-20}"

stop_service S3Proxy "$ENDPOINT" s3proxy_pid is_our_s3proxy "$STOP_TIMEOUT" 0.3
rm -f "$PID_FILE"

if $PURGE; then
  purge_state_dir "an S3Proxy" looks_like_s3proxy_state
fi
