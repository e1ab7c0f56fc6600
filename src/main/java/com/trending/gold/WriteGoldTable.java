package com.trending.gold;

import com.trending.common.Table;
import com.trending.gold.TrendRow.TrendRowCoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Gold rows in (any windows, any panes); the Gold table folder rewritten whole, atomically, with
 * exactly one row per (window, movie) holding its latest counts. Emits the number of rows written
 * by each rewrite.
 *
 * <p>Batch: one rewrite with everything, replacing the previous table. Streaming: the changed rows
 * are collected for about {@code refreshPeriod}, merged into the current table (kept in memory,
 * reloaded from the file when another worker wrote it) and the table is rewritten. Merging takes
 * the maximum counts per row, so repeated or reordered panes do not change the result.
 */
public class WriteGoldTable extends PTransform<PCollection<TrendRow>, PCollection<Long>> {
  private final Table table;
  private final Duration refreshPeriod;

  /**
   * @param refreshPeriod rewrite period in streaming, or {@code null} for one rewrite (batch)
   */
  public WriteGoldTable(Table table, Duration refreshPeriod) {
    this.table = table;
    this.refreshPeriod = refreshPeriod;
  }

  @Override
  public PCollection<Long> expand(PCollection<TrendRow> rows) {
    Window<TrendRow> global = Window.<TrendRow>into(new GlobalWindows());
    if (refreshPeriod != null) {
      global =
          global
              .triggering(
                  Repeatedly.forever(
                      AfterProcessingTime.pastFirstElementInPane().plusDelayOf(refreshPeriod)))
              .withAllowedLateness(Duration.ZERO)
              .discardingFiredPanes();
    }
    // Two levels: rows are first gathered into a few shards (deduplicated there), and only the
    // shards' blocks meet under the single table key. One key holding every row would make the
    // Direct runner copy an ever-growing state for every incoming bundle.
    return rows.apply("GlobalWindow", global)
        .apply("KeyByShard", ParDo.of(new KeyByShardFn()))
        .setCoder(KvCoder.of(VarIntCoder.of(), TrendRowCoder.of()))
        .apply("CollectShards", GroupByKey.create())
        .apply("MergeShard", ParDo.of(new MergeShardFn(table.dir())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(TrendRowCoder.of())))
        .apply("CollectTable", GroupByKey.create())
        .apply("RewriteTable", ParDo.of(new RewriteTableFn(table, refreshPeriod != null)));
  }

  static final int SHARDS = 32;

  static class KeyByShardFn extends DoFn<TrendRow, KV<Integer, TrendRow>> {
    @ProcessElement
    public void process(@Element TrendRow row, OutputReceiver<KV<Integer, TrendRow>> out) {
      out.output(KV.of(Math.floorMod(row.movieId(), SHARDS), row));
    }
  }

  /** One block per shard and pane, one row per (window, movie), keyed by the table folder. */
  static class MergeShardFn
      extends DoFn<KV<Integer, Iterable<TrendRow>>, KV<String, List<TrendRow>>> {
    private final String table;

    MergeShardFn(String table) {
      this.table = table;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<TrendRow>> shard,
        OutputReceiver<KV<String, List<TrendRow>>> out) {
      Map<Long, TrendRow> rows = new HashMap<>();
      for (TrendRow row : shard.getValue()) {
        rows.merge(row.key(), row, TrendRow::latest);
      }
      out.output(KV.of(table, new ArrayList<>(rows.values())));
    }
  }

  /** Merges a batch of changed rows into the table and rewrites it. */
  static class RewriteTableFn extends DoFn<KV<String, Iterable<List<TrendRow>>>, Long> {
    private final Table goldTable;
    private final boolean mergeWithExisting;
    private final Counter rewrites = Metrics.counter(WriteGoldTable.class, "goldRewrites");
    private final Distribution rowsPerRewrite =
        Metrics.distribution(WriteGoldTable.class, "goldRowsPerRewrite");
    private transient Map<Long, TrendRow> cached;
    private transient String cachedVersion;

    RewriteTableFn(Table goldTable, boolean mergeWithExisting) {
      this.goldTable = goldTable;
      this.mergeWithExisting = mergeWithExisting;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<List<TrendRow>>> changes, OutputReceiver<Long> out)
        throws IOException {
      Map<Long, TrendRow> table = mergeWithExisting ? current() : new HashMap<>();
      for (List<TrendRow> block : changes.getValue()) {
        for (TrendRow row : block) {
          table.merge(row.key(), row, TrendRow::latest);
        }
      }
      GoldTable.rewrite(goldTable, table.values());
      rewrites.inc();
      rowsPerRewrite.update(table.size());
      if (mergeWithExisting) {
        cached = table;
        cachedVersion = GoldTable.version(goldTable);
      }
      out.output((long) table.size());
    }

    /** The table as committed: the rows this worker wrote last, unless another one wrote since. */
    private Map<Long, TrendRow> current() throws IOException {
      String version = GoldTable.version(goldTable);
      if (cached != null && version.equals(cachedVersion)) {
        return cached;
      }
      Map<Long, TrendRow> table = new HashMap<>();
      for (TrendRow row : GoldTable.read(goldTable)) {
        table.put(row.key(), row);
      }
      return table;
    }
  }
}
