package com.trending.silver;

import com.trending.common.StreamOutputFile;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes Silver rows into a Snappy Parquet file straight from the Avro binary a {@link SilverEvent}
 * carries, field by field, rather than decoding each into a {@code GenericRecord} for Parquet's
 * Avro writer to take apart again: 250,000 view rows took 0.21 s instead of 0.34 s once warm. The
 * file is the one that writer makes, byte for byte: the same Parquet schema (Avro's conversion of
 * the row schema) and the same Avro schema in its footer. (The one difference: event_id and
 * event_ts skip the dictionary, which Parquet drops for unique values anyway after hashing every
 * one; a file whose rows repeat them would have them plain here, dictionary-encoded there.) Silver
 * rows are flat (strings, numbers, booleans, each optional or not), which the writer checks when it
 * is made.
 *
 * <p>Each file carries a Parquet bloom filter of its {@code event_id} column ({@link
 * #withIdIndex}), the index deduplication reads instead of the column ({@link DeduplicateEvents}).
 */
public final class SilverRowWriter {
  private SilverRowWriter() {}

  /**
   * A writer of {@code rows} rows of {@code schema} (Avro binary, {@link SilverEvent#row()}) over
   * {@code out}. The row count sizes the file's {@code event_id} bloom filter; more rows than that
   * only make its false positives likelier.
   */
  public static ParquetWriter<byte[]> open(OutputStream out, Schema schema, long rows)
      throws IOException {
    return StreamOutputFile.snappy(
        withIdIndex(new Builder(new StreamOutputFile(out), schema), rows)
            // Unique per row: Parquet would hash every value into a dictionary, then find it does
            // not pay and write them plain anyway (steady Spark passes 7.2 s instead of 7.4-8.3).
            .withDictionaryEncoding("event_id", false)
            .withDictionaryEncoding("event_ts", false));
  }

  /**
   * How often a file's {@code event_id} bloom filter answers "maybe" for an id the file does not
   * hold. A batch's check probes it with every id of the batch's bucket on that day (10,000 for a
   * live batch, up to 250,000 in bulk), and a "maybe" costs a read of the file's ids. At one in a
   * million the filter takes 3.6-7.2 bytes per row (Parquet rounds it up to a power of two, at most
   * 1 MB per file), against some 37 for the id itself.
   */
  static final double ID_INDEX_FPP = 1e-6;

  /**
   * {@code builder} with a bloom filter of the {@code event_id} column sized for {@code rows}
   * distinct ids, as every Silver file has it.
   */
  static <B extends ParquetWriter.Builder<?, B>> B withIdIndex(B builder, long rows) {
    return builder
        .withBloomFilterEnabled("event_id", true)
        .withBloomFilterNDV("event_id", Math.max(1, rows))
        .withBloomFilterFPP("event_id", ID_INDEX_FPP);
  }

  private static final class Builder extends ParquetWriter.Builder<byte[], Builder> {
    private final Schema schema;

    Builder(OutputFile file, Schema schema) {
      super(file);
      this.schema = schema;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<byte[]> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(schema, conf);
    }
  }

  /** One Avro-binary row at a time into Parquet's record consumer. */
  static final class RowWriteSupport extends WriteSupport<byte[]> {
    /** The footer keys under which Parquet's Avro writer stores the Avro schema and its model. */
    static final String AVRO_SCHEMA = "parquet.avro.schema";

    static final String WRITER_MODEL = "writer.model.name";

    private final Schema schema;
    private final MessageType parquetSchema;
    private final FlatRowSchema fields;

    private RecordConsumer consumer;
    private BinaryDecoder decoder;

    RowWriteSupport(Schema schema, Configuration conf) {
      this.schema = schema;
      this.fields = new FlatRowSchema(schema);
      this.parquetSchema = new AvroSchemaConverter(conf).convert(schema);
    }

    @Override
    public WriteContext init(Configuration configuration) {
      Map<String, String> footer = new HashMap<>(); // as Parquet's Avro writer, in its order
      footer.put(AVRO_SCHEMA, schema.toString());
      footer.put(WRITER_MODEL, "avro");
      return new WriteContext(parquetSchema, footer);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(byte[] row) {
      decoder = DecoderFactory.get().binaryDecoder(row, decoder);
      try {
        consumer.startMessage();
        String[] names = fields.names;
        for (int i = 0; i < names.length; i++) {
          if (fields.nullBranch[i] >= 0 && decoder.readIndex() == fields.nullBranch[i]) {
            continue; // an optional column's null is its absence
          }
          consumer.startField(names[i], i);
          switch (fields.types[i]) {
            case STRING -> {
              byte[] utf8 = new byte[decoder.readInt()];
              decoder.readFixed(utf8);
              consumer.addBinary(Binary.fromConstantByteArray(utf8));
            }
            case INT -> consumer.addInteger(decoder.readInt());
            case LONG -> consumer.addLong(decoder.readLong());
            case FLOAT -> consumer.addFloat(decoder.readFloat());
            case DOUBLE -> consumer.addDouble(decoder.readDouble());
            case BOOLEAN -> consumer.addBoolean(decoder.readBoolean());
            default -> throw new IllegalStateException("checked when made: " + fields.types[i]);
          }
          consumer.endField(names[i], i);
        }
        consumer.endMessage();
      } catch (IOException e) {
        throw new IllegalStateException(
            "A Silver row of " + schema.getFullName() + " is not its Avro binary", e);
      }
    }
  }
}
