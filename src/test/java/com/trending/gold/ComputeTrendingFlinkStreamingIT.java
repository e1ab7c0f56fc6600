package com.trending.gold;

import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestPipeline;

/**
 * The event-time cases of {@link ComputeTrendingStreamingTest} (early refresh, on time, late but
 * allowed, too late and counted, a five-hour ingestion outage, out of order against the reference
 * model) on the Flink runner, embedded, in streaming mode. Flink's TestStream cannot advance
 * processing time, so its refresh triggers follow the real clock: the cases whose outcome depends
 * on when a refresh fires (early panes, late and too-late data, the outage, which all drive
 * processing time) are skipped; on time and the out-of-order stream against the reference model
 * assert exactly what they assert on Direct.
 */
public class ComputeTrendingFlinkStreamingIT extends ComputeTrendingStreamingTest {
  @Override
  protected TestPipeline pipeline() {
    return TestPipeline.fromOptions(PipelineOptionsFactory.fromArgs(
        "--runner=TestFlinkRunner", "--streaming=true", "--parallelism=2").create());
  }

  /** Flink's TestStream cannot advance processing time ("not supported by the Flink Runner"). */
  @Override
  protected boolean controlsProcessingTime() {
    return false;
  }
}
