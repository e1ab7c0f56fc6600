package com.trending.viewer;

import com.trending.gold.TrendRow;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the trend_score of a few movies over the last hourly windows of {@code trending_now_1h},
 * one line per movie, into a PNG (XChart, headless: no display needed).
 */
public final class TrendChart {
  public static final int HOURS = 24;
  private static final long HOUR = Duration.ofHours(1).toMillis();
  private static final DateTimeFormatter TITLE_TIME =
      DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private TrendChart() {}

  /**
   * Writes the chart of {@code movies} (in legend order) over the {@link #HOURS} hourly windows
   * that end at {@code lastWindowEnd}. A movie without a row in a window scored 0 there.
   */
  public static void write(
      Collection<TrendRow> hourlyRows, List<Integer> movies, long lastWindowEnd, Path png)
      throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    Map<Long, Map<Integer, Double>> scores = new HashMap<>();
    for (TrendRow row : hourlyRows) {
      scores
          .computeIfAbsent(row.windowEnd(), k -> new HashMap<>())
          .put(row.movieId(), row.trendScore());
    }
    XYChart chart =
        new XYChartBuilder()
            .width(1000)
            .height(560)
            .title(
                "trend_score per hour (trending_now_1h), top "
                    + movies.size()
                    + " movies, "
                    + HOURS
                    + " h up to "
                    + TITLE_TIME.format(Instant.ofEpochMilli(lastWindowEnd)))
            .xAxisTitle("window end (UTC)")
            .yAxisTitle("trend_score = views + 2 × clicks")
            .build();
    chart.getStyler().setTimezone(TimeZone.getTimeZone("UTC"));
    chart.getStyler().setDatePattern("dd MMM HH:mm");
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(5);
    chart.getStyler().setXAxisLabelRotation(45);
    chart.getStyler().setYAxisMin(0.0);
    for (int movie : movies) {
      List<Date> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int i = HOURS - 1; i >= 0; i--) {
        long end = lastWindowEnd - i * HOUR;
        x.add(new Date(end));
        y.add(scores.getOrDefault(end, Map.of()).getOrDefault(movie, 0.0));
      }
      chart.addSeries("movie " + movie, x, y).setMarker(SeriesMarkers.CIRCLE);
    }
    if (png.getParent() != null) {
      Files.createDirectories(png.getParent());
    }
    try (OutputStream out = Files.newOutputStream(png)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
    }
  }
}
