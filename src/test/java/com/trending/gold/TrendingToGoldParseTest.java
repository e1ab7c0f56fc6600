package com.trending.gold;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.trending.common.Lakehouse;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What {@link TrendingToGold#parse} sets for a runner, and that the command line wins. */
public class TrendingToGoldParseTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void directRunnerChecksAreOffUnlessAskedFor() {
    DirectOptions defaults =
        TrendingToGold.parse(new String[] {"--runner=DirectRunner"}).as(DirectOptions.class);
    assertFalse(defaults.isEnforceImmutability());
    assertFalse(defaults.isEnforceEncodability());

    DirectOptions given =
        TrendingToGold.parse(
                new String[] {
                  "--runner=DirectRunner", "--enforceImmutability=true", "--enforceEncodability"
                })
            .as(DirectOptions.class);
    assertTrue(given.isEnforceImmutability());
    assertTrue(given.isEnforceEncodability());
  }

  @Test
  public void directStreamingRunsOnOneThreadUnlessTold() {
    assertEquals(
        1,
        TrendingToGold.parse(new String[] {"--runner=DirectRunner"})
            .as(DirectOptions.class)
            .getTargetParallelism());
    int runnerDefault =
        PipelineOptionsFactory.create().as(DirectOptions.class).getTargetParallelism();
    assertEquals(
        runnerDefault,
        TrendingToGold.parse(new String[] {"--runner=DirectRunner", "--streaming=false"})
            .as(DirectOptions.class)
            .getTargetParallelism());
    assertEquals(
        3,
        TrendingToGold.parse(new String[] {"--runner=DirectRunner", "--targetParallelism=3"})
            .as(DirectOptions.class)
            .getTargetParallelism());
  }

  @Test
  public void movieShardsFollowTheModeUnlessGiven() {
    assertEquals(
        ComputeTrending.BATCH_SHARDS,
        TrendingToGold.shards(TrendingToGold.parse(new String[] {"--streaming=false"})));
    assertEquals(
        ComputeTrending.STREAMING_SHARDS,
        TrendingToGold.shards(TrendingToGold.parse(new String[] {"--streaming=true"})));
    assertEquals(
        5,
        TrendingToGold.shards(
            TrendingToGold.parse(new String[] {"--streaming=true", "--movieShards=5"})));
    IllegalArgumentException e =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class,
            () -> TrendingToGold.validate(TrendingToGold.parse(new String[] {"--movieShards=0"})));
    assertTrue(e.getMessage(), e.getMessage().contains("--movieShards must be a positive number"));
  }

  @Test
  public void silverPollTakesFractionsOfASecondButNotZero() {
    TrendingToGold.validate(TrendingToGold.parse(new String[] {"--silverPollSeconds=0.2"}));
    TrendingToGold.validate(TrendingToGold.parse(new String[] {"--silverPollSeconds=2"}));
    IllegalArgumentException e =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class,
            () ->
                TrendingToGold.validate(
                    TrendingToGold.parse(new String[] {"--silverPollSeconds=0"})));
    assertTrue(e.getMessage(), e.getMessage().contains("--silverPollSeconds must be at least"));
  }

  @Test
  public void sparkRunnerBatchesFollowTheRefreshPeriodAndCheckpointInTheLakehouse() {
    String root = tmp.getRoot().toPath().resolve("lakehouse").toString();
    SparkPipelineOptions defaults =
        TrendingToGold.parse(new String[] {"--runner=SparkRunner", "--lakehousePath=" + root})
            .as(SparkPipelineOptions.class);
    assertEquals(TrendingToGold.MIN_SPARK_BATCH_MILLIS, (long) defaults.getBatchIntervalMillis());
    assertEquals(
        "executors cache the watermarks for half of it: never -1",
        TrendingToGold.MIN_SPARK_BATCH_MILLIS,
        (long) defaults.getCheckpointDurationMillis());
    assertEquals(Lakehouse.at(root).checkpoints(TrendingToGold.JOB), defaults.getCheckpointDir());

    SparkPipelineOptions slow =
        TrendingToGold.parse(
                new String[] {
                  "--runner=SparkRunner", "--lakehousePath=" + root, "--triggerPeriodSeconds=45"
                })
            .as(SparkPipelineOptions.class);
    assertEquals(45_000L, (long) slow.getBatchIntervalMillis());
    assertEquals(45_000L, (long) slow.getCheckpointDurationMillis());

    SparkPipelineOptions given =
        TrendingToGold.parse(
                new String[] {
                  "--runner=SparkRunner",
                  "--lakehousePath=" + root,
                  "--batchIntervalMillis=2000",
                  "--checkpointDir=" + root + "/cp"
                })
            .as(SparkPipelineOptions.class);
    assertEquals(2000L, (long) given.getBatchIntervalMillis());
    assertEquals(2000L, (long) given.getCheckpointDurationMillis());
    assertEquals(root + "/cp", given.getCheckpointDir());
  }

  @Test
  public void sparkRefreshesPerMicroBatchOtherRunnersEveryTriggerPeriod() {
    assertEquals(
        "every micro-batch",
        TrendingToGold.refresh(
                TrendingToGold.parse(new String[] {"--runner=SparkRunner", "--streaming=true"}))
            .toString());
    TrendingToGoldOptions direct =
        TrendingToGold.parse(new String[] {"--runner=DirectRunner", "--triggerPeriodSeconds=3"});
    direct.setStreaming(true);
    assertEquals("every PT3S", TrendingToGold.refresh(direct).toString());
    // Only the first grouping waits the period; the steps after it gather for a quarter second.
    assertEquals("every PT0.100S", TrendingToGold.refresh(direct).downstream().toString());
    assertEquals("once", Refresh.once().downstream().toString());
    assertEquals("every micro-batch", Refresh.perMicroBatch().downstream().toString());
    direct.setStreaming(false);
    assertFalse(TrendingToGold.refresh(direct).isStreaming());
  }
}
