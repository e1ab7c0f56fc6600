package com.trending.silver;

import com.trending.common.DeadLetterReason;
import com.trending.common.Lakehouse;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;

/** What a run did, from the pipeline's Beam metrics, summed over its batches. */
public final class IngestSummary {
  private final Map<String, Long> counters = new TreeMap<>();
  private long batches;
  private long millis;
  private long expired;

  /** Adds one finished batch's counters. */
  void add(PipelineResult result, long batchMillis) {
    MetricQueryResults metrics = IngestMetrics.of(result);
    for (MetricResult<Long> counter : metrics.getCounters()) {
      counters.merge(counter.getName().getName(), IngestMetrics.finalValue(counter), Long::sum);
    }
    batches++;
    millis += batchMillis;
  }

  public long get(String counter) {
    return counters.getOrDefault(counter, 0L);
  }

  public long read(String topic) {
    return get(IngestMetrics.read(topic));
  }

  public long duplicates(String topic) {
    return get(IngestMetrics.duplicate(topic));
  }

  /** Rows this run added to the Silver table of {@code topic}. */
  public long silverRows(String topic) {
    return get(IngestMetrics.valid(topic)) - duplicates(topic);
  }

  public long deadLetters(DeadLetterReason reason) {
    return get(IngestMetrics.deadLetter(reason));
  }

  public long deadLetters() {
    long total = 0;
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      total += deadLetters(reason);
    }
    return total;
  }

  /** Counts messages that Kafka's retention deleted before the job read them. */
  void expired(long messages) {
    expired += messages;
  }

  /** Messages Kafka deleted (retention) before this run could read them. */
  public long expired() {
    return expired;
  }

  public long batches() {
    return batches;
  }

  /** A few lines for a person: per table, and dead letters per reason. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    long read = 0;
    for (String topic : Lakehouse.TOPICS) {
      read += read(topic);
      out.append(
          String.format(
              "  %-16s read %9d   silver rows %9d   duplicates dropped %7d%n",
              topic, read(topic), silverRows(topic), duplicates(topic)));
    }
    out.append(String.format("  dead letters %d:", deadLetters()));
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      out.append(' ').append(reason.code()).append('=').append(deadLetters(reason));
    }
    if (expired > 0) {
      out.append(
          String.format("%n  %d messages expired from Kafka before they were read", expired));
    }
    out.append(
        String.format(
            "%n  %d messages in %d batch(es), %.1f s in pipelines (%.0f messages/s)",
            read, batches, millis / 1000.0, millis == 0 ? 0.0 : read * 1000.0 / millis));
    return out.toString();
  }
}
