package com.trending.silver;

import com.trending.common.Lakehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.DelegateCoder;
import org.apache.beam.sdk.transforms.Combine;

/**
 * What deduplication must know of a whole batch before it reads Silver: the {@code event_date}
 * partitions of each topic the batch's events fall into, and the hashes of their ids ({@link
 * EventIdHashes}). Each bundle of the parse gathers its own ({@link Builder}) and {@link Collect}
 * combines them into one side input.
 *
 * <p>One side input, not one per kind: the Spark runner materializes each side input with jobs of
 * its own, and a distinct list of partitions beside a combine of hashes took three small jobs per
 * batch (0.4 s of a 4.4 s batch of 500,000 events).
 */
final class BatchKeys {
  private static final String PARTITION_PREFIX = "event_date=";

  private final long[] partitions; // sorted, distinct: see partitionKey
  private final long[] idHashes; // sorted, distinct

  private BatchKeys(long[] partitions, long[] idHashes) {
    this.partitions = partitions;
    this.idHashes = idHashes;
  }

  /** An {@code event_date} partition of one topic's table as a number: topic + topics × day. */
  static long partitionKey(int topicIndex, long day) {
    return topicIndex + (long) Lakehouse.TOPICS.size() * day;
  }

  /**
   * True when the batch has events of topic {@code topicIndex} in partition folder {@code folder}
   * ({@code event_date=YYYY-MM-DD}); false for a folder that is no such partition.
   */
  boolean holds(int topicIndex, String folder) {
    if (!folder.startsWith(PARTITION_PREFIX)) {
      return false;
    }
    long day;
    try {
      day = LocalDate.parse(folder.substring(PARTITION_PREFIX.length())).toEpochDay();
    } catch (DateTimeParseException notADate) {
      return false;
    }
    return Arrays.binarySearch(partitions, partitionKey(topicIndex, day)) >= 0;
  }

  /** The sorted, distinct hashes of the batch's event ids. */
  long[] idHashes() {
    return idHashes;
  }

  /** How many partitions the batch touches, over all topics. */
  int partitionCount() {
    return partitions.length;
  }

  /** The keys of a bundle or a batch as they are gathered. */
  static final class Builder {
    private final EventIdHashes.Longs partitions = new EventIdHashes.Longs();
    private final EventIdHashes.Longs idHashes = new EventIdHashes.Longs();
    private long lastPartition = Long.MIN_VALUE; // most events share the last one's partition

    /** Adds an event of topic {@code topicIndex} on {@code day}, with id hash {@code idHash}. */
    Builder add(int topicIndex, long day, long idHash) {
      long partition = partitionKey(topicIndex, day);
      if (partition != lastPartition) {
        partitions.add(partition);
        lastPartition = partition;
      }
      idHashes.add(idHash);
      return this;
    }

    Builder addAll(BatchKeys keys) {
      partitions.addAll(keys.partitions);
      idHashes.addAll(keys.idHashes);
      return this;
    }

    Builder addAll(Builder other) {
      partitions.addAll(other.partitions);
      idHashes.addAll(other.idHashes);
      return this;
    }

    BatchKeys build() {
      return new BatchKeys(partitions.sortedDistinct(), idHashes.sortedDistinct());
    }
  }

  /**
   * A batch's keys from its bundles'. Accumulates into the first accumulator (Beam allows it): the
   * Spark runner merges a batch's accumulators on the driver one task result at a time, while the
   * executors wait for the side input.
   */
  static final class Collect extends Combine.CombineFn<BatchKeys, Builder, BatchKeys> {
    @Override
    public Builder createAccumulator() {
      return new Builder();
    }

    @Override
    public Builder addInput(Builder acc, BatchKeys bundle) {
      return acc.addAll(bundle);
    }

    @Override
    public Builder mergeAccumulators(Iterable<Builder> accs) {
      Builder merged = null;
      for (Builder acc : accs) {
        merged = merged == null ? acc : merged.addAll(acc);
      }
      return merged == null ? new Builder() : merged;
    }

    @Override
    public BatchKeys extractOutput(Builder acc) {
      return acc.build();
    }

    @Override
    public Coder<Builder> getAccumulatorCoder(CoderRegistry registry, Coder<BatchKeys> input) {
      return DelegateCoder.of(CODER, Builder::build, keys -> new Builder().addAll(keys));
    }

    @Override
    public Coder<BatchKeys> getDefaultOutputCoder(CoderRegistry registry, Coder<BatchKeys> input) {
      return CODER;
    }
  }

  static final Coder<BatchKeys> CODER = new KeysCoder();

  /** The partitions, then the id hashes, each a {@link EventIdHashes.LongArrayCoder} array. */
  private static final class KeysCoder extends AtomicCoder<BatchKeys> {
    @Override
    public void encode(BatchKeys keys, OutputStream out) throws IOException {
      EventIdHashes.LongArrayCoder.INSTANCE.encode(keys.partitions, out);
      EventIdHashes.LongArrayCoder.INSTANCE.encode(keys.idHashes, out);
    }

    @Override
    public BatchKeys decode(InputStream in) throws IOException {
      long[] partitions = EventIdHashes.LongArrayCoder.INSTANCE.decode(in);
      return new BatchKeys(partitions, EventIdHashes.LongArrayCoder.INSTANCE.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
