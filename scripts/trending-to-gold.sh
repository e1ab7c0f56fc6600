#!/usr/bin/env bash
# Silver → Gold trending tables. Pipeline options (see docs/trending-to-gold.md), e.g.:
#   scripts/trending-to-gold.sh --streaming=false                        # one-shot recompute, Direct runner
#   scripts/trending-to-gold.sh --runner=SparkRunner --streaming=false   # same on Spark local[*]
#   scripts/trending-to-gold.sh                                          # streaming: refresh ~every 5 s
#   scripts/trending-to-gold.sh --runner=SparkRunner                     # streaming on Spark: once per 30 s micro-batch
# Environment: LAKEHOUSE_PATH, STORAGE_FORMAT; JAVA_OPTS for the JVM (default -Xmx4g and
# the serial collector on the Direct runner, the throughput one on Spark and Flink: lib/java-opens.sh).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/lib/launch.sh" --pipeline com.trending.gold.TrendingToGold "$@"
