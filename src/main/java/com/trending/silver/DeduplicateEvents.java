package com.trending.silver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Keeps one row per {@code event_id}: drops copies within the input (Kafka redelivery) and events
 * the Silver table already holds (a replay). The table's existing event ids are read from its
 * Parquet files (the {@code event_id} column only). Dropped copies are counted, never silent.
 */
public class DeduplicateEvents
    extends PTransform<PCollection<GenericRecord>, PCollection<GenericRecord>> {

  private static final TupleTag<GenericRecord> NEW = new TupleTag<GenericRecord>() {};
  private static final TupleTag<Boolean> EXISTING = new TupleTag<Boolean>() {};

  private final String topic;
  private final Schema rowSchema;
  private final List<String> existingFiles;

  /**
   * @param existingFiles the table's Parquet files written before this run (absolute paths)
   */
  public DeduplicateEvents(String topic, Schema rowSchema, List<String> existingFiles) {
    this.topic = topic;
    this.rowSchema = rowSchema;
    this.existingFiles = new ArrayList<>(existingFiles);
  }

  @Override
  public PCollection<GenericRecord> expand(PCollection<GenericRecord> events) {
    PCollection<KV<String, GenericRecord>> keyed =
        events.apply(
            "KeyByEventId",
            WithKeys.of((GenericRecord row) -> row.get("event_id").toString())
                .withKeyType(TypeDescriptors.strings()));

    PCollection<KV<String, Boolean>> existing =
        events
            .getPipeline()
            .apply("ListSilverFiles", Create.of(existingFiles).withCoder(StringUtf8Coder.of()))
            .apply("SpreadFiles", Reshuffle.viaRandomKey())
            .apply("ReadExistingEventIds", ParDo.of(new ReadEventIdsFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), BooleanCoder.of()));

    return KeyedPCollectionTuple.of(NEW, keyed)
        .and(EXISTING, existing)
        .apply("GroupByEventId", CoGroupByKey.create())
        .apply("KeepFirstNewEvent", ParDo.of(new KeepFirstNewEventFn(topic)))
        .setCoder(AvroCoder.of(rowSchema));
  }

  /** Reads the {@code event_id} column of one Parquet file. */
  static class ReadEventIdsFn extends DoFn<String, KV<String, Boolean>> {
    private static final Schema EVENT_ID_ONLY =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"EventIdOnly\",\"fields\":"
                    + "[{\"name\":\"event_id\",\"type\":\"string\"}]}");

    @ProcessElement
    public void processElement(@Element String file, OutputReceiver<KV<String, Boolean>> out)
        throws IOException {
      Configuration conf = new Configuration();
      AvroReadSupport.setRequestedProjection(conf, EVENT_ID_ONLY);
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(
                  HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file), conf))
              .withConf(conf)
              .build()) {
        for (GenericRecord row = reader.read(); row != null; row = reader.read()) {
          out.output(KV.of(row.get("event_id").toString(), true));
        }
      }
    }
  }

  /**
   * Emits the event of a group unless the table already has its id; of several copies it keeps
   * the smallest by content, so every runner keeps the same one.
   */
  static class KeepFirstNewEventFn extends DoFn<KV<String, CoGbkResult>, GenericRecord> {
    private final Counter duplicates;

    KeepFirstNewEventFn(String topic) {
      this.duplicates = Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.duplicate(topic));
    }

    @ProcessElement
    public void processElement(@Element KV<String, CoGbkResult> group, OutputReceiver<GenericRecord> out) {
      Iterator<GenericRecord> copies = group.getValue().getAll(NEW).iterator();
      if (!copies.hasNext()) {
        return; // only in Silver already: nothing new
      }
      boolean alreadyInSilver = group.getValue().getAll(EXISTING).iterator().hasNext();
      GenericRecord kept = null;
      long seen = 0;
      while (copies.hasNext()) {
        GenericRecord copy = copies.next();
        seen++;
        if (kept == null || copy.toString().compareTo(kept.toString()) < 0) {
          kept = copy;
        }
      }
      if (alreadyInSilver) {
        duplicates.inc(seen);
        return;
      }
      duplicates.inc(seen - 1);
      out.outputWithTimestamp(kept, new Instant((long) kept.get("event_ts")));
    }

    @Override
    @SuppressWarnings("deprecation")
    public Duration getAllowedTimestampSkew() {
      return Duration.millis(Long.MAX_VALUE);
    }
  }
}
