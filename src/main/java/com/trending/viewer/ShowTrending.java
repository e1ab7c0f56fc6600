package com.trending.viewer;

import com.trending.common.CommittedFiles;
import com.trending.common.DeadLetterReason;
import com.trending.common.Lakehouse;
import com.trending.common.LakehouseOptions;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.gold.GoldTable;
import com.trending.gold.TrendRow;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints what the lakehouse holds: Silver row counts, dead letters by reason, and the top movies of
 * the latest finished 1-hour and 24-hour windows of the Gold tables.
 *
 * <pre>scripts/show-trending.sh [--lakehousePath=DIR] [--storageFormat=parquet|delta] [--top=10]
 *     [--chart FILE.png] [--current]</pre>
 *
 * <p>It reads what readers see: the files each table's log has committed.
 *
 * <p>With {@code --chart FILE.png} it also draws the trend_score of the top 5 movies of the latest
 * 24-hour window over the last 24 hourly windows of {@code trending_now_1h} (see {@link
 * TrendChart}). With {@code --current} it shows the window that holds the present instant (still
 * filling up, as in {@code scripts/demo.sh --live}) instead of the latest finished one.
 *
 * <p>Exit codes: 0 shown; 1 a committed file cannot be read; 2 bad options or no lakehouse there.
 */
@Command(
    name = "scripts/show-trending.sh",
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Shows the lakehouse: Silver row counts, dead letters by reason, and the top movies of the"
          + " latest finished 1-hour and 24-hour windows of the Gold tables.",
      ""
    })
public final class ShowTrending implements Callable<Integer> {

  @Option(
      names = "--lakehousePath",
      paramLabel = "DIR",
      description = "Lakehouse root folder (default: env LAKEHOUSE_PATH or 'lakehouse').")
  private String lakehousePath = LakehouseOptions.env("LAKEHOUSE_PATH", "lakehouse");

  @Option(
      names = "--storageFormat",
      paramLabel = "parquet|delta",
      description = "Table format (default: env STORAGE_FORMAT or 'parquet').")
  private String format = LakehouseOptions.env("STORAGE_FORMAT", "parquet");

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Movies shown per window (default ${DEFAULT-VALUE}).")
  private int top = 10;

  @Option(
      names = "--chart",
      paramLabel = "FILE.png",
      description =
          "Also draw the trend_score of the top 5 movies of the latest 24-hour window over the"
              + " last 24 hourly windows, as a PNG.")
  private Path chart = null;

  @Option(
      names = "--current",
      description =
          "Show the window that holds the present instant (still filling up) instead of the"
              + " latest finished one.")
  private boolean current = false;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help = false;

  private ShowTrending() {}

  /** Exits with the code of {@link #call}, or 2 after the usage on a bad option (0 on --help). */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The viewer's command line: picocli, an option given twice takes its last value. */
  static CommandLine commandLine() {
    return new CommandLine(new ShowTrending()).setOverwrittenOptionsAllowed(true);
  }

  @Override
  public Integer call() throws IOException {
    Lakehouse lakehouse;
    try {
      lakehouse = Lakehouse.at(lakehousePath, StorageFormat.parse(format));
    } catch (IllegalArgumentException e) {
      System.err.println("show-trending: " + e.getMessage());
      return 2;
    }
    if (!lakehouse.storage().exists(lakehouse.root())) {
      System.err.println(
          "show-trending: no lakehouse at " + lakehouse.root() + " (set LAKEHOUSE_PATH)");
      return 2;
    }
    try {
      show(lakehouse, top, chart, current);
    } catch (IllegalStateException e) {
      // A table whose log names a file that cannot be read (see CommittedFiles): say which, no
      // trace.
      System.err.println("show-trending: " + e.getMessage());
      return 1;
    }
    return 0;
  }

