package com.trending.gold;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.trending.gold.ReferenceModel.Event;
import com.trending.common.Lakehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
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
    List<Event> views = ReferenceModel.randomEvents(random, 4000, 50, ComputeTrendingTest.START, 40);
    List<Event> clicks = ReferenceModel.randomEvents(random, 1000, 50, ComputeTrendingTest.START, 40);
    SilverFiles.write(lakehouse.silverTable(Lakehouse.VIEWS), "events_views", views, "part", 700);
    SilverFiles.write(lakehouse.silverTable(Lakehouse.CLICKS), "events_clicks", clicks, "part", 700);
    // Writers' leftovers that must be ignored: hidden and temporary names, non-Parquet files.
    Path day = lakehouse.silverTable(Lakehouse.VIEWS).resolve("event_date=2025-12-17");
    Files.createDirectories(day.resolve("_temporary"));
    Files.write(day.resolve("_temporary").resolve("x.parquet"), new byte[] {1, 2, 3});
    Files.write(day.resolve(".part-9.parquet"), new byte[] {1, 2, 3});
    Files.write(day.resolve("part-9.parquet.tmp"), new byte[] {1, 2, 3});

    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs("--lakehousePath=" + root, "--streaming=false", "--runner=DirectRunner")
            .as(TrendingToGoldOptions.class);
    assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));

    assertTable(lakehouse.goldTable(Lakehouse.TRENDING_1H), ReferenceModel.oneHour(views, clicks));
    assertTable(lakehouse.goldTable(Lakehouse.TRENDING_24H), ReferenceModel.twentyFourHours(views, clicks));

    // A second recompute replaces the table rather than adding to it.
    assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));
    assertTable(lakehouse.goldTable(Lakehouse.TRENDING_24H), ReferenceModel.twentyFourHours(views, clicks));
  }

  @Test
  public void emptySilverGivesEmptyTables() throws Exception {
    Path root = tmp.getRoot().toPath().resolve("empty");
    Lakehouse lakehouse = Lakehouse.at(root.toString());
    GoldTable.rewrite(lakehouse.goldTable(Lakehouse.TRENDING_1H), List.of(new TrendRow(3_600_000L, 1, 1, 0)));
    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs("--lakehousePath=" + root, "--streaming=false", "--runner=DirectRunner")
            .as(TrendingToGoldOptions.class);
    assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));
    assertTable(lakehouse.goldTable(Lakehouse.TRENDING_1H), List.of());
    assertTable(lakehouse.goldTable(Lakehouse.TRENDING_24H), List.of());
  }

  @Test
  public void deltaIsRejectedWithAClearMessage() {
    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs(
                "--lakehousePath=" + tmp.getRoot(), "--storageFormat=delta", "--streaming=false")
            .as(TrendingToGoldOptions.class);
    IllegalArgumentException e =
        org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> TrendingToGold.run(options));
    assertTrue(e.getMessage(), e.getMessage().contains("not supported yet"));
  }

  static void assertTable(Path dir, List<TrendRow> expected) throws Exception {
    List<TrendRow> actual = GoldTable.read(dir);
    assertEquals(expected.size(), actual.size());
    assertEquals(new HashSet<>(expected), new HashSet<>(actual));
    for (int i = 1; i < actual.size(); i++) {
      assertTrue("table order", GoldTable.ORDER.compare(actual.get(i - 1), actual.get(i)) < 0);
    }
    try (var files = Files.list(dir)) {
      assertEquals(
          "one data file (Spark skips names starting with '.' or '_')",
          1,
          files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.startsWith("_")).count());
    }
    assertTrue("schema summary", Files.exists(dir.resolve(GoldTable.SCHEMA_FILE_NAME)));
    try (var files = Files.list(dir)) {
      assertEquals("no leftovers", 0, files.filter(f -> f.getFileName().toString().startsWith(".")).count());
    }
  }
}
