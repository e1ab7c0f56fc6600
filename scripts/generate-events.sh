#!/usr/bin/env bash
# Event generator: realistic views, clicks and ratings (with faults) to the contract topics.
#   scripts/generate-events.sh                                  # backfill: 100000 messages over the last 48 h
#   scripts/generate-events.sh --events=300000 --hours=48 --seed=7 --summaryFile=.local/summary.json
#   scripts/generate-events.sh --live --rate=200                # event time = now, until Ctrl+C
#   scripts/generate-events.sh --help                           # every option
# Environment: KAFKA_BOOTSTRAP_SERVERS (default localhost:9092), MIN_RATING, MAX_RATING;
# JAVA_OPTS for the JVM (default -Xmx1g here).
set -euo pipefail
export JAVA_OPTS="${JAVA_OPTS:--Xmx1g}"
exec "$(dirname "${BASH_SOURCE[0]}")/lib/launch.sh" com.trending.generator.EventGenerator "$@"
