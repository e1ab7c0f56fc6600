package com.trending.silver;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.trending.common.Lakehouse;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

/** A batch's keys: the partitions its events fall into and its ids' hashes, combined per batch. */
public class BatchKeysTest {
  private static final int VIEWS = Lakehouse.TOPICS.indexOf(Lakehouse.VIEWS);
  private static final int CLICKS = Lakehouse.TOPICS.indexOf(Lakehouse.CLICKS);
  private static final int RATINGS = Lakehouse.TOPICS.indexOf(Lakehouse.RATINGS);
  private static final long NOV_30 = LocalDate.parse("2026-11-30").toEpochDay();

  @Test
  public void aBatchHoldsThePartitionsOfItsEventsPerTopicAndNoOther() {
    BatchKeys keys =
        new BatchKeys.Builder()
            .add(VIEWS, NOV_30, 1)
            .add(VIEWS, NOV_30, 2)
            .add(CLICKS, NOV_30 + 1, 3)
            .add(RATINGS, -1, 4) // 1969-12-31
            .add(VIEWS, NOV_30, 5)
            .build();

    assertTrue(keys.holds(VIEWS, "event_date=2026-11-30"));
    assertTrue(keys.holds(CLICKS, "event_date=2026-12-01"));
    assertTrue(keys.holds(RATINGS, "event_date=1969-12-31"));
    assertFalse(keys.holds(CLICKS, "event_date=2026-11-30"));
    assertFalse(keys.holds(VIEWS, "event_date=2026-12-01"));
    assertFalse(keys.holds(RATINGS, "event_date=2026-11-30"));
    assertFalse(keys.holds(VIEWS, "event_date=2026-13-40"));
    assertFalse(keys.holds(VIEWS, "2026-11-30"));
    assertFalse(keys.holds(VIEWS, "_delta_log"));
    assertEquals(3, keys.partitionCount());
    assertArrayEquals(new long[] {1, 2, 3, 4, 5}, keys.idHashes());
  }

  @Test
  public void theCombineGivesTheSortedDistinctKeysOfEveryBundle() {
    BatchKeys.Collect collect = new BatchKeys.Collect();
    BatchKeys a =
        new BatchKeys.Builder()
            .add(VIEWS, NOV_30, 5)
            .add(VIEWS, NOV_30, -3)
            .add(VIEWS, 0, 5)
            .build();
    BatchKeys b =
        new BatchKeys.Builder()
            .add(CLICKS, NOV_30, Long.MIN_VALUE)
            .add(VIEWS, NOV_30, -3)
            .add(CLICKS, NOV_30, Long.MAX_VALUE)
            .build();
    BatchKeys.Builder left = collect.addInput(collect.createAccumulator(), a);
    BatchKeys.Builder right = collect.addInput(collect.createAccumulator(), b);

    BatchKeys out =
        collect.extractOutput(
            collect.mergeAccumulators(List.of(collect.createAccumulator(), left, right)));
    assertArrayEquals(new long[] {Long.MIN_VALUE, -3, 5, Long.MAX_VALUE}, out.idHashes());
    assertEquals(3, out.partitionCount());
    assertTrue(out.holds(VIEWS, "event_date=1970-01-01"));
    assertTrue(out.holds(CLICKS, "event_date=2026-11-30"));

    BatchKeys none = collect.extractOutput(collect.mergeAccumulators(List.of()));
    assertArrayEquals(new long[0], none.idHashes());
    assertFalse(none.holds(VIEWS, "event_date=2026-11-30"));

    Random random = new Random(3);
    long[] input = random.longs(100_000, 0, 50_000).toArray();
    BatchKeys.Builder many = collect.createAccumulator();
    for (int from = 0; from < input.length; from += 777) {
      BatchKeys.Builder bundle = new BatchKeys.Builder();
      for (int i = from; i < Math.min(input.length, from + 777); i++) {
        bundle.add(VIEWS, NOV_30 + i % 3, input[i]);
      }
      collect.addInput(many, bundle.build());
    }
    BatchKeys all = collect.extractOutput(many);
    assertArrayEquals(Arrays.stream(input).sorted().distinct().toArray(), all.idHashes());
    assertEquals(3, all.partitionCount());
  }

  @Test
  public void keysAndAccumulatorsSurviveTheirCoders() throws Exception {
    BatchKeys keys =
        new BatchKeys.Builder().add(RATINGS, NOV_30, 9).add(VIEWS, NOV_30 - 400, -9).build();
    BatchKeys decoded =
        CoderUtils.decodeFromByteArray(
            BatchKeys.CODER, CoderUtils.encodeToByteArray(BatchKeys.CODER, keys));
    assertArrayEquals(keys.idHashes(), decoded.idHashes());
    assertTrue(decoded.holds(RATINGS, "event_date=2026-11-30"));
    assertTrue(decoded.holds(VIEWS, "event_date=" + LocalDate.ofEpochDay(NOV_30 - 400)));
    assertEquals(2, decoded.partitionCount());
    assertArrayEquals(
        CoderUtils.encodeToByteArray(BatchKeys.CODER, keys),
        CoderUtils.encodeToByteArray(BatchKeys.CODER, decoded));

    BatchKeys.Collect collect = new BatchKeys.Collect();
    BatchKeys.Builder acc = collect.addInput(collect.createAccumulator(), keys);
    BatchKeys.Builder back =
        CoderUtils.clone(
            collect.getAccumulatorCoder(CoderRegistry.createDefault(), BatchKeys.CODER), acc);
    assertArrayEquals(keys.idHashes(), collect.extractOutput(back).idHashes());
  }
}
