package com.trending.gold;

import com.trending.gold.TrendRow.TrendRowCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * What the Gold table ends up holding: of every pane of every window, the latest row per (window,
 * movie). Tests compare it with the reference model.
 */
class LatestRows extends PTransform<PCollection<TrendRow>, PCollection<TrendRow>> {
  @Override
  public PCollection<TrendRow> expand(PCollection<TrendRow> rows) {
    return rows.apply(
            "AllPanes",
            Window.<TrendRow>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterWatermark.pastEndOfWindow()))
                .withAllowedLateness(Duration.ZERO)
                .discardingFiredPanes())
        .apply("KeyByWindowAndMovie", ParDo.of(new KeyFn()))
        .setCoder(KvCoder.of(VarLongCoder.of(), TrendRowCoder.of()))
        .apply("Latest", Combine.perKey(new LatestFn()))
        .apply(Values.create());
  }

  static class KeyFn extends DoFn<TrendRow, KV<Long, TrendRow>> {
    @ProcessElement
    public void process(@Element TrendRow row, OutputReceiver<KV<Long, TrendRow>> out) {
      out.output(KV.of(row.key(), row));
    }
  }

  static class LatestFn implements SerializableFunction<Iterable<TrendRow>, TrendRow> {
    @Override
    public TrendRow apply(Iterable<TrendRow> rows) {
      TrendRow latest = null;
      for (TrendRow r : rows) {
        latest = r.latest(latest);
      }
      return latest;
    }
  }
}
