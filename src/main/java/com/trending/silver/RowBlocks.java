package com.trending.silver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.DoFn;
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
 * window, where nothing depends on a block's timestamp: it is one of the bundle's (the earliest,
 * for the blocks emitted when the bundle ends).
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

  /** {@code (key, value)} pairs as {@code (key, block of values)}, one block per key and bundle. */
  static class BlockPerKeyFn<K, V> extends DoFn<KV<K, V>, KV<K, byte[]>> {
    private final ListCoder<V> blockCoder;
    private transient Map<K, List<V>> blocks;
    private transient Instant earliest;

    BlockPerKeyFn(Coder<V> valueCoder) {
      this.blockCoder = ListCoder.of(valueCoder);
    }

    @StartBundle
    public void start() {
      blocks = new HashMap<>();
      earliest = null;
    }

    @ProcessElement
    public void process(
        @Element KV<K, V> element,
        @Timestamp Instant timestamp,
        BoundedWindow window,
        OutputReceiver<KV<K, byte[]>> out) {
      if (!(window instanceof GlobalWindow)) {
        throw new IllegalStateException("Blocks are for the global window, not " + window);
      }
      List<V> block = blocks.computeIfAbsent(element.getKey(), key -> new ArrayList<>());
      block.add(element.getValue());
      if (earliest == null || timestamp.isBefore(earliest)) {
        earliest = timestamp;
      }
      if (block.size() >= MAX_VALUES) {
        out.output(KV.of(element.getKey(), encode(blocks.remove(element.getKey()))));
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      for (Map.Entry<K, List<V>> block : blocks.entrySet()) {
        context.output(
            KV.of(block.getKey(), encode(block.getValue())), earliest, GlobalWindow.INSTANCE);
      }
      blocks = null;
    }

    private byte[] encode(List<V> values) {
      try {
        return CoderUtils.encodeToByteArray(blockCoder, values);
      } catch (CoderException e) {
        throw new IllegalArgumentException("Cannot encode a block of " + blockCoder, e);
      }
    }
  }
}
