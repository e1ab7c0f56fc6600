package com.trending.generator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Who watches what, and when: Zipf popularity over the catalogue, a few "breakout" movies whose
 * share of traffic jumps for some hours, and a daily rhythm (peak at 20:00 UTC, trough at 08:00).
 *
 * <p>In backfill the event time of message {@code i} of {@code n} comes from the inverse of the
 * cumulative traffic intensity over the backfill span, so event time grows with {@code i} and
 * evening hours get more messages. Deterministic for a given random source.
 */
final class TrafficModel {

  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;

  /** A movie whose share of all traffic rises sharply, holds, then fades. */
  static final class Breakout {
    final int movieId;
    final long startMillis;
    final long endMillis;
    final double peakShare;

    Breakout(int movieId, long startMillis, long endMillis, double peakShare) {
      this.movieId = movieId;
      this.startMillis = startMillis;
      this.endMillis = endMillis;
      this.peakShare = peakShare;
    }

    /** Rises linearly over the first 15% of its span, then fades to 30% of the peak. */
    double share(long t) {
      if (t < startMillis || t >= endMillis) {
        return 0;
      }
      double x = (double) (t - startMillis) / (endMillis - startMillis);
      return x < 0.15 ? peakShare * x / 0.15 : peakShare * (1 - 0.7 * (x - 0.15) / 0.85);
    }

    @Override
    public String toString() {
      return "movie "
          + movieId
          + " "
          + Instant.ofEpochMilli(startMillis)
          + " .. "
          + Instant.ofEpochMilli(endMillis)
          + " peak "
          + peakShare;
    }
  }

  private final int[] movieByRank;
  private final double[] zipfCdf;
  private final List<Breakout> breakouts = new ArrayList<>();
  private final long spanStart;
  private final long spanEnd;
  private final double[] intensityCdf; // per minute of the span, for backfill

  /**
   * @param spanStart first event time (backfill: now - hours; live: now)
   * @param spanEnd end of the span the breakouts are placed in (backfill: now; live: now + hours)
   * @param anchor a breakout is at its peak around this instant (the backfill's end / live start)
   */
  TrafficModel(
      GeneratorOptions o, SplittableRandom random, long spanStart, long spanEnd, long anchor) {
    this.spanStart = spanStart;
    this.spanEnd = spanEnd;

    movieByRank = new int[o.movies];
    for (int i = 0; i < o.movies; i++) {
      movieByRank[i] = i + 1;
    }
    for (int i = o.movies - 1; i > 0; i--) { // movie ids in a random order of popularity
      int j = random.nextInt(i + 1);
      int t = movieByRank[i];
      movieByRank[i] = movieByRank[j];
      movieByRank[j] = t;
    }
    zipfCdf = new double[o.movies];
    double sum = 0;
    for (int r = 0; r < o.movies; r++) {
      sum += 1.0 / Math.pow(r + 1, o.zipfExponent);
      zipfCdf[r] = sum;
    }
    for (int r = 0; r < o.movies; r++) {
      zipfCdf[r] /= sum;
    }

    // Breakouts come from the catalogue's middle (ranks 50..1000), not from the top.
    int lo = Math.min(50, o.movies - 1);
    int hi = Math.min(1000, o.movies);
    List<Integer> taken = new ArrayList<>();
    for (int b = 0; b < o.breakouts && taken.size() < hi - lo; b++) {
      int rank;
      do {
        rank = lo + random.nextInt(Math.max(1, hi - lo));
      } while (taken.contains(rank));
      taken.add(rank);
      long duration = (long) ((4 + 6 * random.nextDouble()) * HOUR);
      long start;
      if (b == 0) {
        start = anchor - (long) (0.3 * duration); // at its peak around the anchor
      } else {
        long latest = Math.max(spanStart + 1, spanEnd - duration / 2);
        start = spanStart + (long) (random.nextDouble() * (latest - spanStart));
      }
      double peak = o.breakoutShare * (0.6 + 0.8 * random.nextDouble());
      breakouts.add(new Breakout(movieByRank[rank], start, start + duration, peak));
    }

    int minutes = (int) Math.max(1, (spanEnd - spanStart) / MINUTE);
    intensityCdf = new double[minutes];
    double acc = 0;
    for (int m = 0; m < minutes; m++) {
      acc += rhythm(spanStart + m * MINUTE + MINUTE / 2);
      intensityCdf[m] = acc;
    }
    for (int m = 0; m < minutes; m++) {
      intensityCdf[m] /= acc;
    }
  }

  /** Relative traffic at {@code t}: 1.75 at 20:00 UTC, 0.25 at 08:00 UTC. */
  static double rhythm(long t) {
    double hourOfDay = Math.floorMod(t, 24 * HOUR) / (double) HOUR;
    return 1 + 0.75 * Math.cos(2 * Math.PI * (hourOfDay - 20) / 24);
  }

  /** Backfill: the event time of message {@code index} of {@code total}. */
  long backfillTime(long index, long total, SplittableRandom random) {
    double u = (index + random.nextDouble()) / Math.max(1, total);
    int m = Arrays.binarySearch(intensityCdf, u);
    if (m < 0) {
      m = -m - 1;
    }
    m = Math.min(m, intensityCdf.length - 1);
    long t = spanStart + m * MINUTE + (long) (random.nextDouble() * MINUTE);
    return Math.min(t, spanEnd - 1);
  }

  /** A movie for an event at {@code t}: a breakout movie with its current share, else Zipf. */
  int movie(long t, SplittableRandom random) {
    double u = random.nextDouble();
    double acc = 0;
    for (Breakout b : breakouts) {
      acc += b.share(t);
      if (u < acc) {
        return b.movieId;
      }
    }
    int r = Arrays.binarySearch(zipfCdf, random.nextDouble());
    if (r < 0) {
      r = -r - 1;
    }
    return movieByRank[Math.min(r, movieByRank.length - 1)];
  }

  List<Breakout> breakouts() {
    return breakouts;
  }

  /** The movie at popularity rank {@code rank} (0 = most popular). */
  int movieAtRank(int rank) {
    return movieByRank[rank];
  }
}
