package com.trending.gold;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Streaming end to end on the Direct runner: Gold follows a growing Silver folder. */
public class TrendingToGoldStreamingTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test(timeout = 240_000)
  public void goldFollowsGrowingSilverOnDirectRunner() throws Exception {
    StreamingHarness.run(tmp.getRoot().toPath().resolve("lakehouse"), 90_000, "--runner=DirectRunner", "--blockOnRun=false");
  }
}
