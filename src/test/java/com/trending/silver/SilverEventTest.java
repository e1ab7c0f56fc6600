package com.trending.silver;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

/** {@link SilverEvent.Coder}: the id and time come back from the row the coder carries. */
public class SilverEventTest {

  /** Deduplication finds a table's files of a day by their folder's name, and no others. */
  @Test
  public void aPartitionFolderNamesItsDay() {
    assertEquals(Long.valueOf(-1), SilverEvent.dayOf("event_date=1969-12-31"));
    assertEquals(Long.valueOf(20_439), SilverEvent.dayOf("event_date=2025-12-17"));
    assertEquals(SilverEvent.partition(20_439), "event_date=2025-12-17");
    for (String other :
        new String[] {"_delta_log", "event_date=2025-13-01", "event_date=", "date=2025-12-17"}) {
      assertEquals(other, null, SilverEvent.dayOf(other));
    }
  }

  @Test
  public void everyTopicsEventsComeBackWhole() throws CoderException {
    String[] ids = {"", "e", "00000000-0000-4000-8000-000000000000", "é😀" + "x".repeat(300)};
    long[] times = {
      0, 1, -1, -2_208_988_800_000L, 4_102_444_800_000L, Long.MAX_VALUE, Long.MIN_VALUE
    };
    for (String topic : Lakehouse.TOPICS) {
      SilverEvent.Rows rows = new SilverEvent.Rows(topic);
      for (String id : ids) {
        for (long ts : times) {
          SilverEvent event = rows.of(row(topic, id, ts));
          byte[] encoded = CoderUtils.encodeToByteArray(SilverEvent.Coder.of(), event);
          SilverEvent back = CoderUtils.decodeFromByteArray(SilverEvent.Coder.of(), encoded);
          assertEquals(topic, back.topic());
          assertEquals(id, back.eventId());
          assertEquals(ts, back.eventTs());
          assertArrayEquals(event.row(), back.row());
          assertEquals(row(topic, id, ts), rows.row(back));
        }
      }
    }
  }

  @Test
  public void aCutEncodingIsRefused() throws CoderException {
    SilverEvent event =
        new SilverEvent.Rows(Lakehouse.VIEWS)
            .of(row(Lakehouse.VIEWS, "some-id", 1_700_000_000_000L));
    byte[] encoded = CoderUtils.encodeToByteArray(SilverEvent.Coder.of(), event);
    for (int cut : new int[] {0, 1, 2, encoded.length - 1}) {
      byte[] part = Arrays.copyOf(encoded, cut);
      assertThrows(
          "cut at " + cut,
          CoderException.class,
          () -> CoderUtils.decodeFromByteArray(SilverEvent.Coder.of(), part));
    }
  }

  @Test
  public void aRowWhoseIdRunsPastItsEndIsRefused() {
    // topic 0, a 3-byte row whose event_id claims 20 bytes (zigzag 40)
    byte[] encoded = {0, 3, 40, 'a', 'b'};
    assertThrows(
        CoderException.class,
        () -> CoderUtils.decodeFromByteArray(SilverEvent.Coder.of(), encoded));
  }

  @Test
  public void rowsAreTheAvroBinaryAvrosOwnWriterWrites() throws IOException {
    for (String topic : Lakehouse.TOPICS) {
      Schema schema = Schemas.avro(topic);
      GenericRecord full = row(topic, "é😀-id", 1_700_000_000_123L);
      GenericRecord sparse = new GenericData.Record(schema);
      for (Schema.Field field : schema.getFields()) {
        sparse.put(field.pos(), field.schema().isNullable() ? null : full.get(field.pos()));
      }
      for (GenericRecord row : List.of(full, sparse)) {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(expected, null);
        new GenericDatumWriter<GenericRecord>(schema).write(row, encoder);
        encoder.flush();
        assertArrayEquals(
            row.toString(), expected.toByteArray(), new SilverEvent.Rows(topic).of(row).row());
      }
    }
  }

  @Test
  public void aRowMissingARequiredValueIsRefused() {
    GenericRecord row = row(Lakehouse.VIEWS, "some-id", 1L);
    row.put("event_id", null);
    assertThrows(
        IllegalArgumentException.class, () -> new SilverEvent.Rows(Lakehouse.VIEWS).of(row));
  }

  /** A row of {@code topic}'s Silver schema: the given id and time, every other field set. */
  private static GenericRecord row(String topic, String id, long ts) {
    Schema schema = Schemas.avro(topic);
    GenericData.Record row = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      Schema type = field.schema();
      if (type.getType() == Schema.Type.UNION) {
        type = type.getTypes().get(1);
      }
      row.put(
          field.pos(),
          switch (type.getType()) {
            case STRING -> field.name() + "-value";
            case INT -> 7;
            case LONG -> 8L;
            case FLOAT -> 4.5f;
            case DOUBLE -> 4.5;
            default -> throw new AssertionError(field);
          });
    }
    row.put("event_id", id);
    row.put("event_ts", ts);
    return row;
  }
}