  /**
   * Prints the view of {@code lakehouse} (see the class comment). Fails with an {@link
   * IllegalStateException} naming the file when a table's log names a file that cannot be read.
   */
  public static void show(Lakehouse lakehouse, int top, Path chart, boolean current)
      throws IOException {
    System.out.println("Lakehouse " + lakehouse.root());
    printSilver(lakehouse);
    // The 24-hour table also holds windows that end up to 23 hours after the last event; show the
    // one that ends with the latest finished hour, like the 1-hour table.
    List<TrendRow> hourly = GoldTable.read(lakehouse.gold(Lakehouse.TRENDING_1H));
    List<TrendRow> daily = GoldTable.read(lakehouse.gold(Lakehouse.TRENDING_24H));
    long now = System.currentTimeMillis();
    // The window holding "now" ends within the coming hour.
    long latest = printTrending("trending_now_1h", hourly, top, current ? now + HOUR_MILLIS : now);
    long latestDaily = printTrending("trending_now_24h", daily, top, latest);
    if (chart != null) {
      List<Integer> movies =
          topOf(daily, latestDaily, CHART_MOVIES).stream().map(TrendRow::movieId).toList();
      if (hourly.isEmpty() || movies.isEmpty()) {
        System.out.println();
        System.out.println("  chart: not written, Gold is empty (run scripts/trending-to-gold.sh)");
      } else {
        TrendChart.write(hourly, movies, latest, chart);
        System.out.println();
        System.out.println(
            "  chart: "
                + chart
                + " (trend_score of movies "
                + movies
                + " over the "
                + TrendChart.HOURS
                + " hourly windows up to "
                + Instant.ofEpochMilli(latest)
                + ")");
      }
    }
  }

  private static final int CHART_MOVIES = 5;
  private static final long HOUR_MILLIS = 3_600_000L;

  /** The best {@code n} rows of the window ending at {@code windowEnd}, by score then movie id. */
  private static List<TrendRow> topOf(List<TrendRow> rows, long windowEnd, int n) {
    return rows.stream()
        .filter(r -> r.windowEnd() == windowEnd)
        .sorted(
            Comparator.comparingDouble(TrendRow::trendScore)
                .reversed()
                .thenComparingInt(TrendRow::movieId))
        .limit(n)
        .collect(Collectors.toCollection(ArrayList::new));
  }

  private static void printSilver(Lakehouse lakehouse) throws IOException {
    System.out.println();
    Map<String, Long> reasons = new TreeMap<>();
    for (String topic : Lakehouse.TOPICS) {
      Table silver = lakehouse.silver(topic);
      List<String> files = silver.log().files();
      CommittedFiles.Reader reader = CommittedFiles.reader(lakehouse.storage());
      long rows = 0;
      for (String file : files) {
        rows += reader.rowCount(file, silver.toString());
      }
      long dates =
          files.stream()
              .map(f -> CommittedFiles.hadoopPath(f).getParent().getName())
              .distinct()
              .count();
      System.out.printf("  silver/%-15s %,12d rows over %d event_date(s)%n", topic, rows, dates);
      Table deadLetters = lakehouse.deadLetters(topic);
      for (String file : deadLetters.log().files()) {
        for (String reason : column(file, deadLetters, "error_reason")) {
          reasons.merge(reason, 1L, Long::sum);
        }
      }
    }
    long total = reasons.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("  dead letters %,d:", total);
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      System.out.printf(" %s=%d", reason.code(), reasons.getOrDefault(reason.code(), 0L));
    }
    System.out.println();
  }

  /**
   * Prints the top rows of the latest window ending at or before {@code notAfter}; returns its end.
   */
  private static long printTrending(String name, List<TrendRow> rows, int top, long notAfter) {
    System.out.println();
    if (rows.isEmpty()) {
      System.out.println("  " + name + ": empty (run scripts/trending-to-gold.sh)");
      return notAfter;
    }
    long latest =
        rows.stream()
            .mapToLong(TrendRow::windowEnd)
            .filter(end -> end <= notAfter)
            .max()
            .orElse(rows.stream().mapToLong(TrendRow::windowEnd).max().getAsLong());
    List<TrendRow> window = topOf(rows, latest, top);
    System.out.printf(
        "  %s: window ending %s%s (%,d rows in %d windows)%n",
        name,
        Instant.ofEpochMilli(latest),
        latest > System.currentTimeMillis() ? ", in progress" : "",
        rows.size(),
        rows.stream().mapToLong(TrendRow::windowEnd).distinct().count());
    System.out.printf(
        "  %5s %10s %10s %10s %12s%n", "rank", "movie_id", "views", "clicks", "trend_score");
    int rank = 0;
    for (TrendRow row : window) {
      System.out.printf(
          "  %5d %10d %10d %10d %12.1f%n",
          ++rank, row.movieId(), row.views(), row.clicks(), row.trendScore());
    }
    return latest;
  }

  private static List<String> column(String file, Table table, String name) {
    Schema projection =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\""
                    + name
                    + "\",\"type\":\"string\"}]}");
    List<String> values = new ArrayList<>();
    CommittedFiles.reader(table.storage(), projection)
        .forEachRecord(file, table.toString(), r -> values.add(r.get(name).toString()));
    return values;
  }
}
