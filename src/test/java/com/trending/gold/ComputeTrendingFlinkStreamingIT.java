package com.trending.gold;

import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestPipeline;

/**
 * The cases of {@link ComputeTrendingStreamingTest} (on time, late but allowed, too late and
 * counted, a five-hour ingestion outage, out of order against the reference model) on the Flink
 * runner, embedded, in streaming mode.
 *
 * <p>Flink's TestStream cannot advance processing time ("not supported by the Flink Runner"), so
 * its refresh triggers follow the real clock: these cases assert the rows each table ends with, not
 * which pane held what, and the early-refresh case (only about processing time) is skipped. The
 * outage is an outage in event time only: the watermark stands still while data stops, then the
 * backlog arrives; the wall clock does not move five hours.
 *
 * <p>Parallelism 1 and bundles of one element: an operator judges lateness against the watermark it
 * has seen, which is the minimum over its input channels (two subtasks: a too-late event can
 * overtake the watermark on the other channel) and that, in Beam's Flink runner, each step before
 * it passes on only when its open bundle ends (1,000 elements or 1 s by default; with the default
 * bundles the too-late view here was counted). So on a real Flink job an event may be accepted as
 * late-but-allowed up to about a bundle after the watermark passed its bound; here, "too late" must
 * not depend on thread timing.
 */
public class ComputeTrendingFlinkStreamingIT extends ComputeTrendingStreamingTest {
  @Override
  protected TestPipeline pipeline() {
    return TestPipeline.fromOptions(
        PipelineOptionsFactory.fromArgs(
                "--runner=TestFlinkRunner",
                "--streaming=true",
                "--parallelism=1",
                "--maxBundleSize=1")
            .create());
  }

  @Override
  protected boolean controlsProcessingTime() {
    return false;
  }
}
