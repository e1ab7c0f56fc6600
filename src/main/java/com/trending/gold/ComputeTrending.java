package com.trending.gold;

import com.trending.common.BlockCoder;
import com.trending.gold.TrendRow.TrendRowCoder;
import com.trending.gold.TrendWindows.TableWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Views and clicks (movie ids, each with its event time as element timestamp) in; the rows of both
 * Gold tables out: one {@link TrendRow} per (window, movie) with at least one view or click.
 *
 * <p>Each event is counted once, into an hourly slice (fixed windows of {@code slide}); the two
 * inputs are joined per (slice, movie) with {@code CoGroupByKey}. Each table's window is then the
 * sum of its slices: the 1-hour table sums 1 slice, the 24-hour table sums 24, so the sliding
 * window costs 24 slices per movie rather than 24 copies of every event; the 1-hour table's rows
 * are its slices.
 *
 * <p>In batch each window fires once. Streaming, what a grouping would keep for a whole window is
 * kept as state instead, one value per movie: a slice's running counts ({@link RunningCountsFn})
 * and a window's latest slices ({@link SumLatestSlicesStatefulFn}), each emitting the new totals of
 * the movies that changed. Only the join groups, firing early and late panes as the {@link Refresh}
 * says and discarding what it fired, so no buffer outlives a refresh. (Grouped and accumulating,
 * the Direct and Spark runners keep every input of a window until it expires: a count map per
 * bundle and a slice block per refresh, and after ten minutes at 1,000 events/s the Direct runner
 * spent 70% of Gold's CPU copying them.) A row's counts only grow, so downstream takes the maximum
 * of each count per slice and per row: a join pane that holds only the views of a movie (its clicks
 * did not change) leaves its clicks as they were, and repeated panes are harmless. Allowed
 * lateness: each table drops data that arrives later than its own lateness after its window's end;
 * the slices keep state long enough for the latest window that contains them. Lateness is enforced
 * where events are first grouped, so in streaming the 1-hour table counts its own slices (two
 * counts per event instead of 24); in batch both tables share them.
 */
public class ComputeTrending extends PTransform<PCollectionTuple, PCollectionTuple> {

  public static final TupleTag<Integer> VIEWS = new TupleTag<Integer>() {};
  public static final TupleTag<Integer> CLICKS = new TupleTag<Integer>() {};
  public static final TupleTag<TrendRow> SHORT_TABLE = new TupleTag<TrendRow>() {};
  public static final TupleTag<TrendRow> LONG_TABLE = new TupleTag<TrendRow>() {};

  private final TrendWindows windows;
  private final Refresh refresh;
  private final int shards;

  /** With the refresh mode's {@link #defaultShards}. */
  public ComputeTrending(TrendWindows windows, Refresh refresh) {
    this(windows, refresh, defaultShards(refresh));
  }

  /**
   * @param windows both tables' window sizes and lateness, and the slide
   * @param refresh when windows fire: once (batch), or early and late as they change (streaming)
   * @param shards how many movie shards the groupings are keyed by
   */
  public ComputeTrending(TrendWindows windows, Refresh refresh, int shards) {
    this.windows = windows;
    this.refresh = refresh;
    this.shards = shards;
  }

  @Override
  public PCollectionTuple expand(PCollectionTuple input) {
    // A slice must accept data as long as the latest window containing it still does. Lateness
    // is decided where events are first grouped (a late pane is not late downstream), so in
    // streaming, where the two tables' lateness differ, each table gets its own slices; in batch
    // nothing is late and one set of slices serves both tables: every event is counted once.
    Duration slide = windows.slide();
    TableWindow shortTable = windows.shortTable();
    TableWindow longTable = windows.longTable();
    Duration longSliceLateness = longTable.horizon().minus(slide);
    Duration shortSliceLateness = shortTable.horizon().minus(slide);
    PCollection<KV<Integer, List<TrendRow>>> longSlices =
        input.apply(
            "CountHourlySlices", new CountSlices(slide, longSliceLateness, refresh, shards));
    PCollection<KV<Integer, List<TrendRow>>> shortSlices =
        !refresh.isStreaming() || shortSliceLateness.equals(longSliceLateness)
            ? longSlices
            : input.apply(
                "CountHourlySlicesFor1h",
                new CountSlices(slide, shortSliceLateness, refresh, shards));
    // A short window of one slice is the slice itself: no roll-up, so in streaming a new event
    // reaches the 1-hour table one refresh sooner.
    PCollection<TrendRow> shortRows =
        shortTable.size().equals(slide)
            ? shortSlices
                .apply("SlicesAreShortWindows", ParDo.of(new StampWindowEndFn()))
                .setCoder(TrendRowCoder.of())
            : shortSlices.apply(
                "RollUpShortWindows",
                new RollUpSlices(
                    FixedWindows.of(shortTable.size()), shortTable.allowedLateness(), refresh));
    PCollection<TrendRow> longRows =
        longSlices.apply(
            "RollUpLongWindows",
            new RollUpSlices(
                SlidingWindows.of(longTable.size()).every(slide),
                longTable.allowedLateness(),
                refresh));
    return PCollectionTuple.of(SHORT_TABLE, shortRows).and(LONG_TABLE, longRows);
  }

  /**
   * Applies a window function with the trigger of the mode: once (batch) or refreshing, discarding
   * what each pane fired (streaming keeps running totals as state, see above).
   */
  static <T> Window<T> window(WindowFn<? super T, ?> windowFn, Duration lateness, Refresh refresh) {
    Window<T> window = Window.<T>into(windowFn).withAllowedLateness(lateness);
    if (!refresh.isStreaming()) {
      return window.discardingFiredPanes(); // default trigger: one pane per window
    }
    return window
        .triggering(
            AfterWatermark.pastEndOfWindow()
                .withEarlyFirings(refresh.firing())
                .withLateFirings(refresh.firing()))
        .discardingFiredPanes();
  }

  /**
   * Movies are grouped by shard wherever they are keyed: a key is a group of movies, and each row
   * is still counted, joined and summed per movie inside it. A runner's cost per key (the Direct
   * runner builds every downstream step anew for each key it fires, and scans its timers per key)
   * then follows the shards, not the catalogue; with 5,000 movies, keying by movie made a Direct
   * batch recompute 7x slower than the same events over 64 movies. A batch recompute takes {@link
   * #BATCH_SHARDS}, enough to keep every worker busy; streaming takes {@link #STREAMING_SHARDS}: a
   * refresh fires each shard of each window its events touched (24 windows of the 24-hour table per
   * slice), and the Direct and Spark runners pay per pane fired, so with 32 shards a refresh
   * outlasted the second that Gold's writer gathers it for and Gold was rewritten two or three
   * times per refresh under load.
   */
  public static final int BATCH_SHARDS = 32;

  public static final int STREAMING_SHARDS = 8;

  /** The shards a refresh mode takes unless told otherwise. */
  public static int defaultShards(Refresh refresh) {
    return refresh.isStreaming() ? STREAMING_SHARDS : BATCH_SHARDS;
  }

  static int movieShard(int movieId, int shards) {
    return Math.floorMod(movieId, shards);
  }

  /**
   * Views and clicks counted per movie in fixed windows of one slide, joined into one row per
   * (slice, movie); a block of rows per movie shard and pane.
   */
  public static class CountSlices
      extends PTransform<PCollectionTuple, PCollection<KV<Integer, List<TrendRow>>>> {
    private final Duration slide;
    private final Duration lateness;
    private final Refresh refresh;
    private final int shards;

    public CountSlices(Duration slide, Duration lateness, Refresh refresh, int shards) {
      this.slide = slide;
      this.lateness = lateness;
      this.refresh = refresh;
      this.shards = shards;
    }

    @Override
    public PCollection<KV<Integer, List<TrendRow>>> expand(PCollectionTuple input) {
      PCollection<KV<Integer, Map<Integer, Long>>> views =
          input
              .get(VIEWS)
              .apply(
                  "WindowViews",
                  ComputeTrending.<Integer>window(FixedWindows.of(slide), lateness, refresh))
              .apply("CountViews", new CountPerMovie(refresh, shards));
      PCollection<KV<Integer, Map<Integer, Long>>> clicks =
          input
              .get(CLICKS)
              .apply(
                  "WindowClicks",
                  ComputeTrending.<Integer>window(FixedWindows.of(slide), lateness, refresh))
              .apply("CountClicks", new CountPerMovie(refresh, shards));
      return KeyedPCollectionTuple.of(COUNTED_VIEWS, views)
          .and(COUNTED_CLICKS, clicks)
          .apply("JoinViewsAndClicks", CoGroupByKey.create())
          .apply("ToSlices", ParDo.of(new ToSlicesFn()))
          .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(TrendRowCoder.of())));
    }
  }

  /**
   * Movie ids in; per movie shard and window, the count of each movie. Each bundle is counted first
   * (a map per bundle, not an element per event). Batch: the maps are grouped, then each group is
   * summed whole (a {@code Combine.perKey} on the Spark runner keeps accumulators as objects in its
   * map-side buffer and sizes them by walking them: a quarter of a 2M-event recompute's CPU, where
   * its grouping moves bytes). Streaming: running counts kept as state ({@link RunningCountsFn}).
   */
  static class CountPerMovie
      extends PTransform<PCollection<Integer>, PCollection<KV<Integer, Map<Integer, Long>>>> {
    private final Refresh refresh;
    private final int shards;

    CountPerMovie(Refresh refresh, int shards) {
      this.refresh = refresh;
      this.shards = shards;
    }

    @Override
    public PCollection<KV<Integer, Map<Integer, Long>>> expand(PCollection<Integer> movies) {
      PCollection<KV<Integer, Map<Integer, Long>>> perBundle =
          movies.apply("CountInBundle", ParDo.of(new CountInBundleFn(shards))).setCoder(COUNTS);
      if (refresh.isStreaming()) {
        return perBundle.apply("RunningCounts", ParDo.of(new RunningCountsFn())).setCoder(COUNTS);
      }
      return perBundle
          .apply("Group", GroupByKey.create())
          .apply("SumPerMovie", Combine.groupedValues(new SumCountsFn()));
    }
  }

  private static final KvCoder<Integer, Map<Integer, Long>> COUNTS =
      KvCoder.of(VarIntCoder.of(), MapCoder.of(VarIntCoder.of(), VarLongCoder.of()));

  /**
   * Streaming: a shard's running count of each movie in its window (a slice), kept as state; each
   * bundle's counts are added, and the new totals of the movies in it are emitted. The runner drops
   * bundles for windows whose lateness has passed (counted as for a grouping) and clears the state
   * of expired windows.
   */
  static class RunningCountsFn
      extends DoFn<KV<Integer, Map<Integer, Long>>, KV<Integer, Map<Integer, Long>>> {
    @StateId("counts")
    private final StateSpec<ValueState<Map<Integer, Long>>> countsSpec =
        StateSpecs.value(MapCoder.of(VarIntCoder.of(), VarLongCoder.of()));

    @ProcessElement
    public void process(
        @Element KV<Integer, Map<Integer, Long>> bundle,
        @StateId("counts") ValueState<Map<Integer, Long>> state,
        OutputReceiver<KV<Integer, Map<Integer, Long>>> out) {
      Map<Integer, Long> stored = state.read();
      Map<Integer, Long> counts = stored == null ? new HashMap<>() : new HashMap<>(stored);
      Map<Integer, Long> totals = new HashMap<>();
      bundle
          .getValue()
          .forEach((movie, count) -> totals.put(movie, counts.merge(movie, count, Long::sum)));
      state.write(counts);
      out.output(KV.of(bundle.getKey(), totals));
    }
  }

  /**
   * A bundle's movie ids as one count map per (window, movie shard), emitted when the bundle ends
   * with the earliest timestamp of the window's events in it.
   */
  static class CountInBundleFn extends DoFn<Integer, KV<Integer, Map<Integer, Long>>> {
    private final int shards;
    private transient Map<BoundedWindow, Map<Integer, Map<Integer, Long>>> counts;
    private transient Map<BoundedWindow, Instant> earliest;

    CountInBundleFn(int shards) {
      this.shards = shards;
    }

    @StartBundle
    public void start() {
      counts = new HashMap<>();
      earliest = new HashMap<>();
    }

    @ProcessElement
    public void process(
        @Element Integer movie, @Timestamp Instant timestamp, BoundedWindow window) {
      counts
          .computeIfAbsent(window, w -> new HashMap<>())
          .computeIfAbsent(movieShard(movie, shards), shard -> new HashMap<>())
          .merge(movie, 1L, Long::sum);
      earliest.merge(window, timestamp, (a, b) -> a.isBefore(b) ? a : b);
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      counts.forEach(
          (window, shards) ->
              shards.forEach(
                  (shard, perMovie) ->
                      context.output(KV.of(shard, perMovie), earliest.get(window), window)));
      counts = null;
      earliest = null;
    }
  }

  /** Count maps summed per movie. */
  static class SumCountsFn
      extends CombineFn<Map<Integer, Long>, Map<Integer, Long>, Map<Integer, Long>> {
    @Override
    public Map<Integer, Long> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<Integer, Long> addInput(Map<Integer, Long> sum, Map<Integer, Long> counts) {
      counts.forEach((movie, count) -> sum.merge(movie, count, Long::sum));
      return sum;
    }

    @Override
    public Map<Integer, Long> mergeAccumulators(Iterable<Map<Integer, Long>> accs) {
      Map<Integer, Long> merged = createAccumulator();
      for (Map<Integer, Long> acc : accs) {
        addInput(merged, acc);
      }
      return merged;
    }

    @Override
    public Map<Integer, Long> extractOutput(Map<Integer, Long> sum) {
      return sum;
    }

    @Override
    public Coder<Map<Integer, Long>> getAccumulatorCoder(
        CoderRegistry registry, Coder<Map<Integer, Long>> inputCoder) {
      return MapCoder.of(VarIntCoder.of(), VarLongCoder.of());
    }

    @Override
    public Coder<Map<Integer, Long>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<Map<Integer, Long>> inputCoder) {
      return MapCoder.of(VarIntCoder.of(), VarLongCoder.of());
    }
  }

  static final TupleTag<Map<Integer, Long>> COUNTED_VIEWS = new TupleTag<Map<Integer, Long>>() {};
  static final TupleTag<Map<Integer, Long>> COUNTED_CLICKS = new TupleTag<Map<Integer, Long>>() {};

  /**
   * Full outer join of one (slice, movie shard), per movie: a missing side counts 0 (in streaming:
   * a side whose count did not change in this pane, which downstream's maximum leaves as it was);
   * repeated counts of a movie count once (a count only grows, so its maximum is its latest).
   */
  static class ToSlicesFn extends DoFn<KV<Integer, CoGbkResult>, KV<Integer, List<TrendRow>>> {
    @ProcessElement
    public void process(
        @Element KV<Integer, CoGbkResult> joined,
        BoundedWindow window,
        OutputReceiver<KV<Integer, List<TrendRow>>> out) {
      Map<Integer, Long> views = latestCounts(joined.getValue().getAll(COUNTED_VIEWS));
      Map<Integer, Long> clicks = latestCounts(joined.getValue().getAll(COUNTED_CLICKS));
      long end = ((IntervalWindow) window).end().getMillis();
      List<TrendRow> slices = new ArrayList<>(views.size() + clicks.size());
      views.forEach(
          (movie, count) ->
              slices.add(new TrendRow(end, movie, count, clicks.getOrDefault(movie, 0L))));
      clicks.forEach(
          (movie, count) -> {
            if (!views.containsKey(movie)) {
              slices.add(new TrendRow(end, movie, 0L, count));
            }
          });
      out.output(KV.of(joined.getKey(), slices));
    }

    private static Map<Integer, Long> latestCounts(Iterable<Map<Integer, Long>> panes) {
      Map<Integer, Long> latest = new HashMap<>();
      for (Map<Integer, Long> pane : panes) {
        pane.forEach((movie, count) -> latest.merge(movie, count, Math::max));
      }
      return latest;
    }
  }

  /** Slices summed into the windows of {@code windowFn}; one row per (window, movie). */
  public static class RollUpSlices
      extends PTransform<PCollection<KV<Integer, List<TrendRow>>>, PCollection<TrendRow>> {
    private final WindowFn<Object, IntervalWindow> windowFn;
    private final Duration lateness;
    private final Refresh refresh;

    public RollUpSlices(
        WindowFn<Object, IntervalWindow> windowFn, Duration lateness, Refresh refresh) {
      this.windowFn = windowFn;
      this.lateness = lateness;
      this.refresh = refresh;
    }

    @Override
    public PCollection<TrendRow> expand(PCollection<KV<Integer, List<TrendRow>>> slices) {
      PCollection<KV<Integer, List<TrendRow>>> windowed =
          slices.apply(
              "Window",
              ComputeTrending.<KV<Integer, List<TrendRow>>>window(windowFn, lateness, refresh));
      PCollection<KV<Integer, List<TrendRow>>> sums =
          refresh.isStreaming()
              ? windowed
                  .apply("SumLatestSlices", ParDo.of(new SumLatestSlicesStatefulFn()))
                  .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(TrendRowCoder.of())))
              // grouped as encoded blocks: see BlockCoder
              : windowed
                  .apply("EncodeSlices", ParDo.of(new EncodeSlicesFn()))
                  .setCoder(KvCoder.of(VarIntCoder.of(), BlockCoder.of()))
                  .apply("Group", GroupByKey.create())
                  .apply("SumSlices", Combine.groupedValues(new SumLatestSlicesFn()));
      return sums.apply("ToRows", ParDo.of(new StampWindowEndFn())).setCoder(TrendRowCoder.of());
    }
  }

  /**
   * Streaming roll-up: a window's slices summed per movie as they change. The state of a (shard,
   * window) is the latest version of each of its slices (at most one row per slice and movie,
   * packed: {@link LatestSlices}), so it stays the size of the window's rows however many refreshes
   * reach it (grouped, a 24-hour window kept ~17,000 slice blocks per shard by the time it
   * expired). Each block that changes some slices emits the window's new sums of those movies; the
   * runner drops blocks for windows whose lateness has passed and clears the state of expired
   * windows.
   */
  static class SumLatestSlicesStatefulFn
      extends DoFn<KV<Integer, List<TrendRow>>, KV<Integer, List<TrendRow>>> {
    @StateId("slices")
    private final StateSpec<ValueState<byte[]>> slicesSpec = StateSpecs.value(ByteArrayCoder.of());

    @ProcessElement
    public void process(
        @Element KV<Integer, List<TrendRow>> block,
        @StateId("slices") ValueState<byte[]> state,
        OutputReceiver<KV<Integer, List<TrendRow>>> out) {
      LatestSlices slices = LatestSlices.decode(state.read());
      Set<Integer> changed = slices.update(block.getValue());
      if (changed.isEmpty()) {
        return; // a repeated pane
      }
      state.write(slices.encode());
      out.output(KV.of(block.getKey(), slices.sums(changed)));
    }
  }

  /** A block of slices as one byte array, for the batch roll-up's grouping. */
  static class EncodeSlicesFn extends DoFn<KV<Integer, List<TrendRow>>, KV<Integer, byte[]>> {
    @ProcessElement
    public void process(
        @Element KV<Integer, List<TrendRow>> block, OutputReceiver<KV<Integer, byte[]>> out)
        throws CoderException {
      out.output(KV.of(block.getKey(), CoderUtils.encodeToByteArray(SLICES, block.getValue())));
    }
  }

  private static final Coder<List<TrendRow>> SLICES = ListCoder.of(TrendRowCoder.of());

  /**
   * Sums a window's slices per movie, keeping only the latest version of each (slice, movie) (its
   * maximum counts), so that accumulating or repeated slice panes are counted once. Its input is
   * blocks of slices encoded by {@link EncodeSlicesFn}.
   */
  static class SumLatestSlicesFn extends CombineFn<byte[], Map<Long, TrendRow>, List<TrendRow>> {
    @Override
    public Map<Long, TrendRow> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<Long, TrendRow> addInput(Map<Long, TrendRow> acc, byte[] block) {
      List<TrendRow> slices;
      try {
        slices = CoderUtils.decodeFromByteArray(SLICES, block);
      } catch (CoderException e) {
        throw new IllegalStateException("Cannot decode a block of slices", e);
      }
      for (TrendRow slice : slices) {
        acc.merge(slice.key(), slice, TrendRow::latest);
      }
      return acc;
    }

    @Override
    public Map<Long, TrendRow> mergeAccumulators(Iterable<Map<Long, TrendRow>> accs) {
      Map<Long, TrendRow> merged = null;
      for (Map<Long, TrendRow> acc : accs) {
        if (merged == null) {
          merged = acc;
        } else {
          for (Map.Entry<Long, TrendRow> e : acc.entrySet()) {
            merged.merge(e.getKey(), e.getValue(), TrendRow::latest);
          }
        }
      }
      return merged == null ? createAccumulator() : merged;
    }

    @Override
    public List<TrendRow> extractOutput(Map<Long, TrendRow> acc) {
      Map<Integer, TrendRow> perMovie = new HashMap<>();
      for (TrendRow slice : acc.values()) {
        perMovie.merge(slice.movieId(), slice.withWindowEnd(0L), TrendRow::plus);
      }
      return new ArrayList<>(perMovie.values());
    }

    @Override
    public Coder<Map<Long, TrendRow>> getAccumulatorCoder(
        CoderRegistry registry, Coder<byte[]> inputCoder) {
      return MapCoder.of(VarLongCoder.of(), TrendRowCoder.of());
    }

    @Override
    public Coder<List<TrendRow>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<byte[]> inputCoder) {
      return SLICES;
    }
  }

  /** One row per movie of a block, each stamped with the end of the window it was computed in. */
  static class StampWindowEndFn extends DoFn<KV<Integer, List<TrendRow>>, TrendRow> {
    private final Counter rows = Metrics.counter(ComputeTrending.class, "windowRowsEmitted");

    @ProcessElement
    public void process(
        @Element KV<Integer, List<TrendRow>> block,
        BoundedWindow window,
        OutputReceiver<TrendRow> out) {
      long end = ((IntervalWindow) window).end().getMillis();
      for (TrendRow row : block.getValue()) {
        if (row.views() == 0 && row.clicks() == 0) {
          continue; // an empty pane (the Flink runner fires some) holds no row
        }
        rows.inc();
        out.output(row.withWindowEnd(end));
      }
    }
  }
}
