package com.trending.gold;

/**
 * The streaming cases with the Spark runner's refresh ({@link Refresh#perMicroBatch()}: windows
 * fire on data, not after a processing-time delay), on the Direct runner: the same rows in the end.
 * Which pane holds what is not asserted (a pane per bundle), as on Flink.
 */
public class ComputeTrendingPerMicroBatchTest extends ComputeTrendingStreamingTest {
  @Override
  protected Refresh refreshUnderTest() {
    return Refresh.perMicroBatch();
  }

  @Override
  protected boolean controlsProcessingTime() {
    return false;
  }
}
