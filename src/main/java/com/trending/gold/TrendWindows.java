package com.trending.gold;

import java.io.Serializable;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Duration;

/**
 * The event-time windows of the two Gold tables: each table's size and allowed lateness, and the
 * slide, which is both the 24-hour table's period and the size of the slices both tables are summed
 * from (see {@link ComputeTrending}). Built once from the options ({@link #of}); the contract's
 * windows are the options' defaults ({@link #contract}), written only there.
 *
 * @param shortTable the window of {@code trending_now_1h} (fixed windows)
 * @param longTable the window of {@code trending_now_24h} (sliding windows, every {@code slide})
 * @param slide the period of the long windows; both sizes are multiples of it
 */
public record TrendWindows(TableWindow shortTable, TableWindow longTable, Duration slide)
    implements Serializable {

  /** One Gold table's window size and allowed lateness. */
  public record TableWindow(Duration size, Duration allowedLateness) implements Serializable {

    /**
     * How long after an event a window of this table still takes it: the last window containing an
     * event ends at most one size after it, and takes data until its lateness has passed.
     */
    public Duration horizon() {
      return size.plus(allowedLateness);
    }
  }

  public TrendWindows {
    if (shortTable.size().getMillis() % slide.getMillis() != 0
        || longTable.size().getMillis() % slide.getMillis() != 0) {
      throw new IllegalArgumentException(
          "Window sizes ("
              + shortTable.size()
              + ", "
              + longTable.size()
              + ") must be multiples of the slide "
              + slide);
    }
  }

  /** The windows the options set. */
  public static TrendWindows of(TrendingToGoldOptions options) {
    return new TrendWindows(
        new TableWindow(
            Duration.standardMinutes(options.getShortWindowMinutes()),
            Duration.standardMinutes(options.getShortAllowedLatenessMinutes())),
        new TableWindow(
            Duration.standardMinutes(options.getLongWindowMinutes()),
            Duration.standardMinutes(options.getLongAllowedLatenessMinutes())),
        Duration.standardMinutes(options.getSlideMinutes()));
  }

  /**
   * The data contract's windows, which are the defaults of {@link TrendingToGoldOptions}: 1 h
   * fixed, 24 h sliding every 1 h, lateness 2 h and 26 h.
   */
  public static TrendWindows contract() {
    return of(PipelineOptionsFactory.as(TrendingToGoldOptions.class));
  }
}
