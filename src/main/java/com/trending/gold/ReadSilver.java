package com.trending.gold;

import com.trending.common.Schemas;
import com.trending.common.Table;
import com.trending.common.TableLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * One Silver table in; the {@code movie_id} of every event out, with the event's {@code event_ts}
 * as element timestamp.
 *
 * <p>The files read are those the table's log has committed (see {@link TableLog}), never a
 * listing of its folder: a batch that ingestion is still writing, or that a crash left behind and
 * the restart rolls back, is never counted. Only the two columns needed are read from the files.
 */
public class ReadSilver extends PTransform<PBegin, PCollection<Integer>> {
  private final Table table;
  private final Duration pollPeriod;
  private final Duration shortSize;
  private final Duration shortLateness;
  private final Duration longSize;
  private final Duration longLateness;

  /** Batch: every complete file of the table, once. */
  public static ReadSilver once(Table table) {
    return new ReadSilver(table, null, null, null, null, null);
  }

  /**
   * Streaming: reads the table's log every {@code pollPeriod} and each newly committed file once. The
   * window sizes and lateness only serve the count of events that arrive too late for a table.
   */
  public static ReadSilver watching(
      Table table,
      Duration pollPeriod,
      Duration shortSize,
      Duration shortLateness,
      Duration longSize,
      Duration longLateness) {
    return new ReadSilver(table, pollPeriod, shortSize, shortLateness, longSize, longLateness);
  }

  private ReadSilver(
      Table table,
      Duration pollPeriod,
      Duration shortSize,
      Duration shortLateness,
      Duration longSize,
      Duration longLateness) {
    this.table = table;
    this.pollPeriod = pollPeriod;
    this.shortSize = shortSize;
    this.shortLateness = shortLateness;
    this.longSize = longSize;
    this.longLateness = longLateness;
  }

  @Override
  public PCollection<Integer> expand(PBegin begin) {
    Schema projection = projection(Schemas.avro(table.schemaName()));
    PCollection<String> newFiles;
    if (pollPeriod == null) {
      newFiles = begin.apply("CommittedFiles", Create.of(table.log().files()).withCoder(StringUtf8Coder.of()));
    } else {
      // A legacy unbounded ticker, a read of the log and a ValueState: a shape the Spark runner
      // runs in streaming (it rejects Beam's continuous matching, a splittable DoFn).
      newFiles =
          begin
              .apply("Tick", GenerateSequence.from(0).withRate(1, pollPeriod))
              .apply("ReadTableLog", ParDo.of(new CommittedFilesFn(table)))
              .apply("KeyByPath", WithKeys.of((String file) -> file).withKeyType(TypeDescriptors.strings()))
              .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
              .apply("PassEachFileOnce", ParDo.of(new PassOnceFn()));
    }
    return newFiles
        .apply("SpreadFiles", Reshuffle.viaRandomKey())
        .apply(
            "ReadEvents",
            ParDo.of(new ReadEventsFn(projection.toString(), shortSize, shortLateness, longSize, longLateness)))
        .setCoder(VarIntCoder.of());
  }

  /** On each tick, every file the table's log has committed so far. */
  static class CommittedFilesFn extends DoFn<Long, String> {
    private final Table table;
    private final Counter files = Metrics.counter(ReadSilver.class, "silverFilesListed");

    CommittedFilesFn(Table table) {
      this.table = table;
    }

    @ProcessElement
    public void process(OutputReceiver<String> out) {
      List<String> committed = table.log().files();
      files.inc(committed.size());
      committed.forEach(out::output);
    }
  }

  /** Passes the first sighting of each file and drops later ones (committed files never change). */
  static class PassOnceFn extends DoFn<KV<String, String>, String> {
    @StateId("seen")
    private final StateSpec<ValueState<Boolean>> seenSpec = StateSpecs.value(BooleanCoder.of());
    private final Counter files = Metrics.counter(ReadSilver.class, "silverFilesRead");

    @ProcessElement
    public void process(
        @Element KV<String, String> file,
        @StateId("seen") ValueState<Boolean> seen,
        OutputReceiver<String> out) {
      if (seen.read() == null) {
        seen.write(true);
        files.inc();
        out.output(file.getValue());
      }
    }
  }

  /** The Silver schema cut down to the two columns the trending computation uses. */
  static Schema projection(Schema silver) {
    List<Schema.Field> fields = new ArrayList<>();
    for (String name : new String[] {"event_ts", "movie_id"}) {
      Schema.Field f = silver.getField(name);
      fields.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal()));
    }
    return Schema.createRecord(silver.getName(), silver.getDoc(), silver.getNamespace(), false, fields);
  }

  /**
   * Reads the two needed columns of one Parquet file with {@link AvroParquetReader} and emits each
   * event's movie id with its event time as timestamp. A plain DoFn: it runs on every runner, in
   * batch and in streaming (the Spark runner rejects splittable reads in streaming).
   */
  static class ReadEventsFn extends DoFn<String, Integer> {
    private final String projectionJson;
    private final Duration shortSize;
    private final Duration shortLateness;
    private final Duration longSize;
    private final Duration longLateness;
    private final Counter events = Metrics.counter(ReadSilver.class, "silverEventsRead");
    private final Counter tooLateShort = Metrics.counter(ReadSilver.class, "droppedLateEvents1h");
    private final Counter tooLateLong = Metrics.counter(ReadSilver.class, "droppedLateEvents24h");
    private transient Configuration conf;

    ReadEventsFn(
        String projectionJson, Duration shortSize, Duration shortLateness, Duration longSize, Duration longLateness) {
      this.projectionJson = projectionJson;
      this.shortSize = shortSize;
      this.shortLateness = shortLateness;
      this.longSize = longSize;
      this.longLateness = longLateness;
    }

    @Setup
    public void setup() {
      conf = new Configuration();
      AvroReadSupport.setRequestedProjection(conf, new Schema.Parser().parse(projectionJson));
    }

    @ProcessElement
    public void process(
        @Element String file, @Timestamp Instant listedAt, OutputReceiver<Integer> out)
        throws IOException {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
      long n = 0;
      // Streaming: files are stamped with the time they were listed, which the watermark follows.
      // An event whose last window ended longer ago than the table's lateness will be dropped
      // by the window; count it here, where its event time and the listing time are both known.
      boolean countLate = shortSize != null && listedAt.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE);
      long shortLimit = countLate ? listedAt.getMillis() - shortLateness.getMillis() - shortSize.getMillis() : 0;
      long longLimit = countLate ? listedAt.getMillis() - longLateness.getMillis() - longSize.getMillis() : 0;
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(path, conf))
              .withDataModel(GenericData.get())
              .withConf(conf)
              .build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          Instant ts = eventTime(r.get("event_ts"));
          if (countLate) {
            // The last window containing ts ends at most one window size after ts.
            if (ts.getMillis() < shortLimit) {
              tooLateShort.inc();
            }
            if (ts.getMillis() < longLimit) {
              tooLateLong.inc();
            }
          }
          out.outputWithTimestamp((Integer) r.get("movie_id"), ts);
          n++;
        }
      }
      events.inc(n);
    }

    @Override
    public org.joda.time.Duration getAllowedTimestampSkew() {
      // Files found while streaming carry processing time; their events are older.
      return org.joda.time.Duration.millis(Long.MAX_VALUE);
    }
  }

  static Instant eventTime(Object ts) {
    if (ts instanceof java.time.Instant) {
      return Instant.ofEpochMilli(((java.time.Instant) ts).toEpochMilli());
    }
    return Instant.ofEpochMilli((Long) ts);
  }
}
