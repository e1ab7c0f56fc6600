package com.trending.silver;

import com.trending.common.KafkaClientSettings;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads exactly the offsets {@code [from, to)} of each partition of a batch plan: a Beam {@link
 * BoundedSource} whose splits hold at most {@link #OFFSETS_PER_SPLIT} offsets each, large ranges
 * cut into pieces so that every worker has some, small ones packed together.
 *
 * <p>Each reader has a {@link KafkaConsumer} of its own (no consumer group), assigned the
 * partitions of its ranges, each sought to {@code from}; it polls until every partition's consumer
 * <em>position</em> reaches its {@code to}. Ending on the position rather than on a count of
 * records is what makes transactional topics work: commit and abort markers take offsets but carry
 * no record, and so do compacted-away records. {@code isolation.level=read_committed} keeps aborted
 * transactions' records out, and the driver plans up to the last stable offset, so an open
 * transaction is read once it commits. A record outside its range, or a range whose start has
 * expired from Kafka, fails the batch.
 *
 * <p>Why not KafkaIO here: its bounded read ({@code withMaxNumRecords}) counts records, which never
 * reach an offset past a transaction marker, and starts at the consumer group's committed offset,
 * which anything else can move. KafkaIO's unbounded read serves a continuous job well; a
 * micro-batch over a fixed offset range is a bounded source.
 */
public class ReadKafkaRanges extends PTransform<PBegin, PCollection<KafkaRecord<byte[], byte[]>>> {

  /** Offsets per split: few enough to share a batch between workers, enough to be cheap. */
  static final long OFFSETS_PER_SPLIT = 50_000;

  /**
   * How long the broker may hold a fetch that finds no new record. A range ends at offsets that
   * exist, so a reader never waits for new records; but the consumer fetches ahead, and a fetch
   * beyond the end of a partition that the broker held for Kafka's default 500 ms delayed the
   * reader's other partitions (the consumer sends one fetch per broker at a time) and its close.
   */
  static final int FETCH_MAX_WAIT_MILLIS = 20;

  /** How long a reader waits without progress before it fails the batch. */
  static final Duration STALL_TIMEOUT = Duration.ofMinutes(2);

  private final KafkaClientSettings kafka;
  private final List<Range> ranges;

  /**
   * @param kafka the brokers and client properties (security, fetch sizes...) of every reader
   * @param ranges per partition, the offsets to read
   */
  public ReadKafkaRanges(KafkaClientSettings kafka, List<Range> ranges) {
    this.kafka = kafka;
    this.ranges = List.copyOf(ranges);
  }

  /** The offsets {@code [from, to)} of one partition. */
  public record Range(String topic, int partition, long from, long to) implements Serializable {
    long size() {
      return to - from;
    }
  }

  @Override
  public PCollection<KafkaRecord<byte[], byte[]>> expand(PBegin begin) {
    return begin.apply("ReadOffsetRanges", Read.from(new RangeSource(kafka, ranges)));
  }

  /** A bounded source over some ranges; splits into one source per range piece. */
  static class RangeSource extends BoundedSource<KafkaRecord<byte[], byte[]>> {
    private final KafkaClientSettings kafka;
    private final List<Range> ranges;

    RangeSource(KafkaClientSettings kafka, List<Range> ranges) {
      this.kafka = kafka;
      this.ranges = ranges;
    }

    List<Range> ranges() {
      return ranges;
    }

    /**
     * Pieces of at most {@link #OFFSETS_PER_SPLIT} offsets, packed into sources of at most as many:
     * a large range is cut so that every worker has some, and the small ranges of a live batch
     * travel together. Each source is a bundle to the runner, and a runner pays for every bundle
     * (the Direct runner builds every step's evaluator anew for each one, a quarter of a live Kafka
     * → Silver job's CPU; each is a task on Spark) and every reader opens a consumer, which a
     * 1,000-message batch over nine partitions paid nine times.
     */
    @Override
    public List<RangeSource> split(long desiredBundleSizeBytes, PipelineOptions options) {
      List<RangeSource> splits = new ArrayList<>();
      List<Range> packed = new ArrayList<>();
      long packedSize = 0;
      for (Range range : ranges) {
        for (long start = range.from(); start < range.to(); start += OFFSETS_PER_SPLIT) {
          Range piece =
              new Range(
                  range.topic(),
                  range.partition(),
                  start,
                  Math.min(range.to(), start + OFFSETS_PER_SPLIT));
          if (packedSize + piece.size() > OFFSETS_PER_SPLIT) {
            splits.add(new RangeSource(kafka, packed));
            packed = new ArrayList<>();
            packedSize = 0;
          }
          packed.add(piece);
          packedSize += piece.size();
        }
      }
      if (!packed.isEmpty()) {
        splits.add(new RangeSource(kafka, packed));
      }
      return splits;
    }

    @Override
    public long getEstimatedSizeBytes(PipelineOptions options) {
      return ranges.stream().mapToLong(Range::size).sum() * 200; // about a small JSON event each
    }

    @Override
    public BoundedReader<KafkaRecord<byte[], byte[]>> createReader(PipelineOptions options) {
      return new RangeReader(this);
    }

    @Override
    public Coder<KafkaRecord<byte[], byte[]>> getOutputCoder() {
      return KafkaRecordCoder.of(
          NullableCoder.of(ByteArrayCoder.of()), NullableCoder.of(ByteArrayCoder.of()));
    }
  }

  /**
   * Reads the ranges of one source together, with one consumer assigned all their partitions: one
   * fetch brings every partition's records (a live batch's nine ranges were nine rounds of assign,
   * seek and fetch one after the other). A partition is paused once its position reaches its
   * range's end, so the consumer stops fetching it.
   */
  static class RangeReader extends BoundedSource.BoundedReader<KafkaRecord<byte[], byte[]>> {
    private static final Duration POLL = Duration.ofMillis(500);
    private final RangeSource source;
    private final Map<TopicPartition, Range> ranges = new HashMap<>();
    private final Set<TopicPartition> unfinished = new HashSet<>();
    private KafkaConsumer<byte[], byte[]> consumer;
    // The last poll's records, read a partition at a time: its range is looked up once.
    private ConsumerRecords<byte[], byte[]> polled = ConsumerRecords.empty();
    private Iterator<TopicPartition> polledPartitions = Collections.emptyIterator();
    private Iterator<ConsumerRecord<byte[], byte[]>> inPartition = Collections.emptyIterator();
    private Range partitionRange;
    private KafkaRecord<byte[], byte[]> current;

    RangeReader(RangeSource source) {
      this.source = source;
    }

    @Override
    public boolean start() throws IOException {
      for (Range range : source.ranges) {
        if (range.size() > 0) {
          TopicPartition tp = new TopicPartition(range.topic(), range.partition());
          if (ranges.put(tp, range) != null) {
            throw new IllegalArgumentException(tp + " has two ranges in one split");
          }
        }
      }
      if (ranges.isEmpty()) {
        return false;
      }
      Map<String, Object> config = new HashMap<>();
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"); // an expired start fails
      config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
      config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MILLIS);
      consumer =
          new KafkaConsumer<>(
              source.kafka.config(config),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer());
      consumer.assign(ranges.keySet());
      ranges.forEach((tp, range) -> consumer.seek(tp, range.from()));
      unfinished.addAll(ranges.keySet());
      return advance();
    }

    @Override
    public boolean advance() throws IOException {
      while (true) {
        while (inPartition.hasNext()) {
          ConsumerRecord<byte[], byte[]> r = inPartition.next();
          if (r.offset() >= partitionRange.to()) {
            continue; // fetched ahead: the rest of the partition belongs to a later batch
          }
          if (r.offset() < partitionRange.from()) {
            throw new IllegalStateException(
                new TopicPartition(r.topic(), r.partition())
                    + ": read offset "
                    + r.offset()
                    + " outside the planned range ["
                    + partitionRange.from()
                    + ", "
                    + partitionRange.to()
                    + ")");
          }
          current =
              new KafkaRecord<>(
                  r.topic(),
                  r.partition(),
                  r.offset(),
                  r.timestamp(),
                  KafkaTimestampType.forOrdinal(r.timestampType().ordinal()),
                  r.headers(),
                  r.key(),
                  r.value());
          return true;
        }
        if (polledPartitions.hasNext()) {
          TopicPartition tp = polledPartitions.next();
          partitionRange = ranges.get(tp);
          inPartition =
              partitionRange == null ? Collections.emptyIterator() : polled.records(tp).iterator();
          continue;
        }
        finishReached();
        if (unfinished.isEmpty()) {
          return false;
        }
        polled = pollWithProgress();
        polledPartitions = polled.partitions().iterator();
      }
    }

    /** Pauses the partitions whose position has reached their range's end. */
    private void finishReached() {
      List<TopicPartition> done = new ArrayList<>();
      for (TopicPartition tp : unfinished) {
        if (consumer.position(tp) >= ranges.get(tp).to()) {
          done.add(tp);
        }
      }
      if (!done.isEmpty()) {
        consumer.pause(done);
        done.forEach(unfinished::remove);
      }
    }

    /** Polls; fails when no unfinished position has moved for {@link #STALL_TIMEOUT}. */
    private ConsumerRecords<byte[], byte[]> pollWithProgress() {
      Map<TopicPartition, Long> positions = positions();
      long deadline = System.nanoTime() + STALL_TIMEOUT.toNanos();
      while (true) {
        var records = consumer.poll(POLL);
        if (!records.isEmpty() || !positions().equals(positions)) {
          return records;
        }
        if (System.nanoTime() > deadline) {
          // A Kafka timeout: the driver rolls the batch back and plans it again.
          throw new TimeoutException(
              "No progress for "
                  + STALL_TIMEOUT.toSeconds()
                  + " s at offsets "
                  + positions
                  + " while reading up to "
                  + unfinished.stream().map(ranges::get).toList());
        }
      }
    }

    private Map<TopicPartition, Long> positions() {
      Map<TopicPartition, Long> positions = new HashMap<>();
      unfinished.forEach(tp -> positions.put(tp, consumer.position(tp)));
      return positions;
    }

    @Override
    public KafkaRecord<byte[], byte[]> getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public void close() {
      if (consumer != null) {
        consumer.close(Duration.ofSeconds(5));
      }
    }

    @Override
    public RangeSource getCurrentSource() {
      return source;
    }
  }
}
