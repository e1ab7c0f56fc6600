package com.trending.silver;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Writes rows as Snappy Parquet files into one table folder: Silver's events under Hive-style
 * {@code event_date=YYYY-MM-DD/} partitions ({@link #byEventDate}), dead letters flat ({@link
 * #flat}).
 *
 * <p>The write groups rows by (partition, shard); they travel through it as blocks of Avro binary
 * rows ({@link RowBlocks}) and become records again in the file writer.
 *
 * <p>Every file of a run is named {@code part-<runId>-<shard>-of-<n>.snappy.parquet}: names never
 * clash between runs or tasks (a clash silently loses rows on the Spark runner), contain no {@code
 * :} (which Spark cannot read), and let an unfinished run's files be found and rolled back.
 */
public class WriteParquetTable<T> extends PTransform<PCollection<T>, WriteFilesResult<String>> {

  private final String tableDir;
  private final Schema schema;
  private final SimpleFunction<T, KV<String, byte[]>> toPartitionAndRow;
  private final String runId;
  private final int numShards;

  private WriteParquetTable(
      String tableDir,
      Schema schema,
      SimpleFunction<T, KV<String, byte[]>> toPartitionAndRow,
      String runId,
      int numShards) {
    this.tableDir = tableDir;
    this.schema = schema;
    this.toPartitionAndRow = toPartitionAndRow;
    this.runId = runId;
    this.numShards = numShards;
  }

  /** Silver events of {@code schema}, each in the partition of its {@code event_date}. */
  public static WriteParquetTable<SilverEvent> byEventDate(
      String tableDir, Schema schema, String runId, int numShards) {
    return new WriteParquetTable<>(tableDir, schema, new EventDateAndRowFn(), runId, numShards);
  }

  /** Rows of {@code schema}, unpartitioned. */
  public static WriteParquetTable<GenericRecord> flat(
      String tableDir, Schema schema, String runId, int numShards) {
    return new WriteParquetTable<>(
        tableDir, schema, new UnpartitionedRowFn(schema), runId, numShards);
  }

  /** The name prefix of every file run {@code runId} writes. */
  public static String filePrefix(String runId) {
    return "part-" + runId + "-";
  }

  @Override
  public WriteFilesResult<String> expand(PCollection<T> rows) {
    return rows.apply(
            "BlockPerPartition",
            ParDo.of(new RowBlocks.BlockPerKeyFn<>(ByteArrayCoder.of(), toPartitionAndRow)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()))
        .apply(
            "WriteParquet",
            FileIO.<String, KV<String, byte[]>>writeDynamic()
                .by(KV::getKey)
                .withDestinationCoder(StringUtf8Coder.of())
                .via(new ParquetBlockSink(schema))
                .to(tableDir)
                .withNaming(folder -> new RunFileNaming(folder, runId))
                .withNumShards(numShards));
  }

  /** Writes each block's rows to a Snappy Parquet file. */
  static class ParquetBlockSink implements FileIO.Sink<KV<String, byte[]>> {
    private final AvroCoder<GenericRecord> rowCoder;
    private final ParquetIO.Sink rows;

    ParquetBlockSink(Schema schema) {
      this.rowCoder = AvroCoder.of(schema);
      this.rows = ParquetIO.sink(schema).withCompressionCodec(CompressionCodecName.SNAPPY);
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      rows.open(channel);
    }

    @Override
    public void write(KV<String, byte[]> block) throws IOException {
      for (byte[] row : RowBlocks.decode(ByteArrayCoder.of(), block.getValue())) {
        rows.write(CoderUtils.decodeFromByteArray(rowCoder, row));
      }
    }

    @Override
    public void flush() throws IOException {
      rows.flush();
    }
  }

  /** An event as (its event_date partition, its row). */
  static class EventDateAndRowFn extends SimpleFunction<SilverEvent, KV<String, byte[]>> {
    @Override
    public KV<String, byte[]> apply(SilverEvent event) {
      return KV.of(event.partition(), event.row());
    }
  }

  /** A row as (no partition, its Avro binary). */
  static class UnpartitionedRowFn extends SimpleFunction<GenericRecord, KV<String, byte[]>> {
    private final AvroCoder<GenericRecord> coder;

    UnpartitionedRowFn(Schema schema) {
      this.coder = AvroCoder.of(schema);
    }

    @Override
    public KV<String, byte[]> apply(GenericRecord row) {
      try {
        return KV.of("", CoderUtils.encodeToByteArray(coder, row));
      } catch (CoderException e) {
        throw new IllegalArgumentException("Cannot encode row " + row, e);
      }
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
