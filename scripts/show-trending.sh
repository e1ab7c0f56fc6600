#!/usr/bin/env bash
# Shows the lakehouse: Silver row counts, dead letters by reason, top movies of the latest windows.
#   scripts/show-trending.sh [--lakehousePath=DIR] [--top=10] [--current]   (default: $LAKEHOUSE_PATH or lakehouse)
#     --current: show the window holding the present instant (still filling), not the latest finished one
#   scripts/show-trending.sh --chart trending.png   # also draws the top 5 movies' trend_score over the
#                                                   # last 24 hourly windows (PNG, headless)
#   scripts/show-trending.sh --help                 # every option
set -euo pipefail
export JAVA_OPTS="${JAVA_OPTS:--Xmx1g} -Djava.awt.headless=true"
exec "$(dirname "${BASH_SOURCE[0]}")/lib/launch.sh" com.trending.viewer.ShowTrending "$@"
