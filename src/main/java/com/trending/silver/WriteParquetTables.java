package com.trending.silver;

import com.trending.common.BlockCoder;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.common.Storage;
import com.trending.common.StreamOutputFile;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.StringSet;
import org.apache.beam.sdk.metrics.StringSetResult;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Writes rows as Snappy Parquet files into the tables of every topic at once, in one write: valid
 * events into their topic's Silver table under Hive-style {@code event_date=YYYY-MM-DD/}
 * partitions, dead letters into their topic's dead-letter table, flat. Rows come in as blocks per
 * destination, (table folder, partition folder or ""), made by {@link #silverRows} and {@link
 * #deadLetterRows}: Avro binary rows ({@link RowBlocks}) that become records again in the file
 * writer, which takes its table's schema.
 *
 * <p>One write for both kinds of rows rather than one each: a runner pays per step of a batch's
 * data flow, and Beam's file write is two dozen steps (shard, group, write, gather, finalize) for
 * the three dead letters of a live batch as for its thousand events.
 *
 * <p>Every file of a run is named {@code part-<runId>-<shard>-of-<n>.snappy.parquet}: names never
 * clash between runs or tasks (a clash silently loses rows on the Spark runner), contain no {@code
 * :} (which Spark cannot read), and let an unfinished run's files be found and rolled back. Beam's
 * temporary files go to {@code .temp-beam-…} in {@link Lakehouse#silverFolder}, the folder of all
 * these tables, which readers skip and a rollback removes.
 */
public class WriteParquetTables
    extends PTransform<
        PCollection<KV<KV<String, String>, byte[]>>, WriteFilesResult<KV<String, String>>> {

  /** (table folder, partition folder or ""). */
  private static final Coder<KV<String, String>> DESTINATION =
      KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());

  private final String tempFolder;
  private final Map<String, String> schemas; // table folder → Avro schema, as JSON
  private final String runId;
  private final int numShards;

  private WriteParquetTables(
      String tempFolder, Map<String, Schema> schemas, String runId, int numShards) {
    this.tempFolder = tempFolder;
    this.schemas = new HashMap<>();
    schemas.forEach((table, schema) -> this.schemas.put(table, schema.toString()));
    this.runId = runId;
    this.numShards = numShards;
  }

  /**
   * Every topic's Silver and dead-letter tables, at most {@code numShards} files per table and
   * partition.
   */
  public static WriteParquetTables of(Lakehouse lakehouse, String runId, int numShards) {
    Map<String, Schema> schemas = new HashMap<>();
    for (String topic : Lakehouse.TOPICS) {
      schemas.put(lakehouse.silverTable(topic), Schemas.avro(topic));
      schemas.put(lakehouse.deadLetterTable(topic), DeadLetters.SCHEMA);
    }
    return new WriteParquetTables(lakehouse.silverFolder(), schemas, runId, numShards);
  }

  /** Silver events as blocks for their topic's Silver table, in the partition of their date. */
  public static Blocks<SilverEvent> silverRows(Lakehouse lakehouse) {
    Map<Integer, String> tables = new HashMap<>();
    for (String topic : Lakehouse.TOPICS) {
      tables.put(SilverEvent.topicIndex(topic), lakehouse.silverTable(topic));
    }
    return new Blocks<>(new EventDestinationFn(tables));
  }

  /** Dead letters as blocks for the dead-letter table of their {@code topic}. */
  public static Blocks<GenericRecord> deadLetterRows(Lakehouse lakehouse) {
    Map<String, String> tables = new HashMap<>();
    for (String topic : Lakehouse.TOPICS) {
      tables.put(topic, lakehouse.deadLetterTable(topic));
    }
    return new Blocks<>(new DeadLetterDestinationFn(tables));
  }

  /** The name prefix of every file run {@code runId} writes. */
  public static String filePrefix(String runId) {
    return "part-" + runId + "-";
  }

  @Override
  public WriteFilesResult<KV<String, String>> expand(
      PCollection<KV<KV<String, String>, byte[]>> blocks) {
    WriteFilesResult<KV<String, String>> written =
        blocks.apply(
            "WriteParquet",
            FileIO.<KV<String, String>, KV<KV<String, String>, byte[]>>writeDynamic()
                .by(KV::getKey)
                .withDestinationCoder(DESTINATION)
                .via(Contextful.fn(new SinkFn(schemas)))
                .withTempDirectory(tempFolder)
                .withNaming(destination -> new RunFileNaming(destination, runId))
                .withNumShards(numShards));
    written.getPerDestinationOutputFilenames().apply("ReportFiles", ParDo.of(new ReportFilesFn()));
    return written;
  }

  /**
   * The files a pipeline's write reported (see {@link ReportFilesFn}), per table folder, as
   * locations; null when the report is incomplete (a metric truncated, a retried task counted
   * twice), for the caller to list the tables instead.
   */
  public static Map<String, List<String>> reportedFiles(PipelineResult result, Storage storage) {
    MetricQueryResults metrics = IngestMetrics.of(result);
    long counted = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      if (counter.getName().getName().equals(ReportFilesFn.COUNT)) {
        counted += counter.getAttempted();
      }
    }
    Set<String> files = new TreeSet<>();
    for (MetricResult<StringSetResult> set : metrics.getStringSets()) {
      if (set.getName().getName().equals(ReportFilesFn.FILES)) {
        files.addAll(set.getAttempted().getStringSet());
      }
    }
    if (files.size() != counted) {
      return null;
    }
    Map<String, List<String>> byTable = new TreeMap<>();
    for (String file : files) {
      int cut = file.indexOf(ReportFilesFn.SEPARATOR);
      String table = file.substring(0, cut);
      byTable
          .computeIfAbsent(table, t -> new ArrayList<>())
          .add(storage.child(table, file.substring(cut + 1)));
    }
    return byTable;
  }

  /**
   * Reports every file the write finalized, as {@code table folder NUL [partition/]name} in a
   * {@link StringSet} metric, and their number in a counter: the driver learns a batch's files from
   * its pipeline's result instead of listing every file of every table, which grows with the tables
   * (1.1 s per batch with 38,525 files in one table). A set and a count, because a metric set is
   * bounded (Beam keeps 1 MB of it) and a retried task counts its files twice: the report is used
   * only when the two agree.
   */
  static class ReportFilesFn extends DoFn<KV<KV<String, String>, String>, Void> {
    static final String FILES = "files_written";
    static final String COUNT = "files_written_count";
    static final char SEPARATOR = '\0';
    private final StringSet files = Metrics.stringSet(IngestMetrics.NAMESPACE, FILES);
    private final Counter count = Metrics.counter(IngestMetrics.NAMESPACE, COUNT);

    @ProcessElement
    public void process(@Element KV<KV<String, String>, String> file) {
      String path = file.getValue();
      String name = path.substring(path.lastIndexOf('/') + 1);
      String partition = file.getKey().getValue();
      files.add(
          file.getKey().getKey() + SEPARATOR + (partition.isEmpty() ? "" : partition + "/") + name);
      count.inc();
    }
  }

  /** Rows as one block per destination and bundle (see {@link RowBlocks}). */
  public static class Blocks<T>
      extends PTransform<PCollection<T>, PCollection<KV<KV<String, String>, byte[]>>> {
    private final SimpleFunction<T, KV<KV<String, String>, byte[]>> toDestinationAndRow;

    Blocks(SimpleFunction<T, KV<KV<String, String>, byte[]>> toDestinationAndRow) {
      this.toDestinationAndRow = toDestinationAndRow;
    }

    @Override
    public PCollection<KV<KV<String, String>, byte[]>> expand(PCollection<T> rows) {
      return rows.apply(
              "BlockPerPartition",
              ParDo.of(new RowBlocks.BlockPerKeyFn<>(ByteArrayCoder.of(), toDestinationAndRow)))
          .setCoder(KvCoder.of(DESTINATION, BlockCoder.of()));
    }
  }

  /** A Parquet sink of the destination table's schema (parsed once per worker and table). */
  static class SinkFn
      implements SerializableFunction<
          KV<String, String>, FileIO.Sink<KV<KV<String, String>, byte[]>>> {
    private final Map<String, String> schemas;
    private transient Map<String, Schema> parsed;

    SinkFn(Map<String, String> schemas) {
      this.schemas = schemas;
    }

    @Override
    public FileIO.Sink<KV<KV<String, String>, byte[]>> apply(KV<String, String> destination) {
      if (parsed == null) {
        parsed = new HashMap<>();
      }
      String table = destination.getKey();
      Schema schema =
          parsed.computeIfAbsent(
              table,
              t -> {
                String json = schemas.get(t);
                if (json == null) {
                  throw new IllegalStateException("No table " + t + " in " + schemas.keySet());
                }
                return new Schema.Parser().parse(json);
              });
      return new ParquetBlockSink(schema);
    }
  }

  /**
   * Writes each block's rows to a Snappy Parquet file. The writer's Hadoop configuration is empty
   * rather than Hadoop's defaults (which Beam's {@code ParquetIO.Sink} parses from XML for every
   * file: a twentieth of a live Kafka → Silver batch): a Parquet writer reads none of them.
   */
  static class ParquetBlockSink implements FileIO.Sink<KV<KV<String, String>, byte[]>> {
    private final Schema schema;
    private final AvroCoder<GenericRecord> rowCoder;
    private transient ParquetWriter<GenericRecord> writer;

    ParquetBlockSink(Schema schema) {
      this.schema = schema;
      this.rowCoder = AvroCoder.of(schema);
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      writer =
          AvroParquetWriter.<GenericRecord>builder(
                  new StreamOutputFile(Channels.newOutputStream(channel)))
              .withSchema(schema)
              .withConf(new Configuration(false))
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .build();
    }

    @Override
    public void write(KV<KV<String, String>, byte[]> block) throws IOException {
      for (byte[] row : RowBlocks.decode(ByteArrayCoder.of(), block.getValue())) {
        writer.write(CoderUtils.decodeFromByteArray(rowCoder, row));
      }
    }

    /** Writes the footer; the file's channel is Beam's to close. */
    @Override
    public void flush() throws IOException {
      writer.close();
    }
  }

  /** An event as ((its topic's Silver table, its event_date partition), its row). */
  static class EventDestinationFn
      extends SimpleFunction<SilverEvent, KV<KV<String, String>, byte[]>> {
    private final Map<Integer, String> tables;

    EventDestinationFn(Map<Integer, String> tables) {
      this.tables = tables;
    }

    @Override
    public KV<KV<String, String>, byte[]> apply(SilverEvent event) {
      return KV.of(KV.of(tables.get(event.topicIndex()), event.partition()), event.row());
    }
  }

  /** A dead letter as ((its topic's dead-letter table, no partition), its Avro binary). */
  static class DeadLetterDestinationFn
      extends SimpleFunction<GenericRecord, KV<KV<String, String>, byte[]>> {
    private final Map<String, String> tables;
    private final AvroCoder<GenericRecord> coder = AvroCoder.of(DeadLetters.SCHEMA);

    DeadLetterDestinationFn(Map<String, String> tables) {
      this.tables = tables;
    }

    @Override
    public KV<KV<String, String>, byte[]> apply(GenericRecord row) {
      String topic = String.valueOf(row.get("topic"));
      String table = tables.get(topic);
      if (table == null) {
        throw new IllegalStateException("A dead letter of topic " + topic + ", not ingested here");
      }
      try {
        return KV.of(KV.of(table, ""), CoderUtils.encodeToByteArray(coder, row));
      } catch (CoderException e) {
        throw new IllegalArgumentException("Cannot encode dead letter " + row, e);
      }
    }
  }

  /** {@code table/[partition/]part-<runId>-<shard>-of-<n>.snappy.parquet}. */
  static class RunFileNaming implements FileIO.Write.FileNaming {
    private final KV<String, String> destination;
    private final String runId;

    RunFileNaming(KV<String, String> destination, String runId) {
      this.destination = destination;
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
      String partition = destination.getValue();
      return destination.getKey() + "/" + (partition.isEmpty() ? "" : partition + "/") + name;
    }
  }
}
