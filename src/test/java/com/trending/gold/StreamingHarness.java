package com.trending.gold;

import static org.junit.Assert.assertEquals;

import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.gold.ReferenceModel.Event;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Duration;

/**
 * Runs TrendingToGold in streaming against a Silver folder that grows while it runs, and checks
 * that Gold catches up with the reference model after each batch of new files.
 */
final class StreamingHarness {
  private StreamingHarness() {}

  /** A streaming TrendingToGold job started by a test. */
  interface Job {
    /** False once the job has ended by itself (a failure: streaming jobs run until stopped). */
    boolean isAlive();

    /** What to show when Gold does not catch up (e.g. the end of the job's log). */
    String describe();

    void stop() throws Exception;
  }

  /** Starts TrendingToGold in streaming with these arguments (lakehouse and timing included). */
  interface Launcher {
    Job start(List<String> args) throws Exception;
  }

  /** Runs the pipeline in this JVM on the runner {@code runnerArgs} name. */
  static void run(Path root, long timeoutMillis, String... runnerArgs) throws Exception {
    run(root, StorageFormat.PARQUET, timeoutMillis, runnerArgs);
  }

  /** As above, with tables in {@code format}. */
  static void run(Path root, StorageFormat format, long timeoutMillis, String... runnerArgs)
      throws Exception {
    run(
        root,
        format,
        timeoutMillis,
        args -> {
          List<String> all = new ArrayList<>(List.of(runnerArgs));
          all.addAll(args);
          TrendingToGoldOptions options =
              PipelineOptionsFactory.fromArgs(all.toArray(new String[0]))
                  .as(TrendingToGoldOptions.class);
          Pipeline pipeline = Pipeline.create(options);
          TrendingToGold.buildPipeline(pipeline, options);
          PipelineResult result = pipeline.run();
          return new Job() {
            @Override
            public boolean isAlive() {
              return !result.getState().isTerminal();
            }

            @Override
            public String describe() {
              return "pipeline state " + result.getState();
            }

            @Override
            public void stop() throws Exception {
              result.cancel();
              try {
                result.waitUntilFinish(Duration.standardSeconds(30));
              } catch (IllegalStateException e) {
                // embedded Flink, detached: its mini cluster shuts down with the cancelled job
              }
            }
          };
        });
  }

  static void run(Path root, long timeoutMillis, Launcher launcher) throws Exception {
    run(root, StorageFormat.PARQUET, timeoutMillis, launcher);
  }

  /** As above, with tables in {@code format}. */
  static void run(Path root, StorageFormat format, long timeoutMillis, Launcher launcher)
      throws Exception {
    Lakehouse lakehouse = Lakehouse.at(root.toString(), format);
    List<String> args =
        List.of(
            "--lakehousePath=" + root,
            "--storageFormat=" + format.name().toLowerCase(Locale.ROOT),
            "--streaming=true",
            "--triggerPeriodSeconds=2",
            "--silverPollSeconds=1");

    // Recent events (the streaming watermark follows the clock): from 100 minutes ago, so rows
    // fall in closed windows still within the 2 h lateness and in the open hour.
    long now = System.currentTimeMillis();
    long start = now - 100 * 60_000L;
    Random random = new Random(17);
    List<Event> views = new ArrayList<>(ReferenceModel.randomEvents(random, 2000, 30, start, 1));
    List<Event> clicks = new ArrayList<>(ReferenceModel.randomEvents(random, 500, 30, start, 1));
    SilverFiles.write(lakehouse.silver(Lakehouse.VIEWS), views, "a", 400);
    SilverFiles.write(lakehouse.silver(Lakehouse.CLICKS), clicks, "a", 400);

    Job job = launcher.start(args);
    try {
      awaitGold(lakehouse, views, clicks, timeoutMillis, job);
      // More files arrive while it runs: first as an ingestion batch that dies before its commit
      // and is rolled back (its files appear in the folders, then go); then committed, as the
      // restart writes them again. Gold counts them once.
      List<Event> moreViews =
          ReferenceModel.randomEvents(random, 700, 30, now - ReferenceModel.HOUR, 1);
      List<Event> moreClicks =
          ReferenceModel.randomEvents(random, 300, 30, now - ReferenceModel.HOUR, 1);
      List<String> rolledBack = new ArrayList<>();
      rolledBack.addAll(
          SilverFiles.writeUncommitted(
              lakehouse.silver(Lakehouse.VIEWS), moreViews, "crashed", 400));
      rolledBack.addAll(
          SilverFiles.writeUncommitted(
              lakehouse.silver(Lakehouse.CLICKS), moreClicks, "crashed", 400));
      Thread.sleep(4_000); // several polls of the tables' logs
      for (String file : rolledBack) {
        Files.delete(Path.of(URI.create(file)));
      }
      SilverFiles.write(lakehouse.silver(Lakehouse.VIEWS), moreViews, "b", 400);
      SilverFiles.write(lakehouse.silver(Lakehouse.CLICKS), moreClicks, "b", 400);
      views.addAll(moreViews);
      clicks.addAll(moreClicks);
      awaitGold(lakehouse, views, clicks, timeoutMillis, job);
      Thread.sleep(3_000); // no later refresh changes it
      awaitGold(lakehouse, views, clicks, 2_000, job);
    } catch (Throwable failure) {
      try {
        job.stop();
      } catch (Exception stopFailure) {
        failure.addSuppressed(stopFailure);
      }
      throw failure;
    }
    job.stop();
  }

