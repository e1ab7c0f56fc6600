#!/usr/bin/env bash
# Kafka → Silver. Pipeline options (see README), e.g.:
#   scripts/kafka-to-silver.sh --maxRecords=10000                       # Direct runner, bounded
#   scripts/kafka-to-silver.sh --runner=SparkRunner --maxRecords=10000  # Spark local[*]
#   scripts/kafka-to-silver.sh                                          # runs until stopped
# Environment: LAKEHOUSE_PATH, STORAGE_FORMAT, KAFKA_BOOTSTRAP_SERVERS, KAFKA_STARTING_OFFSETS,
# KAFKA_GROUP_ID, MIN_RATING, MAX_RATING; JAVA_OPTS for the JVM (default -Xmx4g and
# the serial collector on the Direct runner, the throughput one on Spark and Flink: lib/java-opens.sh).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/lib/launch.sh" --pipeline com.trending.silver.KafkaToSilver "$@"
