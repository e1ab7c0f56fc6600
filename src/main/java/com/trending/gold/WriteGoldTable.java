package com.trending.gold;

import com.trending.common.Table;
import com.trending.gold.TrendRow.TrendRowCoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
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
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Trigger.OnceTrigger;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Gold rows in (any windows, any panes); the Gold table replaced, atomically for readers, with
 * exactly one row per (window, movie) holding its latest counts (see {@link GoldTable}). Emits the
 * number of rows written by each refresh.
 *
 * <p>Batch: one rewrite with everything, replacing the previous table. Streaming: the changed rows
 * are collected for the {@link Refresh#downstream()} of the refresh (a quarter second's gathering,
 * or a micro-batch) and merged into the table: only the days they fall in are rewritten, from the
 * rows this worker wrote last (read back from the table when another worker wrote them). Merging
 * takes the maximum counts per row, so repeated or reordered panes do not change the result.
 */
public class WriteGoldTable extends PTransform<PCollection<TrendRow>, PCollection<Long>> {
  private final Table table;
  private final Refresh refresh;
  private final int shards;

  /**
   * @param refresh when the table is rewritten: once (batch), or as rows change (streaming)
   * @param shards how many movie shards the rows are first gathered in
   */
  public WriteGoldTable(Table table, Refresh refresh, int shards) {
    this.table = table;
    this.refresh = refresh;
    this.shards = shards;
  }

  @Override
  public PCollection<Long> expand(PCollection<TrendRow> rows) {
    // Two levels: rows are first gathered into a few shards (deduplicated there), and only the
    // shards' blocks meet under the single table key. One key holding every row would make the
    // Direct runner copy an ever-growing state for every incoming bundle. Rows enter the shards
    // as one block per shard and bundle: the Spark runner re-encodes a key's whole buffer for
    // every element added to it, so a buffer of single rows costs the square of their number.
    // Under the table key, each shard's block travels encoded (bytes): the Direct runner copies
    // that key's buffer through its coder for each shard's bundle that adds to it, a byte copy
    // for bytes, a full encode and decode of every row for a list of rows.
    return rows.apply("GlobalWindow", inGlobalWindow(() -> refresh.downstream().firing()))
        .apply("BlockByShard", ParDo.of(new BlockByShardFn(shards)))
        .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(TrendRowCoder.of())))
        .apply("CollectShards", GroupByKey.create())
        .apply("MergeShard", ParDo.of(new MergeShardFn(table.dir())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()))
        .apply("GatherShards", inGlobalWindow(refresh::gathering))
        .apply("CollectTable", GroupByKey.create())
        .apply("RewriteTable", ParDo.of(new RewriteTableFn(table, refresh.isStreaming())));
  }

  /** The global window; in streaming, fired again and again by {@code firing}, discarding. */
  private <T> Window<T> inGlobalWindow(Supplier<OnceTrigger> firing) {
    Window<T> global = Window.into(new GlobalWindows());
    if (!refresh.isStreaming()) {
      return global; // one pane when the input is done
    }
    return global
        .triggering(Repeatedly.forever(firing.get()))
        .withAllowedLateness(Duration.ZERO)
        .discardingFiredPanes();
  }

  /**
   * A bundle's rows (in the global window) as one block per shard, one row per (window, movie),
   * emitted when the bundle ends with the bundle's earliest timestamp.
   */
  static class BlockByShardFn extends DoFn<TrendRow, KV<Integer, List<TrendRow>>> {
    private final int shards;
    private transient Map<Integer, Map<Long, TrendRow>> blocks;
    private transient Instant earliest;

    BlockByShardFn(int shards) {
      this.shards = shards;
    }

    @StartBundle
    public void start() {
      blocks = new HashMap<>();
      earliest = null;
    }

    @ProcessElement
    public void process(@Element TrendRow row, @Timestamp Instant timestamp) {
      blocks
          .computeIfAbsent(
              ComputeTrending.movieShard(row.movieId(), shards), shard -> new HashMap<>())
          .merge(row.key(), row, TrendRow::latest);
      if (earliest == null || timestamp.isBefore(earliest)) {
        earliest = timestamp;
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      for (Map.Entry<Integer, Map<Long, TrendRow>> block : blocks.entrySet()) {
        context.output(
            KV.of(block.getKey(), new ArrayList<>(block.getValue().values())),
            earliest,
            GlobalWindow.INSTANCE);
      }
      blocks = null;
    }
  }

  /** The rows of a block, encoded. */
  private static final Coder<List<TrendRow>> BLOCK = ListCoder.of(TrendRowCoder.of());

  /**
   * One block per shard and pane, one row per (window, movie), encoded, keyed by the table folder.
   */
  static class MergeShardFn
      extends DoFn<KV<Integer, Iterable<List<TrendRow>>>, KV<String, byte[]>> {
    private final String table;

    MergeShardFn(String table) {
      this.table = table;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<List<TrendRow>>> shard,
        OutputReceiver<KV<String, byte[]>> out)
        throws CoderException {
      Map<Long, TrendRow> rows = new HashMap<>();
      for (List<TrendRow> block : shard.getValue()) {
        for (TrendRow row : block) {
          rows.merge(row.key(), row, TrendRow::latest);
        }
      }
      out.output(KV.of(table, CoderUtils.encodeToByteArray(BLOCK, new ArrayList<>(rows.values()))));
    }
  }

  /**
   * Batch: replaces the table with the rows. Streaming: merges a refresh's changed rows into the
   * table, rewriting only the days they fall in.
   */
  static class RewriteTableFn extends DoFn<KV<String, Iterable<byte[]>>, Long> {
    private final Table goldTable;
    private final boolean mergeWithExisting;
    private final Counter rewrites = Metrics.counter(WriteGoldTable.class, "goldRewrites");
    private final Distribution rowsPerRewrite =
        Metrics.distribution(WriteGoldTable.class, "goldRowsPerRewrite");
    private transient Map<String, Map<Long, TrendRow>> lastWritten;

    RewriteTableFn(Table goldTable, boolean mergeWithExisting) {
      this.goldTable = goldTable;
      this.mergeWithExisting = mergeWithExisting;
    }

    @Setup
    public void setup() {
      lastWritten = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<byte[]>> changes, OutputReceiver<Long> out)
        throws IOException {
      Map<Long, TrendRow> rows = new HashMap<>();
      for (byte[] block : changes.getValue()) {
        for (TrendRow row : CoderUtils.decodeFromByteArray(BLOCK, block)) {
          rows.merge(row.key(), row, TrendRow::latest);
        }
      }
      long written;
      if (mergeWithExisting) {
        written = GoldTable.merge(goldTable, rows.values(), lastWritten);
      } else {
        GoldTable.rewrite(goldTable, rows.values());
        written = rows.size();
      }
      rewrites.inc();
      rowsPerRewrite.update(written);
      out.output(written);
    }
  }
}
