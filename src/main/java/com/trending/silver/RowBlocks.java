package com.trending.silver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * A bundle's values per key as encoded blocks, for the groupings of a Silver batch (deduplication's
 * buckets, the Parquet write's partitions). A grouping then moves one byte array per (bundle, key)
 * instead of one element per row: the Direct runner copies a key's grouped values through their
 * coder each time a bundle adds to them (for rows, an encode and decode of every row grouped so
 * far; for blocks, an array copy), and every runner handles far fewer elements.
 *
 * <p>A block holds at most {@link #MAX_VALUES} values, so a bundle's memory stays bounded on
 * runners whose bundles are whole partitions (Spark). Silver batches are bounded and in the global
 * window, where nothing depends on a block's timestamp: a full block leaves with the value that
 * filled it, the others when the bundle ends, at {@link BoundedWindow#TIMESTAMP_MIN_VALUE}.
 */
final class RowBlocks {
  private RowBlocks() {}

  /** The most values in one block. */
  static final int MAX_VALUES = 10_000;

  /** The values of one block. */
  static <V> List<V> decode(Coder<V> valueCoder, byte[] block) {
    try {
      return CoderUtils.decodeFromByteArray(ListCoder.of(valueCoder), block);
    } catch (CoderException e) {
      throw new IllegalStateException("Cannot decode a block of " + valueCoder, e);
    }
  }

  /** One bundle's blocks being filled, per key. */
  static final class Buffer<K, V> {
    private final ListCoder<V> blockCoder;
    private final Map<K, List<V>> blocks = new HashMap<>();

    Buffer(Coder<V> valueCoder) {
      this.blockCoder = ListCoder.of(valueCoder);
    }

    /** Adds a value; returns its key's block, encoded, if the value filled it, else null. */
    byte[] add(K key, V value) {
      List<V> block = blocks.computeIfAbsent(key, k -> new ArrayList<>());
      block.add(value);
      return block.size() < MAX_VALUES ? null : encode(blocks.remove(key));
    }

    /** Hands over every block not yet full, encoded, and empties the buffer. */
    void drain(BiConsumer<K, byte[]> out) {
      blocks.forEach((key, block) -> out.accept(key, encode(block)));
      blocks.clear();
    }

    private byte[] encode(List<V> values) {
      try {
        return CoderUtils.encodeToByteArray(blockCoder, values);
      } catch (CoderException e) {
        throw new IllegalArgumentException("Cannot encode a block of " + blockCoder, e);
      }
    }
  }

  /**
   * Elements as {@code (key, block of values)}, one block per key and bundle; {@code keyed} gives
   * an element's key and value.
   */
  static class BlockPerKeyFn<T, K, V> extends DoFn<T, KV<K, byte[]>> {
    private final Coder<V> valueCoder;
    private final SerializableFunction<T, KV<K, V>> keyed;
    private transient Buffer<K, V> buffer;

    BlockPerKeyFn(Coder<V> valueCoder, SerializableFunction<T, KV<K, V>> keyed) {
      this.valueCoder = valueCoder;
      this.keyed = keyed;
    }

    @StartBundle
    public void start() {
      buffer = new Buffer<>(valueCoder);
    }

    @ProcessElement
    public void process(
        @Element T element, BoundedWindow window, OutputReceiver<KV<K, byte[]>> out) {
      requireGlobal(window);
      KV<K, V> kv = keyed.apply(element);
      byte[] full = buffer.add(kv.getKey(), kv.getValue());
      if (full != null) {
        out.output(KV.of(kv.getKey(), full));
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      buffer.drain(
          (key, block) -> context.output(KV.of(key, block), BUNDLE_END, GlobalWindow.INSTANCE));
    }
  }

  /** The timestamp of what a bundle emits when it ends. */
  static final Instant BUNDLE_END = BoundedWindow.TIMESTAMP_MIN_VALUE;

  static void requireGlobal(BoundedWindow window) {
    if (!(window instanceof GlobalWindow)) {
      throw new IllegalStateException("Blocks are for the global window, not " + window);
    }
  }
}
