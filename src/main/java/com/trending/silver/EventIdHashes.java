package com.trending.silver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.column.values.bloomfilter.HashFunction;
import org.apache.parquet.column.values.bloomfilter.XxHash;

/**
 * 64-bit hashes of event ids, and what each worker knows of a committed Silver file's ids, kept in
 * memory between batches, so that deduplication reads a committed file's ids rarely, not once per
 * batch.
 *
 * <p>Why it matters: a streaming ingestion commits a file per table every batch (every couple of
 * seconds), all into today's {@code event_date} partition. Deduplication checks a batch against
 * that partition; reading every file of it each batch costs the day's events, over and over (a day
 * of 2-second batches is 43,200 files). With what a file holds kept here, a batch's check costs a
 * lookup per id, and a file is read only when it may hold one of the batch's ids.
 *
 * <p>What a worker knows of a file ({@link FileIds}) is one of two things. Every file this project
 * writes carries a bloom filter of its ids ({@link SilverRowWriter#withIdIndex}), a few bytes per
 * row read from the file's end instead of its whole id column: that is the first look at it. Once
 * the file has been read (it had no bloom filter, written by an earlier release or another tool, or
 * the filter said "maybe"), the sorted hashes of its ids, exact but for a one-in-2^64 collision.
 * The hash is Parquet's own (XXH64, seed 0, over the id's UTF-8 bytes), so one hash of a batch's id
 * probes both.
 *
 * <p>Committed files never change (a batch's files are named after its run, and a rolled-back run's
 * files are deleted, not reused), so an entry never goes stale. The cache holds at most an eighth
 * of the heap and forgets the least recently used files first.
 */
final class EventIdHashes {
  private EventIdHashes() {}

  /** Bytes an eighth of the heap holds. */
  private static final long CAPACITY = Runtime.getRuntime().maxMemory() / 8;

  private static final HashFunction XXH64 = new XxHash();
  private static final Map<String, FileIds> BY_FILE = new LinkedHashMap<>(1024, 0.75f, true);
  private static long cached; // bytes held in BY_FILE

  /**
   * The 64-bit hash of an event id: XXH64 with seed 0 over its UTF-8 bytes, the hash a Parquet
   * bloom filter of the id column takes ({@code BlockSplitBloomFilter.hash(Binary)}).
   */
  static long of(String eventId) {
    return XXH64.hashBytes(eventId.getBytes(StandardCharsets.UTF_8));
  }

  /** What a worker knows of the ids of a committed file, without reading them. */
  interface FileIds {
    /** False only if the file holds none of the ids of {@code probe}. */
    boolean mayHoldAny(Probe probe);

    /** The memory it takes. */
    long bytes();
  }

  /** The sorted, distinct hashes of a file's ids, as read from the file. */
  record Exact(long[] sortedHashes) implements FileIds {
    @Override
    public boolean mayHoldAny(Probe probe) {
      return intersect(sortedHashes, probe.sortedHashes);
    }

    @Override
    public long bytes() {
      return (long) sortedHashes.length * Long.BYTES;
    }
  }

  /**
   * The bloom filters of a file's id column (one per row group), probed as Parquet's split-block
   * bloom filter specifies: a hash's upper 32 bits pick a block of eight 32-bit words, its lower 32
   * bits one bit in each ({@link Probe#masks}). Probed here rather than by Parquet's {@code
   * findHash}, because a batch's check probes every file of a day with the same ids, and {@code
   * findHash} makes each id's masks again for every file: 10,000 ids against 2,000 files of 500
   * rows took 0.25 s that way, 0.07 s with the masks made once (same answers).
   */
  static final class Bloom implements FileIds {
    private final List<int[]> filters; // the blocks' words, in order

    private Bloom(List<BloomFilter> filters) {
      this.filters = filters.stream().map(Bloom::words).toList();
    }

    /**
     * The index of a file whose filters these are, or null if one is not the split-block filter of
     * XXH64 hashes that this probe reads (the only kind Parquet's format defines so far).
     */
    static Bloom of(List<BloomFilter> filters) {
      for (BloomFilter filter : filters) {
        if (filter.getAlgorithm() != BloomFilter.Algorithm.BLOCK
            || filter.getHashStrategy() != BloomFilter.HashStrategy.XXH64
            || filter.getCompression() != BloomFilter.Compression.UNCOMPRESSED) {
          return null;
        }
      }
      return new Bloom(filters);
    }

