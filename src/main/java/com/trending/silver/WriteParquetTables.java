package com.trending.silver;

import com.trending.common.BlockCoder;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.common.Storage;
import com.trending.common.StreamOutputFile;
import java.io.IOException;
import java.io.OutputStream;
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
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.StringSet;
import org.apache.beam.sdk.metrics.StringSetResult;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * Writes a batch's rows as Snappy Parquet files straight into the tables of every topic: valid
 * events into their topic's Silver table under Hive-style {@code event_date=YYYY-MM-DD/}
 * partitions, one file per partition and deduplication bucket ({@link #silver}); dead letters into
 * their topic's dead-letter table, flat, one file per table ({@link #deadLetters}). Each write
 * emits the files it wrote as (table folder, path below it), which {@link #reportFiles} hands to
 * the driver.
 *
 * <p>Files are written under their final names, with no temporary file to rename: nothing reads a
 * file before its table's log commits it (Delta's log, the Parquet tables' {@code
 * _spark_metadata}), and a batch that dies before its commit is rolled back by the prefix its files
 * share, {@code part-<runId>-}. Names never clash between runs, contain no {@code :} (which Spark
 * cannot read), and are the same when a runner retries a task, whose file then replaces the first
 * attempt's with the same rows.
 *
 * <p>The Silver rows are written where deduplication leaves them, a bucket at a time, rather than
 * grouped again by partition: a second grouping of every row (Beam's {@code FileIO} groups by
 * destination and shard, then writes temporary files, gathers and renames them, two dozen steps per
 * batch) took a quarter of a bulk batch on the Direct runner. A live batch is one bucket, so it
 * still writes one file per partition; a 500,000-message backlog batch writes one per bucket (ten)
 * and partition.
 */
public final class WriteParquetTables {
  private WriteParquetTables() {}

  /** The name prefix of every file run {@code runId} writes. */
  public static String filePrefix(String runId) {
    return "part-" + runId + "-";
  }

  /**
   * Writes each bucket's new events ({@link DeduplicateEvents}) into their topic's Silver table,
   * one file per event_date partition: {@code
   * <table>/event_date=…/part-<runId>-<bucket>.snappy.parquet}.
   */
  public static ParDo.SingleOutput<KV<Integer, List<SilverEvent>>, KV<String, String>> silver(
      Lakehouse lakehouse, String runId) {
    List<String> tables = new ArrayList<>();
    for (String topic : Lakehouse.TOPICS) {
      tables.add(lakehouse.silverTable(topic));
    }
    return ParDo.of(new WriteSilverFn(lakehouse.storage(), tables, runId));
  }

  /**
   * Writes dead letters, in blocks per topic ({@link ParseEventsFn#DEAD_LETTERS}), into their
   * topic's dead-letter table, one file per table and batch: {@code
   * <table>/part-<runId>-00000.snappy.parquet}.
   */
  public static PTransform<PCollection<KV<String, byte[]>>, PCollection<KV<String, String>>>
      deadLetters(Lakehouse lakehouse, String runId) {
    Map<String, String> tables = new TreeMap<>();
    for (String topic : Lakehouse.TOPICS) {
      tables.put(topic, lakehouse.deadLetterTable(topic));
    }
    return new WriteDeadLetters(lakehouse.storage(), tables, runId);
  }

  /** Reports the files the writes emitted, for {@link #reportedFiles}. */
  public static ParDo.SingleOutput<KV<String, String>, Void> reportFiles() {
    return ParDo.of(new ReportFilesFn());
  }

  /**
   * The files a pipeline's writes reported (see {@link ReportFilesFn}), per table folder, as
   * locations; null when the report is incomplete (a metric truncated, a retried task counted
   * twice) or empty, for the caller to list the tables instead.
   */
  public static Map<String, List<String>> reportedFiles(PipelineResult result, Storage storage) {
    MetricQueryResults metrics = IngestMetrics.of(result);
    long counted = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      if (counter.getName().getName().equals(ReportFilesFn.COUNT)) {
        counted += IngestMetrics.finalValue(counter);
      }
    }
    Set<String> files = new TreeSet<>();
    for (MetricResult<StringSetResult> set : metrics.getStringSets()) {
      if (set.getName().getName().equals(ReportFilesFn.FILES)) {
        files.addAll(IngestMetrics.finalValue(set).getStringSet());
      }
    }
    if (counted == 0 || files.size() != counted) {
      return null; // no report at all is not trusted: a batch of duplicates only is listed
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
   * Reports every file written, as {@code table folder NUL path below it} in a {@link StringSet}
   * metric, and their number in a counter: the driver learns a batch's files from its pipeline's
   * result instead of listing every file of every table, which grows with the tables (1.1 s per
   * batch with 38,525 files in one table). A set and a count, because a metric set is bounded (Beam
   * keeps 1 MB of it) and a retried task counts its files twice: the report is used only when the
   * two agree.
   */
  static class ReportFilesFn extends DoFn<KV<String, String>, Void> {
    static final String FILES = "files_written";
    static final String COUNT = "files_written_count";
    static final char SEPARATOR = '\0';
    private final StringSet files = Metrics.stringSet(IngestMetrics.NAMESPACE, FILES);
    private final Counter count = Metrics.counter(IngestMetrics.NAMESPACE, COUNT);

    @ProcessElement
    public void process(@Element KV<String, String> file) {
      files.add(file.getKey() + SEPARATOR + file.getValue());
      count.inc();
    }
  }

  /**
   * A bucket's events, one file per (topic, event_date): the events are gathered by day number, and
   * each day's partition name is made once.
   */
  static class WriteSilverFn extends DoFn<KV<Integer, List<SilverEvent>>, KV<String, String>> {
    private final Storage storage;
    private final List<String> tables; // per topic index
    private final String runId;
    private transient List<Schema> schemas; // per topic index

    WriteSilverFn(Storage storage, List<String> tables, String runId) {
      this.storage = storage;
      this.tables = tables;
      this.runId = runId;
    }

    @Setup
    public void setup() {
      schemas = new ArrayList<>();
      for (String topic : Lakehouse.TOPICS) {
        schemas.add(Schemas.avro(topic));
      }
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, List<SilverEvent>> bucket, OutputReceiver<KV<String, String>> out)
        throws IOException {
      List<Map<Long, List<SilverEvent>>> files = new ArrayList<>(); // per topic, day → events
      tables.forEach(table -> files.add(new HashMap<>()));
      List<SilverEvent> sameDay = null; // the last event's list: events mostly come in time order
      int lastTopic = -1;
      long lastDay = 0;
      for (SilverEvent event : bucket.getValue()) {
        if (sameDay == null || event.topicIndex() != lastTopic || event.day() != lastDay) {
          lastTopic = event.topicIndex();
          lastDay = event.day();
          sameDay = files.get(lastTopic).computeIfAbsent(lastDay, d -> new ArrayList<>());
        }
        sameDay.add(event);
      }
      String name = String.format("%s%05d.snappy.parquet", filePrefix(runId), bucket.getKey());
      for (int topic = 0; topic < files.size(); topic++) {
        String table = tables.get(topic);
        for (Map.Entry<Long, List<SilverEvent>> day : new TreeMap<>(files.get(topic)).entrySet()) {
          String path = SilverEvent.partition(day.getKey()) + "/" + name;
          try (OutputStream stream = storage.create(storage.child(table, path));
              ParquetWriter<byte[]> writer =
                  SilverRowWriter.open(stream, schemas.get(topic), day.getValue().size())) {
            for (SilverEvent event : day.getValue()) {
              writer.write(event.row());
            }
          }
          out.output(KV.of(table, path));
        }
      }
    }
  }

  /** Dead letters in blocks per topic ({@link ParseEventsFn}), one grouping, one file per table. */
  static class WriteDeadLetters
      extends PTransform<PCollection<KV<String, byte[]>>, PCollection<KV<String, String>>> {
    private final Storage storage;
    private final Map<String, String> tables; // topic → dead-letter table folder
    private final String runId;

    WriteDeadLetters(Storage storage, Map<String, String> tables, String runId) {
      this.storage = storage;
      this.tables = tables;
      this.runId = runId;
    }

    @Override
    public PCollection<KV<String, String>> expand(PCollection<KV<String, byte[]>> deadLetters) {
      return deadLetters
          .apply("TableOfTopic", MapElements.via(new TableOfFn(tables)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), BlockCoder.of()))
          .apply("GroupPerTable", GroupByKey.create())
          .apply("WriteDeadLetterFiles", ParDo.of(new WriteFileFn(storage, runId)));
    }
  }

  /** A block of a topic's dead letters as (its dead-letter table, the block). */
  static class TableOfFn extends SimpleFunction<KV<String, byte[]>, KV<String, byte[]>> {
    private final Map<String, String> tables;

    TableOfFn(Map<String, String> tables) {
      this.tables = tables;
    }

    @Override
    public KV<String, byte[]> apply(KV<String, byte[]> block) {
      String table = tables.get(block.getKey());
      if (table == null) {
        throw new IllegalStateException(
            "Dead letters of topic " + block.getKey() + ", not ingested here");
      }
      return KV.of(table, block.getValue());
    }
  }

  /** One table's dead letters, from their blocks, into one file. */
  static class WriteFileFn extends DoFn<KV<String, Iterable<byte[]>>, KV<String, String>> {
    private final Storage storage;
    private final String runId;
    private final AvroCoder<GenericRecord> rows = AvroCoder.of(DeadLetters.SCHEMA);

    WriteFileFn(Storage storage, String runId) {
      this.storage = storage;
      this.runId = runId;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<byte[]>> table, OutputReceiver<KV<String, String>> out)
        throws IOException {
      String name = filePrefix(runId) + "00000.snappy.parquet";
      try (OutputStream stream = storage.create(storage.child(table.getKey(), name));
          ParquetWriter<GenericRecord> writer =
              StreamOutputFile.snappyWriter(stream, DeadLetters.SCHEMA)) {
        for (byte[] block : table.getValue()) {
          for (byte[] row : RowBlocks.decode(ByteArrayCoder.of(), block)) {
            writer.write(CoderUtils.decodeFromByteArray(rows, row));
          }
        }
      }
      out.output(KV.of(table.getKey(), name));
    }
  }
}
