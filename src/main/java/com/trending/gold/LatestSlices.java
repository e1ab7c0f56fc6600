package com.trending.gold;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one (shard, window) of the streaming roll-up: the latest version of each (slice,
 * movie) row, packed in sorted primitive arrays and stored as one byte array.
 *
 * <p>Runners keep state as bytes (the Spark runner decodes and encodes a value on every read and
 * write), and a window's state is read and written once per block that reaches it. As a map of rows
 * through Beam coders this was 40% of the Spark Gold job's task time; packed, reading it is one
 * pass over a byte array and updating a row a binary search.
 */
final class LatestSlices {
  private static final int LONGS_PER_ROW = 4; // key, window end, views, clicks

  private long[] keys; // TrendRow.key(): slice end in seconds, then the movie id; ascending
  private long[] ends;
  private long[] views;
  private long[] clicks;
  private int size;

  private LatestSlices(int capacity) {
    keys = new long[capacity];
    ends = new long[capacity];
    views = new long[capacity];
    clicks = new long[capacity];
  }

  /** The rows held in {@code bytes} (from {@link #encode}); none for null. */
  static LatestSlices decode(byte[] bytes) {
    if (bytes == null) {
      return new LatestSlices(0);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int n = in.getInt();
    LatestSlices slices = new LatestSlices(n);
    for (int i = 0; i < n; i++) {
      slices.keys[i] = in.getLong();
      slices.ends[i] = in.getLong();
      slices.views[i] = in.getLong();
      slices.clicks[i] = in.getLong();
    }
    slices.size = n;
    return slices;
  }

  byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(Integer.BYTES + size * LONGS_PER_ROW * Long.BYTES);
    out.putInt(size);
    for (int i = 0; i < size; i++) {
      out.putLong(keys[i]).putLong(ends[i]).putLong(views[i]).putLong(clicks[i]);
    }
    return out.array();
  }

  int size() {
    return size;
  }

  /**
   * Keeps the later version of each row ({@link TrendRow#latest}: the per-field maximum); returns
   * the movies whose rows changed (empty for a repeated pane).
   */
  Set<Integer> update(List<TrendRow> rows) {
    Set<Integer> changed = new HashSet<>();
    Map<Long, TrendRow> added = new HashMap<>();
    for (TrendRow row : rows) {
      long key = row.key();
      int i = Arrays.binarySearch(keys, 0, size, key);
      if (i >= 0) {
        if (row.views() > views[i] || row.clicks() > clicks[i]) {
          views[i] = Math.max(views[i], row.views());
          clicks[i] = Math.max(clicks[i], row.clicks());
          changed.add(row.movieId());
        }
      } else {
        added.merge(key, row, TrendRow::latest);
        changed.add(row.movieId());
      }
    }
    if (!added.isEmpty()) {
      insert(added);
    }
    return changed;
  }

  /** Merges the new rows into the sorted arrays. */
  private void insert(Map<Long, TrendRow> added) {
    long[] newKeys = added.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    int total = size + newKeys.length;
    long[] k = new long[total];
    long[] e = new long[total];
    long[] v = new long[total];
    long[] c = new long[total];
    int i = 0;
    int j = 0;
    for (int out = 0; out < total; out++) {
      if (j >= newKeys.length || (i < size && keys[i] < newKeys[j])) {
        k[out] = keys[i];
        e[out] = ends[i];
        v[out] = views[i];
        c[out] = clicks[i];
        i++;
      } else {
        TrendRow row = added.get(newKeys[j]);
        k[out] = newKeys[j];
        e[out] = row.windowEnd();
        v[out] = row.views();
        c[out] = row.clicks();
        j++;
      }
    }
    keys = k;
    ends = e;
    views = v;
    clicks = c;
    size = total;
  }

  /** The window's sum over its slices of each of {@code movies} (window end 0: stamped later). */
  List<TrendRow> sums(Set<Integer> movies) {
    Map<Integer, long[]> sums = new HashMap<>();
    for (int i = 0; i < size; i++) {
      int movie = (int) keys[i];
      if (movies.contains(movie)) {
        long[] sum = sums.computeIfAbsent(movie, m -> new long[2]);
        sum[0] += views[i];
        sum[1] += clicks[i];
      }
    }
    List<TrendRow> rows = new ArrayList<>(sums.size());
    sums.forEach((movie, sum) -> rows.add(new TrendRow(0L, movie, sum[0], sum[1])));
    return rows;
  }

  /** Every row, in key order (for tests). */
  List<TrendRow> rows() {
    List<TrendRow> rows = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      rows.add(new TrendRow(ends[i], (int) keys[i], views[i], clicks[i]));
    }
    return rows;
  }
}
