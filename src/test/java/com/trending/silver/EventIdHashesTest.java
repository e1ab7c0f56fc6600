package com.trending.silver;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.Random;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

/** The coder of id hashes, which carries a batch's in its side input ({@link BatchKeys}). */
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
}
