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
parse_stop_args "$@"

stop_daemon worker worker_pid "$MASTER_URL"
stop_daemon master master_pid "$MASTER_URL"
rm -f "$WORKER_PID_FILE" "$MASTER_PID_FILE"
if $PURGE; then purge_state_dir; fi
