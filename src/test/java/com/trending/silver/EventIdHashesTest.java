package com.trending.silver;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

/** The batch's id hashes: their coder and their combine, which become a side input per batch. */
public class EventIdHashesTest {

  @Test
  public void theCoderWritesALengthThenEachValueBigEndianAndReadsItBack() throws Exception {
    Random random = new Random(11);
    for (int length : new int[] {0, 1, 8191, 8192, 8193, 20_000}) {
      long[] values = random.longs(length).toArray();
      byte[] encoded = CoderUtils.encodeToByteArray(EventIdHashes.LongArrayCoder.INSTANCE, values);

      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      DataOutputStream data = new DataOutputStream(expected);
      data.writeInt(length);
      for (long v : values) {
        data.writeLong(v);
      }
      assertArrayEquals("length " + length, expected.toByteArray(), encoded);
      assertArrayEquals(
          "length " + length,
          values,
          CoderUtils.decodeFromByteArray(EventIdHashes.LongArrayCoder.INSTANCE, encoded));
    }
  }

  @Test
  public void aValueCutShortIsAnError() throws Exception {
    byte[] encoded =
        CoderUtils.encodeToByteArray(EventIdHashes.LongArrayCoder.INSTANCE, new long[] {1, 2, 3});
    byte[] cut = Arrays.copyOf(encoded, encoded.length - 1);
    assertThrows(
        EOFException.class,
        () -> EventIdHashes.LongArrayCoder.INSTANCE.decode(new ByteArrayInputStream(cut)));
  }

  @Test
  public void theCombineGivesTheSortedDistinctHashesOfEveryBundle() {
    EventIdHashes.Collect collect = new EventIdHashes.Collect();
    EventIdHashes.Collect.Hashes a = collect.createAccumulator();
    collect.addInput(a, new long[] {5, -3, 5});
    collect.addInput(a, new long[] {Long.MAX_VALUE});
    EventIdHashes.Collect.Hashes b = collect.createAccumulator();
    collect.addInput(b, new long[] {Long.MIN_VALUE, -3, 0});
    EventIdHashes.Collect.Hashes empty = collect.createAccumulator();

    long[] out = collect.extractOutput(collect.mergeAccumulators(List.of(empty, a, b)));
    assertArrayEquals(new long[] {Long.MIN_VALUE, -3, 0, 5, Long.MAX_VALUE}, out);
    assertArrayEquals(new long[0], collect.extractOutput(collect.mergeAccumulators(List.of())));

    Random random = new Random(3);
    EventIdHashes.Collect.Hashes many = collect.createAccumulator();
    long[] input = random.longs(100_000, 0, 50_000).toArray();
    for (int from = 0; from < input.length; from += 777) {
      collect.addInput(many, Arrays.copyOfRange(input, from, Math.min(input.length, from + 777)));
    }
    assertArrayEquals(
        Arrays.stream(input).sorted().distinct().toArray(), collect.extractOutput(many));
  }
}
