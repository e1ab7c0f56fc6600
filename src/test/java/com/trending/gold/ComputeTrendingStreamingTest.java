package com.trending.gold;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;

import com.trending.gold.ReferenceModel.Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.beam.runners.core.LateDataDroppingDoFnRunner;
import org.apache.beam.runners.core.StatefulDoFnRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Streaming (TestStream, refresh period 5 s): early refresh, on time, late but allowed, too late;
 * and the latest rows of a longer out-of-order stream equal the reference model.
 */
@RunWith(JUnit4.class)
public class ComputeTrendingStreamingTest {
  private static final Duration PERIOD = Duration.standardSeconds(5);
  private static final long HOUR = ReferenceModel.HOUR;

  /** 10:00 on 2025-12-17; the hour under test is [10:00, 11:00). */
  private static final Instant T0 = Instant.parse("2025-12-17T10:00:00Z");

  private static final IntervalWindow HOUR_10 =
      new IntervalWindow(T0, T0.plus(Duration.millis(HOUR)));

  /** The 24 h window that ends with hour 10. */
  private static final IntervalWindow DAY_TO_11 =
      new IntervalWindow(T0.minus(Duration.millis(23 * HOUR)), T0.plus(Duration.millis(HOUR)));

  @Rule public final transient TestPipeline p = pipeline();

  /**
   * The runner the cases run on: the test default (Direct); see {@code
   * ComputeTrendingFlinkStreamingIT}.
   */
  protected TestPipeline pipeline() {
    return TestPipeline.create();
  }

  private static TimestampedValue<Integer> at(int movie, long offsetMillis) {
    return TimestampedValue.of(movie, T0.plus(Duration.millis(offsetMillis)));
  }

  private static long minutes(long m) {
    return m * 60_000L;
  }

  private static long end(IntervalWindow w) {
    return w.end().getMillis();
  }

