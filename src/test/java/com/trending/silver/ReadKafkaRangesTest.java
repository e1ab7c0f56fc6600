package com.trending.silver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.trending.silver.ReadKafkaRanges.Range;
import com.trending.silver.ReadKafkaRanges.RangeSource;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;

/** How a batch's offset ranges become the read's splits. */
public class ReadKafkaRangesTest {
  private static final long PIECE = ReadKafkaRanges.OFFSETS_PER_SPLIT;

  private static List<RangeSource> split(List<Range> ranges) {
    return new RangeSource(null, ranges).split(1, PipelineOptionsFactory.create());
  }

  private static List<Range> piecesOf(List<RangeSource> splits) {
    List<Range> pieces = new ArrayList<>();
    splits.forEach(s -> pieces.addAll(s.ranges()));
    return pieces;
  }

  @Test
  public void aLiveBatchOverManyPartitionsIsOneSplit() {
    List<Range> ranges = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      ranges.add(new Range("events_views", p, 1000, 1300));
      ranges.add(new Range("events_clicks", p, 40, 120));
      ranges.add(new Range("events_ratings", p, 7, 9));
    }
    List<RangeSource> splits = split(ranges);
    assertEquals(1, splits.size());
    assertEquals(ranges, splits.get(0).ranges());
  }

  @Test
  public void largeRangesAreCutAndTheRestPackedWithoutGapOrOverlap() {
    List<Range> ranges =
        List.of(
            new Range("events_views", 0, 10, 10 + 2 * PIECE + 5),
            new Range("events_views", 1, 0, PIECE / 2),
            new Range("events_clicks", 0, 500, 520));
    List<RangeSource> splits = split(ranges);
    for (RangeSource s : splits) {
      long size = s.ranges().stream().mapToLong(Range::size).sum();
      assertTrue("a split of " + size + " offsets", size > 0 && size <= PIECE);
    }
    // Same partitions, same offsets, in order: every offset of every range exactly once.
    List<Range> pieces = piecesOf(splits);
    assertEquals(
        List.of(
            new Range("events_views", 0, 10, 10 + PIECE),
            new Range("events_views", 0, 10 + PIECE, 10 + 2 * PIECE),
            new Range("events_views", 0, 10 + 2 * PIECE, 10 + 2 * PIECE + 5),
            new Range("events_views", 1, 0, PIECE / 2),
            new Range("events_clicks", 0, 500, 520)),
        pieces);
    // Two whole pieces, then the 5-offset tail packed with the two small ranges.
    assertEquals(3, splits.size());
    assertEquals(3, splits.get(2).ranges().size());
  }
}
