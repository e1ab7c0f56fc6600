package com.trending.gold;

import com.trending.lakehouse.Schemas;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.avro.generic.GenericData;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * One Silver table (a folder of {@code event_date=YYYY-MM-DD/*.parquet}) in; the {@code movie_id}
 * of every event out, with the event's {@code event_ts} as element timestamp.
 *
 * <p>Only complete files are read: names ending in {@code .parquet}, with no file or folder name
 * below the table starting with '.' or '_' (writers' temporary files). Only the two columns needed
 * are read from the files.
 */
public class ReadSilver extends PTransform<PBegin, PCollection<Integer>> {
  private final String tableDir;
  private final String schemaName;

  /**
   * @param tableDir absolute folder of the Silver table
   * @param schemaName Avro schema of its rows under {@code schemas/avro/}, e.g. "events_views"
   */
  public ReadSilver(String tableDir, String schemaName) {
    this.tableDir = tableDir;
    this.schemaName = schemaName;
  }

  @Override
  public PCollection<Integer> expand(PBegin begin) {
    Schema projection = projection(Schemas.avro(schemaName));
    return begin
        .apply("MatchFiles", FileIO.match().filepattern(tableDir + "/**"))
        .apply("KeepCompleteFiles", ParDo.of(new KeepCompleteFilesFn(tableDir)))
        .apply("SpreadFiles", Reshuffle.viaRandomKey())
        .apply("ReadEvents", ParDo.of(new ReadEventsFn(projection.toString())))
        .setCoder(VarIntCoder.of());
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

  /** True for a complete data file of the table: {@code *.parquet}, nothing hidden on its path. */
  static boolean isCompleteFile(String tableDir, String file) {
    String root = tableDir.endsWith("/") ? tableDir : tableDir + "/";
    if (!file.startsWith(root) || !file.endsWith(".parquet")) {
      return false;
    }
    for (String part : file.substring(root.length()).split("/")) {
      if (part.isEmpty() || part.startsWith(".") || part.startsWith("_")) {
        return false;
      }
    }
    return true;
  }

  static class KeepCompleteFilesFn extends DoFn<MatchResult.Metadata, MatchResult.Metadata> {
    private final String tableDir;
    private final Counter files = Metrics.counter(ReadSilver.class, "silverFilesRead");

    KeepCompleteFilesFn(String tableDir) {
      this.tableDir = tableDir;
    }

    @ProcessElement
    public void process(@Element MatchResult.Metadata file, OutputReceiver<MatchResult.Metadata> out) {
      if (isCompleteFile(tableDir, file.resourceId().toString())) {
        files.inc();
        out.output(file);
      }
    }
  }

  /**
   * Reads the two needed columns of one Parquet file with {@link AvroParquetReader} and emits each
   * event's movie id with its event time as timestamp. A plain DoFn: it runs on every runner, in
   * batch and in streaming (the Spark runner rejects splittable reads in streaming).
   */
  static class ReadEventsFn extends DoFn<MatchResult.Metadata, Integer> {
    private final String projectionJson;
    private final Counter events = Metrics.counter(ReadSilver.class, "silverEventsRead");
    private transient Configuration conf;

    ReadEventsFn(String projectionJson) {
      this.projectionJson = projectionJson;
    }

    @Setup
    public void setup() {
      conf = new Configuration();
      AvroReadSupport.setRequestedProjection(conf, new Schema.Parser().parse(projectionJson));
    }

    @ProcessElement
    public void process(@Element MatchResult.Metadata file, OutputReceiver<Integer> out) throws IOException {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.resourceId().toString());
      long n = 0;
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(path, conf))
              .withDataModel(GenericData.get())
              .withConf(conf)
              .build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          out.outputWithTimestamp((Integer) r.get("movie_id"), eventTime(r.get("event_ts")));
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
