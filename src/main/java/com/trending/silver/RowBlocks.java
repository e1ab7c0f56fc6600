package com.trending.silver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
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

  /** The values of one block, in the order they were added. */
  static <V> List<V> decode(Coder<V> valueCoder, byte[] block) {
    List<V> values = new ArrayList<>();
    forEach(valueCoder, block, values::add);
    return values;
  }

  /** Hands each value of one block to {@code action}, in the order they were added. */
  static <V> void forEach(Coder<V> valueCoder, byte[] block, Consumer<V> action) {
    ByteArrayInputStream in = new ByteArrayInputStream(block);
    try {
      while (in.available() > 0) {
        action.accept(valueCoder.decode(in));
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot decode a block of " + valueCoder, e);
    }
  }

  /**
   * One bundle's blocks being filled, per key. A value is encoded into its key's block as it is
   * added (the block is its values' encodings one after the other), so a bundle holds bytes, not
   * objects, and a full block leaves as it is.
   */
  static final class Buffer<K, V> {
    private final Coder<V> valueCoder;
    private final Map<K, Block> blocks = new HashMap<>();

    Buffer(Coder<V> valueCoder) {
      this.valueCoder = valueCoder;
    }

    /** Adds a value; returns its key's block, encoded, if the value filled it, else null. */
    byte[] add(K key, V value) {
      Block block = blocks.computeIfAbsent(key, k -> new Block());
      try {
        valueCoder.encode(value, block);
      } catch (IOException e) {
        throw new IllegalArgumentException("Cannot encode " + value + " with " + valueCoder, e);
      }
      return ++block.values < MAX_VALUES ? null : blocks.remove(key).bytes();
    }

    /** Hands over every block not yet full, encoded, and empties the buffer. */
    void drain(BiConsumer<K, byte[]> out) {
      blocks.forEach((key, block) -> out.accept(key, block.bytes()));
      blocks.clear();
    }
  }

  /** A block being filled: a growing byte array, without the locks of a ByteArrayOutputStream. */
  private static final class Block extends OutputStream {
    private byte[] bytes = new byte[4096];
    private int size;
    private int values;

    @Override
    public void write(int b) {
      grow(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      grow(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    private void grow(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(bytes, size);
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