  /** The rows of movie {@code movie} with {@code views} views in all 24 windows holding hour 10. */
  private static List<TrendRow> everyWindowContainingHour10(int movie, long views) {
    List<TrendRow> rows = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      rows.add(new TrendRow(end(HOUR_10) + i * HOUR, movie, views, 0));
    }
    return rows;
  }

  /** When the windows fire: every 5 s of processing time here. */
  protected Refresh refreshUnderTest() {
    return Refresh.every(PERIOD);
  }

  /**
   * Whether the runner's TestStream moves processing time (Direct: yes; Flink: no, its
   * processing-time triggers follow the real clock, see {@code ComputeTrendingFlinkStreamingIT}).
   */
  protected boolean controlsProcessingTime() {
    return true;
  }

  /**
   * Skips a case whose outcome depends on when refreshes fire relative to the watermark: early
   * panes, and a late slice reaching the second stage (the roll-up into 1 h / 24 h windows) before
   * or after that stage's watermark passes the lateness bound.
   */
  private void assumeProcessingTimeControl() {
    org.junit.Assume.assumeTrue(
        "the case needs processing time under the test's control", controlsProcessingTime());
  }

  /** Lets every stage's processing-time trigger fire (three stages deep). */
  private <T> TestStream.Builder<T> refresh(TestStream.Builder<T> s) {
    if (!controlsProcessingTime()) {
      return s;
    }
    return s.advanceProcessingTime(PERIOD.plus(Duration.millis(1)))
        .advanceProcessingTime(PERIOD.plus(Duration.millis(1)))
        .advanceProcessingTime(PERIOD.plus(Duration.millis(1)));
  }

  private PCollectionTuple apply(TestStream<Integer> views, TestStream<Integer> clicks) {
    return PCollectionTuple.of(ComputeTrending.VIEWS, p.apply("Views", views))
        .and(ComputeTrending.CLICKS, p.apply("Clicks", clicks))
        .apply(new ComputeTrending(TrendWindows.contract(), refreshUnderTest()));
  }

  @Test
  public void earlyRefreshBeforeTheWatermarkPasses() {
    assumeProcessingTimeControl();
    TestStream.Builder<Integer> v = TestStream.create(VarIntCoder.of()).advanceWatermarkTo(T0);
    v = refresh(v.addElements(at(1, minutes(10)), at(1, minutes(20))));
    TestStream<Integer> views = v.addElements(at(1, minutes(30))).advanceWatermarkToInfinity();
    TestStream<Integer> clicks =
        TestStream.create(VarIntCoder.of()).advanceWatermarkTo(T0).advanceWatermarkToInfinity();
    PCollectionTuple gold = apply(views, clicks);
    PAssert.that(gold.get(ComputeTrending.SHORT_TABLE))
        .inEarlyPane(HOUR_10)
        .containsInAnyOrder(new TrendRow(end(HOUR_10), 1, 2, 0));
    PAssert.that(gold.get(ComputeTrending.SHORT_TABLE))
        .inOnTimePane(HOUR_10)
        .containsInAnyOrder(new TrendRow(end(HOUR_10), 1, 3, 0));
    p.run().waitUntilFinish();
  }

  @Test
  public void onTime() {
    TestStream<Integer> views =
        TestStream.create(VarIntCoder.of())
            .advanceWatermarkTo(T0)
            .addElements(at(1, minutes(10)), at(1, HOUR - 1), at(2, minutes(30)))
            .advanceWatermarkTo(T0.plus(Duration.millis(HOUR + minutes(1))))
            .advanceWatermarkToInfinity();
    TestStream<Integer> clicks =
        TestStream.create(VarIntCoder.of())
            .advanceWatermarkTo(T0)
            .addElements(at(1, minutes(20)), at(3, 0))
            .advanceWatermarkTo(T0.plus(Duration.millis(HOUR + minutes(1))))
            .advanceWatermarkToInfinity();
    PCollectionTuple gold = apply(views, clicks);
    PAssert.that(gold.get(ComputeTrending.SHORT_TABLE).apply("Latest1h", new LatestRows()))
        .containsInAnyOrder(
            new TrendRow(end(HOUR_10), 1, 2, 1),
            new TrendRow(end(HOUR_10), 2, 1, 0),
            new TrendRow(end(HOUR_10), 3, 0, 1));
    List<TrendRow> day = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      long windowEnd = end(HOUR_10) + i * HOUR;
      day.add(new TrendRow(windowEnd, 1, 2, 1));
      day.add(new TrendRow(windowEnd, 2, 1, 0));
      day.add(new TrendRow(windowEnd, 3, 0, 1));
    }
    PAssert.that(gold.get(ComputeTrending.LONG_TABLE).apply("Latest24h", new LatestRows()))
        .containsInAnyOrder(day);
    if (controlsProcessingTime()) { // no early pane: everything is in the on-time pane
      PAssert.that(gold.get(ComputeTrending.SHORT_TABLE))
          .inOnTimePane(HOUR_10)
          .containsInAnyOrder(
              new TrendRow(end(HOUR_10), 1, 2, 1),
              new TrendRow(end(HOUR_10), 2, 1, 0),
              new TrendRow(end(HOUR_10), 3, 0, 1));
      // The 24-hour roll-up has no trigger of its own in streaming (a stateful step): its rows
      // come in the panes of the slices that changed them, here the slice's on-time pane.
      PAssert.that(gold.get(ComputeTrending.LONG_TABLE))
          .inOnTimePane(DAY_TO_11)
          .containsInAnyOrder(
              new TrendRow(end(DAY_TO_11), 1, 2, 1),
              new TrendRow(end(DAY_TO_11), 2, 1, 0),
              new TrendRow(end(DAY_TO_11), 3, 0, 1));
    }
    p.run().waitUntilFinish();
  }

  @Test
  public void lateButAllowedUpdatesTheRow() {
    // Watermark 1 h 30 min past the end of hour 10: late, within the 2 h of the 1 h table.
    TestStream.Builder<Integer> v =
        TestStream.create(VarIntCoder.of())
            .advanceWatermarkTo(T0)
            .addElements(at(1, minutes(10)))
            .advanceWatermarkTo(T0.plus(Duration.millis(HOUR + minutes(90))));
    TestStream<Integer> views =
        refresh(v.addElements(at(1, minutes(40)))).advanceWatermarkToInfinity();
    TestStream<Integer> clicks =
        TestStream.create(VarIntCoder.of()).advanceWatermarkTo(T0).advanceWatermarkToInfinity();
    PCollectionTuple gold = apply(views, clicks);
    PAssert.that(gold.get(ComputeTrending.SHORT_TABLE).apply("Latest1h", new LatestRows()))
        .containsInAnyOrder(new TrendRow(end(HOUR_10), 1, 2, 0));
    List<TrendRow> day = everyWindowContainingHour10(1, 2);
    PAssert.that(gold.get(ComputeTrending.LONG_TABLE).apply("Latest24h", new LatestRows()))
        .containsInAnyOrder(day);
    // Which pane holds the late view is not asserted: the slice counts are state (see
    // ComputeTrending), and the Direct runner holds a stateful step's output watermark until its
    // window's lateness has passed, so the join downstream still sees the late view as early.
    p.run().waitUntilFinish();
  }

  @Test
  public void tooLateIsDroppedAndCounted() {
    // Watermark 3 h past the end of hour 10: too late for the 1 h table (2 h), still in time for
    // the 24 h windows that contain it (26 h). An event 3 days old is too late for both.
    TestStream.Builder<Integer> v =
        TestStream.create(VarIntCoder.of())
            .advanceWatermarkTo(T0)
            .addElements(at(1, minutes(10)))
            .advanceWatermarkTo(T0.plus(Duration.millis(4 * HOUR)));
    TestStream<Integer> views =
        refresh(v.addElements(at(1, minutes(40)), at(7, -72 * HOUR))).advanceWatermarkToInfinity();
    TestStream<Integer> clicks =
        TestStream.create(VarIntCoder.of()).advanceWatermarkTo(T0).advanceWatermarkToInfinity();
    PCollectionTuple gold = apply(views, clicks);
    PAssert.that(gold.get(ComputeTrending.SHORT_TABLE).apply("Latest1h", new LatestRows()))
        .containsInAnyOrder(new TrendRow(end(HOUR_10), 1, 1, 0));
    List<TrendRow> day = everyWindowContainingHour10(1, 2); // both views
    PAssert.that(gold.get(ComputeTrending.LONG_TABLE).apply("Latest24h", new LatestRows()))
        .containsInAnyOrder(day);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    long dropped = 0;
    // The runners' own counters: a grouping's "DroppedDueToLateness" (the Direct runner runs a
    // stateful step after a grouping), a stateful step's "StatefulParDoDropped" (Flink).
    for (MetricResult<Long> c :
        result.metrics().queryMetrics(MetricsFilter.builder().build()).getCounters()) {
      String name = c.getName().getName();
      if (name.equalsIgnoreCase(LateDataDroppingDoFnRunner.DROPPED_DUE_TO_LATENESS)
          || name.equals(StatefulDoFnRunner.DROPPED_DUE_TO_LATENESS_COUNTER)) {
        dropped += c.getAttempted();
      }
    }
    assertThat("events and slices dropped for lateness", dropped, greaterThan(0L));
  }

  /**
   * A 5-hour ingestion outage: the event-time watermark (see {@link SilverLogSource}) stays with
   * the last data read while five hours of wall-clock time pass, so the backlog that arrives
   * afterwards, hours old by the clock, is on time and fully counted in both tables.
   */
  @Test
  public void fiveHourIngestionOutageLosesNothing() {
    TestStream.Builder<Integer> v =
        TestStream.create(VarIntCoder.of())
            .advanceWatermarkTo(T0)
            .addElements(at(1, minutes(10)))
            .advanceWatermarkTo(T0.plus(Duration.millis(minutes(10))));
    for (int i = 0;
        i < 60 && controlsProcessingTime();
        i++) { // five hours of refreshes, no data, a still watermark
      v = v.advanceProcessingTime(Duration.standardMinutes(5));
    }
    TestStream<Integer> views =
        refresh(v.addElements(at(1, minutes(40)), at(2, minutes(50)), at(1, HOUR + minutes(5))))
            .advanceWatermarkTo(T0.plus(Duration.millis(HOUR + minutes(5))))
            .advanceWatermarkToInfinity();
    TestStream<Integer> clicks =
        TestStream.create(VarIntCoder.of()).advanceWatermarkTo(T0).advanceWatermarkToInfinity();
    PCollectionTuple gold = apply(views, clicks);
    IntervalWindow hour11 =
        new IntervalWindow(HOUR_10.end(), HOUR_10.end().plus(Duration.millis(HOUR)));
    PAssert.that(gold.get(ComputeTrending.SHORT_TABLE).apply("Latest1h", new LatestRows()))
        .containsInAnyOrder(
            new TrendRow(end(HOUR_10), 1, 2, 0),
            new TrendRow(end(HOUR_10), 2, 1, 0),
            new TrendRow(end(hour11), 1, 1, 0));
    PAssert.that(gold.get(ComputeTrending.LONG_TABLE).apply("Latest24h", new LatestRows()))
        .containsInAnyOrder(
            ReferenceModel.twentyFourHours(
                List.of(
                    new Event(1, T0.getMillis() + minutes(10)),
                    new Event(1, T0.getMillis() + minutes(40)),
                    new Event(2, T0.getMillis() + minutes(50)),
                    new Event(1, T0.getMillis() + HOUR + minutes(5))),
                List.of()));
    PipelineResult result = p.run();
    result.waitUntilFinish();
  }

  @Test
  public void outOfOrderStreamEqualsReferenceModel() {
    Random random = new Random(5);
    long start = T0.getMillis();
    List<Event> views = ReferenceModel.randomEvents(random, 1500, 20, start, 30);
    List<Event> clicks = ReferenceModel.randomEvents(random, 400, 20, start, 30);
    PCollectionTuple gold = apply(outOfOrder(views, start), outOfOrder(clicks, start));
    PAssert.that(gold.get(ComputeTrending.SHORT_TABLE).apply("Latest1h", new LatestRows()))
        .containsInAnyOrder(ReferenceModel.oneHour(views, clicks));
    PAssert.that(gold.get(ComputeTrending.LONG_TABLE).apply("Latest24h", new LatestRows()))
        .containsInAnyOrder(ReferenceModel.twentyFourHours(views, clicks));
    p.run().waitUntilFinish();
  }

  /**
   * Events in hourly batches, each batch shuffled and holding up to an hour of stragglers; the
   * watermark trails the batches by an hour, so events are early, on time or late, never too late.
   */
  private TestStream<Integer> outOfOrder(List<Event> events, long start) {
    List<Event> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparingLong(e -> e.ts));
    Random random = new Random(sorted.size());
    TestStream.Builder<Integer> s =
        TestStream.create(VarIntCoder.of()).advanceWatermarkTo(new Instant(start));
    int i = 0;
    for (long t = start + HOUR; i < sorted.size(); t += HOUR) {
      List<TimestampedValue<Integer>> batch = new ArrayList<>();
      while (i < sorted.size() && sorted.get(i).ts < t) {
        batch.add(TimestampedValue.of(sorted.get(i).movieId, new Instant(sorted.get(i).ts)));
        i++;
      }
      Collections.shuffle(batch, random);
      if (!batch.isEmpty()) {
        s =
            s.addElements(
                batch.get(0), batch.subList(1, batch.size()).toArray(new TimestampedValue[0]));
      }
      if (controlsProcessingTime()) {
        s = s.advanceProcessingTime(PERIOD.plus(Duration.millis(1)));
      }
      s = s.advanceWatermarkTo(new Instant(t - HOUR));
    }
    return s.advanceWatermarkToInfinity();
  }
}
