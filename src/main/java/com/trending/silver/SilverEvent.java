package com.trending.silver;

import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * A valid event on its way to Silver: its topic, id and time, which deduplication and partitioning
 * need, and its Silver row as Avro binary of its topic's schema, encoded once by the parse and read
 * field by field into Parquet ({@link SilverRowWriter}). Between them the row is only carried, so
 * the groupings it crosses (deduplication, the write's (partition, shard)) copy bytes: the Direct
 * runner copies a key's grouped values through their coder each time a bundle adds to them, which
 * for Avro records is a full encode and decode.
 */
public final class SilverEvent {
  private final int topic; // index in Lakehouse.TOPICS
  private final String eventId;
  private final long eventTs;
  private final byte[] row;

  SilverEvent(int topic, String eventId, long eventTs, byte[] row) {
    this.topic = topic;
    this.eventId = eventId;
    this.eventTs = eventTs;
    this.row = row;
  }

  /** The Kafka topic the event came from, which names its Silver table. */
  public String topic() {
    return Lakehouse.TOPICS.get(topic);
  }

  /** The topic's position in {@link Lakehouse#TOPICS}. */
  int topicIndex() {
    return topic;
  }

  public String eventId() {
    return eventId;
  }

  /** Milliseconds since the epoch. */
  public long eventTs() {
    return eventTs;
  }

  /** The Silver row, Avro binary of the topic's schema. */
  byte[] row() {
    return row;
  }

  /** {@code event_date=YYYY-MM-DD}: the UTC date of {@code event_ts}, Silver's partition. */
  public String partition() {
    return partition(day());
  }

  /** The UTC date of {@code event_ts} as days since 1970-01-01. */
  long day() {
    return Math.floorDiv(eventTs, 86_400_000L);
  }

  /** The Silver partition of UTC date {@code day} (days since 1970-01-01). */
  static String partition(long day) {
    return "event_date=" + LocalDate.ofEpochDay(day);
  }

  /** Of two copies of one event, the one every runner keeps: the smallest row by its bytes. */
  boolean precedes(SilverEvent other) {
    return Arrays.compareUnsigned(row, other.row) < 0;
  }

  /** Rows of one topic's Silver schema as {@link SilverEvent}s and back. */
  public static final class Rows implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int topic;
    private final AvroCoder<GenericRecord> coder;

    public Rows(String topic) {
      this.topic = topicIndex(topic);
      this.coder = AvroCoder.of(Schemas.avro(topic));
    }

    public SilverEvent of(GenericRecord row) {
      try {
        return new SilverEvent(
            topic,
            row.get("event_id").toString(),
            (long) row.get("event_ts"),
            CoderUtils.encodeToByteArray(coder, row));
      } catch (CoderException e) {
        throw new IllegalArgumentException("Cannot encode a Silver row: " + row, e);
      }
    }

    public GenericRecord row(SilverEvent event) {
      try {
        return CoderUtils.decodeFromByteArray(coder, event.row);
      } catch (CoderException e) {
        throw new IllegalStateException("Cannot decode the row of event " + event.eventId, e);
      }
    }
  }

  /** The position of {@code topic} in {@link Lakehouse#TOPICS}. */
  static int topicIndex(String topic) {
    int index = Lakehouse.TOPICS.indexOf(topic);
    if (index < 0) {
      throw new IllegalArgumentException(
          "Not one of the ingested topics " + Lakehouse.TOPICS + ": " + topic);
    }
    return index;
  }

  /** Topic, id, time, then the row's bytes. */
  public static final class Coder extends CustomCoder<SilverEvent> {
    private static final Coder INSTANCE = new Coder();
    private static final VarIntCoder TOPIC = VarIntCoder.of();
    private static final StringUtf8Coder ID = StringUtf8Coder.of();
    private static final VarLongCoder TS = VarLongCoder.of();
    private static final ByteArrayCoder ROW = ByteArrayCoder.of();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(SilverEvent event, OutputStream out) throws IOException {
      TOPIC.encode(event.topic, out);
      ID.encode(event.eventId, out);
      TS.encode(event.eventTs, out);
      ROW.encode(event.row, out);
    }

    @Override
    public SilverEvent decode(InputStream in) throws IOException {
      return new SilverEvent(TOPIC.decode(in), ID.decode(in), TS.decode(in), ROW.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
