package com.trending.gold;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.gold.ReferenceModel.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Batch recompute on the Direct runner and on the Spark runner (local[2]); Gold read back with
 * Spark SQL must hold exactly the reference model's rows, one per (window, movie), ranked.
 */
public class TrendingToGoldIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static Path silverRoot;
  private static Path deltaRoot;
  private static List<TrendRow> expected1h;
  private static List<TrendRow> expected24h;

  @BeforeClass
  public static void writeSilver() throws Exception {
    silverRoot = TMP.newFolder("silver-source").toPath();
    Lakehouse lakehouse = Lakehouse.at(silverRoot.toString());
    Random random = new Random(11);
    List<Event> views =
        ReferenceModel.randomEvents(random, 30_000, 300, ComputeTrendingTest.START, 60);
    List<Event> clicks =
        ReferenceModel.randomEvents(random, 8_000, 300, ComputeTrendingTest.START, 60);
    SilverFiles.write(lakehouse.silver(Lakehouse.VIEWS), views, "part", 2_000);
    SilverFiles.write(lakehouse.silver(Lakehouse.CLICKS), clicks, "part", 2_000);
    deltaRoot = TMP.newFolder("delta-source").toPath();
    Lakehouse delta = Lakehouse.at(deltaRoot.toString(), StorageFormat.DELTA);
    SilverFiles.write(delta.silver(Lakehouse.VIEWS), views, "part", 2_000);
    SilverFiles.write(delta.silver(Lakehouse.CLICKS), clicks, "part", 2_000);
    expected1h = ReferenceModel.oneHour(views, clicks);
    expected24h = ReferenceModel.twentyFourHours(views, clicks);
  }

  @Test
  public void batchOnDirectRunner() throws Exception {
    runAndCheck("--runner=DirectRunner");
  }

  @Test
  public void batchOnSparkRunner() throws Exception {
    runAndCheck("--runner=SparkRunner", "--sparkMaster=local[2]");
  }

  @Test
  public void batchOnFlinkRunner() throws Exception {
    runAndCheck("--runner=FlinkRunner", "--flinkMaster=[local]");
  }

  @Test
  public void deltaBatchOnFlinkRunner() throws Exception {
    runAndCheck(StorageFormat.DELTA, "--runner=FlinkRunner", "--flinkMaster=[local]");
  }

  @Test
  public void deltaBatchOnDirectRunner() throws Exception {
    runAndCheck(StorageFormat.DELTA, "--runner=DirectRunner");
  }

  @Test
  public void deltaBatchOnSparkRunner() throws Exception {
    runAndCheck(StorageFormat.DELTA, "--runner=SparkRunner", "--sparkMaster=local[2]");
  }

  private void runAndCheck(String... runnerArgs) throws Exception {
    runAndCheck(StorageFormat.PARQUET, runnerArgs);
  }

  /** Runs the recompute; Gold, read as the format's readers do, equals the reference model. */
  private void runAndCheck(StorageFormat format, String... runnerArgs) throws Exception {
    Path root = format == StorageFormat.DELTA ? deltaRoot : silverRoot;
    List<String> args = new ArrayList<>(List.of(runnerArgs));
    args.add("--lakehousePath=" + root);
    args.add("--storageFormat=" + format.name().toLowerCase(Locale.ROOT));
    args.add("--streaming=false");
    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(new String[0]))
            .as(TrendingToGoldOptions.class);
    assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));

    Lakehouse lakehouse = Lakehouse.at(root.toString(), format);
    SparkSession spark = SparkReader.start();
    try {
      assertGold(SparkReader.rows(spark, lakehouse.gold(Lakehouse.TRENDING_1H)), expected1h);
      assertGold(SparkReader.rows(spark, lakehouse.gold(Lakehouse.TRENDING_24H)), expected24h);
    } finally {
      spark.stop();
    }
  }

  private static void assertGold(List<Row> rows, List<TrendRow> expected) {
    List<TrendRow> actual = new ArrayList<>();
    long window = Long.MIN_VALUE;
    int rank = 0;
    for (Row r : rows) {
      TrendRow row = SparkReader.toTrendRow(r);
      assertEquals(row.trendScore(), r.getDouble(r.fieldIndex("trend_score")), 0.0);
      rank = row.windowEnd() == window ? rank + 1 : 1;
      window = row.windowEnd();
      assertEquals("rank in file order", rank, r.getInt(r.fieldIndex("rank")));
      actual.add(row);
    }
    assertEquals("row count", expected.size(), actual.size());
    assertEquals("one row per (window, movie)", actual.size(), new HashSet<>(actual).size());
    assertEquals(new HashSet<>(expected), new HashSet<>(actual));
  }

  @Test
  public void goldStaysWholeWhileRewritten() throws Exception {
    com.trending.common.Table table =
        com.trending.common.Lakehouse.at(TMP.newFolder("rewritten").toString())
            .gold("trending_now_24h");
    // Two versions of a table that grows, as in streaming (the larger has 30% more rows).
    List<TrendRow> large = expected24h;
    List<TrendRow> small = large.subList(0, large.size() * 10 / 13);
    GoldTable.rewrite(table, small);
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger rewrites = new AtomicInteger();
    // The writer slows down while reads keep straddling its renames (a loaded machine makes each
    // Spark read slower than the pause), so that some reads end and are checked.
    AtomicLong pause = new AtomicLong(REWRITE_PAUSE_MS);
    int failures = 0;
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                for (int i = 0; !done.get(); i++) {
                  GoldTable.rewrite(table, i % 2 == 0 ? large : small);
                  rewrites.incrementAndGet();
                  Thread.sleep(pause.get());
                }
              } catch (Throwable t) {
                writerError.set(t);
              }
            });
    writer.start();
    SparkSession spark = SparkReader.start();
    int reads = 0;
    try {
      long deadline = System.currentTimeMillis() + 20_000;
      long giveUp = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline
          || (reads < 5 && System.currentTimeMillis() < giveUp)) {
        Row agg;
        try {
          Dataset<Row> df = spark.read().parquet(table.dir());
          agg =
              df.selectExpr("count(*)", "count(distinct window_ts, movie_id)", "sum(views)")
                  .first();
        } catch (Exception e) {
          failures++;
          pause.set(Math.min(8_000, pause.get() * 2));
          System.err.println("READ FAILED: " + e.getMessage().split("\n")[0]);
          continue;
        }
        long n = agg.getLong(0);
        assertTrue("whole table, got " + n, n == small.size() || n == large.size());
        assertEquals("no doubled rows", n, agg.getLong(1));
        assertEquals(sumViews(n == small.size() ? small : large), agg.getLong(2));
        reads++;
      }
    } finally {
      done.set(true);
      writer.join();
      spark.stop();
    }
    System.err.println(
        "reads="
            + reads
            + " failures="
            + failures
            + " rewrites="
            + rewrites.get()
            + " final pause="
            + pause.get()
            + " ms");
    assertEquals(null, writerError.get());
    assertTrue("several whole reads, got " + reads, reads >= 5);
    // Known limit (see GoldTable): a Spark task that straddles a rename fails; it never reads a
    // partial or doubled table, which is what the loop above asserts on every read that ends.
    assertTrue(
        "reads that failed: " + failures + " of " + (reads + failures), failures * 4 <= reads);
  }

  private static final long REWRITE_PAUSE_MS = Long.getLong("rewritePauseMs", 500);

  private static long sumViews(List<TrendRow> rows) {
    return rows.stream().mapToLong(TrendRow::views).sum();
  }
}
