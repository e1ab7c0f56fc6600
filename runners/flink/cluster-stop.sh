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
parse_stop_args "$@"

stop_daemon TaskManager taskmanager_pid "http://$FLINK_MASTER"
stop_daemon JobManager jobmanager_pid "http://$FLINK_MASTER"
rm -f "$TM_PID_FILE" "$JM_PID_FILE"
if $PURGE; then purge_state_dir; fi
