package com.trending.silver;

import static org.junit.Assert.assertEquals;

import org.apache.beam.sdk.metrics.MetricKey;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricResult;
import org.junit.Test;

public class IngestMetricsTest {
  private static final MetricKey KEY =
      MetricKey.create("Write", MetricName.named(IngestMetrics.NAMESPACE, "silver_events_views"));

  /** The Direct runner's attempted values can lag behind its committed ones when a run ends. */
  @Test
  public void committedValueWinsWhereTheRunnerReportsIt() {
    assertEquals(Long.valueOf(10), IngestMetrics.finalValue(MetricResult.create(KEY, 10L, 0L)));
  }

  /** Spark and Flink report attempted values only. */
  @Test
  public void attemptedValueOtherwise() {
    assertEquals(Long.valueOf(7), IngestMetrics.finalValue(MetricResult.attempted(KEY, 7L)));
  }
}
