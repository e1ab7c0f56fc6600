package com.trending.silver;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * 64-bit hashes of event ids, and the hashes of each committed Silver file's ids kept in memory
 * between batches, so that deduplication reads a committed file once per worker, not once per
 * batch.
 *
 * <p>Why it matters: a streaming ingestion commits a file per table every batch (every couple of
 * seconds), all into today's {@code event_date} partition. Deduplication checks a batch against
 * that partition; reading every file of it each batch costs the day's events, over and over (a day
 * of 2-second batches is 43,200 files). With the hashes cached, a batch's check costs a lookup per
 * cached id, and a file is read again only when it holds one of the batch's hashes (a real copy, or
 * a one-in-2^64 collision), to get the exact ids.
 *
 * <p>Committed files never change (a batch's files are named after its run, and a rolled-back run's
 * files are deleted, not reused), so a file's entry never goes stale. The cache holds at most an
 * eighth of the heap (8 bytes per id) and forgets the least recently used files first.
 */
final class EventIdHashes {
  private EventIdHashes() {}

  /** Ids an eighth of the heap holds. */
  private static final long CAPACITY = Runtime.getRuntime().maxMemory() / 8 / Long.BYTES;

  private static final Map<String, long[]> BY_FILE = new LinkedHashMap<>(1024, 0.75f, true);
  private static long cached; // ids held in BY_FILE

  /** The 64-bit hash of an event id (FNV-1a over its UTF-8 bytes, then a murmur3 finalizer). */
  static long of(String eventId) {
    long h = 0xcbf29ce484222325L;
    for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb3fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  /** The sorted id hashes of a committed file, if this worker has read it; null otherwise. */
  static synchronized long[] cached(String file) {
    return BY_FILE.get(file);
  }

  /** Keeps the sorted id hashes of a committed file, evicting the least recently used files. */
  static synchronized void cache(String file, long[] sortedHashes) {
    if (sortedHashes.length > CAPACITY || BY_FILE.containsKey(file)) {
      return;
    }
    BY_FILE.put(file, sortedHashes);
    cached += sortedHashes.length;
    Iterator<long[]> oldest = BY_FILE.values().iterator();
    while (cached > CAPACITY) {
      cached -= oldest.next().length;
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
