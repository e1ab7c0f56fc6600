package com.trending.gold;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Plain-Java model of both Gold tables, without Beam and without slices: every event is added to
 * every window that contains it. The pipeline must produce exactly these rows.
 */
public final class ReferenceModel {
  static final long HOUR = 3_600_000L;

  /** One Silver event as the trending computation sees it. */
  public static final class Event {
    final int movieId;
    final long ts;

    public Event(int movieId, long ts) {
      this.movieId = movieId;
      this.ts = ts;
    }
  }

  private ReferenceModel() {}

  /** Rows of a table of windows of {@code size} starting every {@code slide} (fixed if equal). */
  static List<TrendRow> table(
      Collection<Event> views, Collection<Event> clicks, long size, long slide) {
    Map<Long, long[]> counts = new HashMap<>();
    Map<Long, long[]> keys = new HashMap<>();
    add(views, 0, size, slide, counts, keys);
    add(clicks, 1, size, slide, counts, keys);
    List<TrendRow> rows = new ArrayList<>();
    for (Map.Entry<Long, long[]> e : counts.entrySet()) {
      long[] k = keys.get(e.getKey());
      rows.add(new TrendRow(k[0], (int) k[1], e.getValue()[0], e.getValue()[1]));
    }
    return rows;
  }

  public static List<TrendRow> oneHour(Collection<Event> views, Collection<Event> clicks) {
    return table(views, clicks, HOUR, HOUR);
  }

  public static List<TrendRow> twentyFourHours(Collection<Event> views, Collection<Event> clicks) {
    return table(views, clicks, 24 * HOUR, HOUR);
  }

  private static void add(
      Collection<Event> events,
      int side,
      long size,
      long slide,
      Map<Long, long[]> counts,
      Map<Long, long[]> keys) {
    for (Event e : events) {
      long lastStart = Math.floorDiv(e.ts, slide) * slide;
      for (long start = lastStart; start > e.ts - size; start -= slide) {
        long end = start + size;
        long key = TrendRow.key(end, e.movieId);
        counts.computeIfAbsent(key, k -> new long[2])[side]++;
        keys.putIfAbsent(key, new long[] {end, e.movieId});
      }
    }
  }

  /** Events over {@code hours} hours from {@code start}, movie popularity Zipf-like. */
  static List<Event> randomEvents(Random random, int n, int movies, long start, int hours) {
    double[] cdf = zipfCdf(movies, 1.1);
    List<Event> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(
          new Event(zipf(random, cdf) + 1, start + (long) (random.nextDouble() * hours * HOUR)));
    }
    return events;
  }

  static double[] zipfCdf(int n, double s) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1.0 / Math.pow(i + 1, s);
      cdf[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      cdf[i] /= sum;
    }
    return cdf;
  }

  static int zipf(Random random, double[] cdf) {
    int i = Arrays.binarySearch(cdf, random.nextDouble());
    return Math.min(i < 0 ? -i - 1 : i, cdf.length - 1);
  }
}
