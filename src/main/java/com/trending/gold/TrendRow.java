package com.trending.gold;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.time.Instant;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Counts of one movie in one window: {@code windowEnd} (epoch millis, exclusive), views and clicks.
 * The same shape serves as an hourly slice and as a Gold row before ranking.
 */
public record TrendRow(long windowEnd, int movieId, long views, long clicks)
    implements Serializable {
  public static final double VIEW_WEIGHT = 1.0;
  public static final double CLICK_WEIGHT = 2.0;

  /** {@code views × 1.0 + clicks × 2.0}, as the contract defines it. */
  public double trendScore() {
    return views * VIEW_WEIGHT + clicks * CLICK_WEIGHT;
  }

  /** The (window, movie) identity packed in one long: window end in seconds, then the movie id. */
  public long key() {
    return key(windowEnd, movieId);
  }

  public static long key(long windowEndMillis, int movieId) {
    return ((windowEndMillis / 1000L) << 32) | (movieId & 0xffffffffL);
  }

  /**
   * The later of two versions of one row. Counts only grow between panes of an accumulating window,
   * so the per-field maximum is the latest value whatever order or how many times (the Spark runner
   * repeats panes) the versions arrive.
   */
  public TrendRow latest(TrendRow other) {
    if (other == null) {
      return this;
    }
    return new TrendRow(
        windowEnd, movieId, Math.max(views, other.views), Math.max(clicks, other.clicks));
  }

  /** This row's counts plus {@code other}'s (another slice of the same movie). */
  public TrendRow plus(TrendRow other) {
    return new TrendRow(windowEnd, movieId, views + other.views, clicks + other.clicks);
  }

  public TrendRow withWindowEnd(long end) {
    return new TrendRow(end, movieId, views, clicks);
  }

  @Override
  public String toString() {
    return "TrendRow{"
        + Instant.ofEpochMilli(windowEnd)
        + ", movie="
        + movieId
        + ", views="
        + views
        + ", clicks="
        + clicks
        + "}";
  }

  /** Compact deterministic coder. */
  public static final class TrendRowCoder extends AtomicCoder<TrendRow> {
    private static final TrendRowCoder INSTANCE = new TrendRowCoder();

    public static TrendRowCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(TrendRow row, OutputStream out) throws IOException {
      VarLongCoder.of().encode(row.windowEnd, out);
      VarIntCoder.of().encode(row.movieId, out);
      VarLongCoder.of().encode(row.views, out);
      VarLongCoder.of().encode(row.clicks, out);
    }

    @Override
    public TrendRow decode(InputStream in) throws IOException {
      return new TrendRow(
          VarLongCoder.of().decode(in),
          VarIntCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
