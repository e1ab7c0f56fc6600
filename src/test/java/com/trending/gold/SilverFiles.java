package com.trending.gold;

import com.trending.common.Schemas;
import com.trending.common.StreamOutputFile;
import com.trending.common.Table;
import com.trending.gold.ReferenceModel.Event;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Writes Silver tables in the layout the Kafka to Silver pipeline uses, for tests and benchmarks.
 */
final class SilverFiles {
  private SilverFiles() {}

  /**
   * Writes {@code events} into {@code table/event_date=YYYY-MM-DD/<prefix>-N.parquet}, at most
   * {@code perFile} rows per file, and commits them all to the table's log in one transaction.
   */
  static void write(Table table, List<Event> events, String prefix, int perFile)
      throws IOException {
    table
        .log()
        .append(
            "silver-files-" + prefix,
            COMMITS.incrementAndGet(),
            writeUncommitted(table, events, prefix, perFile));
  }

  /**
   * Writes the files as {@link #write} does without committing them: what a batch that dies before
   * its commit leaves in the table's folder. Returns them (URIs).
   */
  static List<String> writeUncommitted(Table table, List<Event> events, String prefix, int perFile)
      throws IOException {
    Path tableDir = table.path();
    Schema schema = Schemas.avro(table.schemaName());
    List<String> written = new ArrayList<>();
    Map<String, List<Event>> byDate = new TreeMap<>();
    for (Event e : events) {
      String date = Instant.ofEpochMilli(e.ts).atZone(ZoneOffset.UTC).toLocalDate().toString();
      byDate.computeIfAbsent(date, d -> new ArrayList<>()).add(e);
    }
    for (Map.Entry<String, List<Event>> day : byDate.entrySet()) {
      Path dir = tableDir.resolve("event_date=" + day.getKey());
      Files.createDirectories(dir);
      List<Event> rows = day.getValue();
      for (int from = 0, n = 0; from < rows.size(); from += perFile, n++) {
        Path temp = dir.resolve(".writing-" + UUID.randomUUID());
        try (OutputStream out = Files.newOutputStream(temp);
            ParquetWriter<GenericRecord> writer =
                AvroParquetWriter.<GenericRecord>builder(new StreamOutputFile(out))
                    .withSchema(schema)
                    .withDataModel(GenericData.get())
                    .withConf(new Configuration(false))
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .build()) {
          for (Event e : rows.subList(from, Math.min(rows.size(), from + perFile))) {
            GenericRecord r = new GenericData.Record(schema);
            r.put("event_id", UUID.randomUUID().toString());
            r.put("event_ts", e.ts);
            r.put("user_id", e.movieId * 7 + 1);
            r.put("movie_id", e.movieId);
            writer.write(r);
          }
        }
        Path file = dir.resolve(prefix + "-" + n + ".parquet");
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        written.add(file.toUri().toString());
      }
    }
    return written;
  }

  private static final AtomicLong COMMITS = new AtomicLong();
}
