#!/usr/bin/env bash
# Shows the lakehouse: Silver row counts, dead letters by reason, top movies of the latest windows.
#   scripts/show-trending.sh [--lakehousePath=DIR] [--top=10]      (default: $LAKEHOUSE_PATH or lakehouse)
set -euo pipefail
export JAVA_OPTS="${JAVA_OPTS:--Xmx1g}"
exec "$(dirname "${BASH_SOURCE[0]}")/lib/launch.sh" com.trending.viewer.ShowTrending "$@"