  private static void awaitGold(
      Lakehouse lakehouse, List<Event> views, List<Event> clicks, long timeoutMillis, Job job)
      throws Exception {
    Set<TrendRow> expected1h = new HashSet<>(ReferenceModel.oneHour(views, clicks));
    Set<TrendRow> expected24h = new HashSet<>(ReferenceModel.twentyFourHours(views, clicks));
    long deadline = System.currentTimeMillis() + timeoutMillis;
    Set<TrendRow> actual1h = Set.of();
    Set<TrendRow> actual24h = Set.of();
    int polls = 0;
    while (System.currentTimeMillis() < deadline) {
      if (!job.isAlive()) {
        throw new AssertionError("the streaming job ended: " + job.describe());
      }
      List<TrendRow> rows1h = GoldTable.read(lakehouse.gold(Lakehouse.TRENDING_1H));
      List<TrendRow> rows24h = GoldTable.read(lakehouse.gold(Lakehouse.TRENDING_24H));
      actual1h = new HashSet<>(rows1h);
      actual24h = new HashSet<>(rows24h);
      assertEquals("one row per (window, movie)", rows1h.size(), actual1h.size());
      assertEquals("one row per (window, movie)", rows24h.size(), actual24h.size());
      if (actual1h.equals(expected1h) && actual24h.equals(expected24h)) {
        System.err.printf("Gold caught up: %d + %d rows%n", actual1h.size(), actual24h.size());
        return;
      }
      if (++polls % 20 == 0) {
        System.err.printf(
            "Waiting for Gold: 1h %d/%d rows equal, 24h %d/%d%n",
            intersection(expected1h, actual1h),
            expected1h.size(),
            intersection(expected24h, actual24h),
            expected24h.size());
      }
      Thread.sleep(500);
    }
    System.err.println("Gold did not catch up; the job: " + job.describe());
    assertEquals("1h table: " + diff(expected1h, actual1h), expected1h.size(), -1);
    assertEquals("24h table: " + diff(expected24h, actual24h), expected24h.size(), -1);
  }

  private static int intersection(Set<TrendRow> a, Set<TrendRow> b) {
    Set<TrendRow> both = new HashSet<>(a);
    both.retainAll(b);
    return both.size();
  }

  private static String diff(Set<TrendRow> expected, Set<TrendRow> actual) {
    Set<TrendRow> missing = new HashSet<>(expected);
    missing.removeAll(actual);
    Set<TrendRow> extra = new HashSet<>(actual);
    extra.removeAll(expected);
    return "expected "
        + expected.size()
        + " rows, got "
        + actual.size()
        + "; missing e.g. "
        + missing.stream().limit(3).collect(Collectors.toList())
        + ", unexpected e.g. "
        + extra.stream().limit(3).collect(Collectors.toList());
  }
}
