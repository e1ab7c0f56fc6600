package com.trending.silver;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Writes rows as Snappy Parquet files into one table folder, either under Hive-style {@code
 * event_date=YYYY-MM-DD/} partitions (the UTC date of {@code event_ts}) or flat.
 *
 * <p>Every file of a run is named {@code part-<runId>-<shard>-of-<n>.snappy.parquet}: names never
 * clash between runs or tasks (a clash silently loses rows on the Spark runner), contain no {@code
 * :} (which Spark cannot read), and let an unfinished run's files be found and rolled back.
 */
public class WriteParquetTable
    extends PTransform<PCollection<GenericRecord>, WriteFilesResult<String>> {

  private final String tableDir;
  private final Schema schema;
  private final boolean partitionByEventDate;
  private final String runId;
  private final int numShards;

  public WriteParquetTable(
      String tableDir, Schema schema, boolean partitionByEventDate, String runId, int numShards) {
    this.tableDir = tableDir;
    this.schema = schema;
    this.partitionByEventDate = partitionByEventDate;
    this.runId = runId;
    this.numShards = numShards;
  }

  /** The name prefix of every file run {@code runId} writes. */
  public static String filePrefix(String runId) {
    return "part-" + runId + "-";
  }

  @Override
  public WriteFilesResult<String> expand(PCollection<GenericRecord> rows) {
    // The write groups rows by (partition, shard); they travel through it as Avro bytes (see
    // AvroRowBytes) and become records again in the file writer.
    SerializableFunction<GenericRecord, String> partition =
        partitionByEventDate ? new EventDatePartition() : row -> "";
    AvroRowBytes encoding = new AvroRowBytes(schema);
    return rows.apply(
            "ToPartitionAndBytes", MapElements.via(new ToPartitionAndBytesFn(partition, encoding)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()))
        .apply(
            "WriteParquet",
            FileIO.<String, KV<String, byte[]>>writeDynamic()
                .by(KV::getKey)
                .withDestinationCoder(StringUtf8Coder.of())
                .via(
                    Contextful.fn(new FromBytesFn(encoding)),
                    ParquetIO.sink(schema).withCompressionCodec(CompressionCodecName.SNAPPY))
                .to(tableDir)
                .withNaming(folder -> new RunFileNaming(folder, runId))
                .withNumShards(numShards));
  }

  /** A row as (its partition folder, its Avro bytes). */
  static class ToPartitionAndBytesFn extends SimpleFunction<GenericRecord, KV<String, byte[]>> {
    private final SerializableFunction<GenericRecord, String> partition;
    private final AvroRowBytes encoding;

    ToPartitionAndBytesFn(
        SerializableFunction<GenericRecord, String> partition, AvroRowBytes encoding) {
      this.partition = partition;
      this.encoding = encoding;
    }

    @Override
    public KV<String, byte[]> apply(GenericRecord row) {
      return KV.of(partition.apply(row), encoding.encode(row));
    }
  }

  /** The row again, for the Parquet writer. */
  static class FromBytesFn implements SerializableFunction<KV<String, byte[]>, GenericRecord> {
    private final AvroRowBytes encoding;

    FromBytesFn(AvroRowBytes encoding) {
      this.encoding = encoding;
    }

    @Override
    public GenericRecord apply(KV<String, byte[]> row) {
      return encoding.decode(row.getValue());
    }
  }

  /** {@code event_date=YYYY-MM-DD}, the UTC date of the row's {@code event_ts}. */
  static class EventDatePartition implements SerializableFunction<GenericRecord, String> {
    @Override
    public String apply(GenericRecord row) {
      long millis = (long) row.get("event_ts");
      return "event_date=" + LocalDate.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }
  }

  /** {@code [folder/]part-<runId>-<shard>-of-<n>.snappy.parquet}. */
  static class RunFileNaming implements FileIO.Write.FileNaming {
    private final String folder;
    private final String runId;

    RunFileNaming(String folder, String runId) {
      this.folder = folder;
      this.runId = runId;
    }

    @Override
    public String getFilename(
        BoundedWindow window,
        PaneInfo pane,
        int numShards,
        int shardIndex,
        Compression compression) {
      String name =
          String.format("%s%05d-of-%05d.snappy.parquet", filePrefix(runId), shardIndex, numShards);
      return folder.isEmpty() ? name : folder + "/" + name;
    }
  }
}
