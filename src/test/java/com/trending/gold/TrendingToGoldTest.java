package com.trending.gold;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.trending.common.CommittedFiles;
import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.gold.ReferenceModel.Event;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Batch end to end on the Direct runner: Silver files in, both Gold tables equal the model. */
public class TrendingToGoldTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void batchRecomputeEqualsModelAndIgnoresIncompleteFiles() throws Exception {
    Path root = tmp.getRoot().toPath().resolve("lakehouse");
    Lakehouse lakehouse = Lakehouse.at(root.toString());
    Random random = new Random(3);
    List<Event> views =
        ReferenceModel.randomEvents(random, 4000, 50, ComputeTrendingTest.START, 40);
    List<Event> clicks =
        ReferenceModel.randomEvents(random, 1000, 50, ComputeTrendingTest.START, 40);
    SilverFiles.write(lakehouse.silver(Lakehouse.VIEWS), views, "part", 700);
    SilverFiles.write(lakehouse.silver(Lakehouse.CLICKS), clicks, "part", 700);
    // Writers' leftovers that must be ignored: hidden and temporary names, non-Parquet files.
    Path day = Path.of(lakehouse.silverTable(Lakehouse.VIEWS)).resolve("event_date=2025-12-17");
    Files.createDirectories(day.resolve("_temporary"));
    Files.write(day.resolve("_temporary").resolve("x.parquet"), new byte[] {1, 2, 3});
    Files.write(day.resolve(".part-9.parquet"), new byte[] {1, 2, 3});
    Files.write(day.resolve("part-9.parquet.tmp"), new byte[] {1, 2, 3});

    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs(
                "--lakehousePath=" + root, "--streaming=false", "--runner=DirectRunner")
            .as(TrendingToGoldOptions.class);
    assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));

    assertTable(lakehouse.gold(Lakehouse.TRENDING_1H), ReferenceModel.oneHour(views, clicks));
    assertTable(
        lakehouse.gold(Lakehouse.TRENDING_24H), ReferenceModel.twentyFourHours(views, clicks));

    // A second recompute replaces the table rather than adding to it.
    assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));
    assertTable(
        lakehouse.gold(Lakehouse.TRENDING_24H), ReferenceModel.twentyFourHours(views, clicks));
  }

  /**
   * The Parquet Gold table read (by the viewer, by streaming's merge, by tests) while another
   * process renames new versions over it: every read is one whole version. Reading the length, then
   * opening by name, failed here now and then with "not a Parquet file" (old length, new file).
   */
  @Test
  public void parquetGoldReadsOneWholeVersionWhileRewritten() throws Exception {
    Table dir = Lakehouse.at(tmp.newFolder("rewritten").toString()).gold(Lakehouse.TRENDING_1H);
    List<TrendRow> large = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      large.add(new TrendRow(3_600_000L * (1 + i % 24), i, i % 7 + 1, i % 3));
    }
    List<TrendRow> small = large.subList(0, 1000);
    GoldTable.rewrite(dir, small);
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger rewrites = new AtomicInteger();
    Thread writer =
        new Thread(
            () -> {
              try {
                for (int i = 0; !done.get(); i++) {
                  GoldTable.rewrite(dir, i % 2 == 0 ? large : small);
                  rewrites.incrementAndGet();
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    writer.start();
    int reads = 0;
    try {
      long end = System.currentTimeMillis() + 4_000;
      while (System.currentTimeMillis() < end) {
        int n = GoldTable.read(dir).size();
        assertTrue("a whole version, got " + n + " rows", n == small.size() || n == large.size());
        reads++;
      }
    } finally {
      done.set(true);
      writer.join();
    }
    System.out.printf("Parquet Gold: %d whole reads during %d rewrites%n", reads, rewrites.get());
    assertTrue(reads > 10 && rewrites.get() > 10);
  }

  @Test
  public void emptySilverGivesEmptyTables() throws Exception {
    Path root = tmp.getRoot().toPath().resolve("empty");
    Lakehouse lakehouse = Lakehouse.at(root.toString());
    GoldTable.rewrite(
        lakehouse.gold(Lakehouse.TRENDING_1H), List.of(new TrendRow(3_600_000L, 1, 1, 0)));
    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs(
                "--lakehousePath=" + root, "--streaming=false", "--runner=DirectRunner")
            .as(TrendingToGoldOptions.class);
    assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));
    assertTable(lakehouse.gold(Lakehouse.TRENDING_1H), List.of());
    assertTable(lakehouse.gold(Lakehouse.TRENDING_24H), List.of());
  }

  /**
   * Delta: the recompute writes both tables as Delta tables that equal the model; a second
   * recompute from more Silver is one new version, and the previous version stays readable.
   */
  @Test
  public void deltaRecomputeReplacesTheTableInOneCommit() throws Exception {
    Path root = tmp.getRoot().toPath().resolve("delta");
    Lakehouse lakehouse = Lakehouse.at(root.toString(), StorageFormat.DELTA);
    Random random = new Random(5);
    List<Event> views =
        new ArrayList<>(
            ReferenceModel.randomEvents(random, 3000, 40, ComputeTrendingTest.START, 30));
    List<Event> clicks =
        ReferenceModel.randomEvents(random, 800, 40, ComputeTrendingTest.START, 30);
    SilverFiles.write(lakehouse.silver(Lakehouse.VIEWS), views, "part", 700);
    SilverFiles.write(lakehouse.silver(Lakehouse.CLICKS), clicks, "part", 700);
    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs(
                "--lakehousePath=" + root,
                "--storageFormat=delta",
                "--streaming=false",
                "--runner=DirectRunner")
            .as(TrendingToGoldOptions.class);
    assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));
    Table hourly = lakehouse.gold(Lakehouse.TRENDING_1H);
    assertEquals(
        new HashSet<>(ReferenceModel.oneHour(views, clicks)),
        new HashSet<>(GoldTable.read(hourly)));
    assertEquals(
        new HashSet<>(ReferenceModel.twentyFourHours(views, clicks)),
        new HashSet<>(GoldTable.read(lakehouse.gold(Lakehouse.TRENDING_24H))));
    List<String> first = hourly.log().files();
    assertEquals("one live file per day", days(GoldTable.read(hourly)), first.size());

    List<Event> more = ReferenceModel.randomEvents(random, 500, 40, ComputeTrendingTest.START, 30);
    SilverFiles.write(lakehouse.silver(Lakehouse.VIEWS), more, "more", 700);
    views.addAll(more);
    assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));
    List<String> second = hourly.log().files();
    assertEquals("one live file per day", days(GoldTable.read(hourly)), second.size());
    assertTrue("every file replaced", second.stream().noneMatch(first::contains));
    assertEquals(
        new HashSet<>(ReferenceModel.oneHour(views, clicks)),
        new HashSet<>(GoldTable.read(hourly)));
    assertTrue(
        "the replaced version's file is kept for time travel",
        Files.exists(Path.of(URI.create(first.get(0)))));
  }

  @Test
  public void unknownFormatIsRejectedWithAClearMessage() {
    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs(
                "--lakehousePath=" + tmp.getRoot(), "--storageFormat=iceberg", "--streaming=false")
            .as(TrendingToGoldOptions.class);
    IllegalArgumentException e =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class, () -> TrendingToGold.run(options));
    assertTrue(e.getMessage(), e.getMessage().contains("'parquet' or 'delta'"));
  }

  /** A second Gold writer on the lakehouse is refused with a clear message. */
  @Test
  public void aSecondGoldJobOnTheLakehouseIsRefused() throws Exception {
    Path root = tmp.getRoot().toPath().resolve("locked");
    try (var held = Lakehouse.at(root.toString()).lock(TrendingToGold.JOB)) {
      TrendingToGoldOptions options =
          PipelineOptionsFactory.fromArgs(
                  "--lakehousePath=" + root, "--streaming=false", "--runner=DirectRunner")
              .as(TrendingToGoldOptions.class);
      IllegalArgumentException e =
          org.junit.Assert.assertThrows(
              IllegalArgumentException.class, () -> TrendingToGold.run(options));
      assertTrue(
          e.getMessage(),
          e.getMessage().contains("Another trending-to-gold job is already writing"));
    }
  }

  private static int days(List<TrendRow> rows) {
    Set<String> days = new TreeSet<>();
    rows.forEach(row -> days.add(GoldTable.day(row.windowEnd())));
    return days.size();
  }

  static void assertTable(Table table, List<TrendRow> expected) throws Exception {
    Path dir = table.path();
    List<TrendRow> actual = GoldTable.read(table);
    assertEquals(expected.size(), actual.size());
    assertEquals(new HashSet<>(expected), new HashSet<>(actual));
    for (int i = 1; i < actual.size(); i++) {
      assertTrue("table order", GoldTable.ORDER.compare(actual.get(i - 1), actual.get(i)) < 0);
    }
    Set<String> days = new TreeSet<>();
    expected.forEach(row -> days.add(GoldTable.day(row.windowEnd())));
    List<String> committed = table.log().files();
    assertEquals(
        "one data file per day of window ends", Math.max(1, days.size()), committed.size());
    for (String file : committed) {
      assertTrue(file, Files.exists(CommittedFiles.localPath(file)));
    }
    try (var files = Files.list(dir)) {
      assertEquals(
          "no leftovers", 0, files.filter(f -> f.getFileName().toString().startsWith(".")).count());
    }
  }
}
