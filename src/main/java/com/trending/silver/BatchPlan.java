package com.trending.silver;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * One micro-batch: for each partition, the offsets {@code [from, to)} it takes. Plans are made by
 * the driver from Kafka's end offsets, so a batch knows exactly what it reads before it starts.
 *
 * @param runId names this batch's files, so an unfinished batch's files can be found and removed
 * @param to the next offset to read after this batch, per partition
 */
public record BatchPlan(
    long batch, String runId, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {

  /** Copies the offsets into unmodifiable maps that keep the order they are given in. */
  public BatchPlan {
    from = Collections.unmodifiableMap(new LinkedHashMap<>(from));
    to = Collections.unmodifiableMap(new LinkedHashMap<>(to));
  }

  /**
   * Plans a batch of at most {@code limit} messages from {@code positions} towards {@code ends},
   * shared evenly between the partitions that have messages waiting.
   */
  static BatchPlan of(
      long batch,
      String runId,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> positions,
      Map<TopicPartition, Long> ends,
      long limit) {
    Map<TopicPartition, Long> take = new LinkedHashMap<>();
    long left = limit;
    boolean progress = true;
    while (left > 0 && progress) {
      progress = false;
      long waiting =
          partitions.stream()
              .filter(tp -> ends.get(tp) - positions.get(tp) - take.getOrDefault(tp, 0L) > 0)
              .count();
      if (waiting == 0) {
        break;
      }
      long share = Math.max(1, left / waiting);
      for (TopicPartition tp : partitions) {
        long available = ends.get(tp) - positions.get(tp) - take.getOrDefault(tp, 0L);
        long n = Math.min(Math.min(share, available), left);
        if (n > 0) {
          take.merge(tp, n, Long::sum);
          left -= n;
          progress = true;
        }
      }
    }
    Map<TopicPartition, Long> to = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      to.put(tp, positions.get(tp) + take.getOrDefault(tp, 0L));
    }
    Map<TopicPartition, Long> from = new LinkedHashMap<>();
    partitions.forEach(tp -> from.put(tp, positions.get(tp)));
    return new BatchPlan(batch, runId, from, to);
  }

  /** Messages this batch takes from each partition of {@code topic}, by partition number. */
  public Map<Integer, Long> countsFor(String topic) {
    Map<Integer, Long> counts = new TreeMap<>();
    from.forEach(
        (tp, start) -> {
          long n = to.get(tp) - start;
          if (tp.topic().equals(topic) && n > 0) {
            counts.put(tp.partition(), n);
          }
        });
    return counts;
  }

  /** The offset ranges this batch reads, every topic's. */
  public List<ReadKafkaRanges.Range> ranges() {
    return from.entrySet().stream()
        .filter(e -> to.get(e.getKey()) > e.getValue())
        .map(
            e ->
                new ReadKafkaRanges.Range(
                    e.getKey().topic(), e.getKey().partition(), e.getValue(), to.get(e.getKey())))
        .toList();
  }

  /** The offset ranges this batch reads from the partitions of {@code topic}. */
  public List<ReadKafkaRanges.Range> rangesFor(String topic) {
    return ranges().stream().filter(r -> r.topic().equals(topic)).toList();
  }

  public long count(String topic) {
    return countsFor(topic).values().stream().mapToLong(Long::longValue).sum();
  }

  public long total() {
    long total = 0;
    for (Map.Entry<TopicPartition, Long> e : from.entrySet()) {
      total += to.get(e.getKey()) - e.getValue();
    }
    return total;
  }

  public boolean isEmpty() {
    return total() == 0;
  }
}
