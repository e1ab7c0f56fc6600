package com.trending.silver;

import com.trending.common.DeadLetterReason;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** Names of the Beam metrics {@link KafkaToSilver} counts, so that the summary finds them. */
public final class IngestMetrics {
  private IngestMetrics() {}

  public static final String NAMESPACE = "KafkaToSilver";

  /** The metrics of this namespace that a finished pipeline reports. */
  static MetricQueryResults of(PipelineResult result) {
    return result
        .metrics()
        .queryMetrics(
            MetricsFilter.builder().addNameFilter(MetricNameFilter.inNamespace(NAMESPACE)).build());
  }

  /**
   * A metric's value once its pipeline has finished: committed where the runner reports it (the
   * Direct runner), attempted otherwise (Spark, Flink). The Direct runner commits a bundle's
   * metrics before the pipeline can finish but adds its attempted values after, so right after
   * {@code waitUntilFinish} they can miss the last bundles (a batch of 10 views once read as 0 rows
   * and 0 files).
   */
  static <T> T finalValue(MetricResult<T> metric) {
    T committed = metric.getCommittedOrNull();
    return committed != null ? committed : metric.getAttempted();
  }

  public static String read(String topic) {
    return "read_" + topic;
  }

  public static String valid(String topic) {
    return "valid_" + topic;
  }

  public static String duplicate(String topic) {
    return "duplicate_" + topic;
  }

  public static String written(String topic) {
    return "silver_" + topic;
  }

  public static String deadLetter(DeadLetterReason reason) {
    return "deadletter_" + reason.code();
  }
}
