package com.trending.silver;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.trending.common.CommittedFiles;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.common.Storage;
import com.trending.common.StreamOutputFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The Silver writer makes, from rows' Avro binary, the very file Parquet's Avro writer makes from
 * the records (byte for byte, with the same id index), and readers get the records back.
 */
public class SilverRowWriterTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** Rows of {@code schema} with every kind of value: nulls, empty and non-ASCII text, extremes. */
  private static List<GenericRecord> rows(Schema schema, int count) {
    Random random = new Random(7);
    String[] texts = {"", "mobile", "Très bien 🎬", "https://example.com/a?b=c", "x".repeat(300)};
    List<GenericRecord> rows = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      GenericData.Record row = new GenericData.Record(schema);
      for (Schema.Field field : schema.getFields()) {
        boolean optional = field.schema().getType() == Schema.Type.UNION;
        Schema type = optional ? field.schema().getTypes().get(1) : field.schema();
        if (optional && random.nextInt(3) == 0) {
          continue; // null
        }
        Object value =
            switch (type.getType()) {
              case STRING ->
                  field.name().equals("event_id")
                      ? String.format("00000000-0000-0000-0000-%012d", n)
                      : texts[random.nextInt(texts.length)];
              case INT -> n % 5 == 0 ? Integer.MIN_VALUE + n : random.nextInt();
              case LONG -> n % 7 == 0 ? -n * 1000L : 1_765_900_000_000L + random.nextInt();
              case FLOAT -> random.nextInt(10) * 0.5f;
              default -> throw new IllegalStateException("not in a Silver schema: " + type);
            };
        row.put(field.name(), value);
      }
      rows.add(row);
    }
    return rows;
  }

  private static byte[] avroWriter(Schema schema, List<GenericRecord> rows) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParquetWriter<GenericRecord> writer =
        StreamOutputFile.snappy(
            SilverRowWriter.withIdIndex(
                AvroParquetWriter.<GenericRecord>builder(new StreamOutputFile(out))
                    .withSchema(schema)
                    .withDataModel(GenericData.get()),
                rows.size()))) {
      for (GenericRecord row : rows) {
        writer.write(row);
      }
    }
    return out.toByteArray();
  }

  private static byte[] silverWriter(Schema schema, List<GenericRecord> rows) throws IOException {
    AvroCoder<GenericRecord> coder = AvroCoder.of(schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParquetWriter<byte[]> writer = SilverRowWriter.open(out, schema, rows.size())) {
      for (GenericRecord row : rows) {
        writer.write(CoderUtils.encodeToByteArray(coder, row));
      }
    }
    return out.toByteArray();
  }

  @Test
  public void writesTheFileParquetsAvroWriterWritesForEveryTopic() throws Exception {
    for (String topic : Lakehouse.TOPICS) {
      Schema schema = Schemas.avro(topic);
      List<GenericRecord> rows = rows(schema, 40_000); // past where a dictionary gives up
      byte[] file = silverWriter(schema, rows);
      assertArrayEquals(topic, avroWriter(schema, rows), file);

      Path path = tmp.newFile(topic + ".parquet").toPath();
      Files.write(path, file);
      List<GenericRecord> read = new ArrayList<>();
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(
                  HadoopInputFile.fromPath(
                      new org.apache.hadoop.fs.Path(path.toUri()), new Configuration(false)))
              .withDataModel(GenericData.get())
              .build()) {
        for (GenericRecord row = reader.read(); row != null; row = reader.read()) {
          read.add(row);
        }
      }
      assertEquals(topic, rows.size(), read.size());
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(topic + " row " + i, rows.get(i).toString(), read.get(i).toString());
      }
    }
  }

  /**
   * Every file carries a bloom filter of its event ids that holds each of them, takes the hash
   * deduplication keeps ({@link EventIdHashes#of}), and answers "maybe" for hardly any other id;
   * deduplication's own probe of it answers as Parquet's does.
   */
  @Test
  public void everyFileCarriesAnIndexOfItsEventIds() throws Exception {
    Schema schema = Schemas.avro(Lakehouse.VIEWS);
    List<GenericRecord> rows = rows(schema, 20_000);
    Path path = tmp.newFile("views.parquet").toPath();
    Files.write(path, silverWriter(schema, rows));

    List<BloomFilter> index =
        CommittedFiles.reader(Storage.local())
            .bloomFilters(path.toUri().toString(), "views", "event_id");
    assertEquals("one row group, one filter", 1, index.size());
    BloomFilter filter = index.get(0);
    EventIdHashes.Bloom known = EventIdHashes.Bloom.of(index); // as deduplication probes it
    for (GenericRecord row : rows) {
      String id = row.get("event_id").toString();
      long hash = EventIdHashes.of(id);
      assertEquals(id, filter.hash(Binary.fromString(id)), hash);
      assertTrue(id, filter.findHash(hash));
      assertTrue(id, known.mayHoldAny(new EventIdHashes.Probe(new long[] {hash})));
    }
    int maybe = 0;
    for (int n = 0; n < 200_000; n++) {
      long hash = EventIdHashes.of("other-" + n);
      boolean found = filter.findHash(hash);
      assertEquals(
          "other-" + n, found, known.mayHoldAny(new EventIdHashes.Probe(new long[] {hash})));
      maybe += found ? 1 : 0;
    }
    assertTrue("false positives among 200,000 other ids: " + maybe, maybe <= 5);
    assertTrue(
        "bytes per row: " + filter.getBitsetSize() / (double) rows.size(),
        filter.getBitsetSize() <= 8 * rows.size());
  }

  /** A file without one (an earlier release's, another tool's) has no index to read. */
  @Test
  public void aFileWrittenWithoutTheIndexHasNone() throws Exception {
    Schema schema = Schemas.avro(Lakehouse.VIEWS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParquetWriter<GenericRecord> writer = StreamOutputFile.snappyWriter(out, schema)) {
      for (GenericRecord row : rows(schema, 10)) {
        writer.write(row);
      }
    }
    Path path = tmp.newFile("plain.parquet").toPath();
    Files.write(path, out.toByteArray());
    assertNull(
        CommittedFiles.reader(Storage.local())
            .bloomFilters(path.toUri().toString(), "views", "event_id"));
  }

  @Test
  public void refusesRowsThatAreNotFlat() {
    Schema nested =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"N\",\"fields\":[{\"name\":\"tags\","
                    + "\"type\":{\"type\":\"array\",\"items\":\"string\"}}]}");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SilverRowWriter.open(new ByteArrayOutputStream(), nested, 1));
    assertTrue(e.getMessage(), e.getMessage().contains("field tags of N"));
  }
}
