package com.trending.bench;

import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.silver.IngestSummary;
import com.trending.silver.KafkaToSilver;
import com.trending.silver.KafkaToSilverOptions;
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
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * Does a batch's cost grow with the Silver behind it? Ingests the same Kafka messages twice, with a
 * fresh consumer group each time: into an empty lakehouse, and into one whose Silver views table
 * already holds {@code rows} events over the last 90 days (the messages' days among them). Prints
 * both times and their ratio. Run by {@code scripts/bench-dedup.sh}.
 *
 * <pre>java … DedupGrowthBenchmark BOOTSTRAP WORKDIR ROWS MESSAGES</pre>
 */
public final class DedupGrowthBenchmark {
  private DedupGrowthBenchmark() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    Path work = Path.of(args[1]);
    long rows = Long.parseLong(args[2]);
    long messages = Long.parseLong(args[3]);
    Path empty = work.resolve("empty");
    Path full = work.resolve("full");
    long t0 = System.nanoTime();
    writeSilver(Lakehouse.at(full.toString(), StorageFormat.PARQUET).silver(Lakehouse.VIEWS), rows);
    System.out.printf("wrote %,d Silver rows in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);

    ingest(bootstrap, empty, messages, "warm-up"); // JIT and caches, not measured
    double onEmpty = ingest(bootstrap, work.resolve("empty2"), messages, "empty Silver");
    double onFull = ingest(bootstrap, full, messages, String.format("%,d-row Silver", rows));
    System.out.printf(
        "dedup growth: a %,d-message batch takes %.1f s on an empty Silver, %.1f s on %,d rows:"
            + " %.2fx%n",
        messages, onEmpty, onFull, rows, onFull / onEmpty);
  }

  private static double ingest(String bootstrap, Path lakehouse, long messages, String label) {
    KafkaToSilverOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=DirectRunner",
                "--enforceImmutability=false",
                "--enforceEncodability=false",
                "--lakehousePath=" + lakehouse,
                "--kafkaBootstrapServers=" + bootstrap,
                "--kafkaStartingOffsets=earliest",
                "--consumerGroup=dedup-" + UUID.randomUUID(),
                "--maxRecords=" + messages,
                "--maxMessagesPerBatch=" + messages)
            .as(KafkaToSilverOptions.class);
    long start = System.nanoTime();
    IngestSummary summary = KafkaToSilver.run(options);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%-22s %.1f s (%,d views written, %,d duplicates dropped)%n",
        label + ":",
        seconds,
        summary.silverRows(Lakehouse.VIEWS),
        summary.duplicates(Lakehouse.VIEWS));
    return seconds;
  }

  /** {@code rows} views over the last 90 days, 100,000 per file, committed in one transaction. */
  private static void writeSilver(Table table, long rows) throws Exception {
    Schema schema = Schemas.avro(table.schemaName());
    Random random = new Random(7);
    long now = System.currentTimeMillis();
    long span = 90L * 24 * 3_600_000;
    List<String> files = new ArrayList<>();
    int perFile = 100_000;
    for (long written = 0; written < rows; written += perFile) {
      long day = now - span + random.nextLong(span);
      LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(day), ZoneOffset.UTC);
      Path dir = Files.createDirectories(table.path().resolve("event_date=" + date));
      Path file = dir.resolve("part-bench-" + UUID.randomUUID() + ".snappy.parquet");
      long dayStart = date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      try (ParquetWriter<GenericRecord> writer =
          AvroParquetWriter.<GenericRecord>builder(
                  HadoopOutputFile.fromPath(
                      new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
              .withSchema(schema)
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .build()) {
        for (long i = 0; i < Math.min(perFile, rows - written); i++) {
          GenericRecord r = new GenericData.Record(schema);
          r.put("event_id", UUID.randomUUID().toString());
          r.put("event_ts", dayStart + random.nextInt(86_400_000));
          r.put("user_id", random.nextInt(100_000));
          r.put("movie_id", random.nextInt(5_000));
          writer.write(r);
        }
      }
      files.add(file.toUri().toString());
    }
    table.log().append("bench", 1, files);
  }
}
