package com.trending.bench;

import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.gold.GoldTable;
import com.trending.gold.TrendRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * What a streaming Gold refresh costs as the table grows: the same refresh (a few thousand changed
 * rows in the latest hour, as a live 1-hour table sees every few seconds) on a Gold table holding 1
 * day of windows and on one holding 30, for each format. The refresh is {@link GoldTable#merge}, as
 * the streaming job runs it (the rows it wrote last kept in memory); the whole-table rewrite that a
 * refresh cost before Gold was laid out by day ({@link GoldTable#rewrite} of every row) is timed
 * beside it. Run by {@code scripts/bench-gold-refresh.sh}; arguments {@code --movies=5000
 * --changed=2000 --refreshes=20 --days=1,30 --formats=parquet,delta --dir=PATH}.
 */
public final class GoldRefreshBenchmark {
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;

  public static void main(String[] args) throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("movies", "5000");
    defaults.put("changed", "2000");
    defaults.put("refreshes", "20");
    defaults.put("days", "1,30");
    defaults.put("formats", "parquet,delta");
    defaults.put("dir", "target/bench-gold-refresh");
    Map<String, String> a = BenchArgs.parse(defaults, args);
    int movies = Integer.parseInt(a.get("movies"));
    int changed = Integer.parseInt(a.get("changed"));
    int refreshes = Integer.parseInt(a.get("refreshes"));
    Path root = Paths.get(a.get("dir")).toAbsolutePath();
    deleteTree(root);

    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%-8s %5s %10s %8s %16s %16s %18s",
            "format",
            "days",
            "rows",
            "files",
            "refresh median",
            "refresh worst",
            "whole rewrite"));
    for (String format : a.get("formats").split(",")) {
      Map<Integer, Double> medians = new LinkedHashMap<>();
      List<String> sizes = new ArrayList<>(List.of(a.get("days").split(",")));
      sizes.add(0, "warm-up"); // the JIT's first pass, not reported
      for (String d : sizes) {
        boolean warmUp = d.equals("warm-up");
        int days = warmUp ? 2 : Integer.parseInt(d);
        Lakehouse lakehouse =
            Lakehouse.at(root.resolve(format + "-" + days).toString(), StorageFormat.parse(format));
        Table gold = lakehouse.gold(Lakehouse.TRENDING_1H);
        gold.log().create();
        long end = Instant.parse("2026-01-30T23:00:00Z").toEpochMilli();
        long first = end - days * DAY;
        List<TrendRow> rows = table(first, end, movies);
        long start = System.nanoTime();
        GoldTable.rewrite(gold, rows);
        double whole = (System.nanoTime() - start) / 1e6;

        Map<String, Map<Long, TrendRow>> cache = new HashMap<>();
        Random random = new Random(7);
        double[] times = new double[refreshes];
        long views = 1_000;
        for (int r = 0; r < refreshes; r++) {
          List<TrendRow> changes = new ArrayList<>();
          HashSet<Integer> picked = new HashSet<>();
          views++;
          while (changes.size() < changed) {
            int movie = 1 + random.nextInt(movies);
            if (picked.add(movie)) {
              changes.add(new TrendRow(end, movie, views, views / 4));
            }
          }
          start = System.nanoTime();
          GoldTable.merge(gold, changes, cache);
          times[r] = (System.nanoTime() - start) / 1e6;
        }
        int files = gold.log().files().size();
        int readBack = GoldTable.read(gold).size();
        if (readBack != rows.size()) {
          throw new IllegalStateException(
              format + " " + days + " days: " + readBack + " rows read back, " + rows.size());
        }
        if (warmUp) {
          continue;
        }
        Arrays.sort(times);
        double median = times[refreshes / 2];
        medians.put(days, median);
        lines.add(
            String.format(
                Locale.ROOT,
                "%-8s %5d %10d %8d %13.1f ms %13.1f ms %15.1f ms",
                format,
                days,
                rows.size(),
                files,
                median,
                times[refreshes - 1],
                whole));
        System.err.println(lines.get(lines.size() - 1));
      }
      List<Integer> measured = new ArrayList<>(medians.keySet());
      if (measured.size() >= 2) {
        int small = measured.get(0);
        int large = measured.get(measured.size() - 1);
        lines.add(
            String.format(
                Locale.ROOT,
                "%-8s refresh median, %d days / %d day(s): %.2fx",
                format,
                large,
                small,
                medians.get(large) / medians.get(small)));
      }
    }
    System.out.println(
        "Gold refresh cost as the table grows ("
            + movies
            + " movies, every hour; "
            + changed
            + " rows changed per refresh, "
            + refreshes
            + " refreshes; one run):");
    lines.forEach(System.out::println);
  }

  /**
   * A 1-hour Gold table: every movie in every hour from {@code first} to {@code end}, the last hour
   * ending at {@code end} (the one refreshes change).
   */
  private static List<TrendRow> table(long first, long end, int movies) {
    List<TrendRow> rows = new ArrayList<>();
    Random random = new Random(1);
    for (long window = first + HOUR; window <= end; window += HOUR) {
      for (int movie = 1; movie <= movies; movie++) {
        rows.add(new TrendRow(window, movie, 1 + random.nextInt(100), random.nextInt(25)));
      }
    }
    return rows;
  }

  private static void deleteTree(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted((x, y) -> y.compareTo(x)).toList()) {
        Files.delete(p);
      }
    }
  }
}
