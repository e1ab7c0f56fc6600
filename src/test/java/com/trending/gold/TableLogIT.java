package com.trending.gold;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.gold.ReferenceModel.Event;
import com.trending.testing.SparkSql;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The two table logs read back by the readers users have: Spark SQL's Parquet reader (which honours
 * {@code _spark_metadata}) and delta-spark.
 */
public class TableLogIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final long DAY = 24 * ReferenceModel.HOUR;

  /**
   * 25 commits (two compactions) and a file no commit names: Spark SQL reads exactly the committed
   * rows, with event_date from the folders; a repeated commit is refused; the log stays short.
   */
  @Test
  public void sparkReadsExactlyWhatTheParquetLogCommits() throws Exception {
    Lakehouse lakehouse = Lakehouse.at(tmp.newFolder("parquet").toString(), StorageFormat.PARQUET);
    Table table = lakehouse.silver(Lakehouse.VIEWS);
    for (int i = 0; i < 25; i++) {
      SilverFiles.write(table, events(3, ComputeTrendingTest.START + i * DAY / 10), "c" + i, 100);
    }
    Path uncommitted =
        Files.createDirectories(table.path().resolve("event_date=2030-01-01"))
            .resolve("part-uncommitted.parquet");
    Files.copy(Path.of(URI.create(table.log().files().get(0))), uncommitted);

    assertEquals(75, SparkSql.read(table).count());
    assertEquals(0, SparkSql.read(table).where("event_date = DATE'2030-01-01'").count());
    assertEquals(
        SparkSql.read(table).select("event_date").distinct().count(),
        SparkSql.read(table)
            .where("to_date(event_ts) = event_date")
            .select("event_date")
            .distinct()
            .count());

    List<String> committed = table.log().files();
    assertEquals(25, committed.size());
    assertFalse(
        "a commit is applied once", table.log().append("again", 1, List.of(committed.get(3))));
    assertEquals(75, SparkSql.read(table).count());
    try (Stream<Path> log = Files.list(table.path().resolve("_spark_metadata"))) {
      List<String> names = log.map(p -> p.getFileName().toString()).sorted().toList();
      assertTrue(names.toString(), names.contains("19.compact") && names.contains("24"));
      assertFalse(
          "batches before the previous compaction are gone: " + names,
          names.contains("5") || names.contains("9.compact"));
    }
  }

  /**
   * Delta: a transaction id commits once; delta-spark sees the rows once, with their partitions.
   */
  @Test
  public void deltaTransactionIdCommitsABatchOnce() throws Exception {
    Lakehouse lakehouse = Lakehouse.at(tmp.newFolder("delta-txn").toString(), StorageFormat.DELTA);
    Table table = lakehouse.silver(Lakehouse.CLICKS);
    SilverFiles.write(table, events(10, ComputeTrendingTest.START), "first", 100);
    List<String> files = table.log().files();
    // The same files, again under the same and an older transaction version of one app id.
    assertTrue(table.log().append("kafka-to-silver/g", 7, List.of()));
    Table copy = lakehouse.silver(Lakehouse.CLICKS);
    assertTrue(copy.log().append("kafka-to-silver/g", 7, List.of(files.get(0))));
    assertFalse(copy.log().append("kafka-to-silver/g", 7, List.of(files.get(0))));
    assertFalse(copy.log().append("kafka-to-silver/g", 6, List.of(files.get(0))));
    assertEquals("a path is in the table once", 10, SparkSql.read(table).count());
    Row detail = SparkSql.session().sql("DESCRIBE DETAIL delta.`" + table.dir() + "`").first();
    assertEquals(List.of("event_date"), detail.getList(detail.fieldIndex("partitionColumns")));
  }

  /**
   * 200 small commits: Kernel writes a checkpoint every 10, so a reader of the latest version needs
   * the checkpoint and the commits after it only. Proved by hiding every older commit file:
   * delta-spark still reads every row. Prints how long loading the log takes at the first and the
   * 200th version, for delta-spark (the files of the snapshot) and Kernel (figures, not
   * assertions).
   */
  @Test
  public void deltaLogOf200CommitsReadsThroughItsCheckpoint() throws Exception {
    Lakehouse lakehouse = Lakehouse.at(tmp.newFolder("delta-200").toString(), StorageFormat.DELTA);
    Table table = lakehouse.silver(Lakehouse.VIEWS);
    SilverFiles.write(table, events(1, ComputeTrendingTest.START), "c0", 10);
    long[] first = timeLoad(table, 1);
    for (int i = 1; i < 200; i++) {
      SilverFiles.write(table, events(1, ComputeTrendingTest.START + i * 60_000L), "c" + i, 10);
    }
    long[] last = timeLoad(table, 200);
    System.out.printf(
        "Delta log load, version 0 vs version 199: delta-spark %d ms vs %d ms (%.2fx),"
            + " Kernel %d ms vs %d ms (%.2fx)%n",
        first[0],
        last[0],
        (double) last[0] / first[0],
        first[1],
        last[1],
        (double) last[1] / first[1]);

    Path log = table.path().resolve("_delta_log");
    long checkpoint =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(log.resolve("_last_checkpoint").toFile())
            .get("version")
            .asLong();
    assertEquals("a checkpoint every 10 versions", 190, checkpoint);
    Path hidden = Files.createDirectories(tmp.newFolder("hidden").toPath());
    try (Stream<Path> entries = Files.list(log)) {
      for (Path f :
          entries
              .filter(
                  f ->
                      f.getFileName().toString().endsWith(".json")
                          && Long.parseLong(f.getFileName().toString().substring(0, 20))
                              <= checkpoint)
              .toList()) {
        Files.move(f, hidden.resolve(f.getFileName())); // not needed: the checkpoint holds them
      }
    }
    assertEquals(200, SparkSql.read(table).count());
    assertEquals(200, table.log().files().size());
  }

  /** Each Gold refresh is one Delta version; versionAsOf reaches the one before. */
  @Test
  public void deltaGoldRefreshIsOneVersionAndTimeTravelReachesThePrevious() throws Exception {
    Lakehouse lakehouse = Lakehouse.at(tmp.newFolder("delta-gold").toString(), StorageFormat.DELTA);
    Table gold = lakehouse.gold(Lakehouse.TRENDING_1H);
    List<TrendRow> before =
        List.of(
            new TrendRow(ReferenceModel.HOUR, 1, 3, 1), new TrendRow(ReferenceModel.HOUR, 2, 1, 0));
    List<TrendRow> after = List.of(new TrendRow(ReferenceModel.HOUR, 1, 4, 1));
    gold.log().create();
    GoldTable.rewrite(gold, before);
    GoldTable.rewrite(gold, after);
    List<Row> history =
        SparkSql.session().sql("DESCRIBE HISTORY delta.`" + gold.dir() + "`").collectAsList();
    assertEquals("create + two refreshes", 3, history.size());
    long latest =
        history.stream().mapToLong(r -> r.getLong(r.fieldIndex("version"))).max().getAsLong();

    assertEquals(after, trendRows(SparkSql.read(gold).collectAsList()));
    List<Row> previous =
        SparkSql.session()
            .read()
            .format("delta")
            .option("versionAsOf", latest - 1)
            .load(gold.dir())
            .collectAsList();
    assertEquals(before, trendRows(previous));
    assertEquals(1, SparkSql.read(gold).where("rank = 1").count());
  }

  /**
   * A streaming refresh that touches one day of a three-day Gold table: Spark SQL's Parquet reader
   * and delta-spark read the whole new table, ranked within each window; the other days' files are
   * the same files; an unlogged data file in the folder is not read; Delta's previous version is
   * the table before the refresh.
   */
  @Test
  public void sparkReadsTheWholeGoldTableAfterARefreshOfOneDay() throws Exception {
    for (StorageFormat format : StorageFormat.values()) {
      Lakehouse lakehouse = Lakehouse.at(tmp.newFolder().toString(), format);
      Table gold = lakehouse.gold(Lakehouse.TRENDING_1H);
      gold.log().create();
      long midnight = ReferenceModel.HOUR * 24 * 20_439; // 2025-12-17T00:00Z
      List<TrendRow> before = new ArrayList<>();
      for (int day = 0; day < 3; day++) {
        for (int movie = 1; movie <= 3; movie++) {
          before.add(new TrendRow(midnight + day * DAY + ReferenceModel.HOUR, movie, movie, 0));
        }
      }
      GoldTable.rewrite(gold, before);
      List<String> filesBefore = gold.log().files();
      Path stray = gold.path().resolve("part-2025-12-17-stray.snappy.parquet");
      Files.copy(Path.of(URI.create(filesBefore.get(0))), stray);

      TrendRow overtakes = new TrendRow(midnight + 2 * DAY + ReferenceModel.HOUR, 1, 2, 1);
      GoldTable.merge(gold, List.of(overtakes), new java.util.HashMap<>());

      List<TrendRow> after = new ArrayList<>(before);
      after.set(6, overtakes);
      after.sort(GoldTable.ORDER);
      assertEquals(format + " rows", after, trendRows(SparkSql.read(gold).collectAsList()));
      assertEquals(
          format + " the untouched days' files",
          filesBefore.subList(0, 2),
          gold.log().files().subList(0, 2));
      assertEquals(
          format + " movie 1 ranks first on the refreshed day",
          1,
          SparkSql.read(gold)
              .where("rank = 1 AND movie_id = 1 AND window_ts > timestamp'2025-12-19 00:00:00Z'")
              .count());
      if (format == StorageFormat.DELTA) {
        List<Row> previous =
            SparkSql.session()
                .read()
                .format("delta")
                .option("versionAsOf", 1)
                .load(gold.dir())
                .collectAsList();
        List<TrendRow> expected = new ArrayList<>(before);
        expected.sort(GoldTable.ORDER);
        assertEquals(expected, trendRows(previous));
      }
    }
  }

  private static List<TrendRow> trendRows(List<Row> rows) {
    List<TrendRow> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(SparkReader.toTrendRow(r));
    }
    out.sort(GoldTable.ORDER);
    return out;
  }

  /** Milliseconds to list the latest version's files: best of 3 with delta-spark, then Kernel. */
  private static long[] timeLoad(Table table, int expectedFiles) {
    long spark = Long.MAX_VALUE;
    long kernel = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      assertEquals(expectedFiles, SparkSql.read(table).inputFiles().length);
      spark = Math.min(spark, (System.nanoTime() - start) / 1_000_000);
      start = System.nanoTime();
      assertEquals(expectedFiles, table.log().files().size());
      kernel = Math.min(kernel, (System.nanoTime() - start) / 1_000_000);
    }
    return new long[] {spark, kernel};
  }

  private static List<Event> events(int n, long ts) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(new Event(1 + i % 5, ts + i));
    }
    return events;
  }
}
