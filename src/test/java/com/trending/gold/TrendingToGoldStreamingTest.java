package com.trending.gold;

import com.trending.common.StorageFormat;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Streaming end to end on the Direct runner: Gold follows a growing Silver table. */
public class TrendingToGoldStreamingTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test(timeout = 240_000)
  public void goldFollowsGrowingSilverOnDirectRunner() throws Exception {
    StreamingHarness.run(
        tmp.getRoot().toPath().resolve("lakehouse"),
        90_000,
        "--runner=DirectRunner",
        "--blockOnRun=false");
  }

  /** The same on Delta tables: Silver read from their logs, each Gold refresh one Delta commit. */
  @Test(timeout = 240_000)
  public void deltaGoldFollowsGrowingSilverOnDirectRunner() throws Exception {
    StreamingHarness.run(
        tmp.getRoot().toPath().resolve("delta"),
        StorageFormat.DELTA,
        90_000,
        "--runner=DirectRunner",
        "--blockOnRun=false");
  }
}
