package com.trending.gold;

import com.trending.gold.TrendRow.TrendRowCoder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;

/**
 * The naive batch variant, kept only as a reference for tests and the benchmark: every event is
 * windowed straight into 24 sliding windows (as Spark SQL's {@code window()} does) and counted 24
 * times. Same inputs and outputs as {@link ComputeTrending}.
 */
class NaiveTrending extends PTransform<PCollectionTuple, PCollectionTuple> {

  @Override
  public PCollectionTuple expand(PCollectionTuple input) {
    return PCollectionTuple.of(
            ComputeTrending.SHORT_TABLE,
            table(input, "Naive1h", FixedWindows.of(Duration.standardHours(1))))
        .and(
            ComputeTrending.LONG_TABLE,
            table(
                input,
                "Naive24h",
                SlidingWindows.of(Duration.standardHours(24)).every(Duration.standardHours(1))));
  }

  private static PCollection<TrendRow> table(
      PCollectionTuple input, String name, WindowFn<Object, IntervalWindow> windowFn) {
    PCollection<KV<Integer, Long>> views =
        input
            .get(ComputeTrending.VIEWS)
            .apply(name + "WindowViews", Window.<Integer>into(windowFn))
            .apply(name + "CountViews", Count.perElement());
    PCollection<KV<Integer, Long>> clicks =
        input
            .get(ComputeTrending.CLICKS)
            .apply(name + "WindowClicks", Window.<Integer>into(windowFn))
            .apply(name + "CountClicks", Count.perElement());
    return KeyedPCollectionTuple.of(COUNTED_VIEWS, views)
        .and(COUNTED_CLICKS, clicks)
        .apply(name + "Join", CoGroupByKey.create())
        .apply(name + "ToRows", ParDo.of(new ToRowFn()))
        .setCoder(TrendRowCoder.of());
  }

  static final TupleTag<Long> COUNTED_VIEWS = new TupleTag<Long>() {};
  static final TupleTag<Long> COUNTED_CLICKS = new TupleTag<Long>() {};

  static class ToRowFn extends DoFn<KV<Integer, CoGbkResult>, TrendRow> {
    @ProcessElement
    public void process(
        @Element KV<Integer, CoGbkResult> j, BoundedWindow w, OutputReceiver<TrendRow> out) {
      long views = 0;
      for (Long v : j.getValue().getAll(COUNTED_VIEWS)) {
        views += v;
      }
      long clicks = 0;
      for (Long c : j.getValue().getAll(COUNTED_CLICKS)) {
        clicks += c;
      }
      out.output(new TrendRow(((IntervalWindow) w).end().getMillis(), j.getKey(), views, clicks));
    }
  }
}