    private static int[] words(BloomFilter filter) {
      ByteArrayOutputStream bitset = new ByteArrayOutputStream(filter.getBitsetSize());
      try {
        filter.writeTo(bitset);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // in memory
      }
      int[] words = new int[filter.getBitsetSize() / Integer.BYTES];
      ByteBuffer.wrap(bitset.toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(words);
      return words;
    }

    @Override
    public boolean mayHoldAny(Probe probe) {
      long[] hashes = probe.sortedHashes;
      int[] masks = probe.masks();
      for (int[] words : filters) {
        long blocks = words.length / WORDS_PER_BLOCK;
        next:
        for (int h = 0; h < hashes.length; h++) {
          int word = (int) (((hashes[h] >>> 32) * blocks) >>> 32) * WORDS_PER_BLOCK;
          for (int i = 0; i < WORDS_PER_BLOCK; i++) {
            if ((words[word + i] & masks[h * WORDS_PER_BLOCK + i]) == 0) {
              continue next;
            }
          }
          return true;
        }
      }
      return false;
    }

    @Override
    public long bytes() {
      return filters.stream().mapToLong(words -> (long) words.length * Integer.BYTES).sum();
    }
  }

  private static final int WORDS_PER_BLOCK = 8;

  /** The split-block bloom filter's salts, one per word of a block (Parquet's format spec). */
  private static final int[] SALT = {
    0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31
  };

  /** A bucket's ids as files are checked for them. */
  static final class Probe {
    private final long[] sortedHashes;
    private int[] masks;

    /**
     * @param sortedHashes the ids' {@link EventIdHashes#of hashes}, sorted and distinct
     */
    Probe(long[] sortedHashes) {
      this.sortedHashes = sortedHashes;
    }

    /** Per hash, the bit it sets in each word of its bloom filter block; made once per bucket. */
    int[] masks() {
      if (masks == null) {
        masks = new int[sortedHashes.length * WORDS_PER_BLOCK];
        for (int h = 0; h < sortedHashes.length; h++) {
          int key = (int) sortedHashes[h];
          for (int i = 0; i < WORDS_PER_BLOCK; i++) {
            masks[h * WORDS_PER_BLOCK + i] = 1 << ((key * SALT[i]) >>> 27);
          }
        }
      }
      return masks;
    }
  }

  /** What this worker knows of a committed file's ids; null if it has not looked at the file. */
  static synchronized FileIds cached(String file) {
    return BY_FILE.get(file);
  }

  /**
   * Keeps what is known of a committed file's ids (replacing what was known), evicting the least
   * recently used files.
   */
  static synchronized void cache(String file, FileIds ids) {
    if (ids.bytes() > CAPACITY) {
      return;
    }
    FileIds before = BY_FILE.put(file, ids);
    cached += ids.bytes() - (before == null ? 0 : before.bytes());
    Iterator<FileIds> oldest = BY_FILE.values().iterator();
    while (cached > CAPACITY) {
      cached -= oldest.next().bytes();
      oldest.remove();
    }
  }

  /** True when the two sorted arrays share a value. */
  static boolean intersect(long[] a, long[] b) {
    long[] small = a.length <= b.length ? a : b;
    long[] large = small == a ? b : a;
    for (long h : small) {
      if (Arrays.binarySearch(large, h) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** A growing array of longs, without boxing. */
  static final class Longs {
    private long[] values = new long[64];
    private int size;

    void add(long value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    void addAll(long[] more) {
      addAll(more, more.length);
    }

    void addAll(long[] more, int count) {
      if (size + count > values.length) {
        values = Arrays.copyOf(values, Math.max(size + count, size * 2));
      }
      System.arraycopy(more, 0, values, size, count);
      size += count;
    }

    void addAll(Longs more) {
      addAll(more.values, more.size);
    }

    /** Sorted and distinct, without boxing (a {@code LongStream}'s distinct boxes every value). */
    long[] sortedDistinct() {
      long[] sorted = Arrays.copyOf(values, size);
      Arrays.sort(sorted);
      int distinct = 0;
      for (int i = 0; i < sorted.length; i++) {
        if (i == 0 || sorted[i] != sorted[distinct - 1]) {
          sorted[distinct++] = sorted[i];
        }
      }
      return distinct == sorted.length ? sorted : Arrays.copyOf(sorted, distinct);
    }
  }
}
