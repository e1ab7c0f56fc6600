package com.trending.viewer;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import com.trending.gold.TrendRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TrendChartTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void writesAPngOfTheGivenMovies() throws Exception {
    long hour = 3_600_000L;
    long last = 1_764_410_400_000L; // a whole hour
    List<TrendRow> rows =
        List.of(
            new TrendRow(last - 2 * hour, 7, 10, 2),
            new TrendRow(last - hour, 7, 30, 5),
            new TrendRow(last, 7, 50, 9),
            new TrendRow(last - hour, 42, 12, 1),
            new TrendRow(last, 42, 8, 0),
            new TrendRow(last - 30 * hour, 42, 99, 9)); // before the 24 windows: not drawn
    Path png = tmp.getRoot().toPath().resolve("charts/trending.png");

    TrendChart.write(rows, List.of(7, 42), last, png);

    byte[] bytes = Files.readAllBytes(png);
    assertTrue("a real image, not just a header: " + bytes.length, bytes.length > 1000);
    assertArrayEquals(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8));
  }
}
