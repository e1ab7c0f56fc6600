package com.trending.silver;

import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.common.Table;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.VarInt;

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
    return PARTITION_PREFIX + LocalDate.ofEpochDay(day);
  }

  private static final String PARTITION_PREFIX = Table.PARTITION_COLUMN + "=";

  /**
   * The UTC date (days since 1970-01-01) of a Silver partition folder's name ({@code
   * event_date=YYYY-MM-DD}); null for a folder that is no such partition.
   */
  static Long dayOf(String folder) {
    if (!folder.startsWith(PARTITION_PREFIX)) {
      return null;
    }
    try {
      return LocalDate.parse(folder.substring(PARTITION_PREFIX.length())).toEpochDay();
    } catch (java.time.format.DateTimeParseException notADate) {
      return null;
    }
  }

  /** Of two copies of one event, the one every runner keeps: the smallest row by its bytes. */
  boolean precedes(SilverEvent other) {
    return Arrays.compareUnsigned(row, other.row) < 0;
  }

  /**
   * Rows of one topic's Silver schema as {@link SilverEvent}s and back. {@link #of} writes a row's
   * Avro binary field by field ({@link FlatRowSchema}): Avro's generic writer looks up a conversion
   * for every value and resolves every union by the value's type, 7% of a running ingestion. It
   * reuses one buffer and encoder, so one thread at a time (a DoFn's own instance).
   */
  public static final class Rows implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int topic;
    private final AvroCoder<GenericRecord> coder;
    private transient FlatRowSchema fields;
    private transient ByteArrayOutputStream bytes;
    private transient BinaryEncoder encoder;

    public Rows(String topic) {
      requireIdAndTimeFirst(topic);
      this.topic = topicIndex(topic);
      this.coder = AvroCoder.of(Schemas.avro(topic));
    }

    public SilverEvent of(GenericRecord row) {
      if (fields == null) {
        fields = new FlatRowSchema(coder.getSchema());
        bytes = new ByteArrayOutputStream(512);
      }
      bytes.reset();
      encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
      try {
        for (int i = 0; i < fields.size(); i++) {
          write(i, row.get(i));
        }
        encoder.flush();
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("Cannot encode a Silver row: " + row, e);
      }
      return new SilverEvent(
          topic,
          row.get(0).toString(), // event_id
          (long) row.get(1), // event_ts
          bytes.toByteArray());
    }

    /** Writes field {@code i}'s value as Avro's writer would, its union branch first. */
    private void write(int i, Object value) throws IOException {
      int nullBranch = fields.nullBranch[i];
      if (value == null) {
        if (nullBranch < 0) {
          throw new IllegalArgumentException(fields.names[i] + " cannot be null");
        }
        encoder.writeIndex(nullBranch);
        return;
      }
      if (nullBranch >= 0) {
        encoder.writeIndex(1 - nullBranch);
      }
      switch (fields.types[i]) {
        case STRING -> encoder.writeString((CharSequence) value);
        case INT -> encoder.writeInt((Integer) value);
        case LONG -> encoder.writeLong((Long) value);
        case FLOAT -> encoder.writeFloat((Float) value);
        case DOUBLE -> encoder.writeDouble((Double) value);
        case BOOLEAN -> encoder.writeBoolean((Boolean) value);
        default -> throw new IllegalStateException("checked when made: " + fields.types[i]);
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

  /**
   * Checks that {@code topic}'s Silver schema starts with event_id (a string) and event_ts (a
   * long), where {@link Rows} and {@link Coder} find them.
   */
  static void requireIdAndTimeFirst(String topic) {
    List<Schema.Field> fields = Schemas.avro(topic).getFields();
    if (fields.size() < 2
        || !fields.get(0).name().equals("event_id")
        || fields.get(0).schema().getType() != Schema.Type.STRING
        || !fields.get(1).name().equals("event_ts")
        || fields.get(1).schema().getType() != Schema.Type.LONG) {
      throw new IllegalStateException(
          "The Silver schema of "
              + topic
              + " must start with event_id (string) and event_ts (long): "
              + fields);
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

  /**
   * The topic, then the row's bytes; the id and time are read back from the row, whose first two
   * fields they are in every topic's schema (checked when the coder is first used). Each event
   * crosses a runner's groupings and caches as this encoding (on Spark, twice encoded and twice
   * decoded per batch), so it carries nothing twice.
   */
  public static final class Coder extends CustomCoder<SilverEvent> {
    private static final Coder INSTANCE = new Coder();

    static {
      Lakehouse.TOPICS.forEach(SilverEvent::requireIdAndTimeFirst);
    }

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(SilverEvent event, OutputStream out) throws IOException {
      out.write(event.topic);
      VarInt.encode(event.row.length, out);
      out.write(event.row);
    }

    @Override
    public SilverEvent decode(InputStream in) throws IOException {
      int topic = in.read();
      if (topic < 0) {
        throw new CoderException("No event to decode");
      }
      int length;
      try {
        length = VarInt.decodeInt(in);
      } catch (EOFException e) {
        throw new CoderException("An event ends inside its row's length", e);
      }
      byte[] row = in.readNBytes(length);
      if (row.length != length) {
        throw new CoderException(
            "An event's row ends after " + row.length + " of " + length + " bytes");
      }
      // Avro binary: a string is its byte length then its UTF-8 bytes, a long is a zigzag varint.
      int[] at = {0};
      long idLength = zigzag(row, at);
      if (idLength < 0 || idLength > row.length - at[0]) {
        throw new CoderException("A Silver row's event_id runs past the row");
      }
      String id = new String(row, at[0], (int) idLength, StandardCharsets.UTF_8);
      at[0] += (int) idLength;
      return new SilverEvent(topic, id, zigzag(row, at), row);
    }

    /** The zigzag varint at {@code at[0]} of {@code bytes}, moving {@code at[0]} past it. */
    private static long zigzag(byte[] bytes, int[] at) throws CoderException {
      long raw = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (at[0] >= bytes.length) {
          throw new CoderException("A Silver row ends inside its event_id or event_ts");
        }
        byte b = bytes[at[0]++];
        raw |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return (raw >>> 1) ^ -(raw & 1);
        }
      }
      throw new CoderException("A Silver row's event_id or event_ts is not a valid varint");
    }

    @Override
    public void verifyDeterministic() {}
  }
}
