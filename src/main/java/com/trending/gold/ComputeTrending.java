package com.trending.gold;

import com.trending.gold.TrendRow.TrendRowCoder;
import com.trending.gold.TrendWindows.TableWindow;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
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
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;

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
 * <p>Streaming, every window fires early and late panes as its {@link Refresh} says, accumulating;
 * a row's counts only grow, so downstream takes the maximum per slice and per row, which also makes
 * repeated panes harmless. In batch each window fires once. Allowed lateness: each table drops data
 * that arrives later than its own lateness after its window's end; the slices keep state long
 * enough for the latest window that contains them. Lateness is enforced where events are first
 * grouped, so in streaming the 1-hour table counts its own slices (two counts per event instead of
 * 24); in batch both tables share them.
 */
public class ComputeTrending extends PTransform<PCollectionTuple, PCollectionTuple> {

  public static final TupleTag<Integer> VIEWS = new TupleTag<Integer>() {};
  public static final TupleTag<Integer> CLICKS = new TupleTag<Integer>() {};
  public static final TupleTag<TrendRow> SHORT_TABLE = new TupleTag<TrendRow>() {};
  public static final TupleTag<TrendRow> LONG_TABLE = new TupleTag<TrendRow>() {};

  private final TrendWindows windows;
  private final Refresh refresh;

  /**
   * @param windows both tables' window sizes and lateness, and the slide
   * @param refresh when windows fire: once (batch), or early and late as they change (streaming)
   */
  public ComputeTrending(TrendWindows windows, Refresh refresh) {
    this.windows = windows;
    this.refresh = refresh;
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
    PCollection<KV<Integer, TrendRow>> longSlices =
        input.apply("CountHourlySlices", new CountSlices(slide, longSliceLateness, refresh));
    PCollection<KV<Integer, TrendRow>> shortSlices =
        !refresh.isStreaming() || shortSliceLateness.equals(longSliceLateness)
            ? longSlices
            : input.apply(
                "CountHourlySlicesFor1h", new CountSlices(slide, shortSliceLateness, refresh));
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

  /** Applies a window function with the trigger of the mode: once (batch) or refreshing. */
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
        .accumulatingFiredPanes();
  }

  /**
   * Views and clicks counted per movie in fixed windows of one slide, joined into one row per
   * (slice, movie) keyed by movie.
   */
  public static class CountSlices
      extends PTransform<PCollectionTuple, PCollection<KV<Integer, TrendRow>>> {
    private final Duration slide;
    private final Duration lateness;
    private final Refresh refresh;

    public CountSlices(Duration slide, Duration lateness, Refresh refresh) {
      this.slide = slide;
      this.lateness = lateness;
      this.refresh = refresh;
    }

    @Override
    public PCollection<KV<Integer, TrendRow>> expand(PCollectionTuple input) {
      PCollection<KV<Integer, Long>> views =
          input
              .get(VIEWS)
              .apply(
                  "WindowViews",
                  ComputeTrending.<Integer>window(FixedWindows.of(slide), lateness, refresh))
              .apply("CountViews", Count.perElement());
      PCollection<KV<Integer, Long>> clicks =
          input
              .get(CLICKS)
              .apply(
                  "WindowClicks",
                  ComputeTrending.<Integer>window(FixedWindows.of(slide), lateness, refresh))
              .apply("CountClicks", Count.perElement());
      return KeyedPCollectionTuple.of(COUNTED_VIEWS, views)
          .and(COUNTED_CLICKS, clicks)
          .apply("JoinViewsAndClicks", CoGroupByKey.create())
          .apply("ToSlices", ParDo.of(new ToSliceFn()))
          .setCoder(KvCoder.of(VarIntCoder.of(), TrendRowCoder.of()));
    }
  }

  static final TupleTag<Long> COUNTED_VIEWS = new TupleTag<Long>() {};
  static final TupleTag<Long> COUNTED_CLICKS = new TupleTag<Long>() {};

  /** Full outer join of one (slice, movie): a missing side counts 0; repeated panes count once. */
  static class ToSliceFn extends DoFn<KV<Integer, CoGbkResult>, KV<Integer, TrendRow>> {
    @ProcessElement
    public void process(
        @Element KV<Integer, CoGbkResult> joined,
        BoundedWindow window,
        OutputReceiver<KV<Integer, TrendRow>> out) {
      long views = 0;
      for (Long v : joined.getValue().getAll(COUNTED_VIEWS)) {
        views = Math.max(views, v);
      }
      long clicks = 0;
      for (Long c : joined.getValue().getAll(COUNTED_CLICKS)) {
        clicks = Math.max(clicks, c);
      }
      long end = ((IntervalWindow) window).end().getMillis();
      out.output(KV.of(joined.getKey(), new TrendRow(end, joined.getKey(), views, clicks)));
    }
  }

  /** Slices summed into the windows of {@code windowFn}; one row per (window, movie). */
  public static class RollUpSlices
      extends PTransform<PCollection<KV<Integer, TrendRow>>, PCollection<TrendRow>> {
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
    public PCollection<TrendRow> expand(PCollection<KV<Integer, TrendRow>> slices) {
      return slices
          .apply(
              "Window", ComputeTrending.<KV<Integer, TrendRow>>window(windowFn, lateness, refresh))
          .apply("SumSlices", Combine.perKey(new SumLatestSlicesFn()))
          .apply("ToRows", ParDo.of(new StampWindowEndFn()))
          .setCoder(TrendRowCoder.of());
    }
  }

  /**
   * Sums a window's slices, keeping only the latest version of each slice (its maximum counts), so
   * that accumulating or repeated slice panes are counted once.
   */
  static class SumLatestSlicesFn extends CombineFn<TrendRow, Map<Long, TrendRow>, TrendRow> {
    @Override
    public Map<Long, TrendRow> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<Long, TrendRow> addInput(Map<Long, TrendRow> acc, TrendRow slice) {
      acc.merge(slice.windowEnd(), slice, TrendRow::latest);
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
    public TrendRow extractOutput(Map<Long, TrendRow> acc) {
      long views = 0;
      long clicks = 0;
      int movieId = 0;
      for (TrendRow slice : acc.values()) {
        views += slice.views();
        clicks += slice.clicks();
        movieId = slice.movieId();
      }
      return new TrendRow(0L, movieId, views, clicks);
    }

    @Override
    public Coder<Map<Long, TrendRow>> getAccumulatorCoder(
        CoderRegistry registry, Coder<TrendRow> inputCoder) {
      return MapCoder.of(VarLongCoder.of(), TrendRowCoder.of());
    }

    @Override
    public Coder<TrendRow> getDefaultOutputCoder(
        CoderRegistry registry, Coder<TrendRow> inputCoder) {
      return TrendRowCoder.of();
    }
  }

  /** Sets the row's window end from the window it was computed in. */
  static class StampWindowEndFn extends DoFn<KV<Integer, TrendRow>, TrendRow> {
    private final Counter rows = Metrics.counter(ComputeTrending.class, "windowRowsEmitted");

    @ProcessElement
    public void process(
        @Element KV<Integer, TrendRow> row, BoundedWindow window, OutputReceiver<TrendRow> out) {
      if (row.getValue().views() == 0 && row.getValue().clicks() == 0) {
        return; // an empty pane (the Flink runner fires some) holds no row: every row counts an
        // event
      }
      rows.inc();
      out.output(row.getValue().withWindowEnd(((IntervalWindow) window).end().getMillis()));
    }
  }
}
