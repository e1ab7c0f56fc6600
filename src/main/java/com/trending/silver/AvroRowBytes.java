package com.trending.silver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Rows of one schema as Avro binary, for the steps that group whole rows (deduplication, the
 * Parquet write). A grouping step carries them as {@code byte[]}, encoded once before it and
 * decoded once after: the Direct runner copies a key's grouped values through their coder each time
 * a bundle adds to them, which for {@code byte[]} is an array copy and for Avro records a full
 * encode and decode (with 500,000-event batches, a third of ingestion's time). Other runners
 * serialise either form once per shuffle.
 *
 * <p>One instance per worker thread, like the DoFn that holds it (the buffers are reused).
 */
final class AvroRowBytes implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String schemaJson;
  private transient GenericDatumWriter<GenericRecord> writer;
  private transient GenericDatumReader<GenericRecord> reader;
  private transient ByteArrayOutputStream buffer;
  private transient BinaryEncoder encoder;
  private transient BinaryDecoder decoder;

  AvroRowBytes(Schema schema) {
    this.schemaJson = schema.toString();
  }

  byte[] encode(GenericRecord row) {
    if (writer == null) {
      writer = new GenericDatumWriter<>(schema());
      buffer = new ByteArrayOutputStream(256);
    }
    buffer.reset();
    encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
    try {
      writer.write(row, encoder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  GenericRecord decode(byte[] bytes) {
    if (reader == null) {
      reader = new GenericDatumReader<>(schema());
    }
    decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
    try {
      return reader.read(null, decoder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Schema schema() {
    return new Schema.Parser().parse(schemaJson);
  }
}
