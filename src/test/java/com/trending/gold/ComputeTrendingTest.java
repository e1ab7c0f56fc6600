package com.trending.gold;

import com.trending.gold.ReferenceModel.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** Batch: the sliced computation (and the naive one) equal the reference model exactly. */
@RunWith(JUnit4.class)
public class ComputeTrendingTest {
  static final long START = Instant.parse("2025-12-16T22:00:00Z").getMillis();
  private static final long HOUR = ReferenceModel.HOUR;

  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void slicedEqualsReferenceModel() {
    Random random = new Random(42);
    List<Event> views = ReferenceModel.randomEvents(random, 3000, 40, START, 50);
    List<Event> clicks = ReferenceModel.randomEvents(random, 800, 60, START, 50);
    assertEqualsModel(new ComputeTrending(TrendWindows.contract(), Refresh.once()), views, clicks);
  }

  /** Movie shards group the work, never the result: one shard or three, the same rows. */
  @Test
  public void shardCountDoesNotChangeTheRows() {
    Random random = new Random(11);
    List<Event> views = ReferenceModel.randomEvents(random, 1000, 25, START, 30);
    List<Event> clicks = ReferenceModel.randomEvents(random, 400, 25, START, 30);
    for (int shards : new int[] {1, 3}) {
      assertEqualsModel(
          "shards" + shards,
          new ComputeTrending(TrendWindows.contract(), Refresh.once(), shards),
          views,
          clicks);
    }
  }

  @Test
  public void naiveEqualsReferenceModel() {
    Random random = new Random(7);
    List<Event> views = ReferenceModel.randomEvents(random, 1500, 30, START, 30);
    List<Event> clicks = ReferenceModel.randomEvents(random, 500, 30, START, 30);
    assertEqualsModel(new NaiveTrending(), views, clicks);
  }

  @Test
  public void fullOuterJoinAndWindowBoundaries() {
    List<Event> views =
        Arrays.asList(
            new Event(1, START), // first ms of an hour
            new Event(1, START + HOUR - 1), // last ms of the same hour
            new Event(2, START + HOUR), // next hour, views only
            new Event(-5, START + 30 * HOUR)); // negative id, alone 6 h after the rest
    List<Event> clicks =
        Arrays.asList(
            new Event(3, START + 10), new Event(1, START + 2 * HOUR + 5)); // clicks only for 3
    assertEqualsModel(new ComputeTrending(TrendWindows.contract(), Refresh.once()), views, clicks);
  }

  private void assertEqualsModel(
      PTransform<PCollectionTuple, PCollectionTuple> transform,
      List<Event> views,
      List<Event> clicks) {
    assertEqualsModel("", transform, views, clicks);
  }

  private void assertEqualsModel(
      String name,
      PTransform<PCollectionTuple, PCollectionTuple> transform,
      List<Event> views,
      List<Event> clicks) {
    PCollectionTuple gold =
        PCollectionTuple.of(ComputeTrending.VIEWS, create(name + "Views", views))
            .and(ComputeTrending.CLICKS, create(name + "Clicks", clicks))
            .apply(name + "Compute", transform);
    PAssert.that(name + " 1h table", gold.get(ComputeTrending.SHORT_TABLE))
        .containsInAnyOrder(ReferenceModel.oneHour(views, clicks));
    PAssert.that(name + " 24h table", gold.get(ComputeTrending.LONG_TABLE))
        .containsInAnyOrder(ReferenceModel.twentyFourHours(views, clicks));
    p.run().waitUntilFinish();
  }

  private PCollection<Integer> create(String name, List<Event> events) {
    List<TimestampedValue<Integer>> values = new ArrayList<>();
    for (Event e : events) {
      values.add(TimestampedValue.of(e.movieId, new Instant(e.ts)));
    }
    return p.apply(name, Create.timestamped(values).withCoder(VarIntCoder.of()));
  }
}
