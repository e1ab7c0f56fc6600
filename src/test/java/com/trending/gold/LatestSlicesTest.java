package com.trending.gold;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.Test;

public class LatestSlicesTest {
  private static final long HOUR = 3_600_000L;
  private static final long T = 1_765_976_400_000L; // 2025-12-17T13:00Z

  @Test
  public void keepsTheLatestVersionOfEachSliceAndSaysWhichMoviesChanged() {
    LatestSlices slices = LatestSlices.decode(null);
    assertEquals(
        Set.of(7, 8),
        slices.update(
            List.of(
                new TrendRow(T + HOUR, 7, 3, 1),
                new TrendRow(T + HOUR, 8, 1, 0),
                new TrendRow(T, 7, 2, 2),
                new TrendRow(T + HOUR, 7, 2, 4)))); // same slice twice: per-field maximum
    assertEquals(
        List.of(
            new TrendRow(T, 7, 2, 2),
            new TrendRow(T + HOUR, 7, 3, 4),
            new TrendRow(T + HOUR, 8, 1, 0)),
        slices.rows());

    // A repeated pane changes nothing; an older version changes nothing.
    assertTrue(slices.update(List.of(new TrendRow(T + HOUR, 8, 1, 0))).isEmpty());
    assertTrue(slices.update(List.of(new TrendRow(T, 7, 1, 1))).isEmpty());
    // A grown count changes its movie only; a new movie lands in key order.
    assertEquals(
        Set.of(8, -5),
        slices.update(List.of(new TrendRow(T + HOUR, 8, 1, 3), new TrendRow(T, -5, 9, 0))));
    assertEquals(
        List.of(
            new TrendRow(T, 7, 2, 2),
            new TrendRow(T, -5, 9, 0), // movie ids sort as unsigned within a slice
            new TrendRow(T + HOUR, 7, 3, 4),
            new TrendRow(T + HOUR, 8, 1, 3)),
        slices.rows());
  }

  @Test
  public void sumsAMoviesSlices() {
    LatestSlices slices = LatestSlices.decode(null);
    slices.update(
        List.of(
            new TrendRow(T, 7, 2, 2),
            new TrendRow(T + HOUR, 7, 3, 4),
            new TrendRow(T + HOUR, 8, 1, 0)));
    assertEquals(List.of(new TrendRow(0L, 7, 5, 6)), slices.sums(Set.of(7)));
    assertEquals(List.of(), slices.sums(Set.of(9)));
  }

  @Test
  public void survivesEncoding() {
    LatestSlices slices = LatestSlices.decode(null);
    assertArrayEquals(
        slices.rows().toArray(), LatestSlices.decode(slices.encode()).rows().toArray());
    slices.update(
        List.of(
            new TrendRow(T, 7, 2, 2),
            new TrendRow(-HOUR, Integer.MAX_VALUE, Long.MAX_VALUE, 0), // before 1970
            new TrendRow(T + HOUR, 8, 1, 0)));
    LatestSlices copy = LatestSlices.decode(slices.encode());
    assertEquals(slices.rows(), copy.rows());
    assertEquals(3, copy.size());
    // The copy goes on as the original would.
    assertEquals(Set.of(8), copy.update(List.of(new TrendRow(T + HOUR, 8, 2, 0))));
  }
}
