package com.trending.silver;

import static org.junit.Assert.assertEquals;

import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.common.Storage;
import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The parse and deduplicate steps of Kafka → Silver on a {@link TestPipeline}. */
public class ParseAndDeduplicateTest {

  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static final Schema VIEW = Schemas.avro(Lakehouse.VIEWS);
  private static final SilverEvent.Rows ROWS = new SilverEvent.Rows(Lakehouse.VIEWS);

  private static String view(String id, String ts) {
    return "{\"event_id\":\""
        + id
        + "\",\"event_type\":\"view\",\"event_ts\":\""
        + ts
        + "\",\"user_id\":1,\"movie_id\":2}";
  }

  private static final String D = "00000000-0000-0000-0000-00000000000d";

  private static final String A = "00000000-0000-0000-0000-00000000000a";
  private static final String B = "00000000-0000-0000-0000-00000000000b";
  private static final String C = "00000000-0000-0000-0000-00000000000c";
  private static final String E = "00000000-0000-0000-0000-00000000000e";

  private static KafkaRecord<byte[], byte[]> record(long offset, String payload) {
    return new KafkaRecord<>(
        Lakehouse.VIEWS,
        1,
        offset,
        0L,
        KafkaTimestampType.CREATE_TIME,
        null,
        KV.of(null, payload.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code records} as a pipeline's Kafka input, parsed (ratings from 0.5 to 5.0). */
  @SafeVarargs
  static PCollectionTuple parse(Pipeline p, KafkaRecord<byte[], byte[]>... records) {
    return parse(p, new DeduplicateEvents(Map.of(), Storage.local(), 1), records);
  }

  /** {@code records} parsed for {@code deduplicate}. */
  @SafeVarargs
  static PCollectionTuple parse(
      Pipeline p, DeduplicateEvents deduplicate, KafkaRecord<byte[], byte[]>... records) {
    return p.apply(
            Create.of(Arrays.asList(records))
                .withCoder(
                    KafkaRecordCoder.of(
                        NullableCoder.of(ByteArrayCoder.of()), ByteArrayCoder.of())))
        .apply(ParseEventsFn.parse(0.5, 5.0, deduplicate));
  }

  /** The valid events of a parse, out of deduplication's blocks. */
  static PCollection<SilverEvent> validEvents(PCollectionTuple parsed) {
    return parsed
        .get(DeduplicateEvents.NewEvents.BLOCKS)
        .apply(
            "ValidEvents",
            FlatMapElements.into(TypeDescriptor.of(SilverEvent.class))
                .via(block -> RowBlocks.decode(DeduplicateEvents.ENTRY, block.getValue())))
        .setCoder(SilverEvent.Coder.of());
  }

  /** The dead letters of a parse, out of their blocks. */
  static PCollection<GenericRecord> deadLetters(PCollectionTuple parsed) {
    AvroCoder<GenericRecord> rows = AvroCoder.of(DeadLetters.SCHEMA);
    return parsed
        .get(ParseEventsFn.DEAD_LETTERS)
        .apply(
            "DeadLetters",
            FlatMapElements.into(TypeDescriptor.of(GenericRecord.class))
                .via(
                    block ->
                        RowBlocks.decode(ByteArrayCoder.of(), block.getValue()).stream()
                            .map(
                                bytes -> {
                                  try {
                                    return CoderUtils.decodeFromByteArray(rows, bytes);
                                  } catch (CoderException e) {
                                    throw new IllegalStateException(e);
                                  }
                                })
                            .toList()))
        .setCoder(rows);
  }

  @Test
  public void validEventsCarryTheirEventTimeAndBadOnesKeepTheirOrigin() {
    PCollectionTuple parsed =
        parse(
            p,
            record(0, view(A, "2025-12-17T13:30:00.000Z")),
            record(1, "{oops"),
            record(2, view(B, "2025-12-17T14:00:00Z").replace("\"view\"", "\"click\"")));
    PCollection<GenericRecord> valid =
        validEvents(parsed)
            .apply("Rows", MapElements.into(TypeDescriptor.of(GenericRecord.class)).via(ROWS::row))
            .setCoder(AvroCoder.of(VIEW));
    PCollection<GenericRecord> dead = deadLetters(parsed);

    PAssert.that(
            valid.apply(
                "IdAndTime",
                MapElements.into(TypeDescriptors.strings())
                    .via(row -> row.get("event_id") + "@" + row.get("event_ts"))))
        .containsInAnyOrder(A + "@" + Instant.parse("2025-12-17T13:30:00Z").toEpochMilli());
    PAssert.that(dead.apply("Describe", ParDo.of(new DescribeDeadLetterFn())))
        .containsInAnyOrder(
            "events_views/1/1 invalid_json {oops",
            "events_views/1/2 invalid_event_type "
                + view(B, "2025-12-17T14:00:00Z").replace("\"view\"", "\"click\""));
    p.run();
  }

  /**
   * Silver's files of the batch's event_date partitions are read for ids; a file of another date is
   * not even looked at (a copy of an event has the event's event_ts, so it cannot be there). One
   * bucket, so that the files are looked at once.
   */
  @Test
  public void keepsOneCopyPerEventIdAndNothingSilverAlreadyHas() throws Exception {
    String sameDay = silverFile("event_date=1970-01-01", row(C, 1_000L));
    String otherDay = silverFile("event_date=2025-01-01", row(B, 1_735_689_600_000L));

    PCollection<SilverEvent> unique =
        events(p, row(A, 1_000L), row(A, 1_000L), row(B, 2_000L), row(C, 1_000L))
            .apply(
                new DeduplicateEvents(
                        Map.of(Lakehouse.VIEWS, List.of(sameDay, otherDay)),
                        com.trending.common.Storage.local(),
                        1)
                    .fromEvents())
            .apply("NewEvents", NEW_EVENTS);

    PAssert.that(unique.apply(ParDo.of(new TimestampedIdFn())))
        .containsInAnyOrder(A + "@1000", B + "@2000");
    var result = p.run();
    result.waitUntilFinish();
    IngestSummary summary = new IngestSummary();
    summary.add(result, 1);
    assertEquals(
        "one redelivered copy and one already in Silver", 2, summary.duplicates(Lakehouse.VIEWS));
    assertEquals("files of other dates are not read", 1, counter(result, "dedup_files_read"));
    assertEquals(1, counter(result, "dedup_files_opened"));
  }

  /**
   * One batch carries every topic: an id is unique per table, so a click with the id of a view (in
   * the batch or in the views table) is kept, and copies are dropped and counted per topic.
   */
  @Test
  public void eventIdsAreDeduplicatedPerTable() throws Exception {
    String views = silverFile("event_date=1970-01-01", row(A, 1_000L));
    List<SilverEvent> block =
        List.of(
            ROWS.of(row(A, 1_000L)),
            ROWS.of(row(B, 1_000L)),
            CLICKS.of(click(A, 1_000L)),
            CLICKS.of(click(B, 2_000L)),
            CLICKS.of(click(B, 2_000L)));
    PCollection<SilverEvent> unique =
        p.apply(Create.of(List.of(block)).withCoder(ListCoder.of(SilverEvent.Coder.of())))
            .apply(
                new DeduplicateEvents(
                        Map.of(Lakehouse.VIEWS, List.of(views), Lakehouse.CLICKS, List.of()),
                        com.trending.common.Storage.local(),
                        4)
                    .fromEvents())
            .apply("NewEvents", NEW_EVENTS);

    PAssert.that(
            unique.apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(e -> e.topic() + " " + e.eventId())))
        .containsInAnyOrder(
            Lakehouse.VIEWS + " " + B, Lakehouse.CLICKS + " " + A, Lakehouse.CLICKS + " " + B);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    IngestSummary summary = new IngestSummary();
    summary.add(result, 1);
    assertEquals("A is in the views table", 1, summary.duplicates(Lakehouse.VIEWS));
    assertEquals("B's second click", 1, summary.duplicates(Lakehouse.CLICKS));
  }

  private static final SilverEvent.Rows CLICKS = new SilverEvent.Rows(Lakehouse.CLICKS);

  private static GenericRecord click(String id, long ts) {
    GenericRecord row =
        new org.apache.avro.generic.GenericData.Record(Schemas.avro(Lakehouse.CLICKS));
    row.put("event_id", id);
    row.put("event_ts", ts);
    row.put("user_id", 1);
    row.put("movie_id", 2);
    return row;
  }

  /**
   * A worker reads a committed file's ids once: the next batch opens only the file that holds one
   * of its ids, and still drops that copy.
   */
  @Test
  public void aCommittedFileIsReopenedOnlyWhenItHoldsAnIdOfTheBatch() throws Exception {
    List<String> files =
        List.of(
            silverFile("event_date=1970-01-01", row(C, 1_000L)),
            silverFile("event_date=1970-01-01", row(D, 1_500L)));

    PipelineResult first = dedup(p, files, row(A, 1_000L));
    assertEquals("first look: every file of the day read", 2, counter(first, "dedup_files_opened"));

    Pipeline next = Pipeline.create(p.getOptions());
    PipelineResult second = dedup(next, files, row(B, 2_000L), row(D, 1_500L));
    assertEquals(2, counter(second, "dedup_files_read"));
    assertEquals("only the file holding D", 1, counter(second, "dedup_files_opened"));
    assertEquals("D is in Silver already", 1, viewDuplicates(second));
  }

  /**
   * Of files that carry the id index (as every file this project writes), a first look reads only
   * the index and opens just the file that may hold one of the batch's ids; later batches open none
   * that holds none of theirs.
   */
  @Test
  public void aFirstLookReadsTheIdIndexAndOpensOnlyAFileThatMayHoldAnId() throws Exception {
    List<String> files =
        List.of(
            indexedSilverFile("event_date=1970-01-01", row(C, 1_000L), row(E, 1_200L)),
            indexedSilverFile("event_date=1970-01-01", row(D, 1_500L)));

    PipelineResult first = dedup(p, files, row(A, 1_000L), row(D, 1_500L));
    assertEquals(2, counter(first, "dedup_files_read"));
    assertEquals("only the file holding D", 1, counter(first, "dedup_files_opened"));
    assertEquals("D is in Silver already", 1, viewDuplicates(first));

    PipelineResult next = dedup(Pipeline.create(p.getOptions()), files, row(B, 2_000L));
    assertEquals(2, counter(next, "dedup_files_read"));
    assertEquals("B is in neither", 0, counter(next, "dedup_files_opened"));
  }

  private static long viewDuplicates(PipelineResult result) {
    IngestSummary summary = new IngestSummary();
    summary.add(result, 1);
    return summary.duplicates(Lakehouse.VIEWS);
  }

  private static PipelineResult dedup(
      Pipeline pipeline, List<String> files, GenericRecord... rows) {
    PCollection<SilverEvent> unique =
        events(pipeline, rows)
            .apply(
                new DeduplicateEvents(
                        Map.of(Lakehouse.VIEWS, files), com.trending.common.Storage.local(), 1)
                    .fromEvents())
            .apply("NewEvents", NEW_EVENTS);
    PAssert.that(unique.apply(ParDo.of(new TimestampedIdFn())))
        .containsInAnyOrder(
            Arrays.stream(rows)
                .filter(r -> !r.get("event_id").toString().equals(D))
                .map(r -> r.get("event_id") + "@" + r.get("event_ts"))
                .toList());
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    return result;
  }

  /** The rows as one block of events, as the parse hands them on. */
  private static PCollection<List<SilverEvent>> events(Pipeline pipeline, GenericRecord... rows) {
    List<SilverEvent> block = Arrays.stream(rows).map(ROWS::of).toList();
    return pipeline.apply(
        Create.of(List.of(block)).withCoder(ListCoder.of(SilverEvent.Coder.of())));
  }

  private String silverFile(String partition, GenericRecord row) throws Exception {
    File dir = new File(tmp.getRoot(), partition);
    dir.mkdirs();
    File file = new File(dir, "part-" + UUID.randomUUID() + ".parquet");
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(
                    new org.apache.hadoop.fs.Path(file.toURI()), new Configuration()))
            .withSchema(VIEW)
            .build()) {
      writer.write(row);
    }
    return file.toURI().toString();
  }

  /** A Silver file as the pipeline writes it, with its id index. */
  private String indexedSilverFile(String partition, GenericRecord... rows) throws Exception {
    File dir = new File(tmp.getRoot(), partition);
    dir.mkdirs();
    File file = new File(dir, "part-" + UUID.randomUUID() + ".parquet");
    try (OutputStream out = new FileOutputStream(file);
        ParquetWriter<byte[]> writer = SilverRowWriter.open(out, VIEW, rows.length)) {
      for (GenericRecord row : rows) {
        writer.write(ROWS.of(row).row());
      }
    }
    return file.toURI().toString();
  }

  private static long counter(org.apache.beam.sdk.PipelineResult result, String name) {
    var counters =
        result
            .metrics()
            .queryMetrics(
                org.apache.beam.sdk.metrics.MetricsFilter.builder()
                    .addNameFilter(
                        org.apache.beam.sdk.metrics.MetricNameFilter.named(
                            IngestMetrics.NAMESPACE, name))
                    .build())
            .getCounters();
    long sum = 0;
    for (var c : counters) {
      sum += c.getAttempted();
    }
    return sum;
  }

  private static GenericRecord row(String id, long ts) {
    GenericRecord row = new org.apache.avro.generic.GenericData.Record(VIEW);
    row.put("event_id", id);
    row.put("event_ts", ts);
    row.put("user_id", 1);
    row.put("movie_id", 2);
    return row;
  }

  /** {@code event_id@elementTimestampMillis}. */
  static class TimestampedIdFn extends org.apache.beam.sdk.transforms.DoFn<SilverEvent, String> {
    @ProcessElement
    public void process(@Element SilverEvent event, OutputReceiver<String> out) {
      out.output(event.eventId() + "@" + event.eventTs());
    }
  }

  /** Deduplication's buckets of new events as one collection of events. */
  static final PTransform<PCollection<KV<Integer, List<SilverEvent>>>, PCollection<SilverEvent>>
      NEW_EVENTS =
          new PTransform<>() {
            @Override
            public PCollection<SilverEvent> expand(
                PCollection<KV<Integer, List<SilverEvent>>> buckets) {
              return buckets
                  .apply(org.apache.beam.sdk.transforms.Values.create())
                  .apply(org.apache.beam.sdk.transforms.Flatten.iterables());
            }
          };

  /** {@code topic/partition/offset reason payload}. */
  static class DescribeDeadLetterFn
      extends org.apache.beam.sdk.transforms.DoFn<GenericRecord, String> {
    @ProcessElement
    public void process(@Element GenericRecord row, OutputReceiver<String> out) {
      out.output(
          row.get("topic")
              + "/"
              + row.get("kafka_partition")
              + "/"
              + row.get("kafka_offset")
              + " "
              + row.get("error_reason")
              + " "
              + row.get("raw_payload"));
    }
  }

  @Test
  public void aBatchTakesOneDedupBucketPerQuarterMillionEventsUpToTheMost() {
    assertEquals(1, DeduplicateEvents.bucketsFor(0, 64));
    assertEquals(1, DeduplicateEvents.bucketsFor(2_700, 64));
    assertEquals(1, DeduplicateEvents.bucketsFor(250_000, 64));
    assertEquals(2, DeduplicateEvents.bucketsFor(250_001, 64));
    assertEquals(2, DeduplicateEvents.bucketsFor(500_000, 64));
    assertEquals(64, DeduplicateEvents.bucketsFor(50_000_000, 64));
    assertEquals(4, DeduplicateEvents.bucketsFor(5_000_000, 4));
  }
}
