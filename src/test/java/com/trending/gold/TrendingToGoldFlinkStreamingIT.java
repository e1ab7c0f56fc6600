package com.trending.gold;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Streaming end to end on the Flink runner (embedded, parallelism 2): Gold follows a growing Silver
 * folder and holds exactly one row per (window, movie) with the latest counts. Detached, as
 * embedded streaming would otherwise block in {@code run()}.
 */
public class TrendingToGoldFlinkStreamingIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test(timeout = 600_000)
  public void goldFollowsGrowingSilverOnFlinkRunner() throws Exception {
    StreamingHarness.run(
        tmp.getRoot().toPath().resolve("lakehouse"),
        240_000,
        "--runner=FlinkRunner",
        "--flinkMaster=[local]",
        "--parallelism=2",
        "--attachedMode=false"); // run() returns at once; the result cancels the job
  }
}
