package com.trending.gold;

import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Streaming end to end on the Spark runner (local[2]): Gold follows a growing Silver folder and
 * holds exactly one row per (window, movie) with the latest counts, although the Spark runner
 * repeats panes when windows fire early.
 */
public class TrendingToGoldSparkStreamingIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test(timeout = 600_000)
  public void goldFollowsGrowingSilverOnSparkRunner() throws Exception {
    Path root = tmp.getRoot().toPath().resolve("lakehouse");
    StreamingHarness.run(
        root,
        240_000,
        "--runner=SparkRunner",
        "--sparkMaster=local[2]",
        "--batchIntervalMillis=2000",
        "--checkpointDir=" + root.resolve("_checkpoints").resolve("trending-to-gold"));
  }
}
