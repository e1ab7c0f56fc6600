package com.trending.bench;

import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.common.StorageFormat;
import com.trending.common.StreamOutputFile;
import com.trending.common.Table;
import com.trending.silver.IngestSummary;
import com.trending.silver.KafkaToSilver;
import com.trending.silver.KafkaToSilverOptions;
import com.trending.silver.SilverRowWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * Does a batch's cost grow with the Silver behind it? Ingests the same Kafka messages, two batches
 * in a row in one process, with a fresh consumer group each time: into an empty lakehouse, and into
 * one whose Silver views table already holds {@code rows} events over the last {@code days} days
 * (the messages' days among them) in files of {@code rowsPerFile} rows. The first batch on a table
 * is a worker's first look at its files; the second is what every later batch of a streaming run
 * costs. Prints each batch's time and the ratios. Run by {@code scripts/bench-dedup.sh}.
 *
 * <p>The Silver files are written as the pipeline writes them, with their id index; {@code
 * INDEXED=false} writes them as an earlier release (or another tool) did, without one.
 *
 * <pre>java … DedupGrowthBenchmark BOOTSTRAP WORKDIR ROWS MESSAGES ROWS_PER_FILE DAYS [INDEXED]
 * </pre>
 */
public final class DedupGrowthBenchmark {
  private DedupGrowthBenchmark() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    Path work = Path.of(args[1]);
    long rows = Long.parseLong(args[2]);
    long messages = Long.parseLong(args[3]);
    int rowsPerFile = Integer.parseInt(args[4]);
    int days = Integer.parseInt(args[5]);
    Path full = work.resolve("full");
    long t0 = System.nanoTime();
    Table views = Lakehouse.at(full.toString(), StorageFormat.PARQUET).silver(Lakehouse.VIEWS);
    boolean indexed = args.length < 7 || Boolean.parseBoolean(args[6]);
    int files = writeSilver(views, rows, rowsPerFile, days, indexed);
    System.out.printf(
        "wrote %,d Silver rows in %,d files over %d days%s in %.1f s%n",
        rows, files, days, indexed ? "" : " without the id index", (System.nanoTime() - t0) / 1e9);

    String warmUp = "warm-" + UUID.randomUUID(); // JIT and caches, not measured
    ingest(bootstrap, work.resolve("warm-up"), warmUp, messages, "warm-up");
    ingest(bootstrap, work.resolve("warm-up"), warmUp, messages, "warm-up");
    String group = "empty-" + UUID.randomUUID();
    double emptyFirst = ingest(bootstrap, work.resolve("empty"), group, messages, "empty, 1st");
    double emptyNext = ingest(bootstrap, work.resolve("empty"), group, messages, "empty, 2nd");
    group = "full-" + UUID.randomUUID();
    String label = String.format("%,d rows", rows);
    double fullFirst = ingest(bootstrap, full, group, messages, label + ", 1st");
    double fullNext = ingest(bootstrap, full, group, messages, label + ", 2nd");
    System.out.printf(
        "dedup growth: a %,d-message batch on %,d Silver rows (%,d files) vs an empty Silver:"
            + " first batch %.2f s vs %.2f s (%.2fx), next batch %.2f s vs %.2f s (%.2fx)%n",
        messages,
        rows,
        files,
        fullFirst,
        emptyFirst,
        fullFirst / emptyFirst,
        fullNext,
        emptyNext,
        fullNext / emptyNext);
  }

  /** One batch of {@code messages} into {@code lakehouse}, continuing {@code group}'s offsets. */
  private static double ingest(
      String bootstrap, Path lakehouse, String group, long messages, String label) {
    KafkaToSilverOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=DirectRunner",
                "--enforceImmutability=false",
                "--enforceEncodability=false",
                "--lakehousePath=" + lakehouse,
                "--kafkaBootstrapServers=" + bootstrap,
                "--kafkaStartingOffsets=earliest",
                "--consumerGroup=" + group,
                "--maxRecords=" + messages,
                "--maxMessagesPerBatch=" + messages)
            .as(KafkaToSilverOptions.class);
    long start = System.nanoTime();
    IngestSummary summary = KafkaToSilver.run(options);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%-22s %.2f s (%,d views written, %,d duplicates dropped; Silver files looked at %,d,"
            + " read %,d)%n",
        label + ":",
        seconds,
        summary.silverRows(Lakehouse.VIEWS),
        summary.duplicates(Lakehouse.VIEWS),
        summary.get("dedup_files_read"),
        summary.get("dedup_files_opened"));
    return seconds;
  }

  /**
   * {@code rows} views over the last {@code days} days, {@code perFile} per file, committed in one
   * transaction; returns the number of files.
   */
  private static int writeSilver(Table table, long rows, int perFile, int days, boolean indexed)
      throws Exception {
    Schema schema = Schemas.avro(table.schemaName());
    Random random = new Random(7);
    long now = System.currentTimeMillis();
    long span = days * 24L * 3_600_000;
    List<String> files = new ArrayList<>();
    for (long written = 0; written < rows; written += perFile) {
      long day = now - span + random.nextLong(span);
      LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(day), ZoneOffset.UTC);
      Path dir = Files.createDirectories(table.path().resolve("event_date=" + date));
      Path file = dir.resolve("part-bench-" + UUID.randomUUID() + ".snappy.parquet");
      long dayStart = date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      List<GenericRecord> fileRows = new ArrayList<>();
      for (long i = 0; i < Math.min(perFile, rows - written); i++) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("event_id", UUID.randomUUID().toString());
        r.put("event_ts", dayStart + random.nextInt(86_400_000));
        r.put("user_id", random.nextInt(100_000));
        r.put("movie_id", random.nextInt(5_000));
        fileRows.add(r);
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        writeFile(out, schema, fileRows, indexed);
      }
      files.add(file.toUri().toString());
    }
    table.log().append("bench", 1, files);
    return files.size();
  }

  /**
   * A Silver file as the pipeline writes it (rows as Avro binary, with the id index) or, not {@code
   * indexed}, as an earlier release or another tool wrote it: Parquet's Avro writer, no index.
   */
  private static void writeFile(
      OutputStream out, Schema schema, List<GenericRecord> rows, boolean indexed)
      throws IOException {
    if (!indexed) {
      try (ParquetWriter<GenericRecord> writer = StreamOutputFile.snappyWriter(out, schema)) {
        for (GenericRecord row : rows) {
          writer.write(row);
        }
      }
      return;
    }
    AvroCoder<GenericRecord> coder = AvroCoder.of(schema);
    try (ParquetWriter<byte[]> writer = SilverRowWriter.open(out, schema, rows.size())) {
      for (GenericRecord row : rows) {
        writer.write(CoderUtils.encodeToByteArray(coder, row));
      }
    }
  }
}
