package com.trending.silver;

import com.trending.common.BlockCoder;
import com.trending.common.CommittedFiles;
import com.trending.common.Lakehouse;
import com.trending.common.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Keeps one row per {@code event_id} and Silver table: drops copies within the input (Kafka
 * redelivery) and events their topic's Silver table already holds (a replay). The tables' existing
 * event ids are read from their committed files (the {@code event_id} column only) in the {@code
 * event_date} partitions the input's events fall into: a copy of an event carries its {@code
 * event_ts}, so it can only be in that partition, and a batch's cost depends on the days it
 * touches, not on the months of Silver behind it. Within those partitions, a worker reads each
 * committed file once and keeps its ids' hashes ({@link EventIdHashes}); only the ids whose hash is
 * among the batch's join the batch, so a streaming ingestion, which adds a file to today's
 * partition every batch, does not re-read the whole day each batch. Dropped copies are counted,
 * never silent.
 *
 * <p>Events are grouped into a fixed number of hash buckets of their id rather than by id: a
 * grouping per id makes one bundle per event on the Direct runner (minutes for 100k events), while
 * a bucket's events are few enough to deduplicate in memory. A bucket's new events leave as one
 * element, which {@link WriteParquetTables#silver} writes where it is. The events arrive already in
 * those buckets, from the step that makes them ({@link NewEvents}).
 */
public class DeduplicateEvents
    extends PTransform<PCollectionTuple, PCollection<KV<Integer, List<SilverEvent>>>> {

  private final List<KV<String, String>> existingFiles;
  private final Storage storage;
  private final int buckets;

  /**
   * @param existingFiles per topic, the files its Silver table's log has committed before this run
   *     (URIs)
   * @param storage the store they are on
   * @param buckets how many groups the ids are hashed into
   */
  public DeduplicateEvents(Map<String, List<String>> existingFiles, Storage storage, int buckets) {
    this.existingFiles = new ArrayList<>();
    existingFiles.forEach(
        (topic, files) -> files.forEach(file -> this.existingFiles.add(KV.of(topic, file))));
    this.storage = storage;
    this.buckets = buckets;
  }

  /** Events per bucket that a batch aims at; see {@link #bucketsFor}. */
  static final int EVENTS_PER_BUCKET = 250_000;

  /**
   * Buckets for a batch of {@code events}: one per {@link #EVENTS_PER_BUCKET}, at most {@code
   * maxBuckets}. A bucket's events are held in memory together (at most 250,000, some 100 MB, at
   * the default batch size) and written as one Parquet file per Silver partition ({@link
   * WriteParquetTables#silver}), so a live batch takes one bucket and a 500,000-message batch two.
   * Ten buckets of 50,000 made a 500,000-message batch write five times the files, and the bulk
   * ingestion 8-10% slower on both runners (the fixed cost of each Parquet file).
   */
  static int bucketsFor(long events, int maxBuckets) {
    return (int)
        Math.max(1, Math.min(maxBuckets, (events + EVENTS_PER_BUCKET - 1) / EVENTS_PER_BUCKET));
  }

  static int bucketOf(String eventId, int buckets) {
    return Math.floorMod(eventId.hashCode(), buckets);
  }

  /**
   * A bucket's new events, one element per bucket: (bucket, events), what {@link
   * WriteParquetTables#silver} writes. The bucket numbers the files it writes.
   */
  public static final Coder<KV<Integer, List<SilverEvent>>> NEW_EVENTS =
      KvCoder.of(VarIntCoder.of(), ListCoder.of(SilverEvent.Coder.of()));

  /**
   * How the step that makes the batch's events (the parse) hands them over: {@link NewEvents}, one
   * per bundle, with this transform's buckets.
   */
  public NewEvents newEvents() {
    return new NewEvents(buckets);
  }

  /**
   * This deduplication for events made elsewhere (a test, a tool), handed over as the parse hands
   * them over ({@link #newEvents}).
   */
  public PTransform<PCollection<List<SilverEvent>>, PCollection<KV<Integer, List<SilverEvent>>>>
      fromEvents() {
    DeduplicateEvents deduplicate = this;
    return new PTransform<>("DeduplicateEvents") {
      @Override
      public PCollection<KV<Integer, List<SilverEvent>>> expand(
          PCollection<List<SilverEvent>> events) {
        PCollectionTuple handedOver =
            events.apply(
                "HandOver",
                ParDo.of(new HandOverFn(newEvents()))
                    .withOutputTags(NewEvents.BLOCKS, NewEvents.OTHER_OUTPUTS));
        return NewEvents.withCoders(handedOver).apply(deduplicate);
      }
    };
  }

  /**
   * Reads the batch's new events as {@link NewEvents} handed them over: blocks per bucket, and each
   * bundle's {@link BatchKeys}.
   */
  @Override
  public PCollection<KV<Integer, List<SilverEvent>>> expand(PCollectionTuple batch) {
    int n = buckets;
    PCollectionView<BatchKeys> keys =
        batch
            .get(NewEvents.KEYS)
            .apply("BatchKeys", Combine.globally(new BatchKeys.Collect()).asSingletonView());

    PCollection<KV<String, String>> files =
        batch
            .getPipeline()
            .apply(
                "ListSilverFiles",
                Create.of(existingFiles)
                    .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())));
    if (n > 1) {
      // One bucket is a small batch, and spreading over one key would be six steps that do nothing.
      files =
          files.apply(
              "SpreadFiles", Reshuffle.<KV<String, String>>viaRandomKey().withNumBuckets(n));
    }
    PCollection<KV<Integer, KV<Integer, String>>> existing =
        files
            .apply(
                "ReadExistingEventIds",
                ParDo.of(new ReadEventIdsFn(n, keys, storage)).withSideInputs(keys))
            .setCoder(KvCoder.of(VarIntCoder.of(), ID));

    // Both sides meet in one GroupByKey as blocks of ((topic, event_id), event or null for an id
    // its Silver table holds), read in one pass. (A CoGroupByKey result reads its input once per
    // side when a bucket is large, which the Flink runner's batch GroupByKey refuses: "GBK result
    // is not re-iterable".)
    PCollection<KV<Integer, byte[]>> existingSide =
        existing
            .apply(
                "BlockExistingIds",
                ParDo.of(new RowBlocks.BlockPerKeyFn<>(ENTRY, new ExistingIdFn())))
            .setCoder(NewEvents.BLOCK_CODER);
    return PCollectionList.of(batch.get(NewEvents.BLOCKS))
        .and(existingSide)
        .apply("BothSides", Flatten.pCollections())
        .apply("GroupByIdBucket", GroupByKey.create())
        .apply("KeepFirstNewEvent", ParDo.of(new KeepFirstNewEventFn()))
        .setCoder(NEW_EVENTS);
  }

  /** An event id in its table: (topic index in {@link Lakehouse#TOPICS}, event_id). */
  static final Coder<KV<Integer, String>> ID = KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of());

  /**
   * A bucket's entry: ((topic, event_id), a new event), or ((topic, event_id), null) for an id its
   * Silver table holds.
   */
  static final Coder<KV<KV<Integer, String>, SilverEvent>> ENTRY = new EntryCoder();

  /**
   * A new event as {@link SilverEvent.Coder} writes it, whose row holds its topic and id, after a
   * 1; an id a table holds as its topic and id, after a 0. Every event of a batch crosses the
   * grouping in this encoding: Beam's coders for the same pair wrote the id twice, and read it
   * twice, through three nested coders (a tenth of a running Spark ingestion).
   */
  private static final class EntryCoder extends CustomCoder<KV<KV<Integer, String>, SilverEvent>> {
    private static final StringUtf8Coder IDS = StringUtf8Coder.of();

    @Override
    public void encode(KV<KV<Integer, String>, SilverEvent> entry, OutputStream out)
        throws IOException {
      SilverEvent event = entry.getValue();
      if (event != null) {
        out.write(1);
        SilverEvent.Coder.of().encode(event, out);
      } else {
        out.write(0);
        out.write(entry.getKey().getKey());
        IDS.encode(entry.getKey().getValue(), out);
      }
    }

    @Override
    public KV<KV<Integer, String>, SilverEvent> decode(InputStream in) throws IOException {
      int tag = in.read();
      if (tag == 1) {
        SilverEvent event = SilverEvent.Coder.of().decode(in);
        return KV.of(KV.of(event.topicIndex(), event.eventId()), event);
      }
      int topic = in.read();
      if (tag != 0 || topic < 0) {
        throw new CoderException("Not an entry of a deduplication bucket (tag " + tag + ")");
      }
      return KV.of(KV.of(topic, IDS.decode(in)), null);
    }

    @Override
    public void verifyDeterministic() {}
  }

  /**
   * A batch's new events as deduplication reads them, made by the step that makes the events, one
   * instance per bundle: per bucket, blocks of (event id, event) ({@link #BLOCKS}, a DoFn's main
   * output); the bundle's {@link BatchKeys} ({@link #KEYS}): its event_date partitions and ids'
   * hashes.
   *
   * <p>Handed over by the parse itself rather than by a step of their own: the Spark runner keeps
   * (caches) the whole output of a step with several outputs, and the parse has several (events and
   * dead letters). Cached as these byte-array blocks, that costs nothing; cached as events, every
   * event was encoded, serialized, deserialized and decoded once more (a tenth of a running Spark
   * ingestion).
   */
  public static final class NewEvents implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final TupleTag<KV<Integer, byte[]>> BLOCKS = new TupleTag<>() {};
    static final TupleTag<BatchKeys> KEYS = new TupleTag<>() {};
    public static final TupleTagList OTHER_OUTPUTS = TupleTagList.of(KEYS);
    static final Coder<KV<Integer, byte[]>> BLOCK_CODER =
        KvCoder.of(VarIntCoder.of(), BlockCoder.of());

    private final int buckets;
    private transient RowBlocks.Buffer<Integer, KV<KV<Integer, String>, SilverEvent>> blocks;
    private transient BatchKeys.Builder keys;

    NewEvents(int buckets) {
      this.buckets = buckets;
    }

    /** Sets the coders of the outputs of {@link NewEvents} in {@code outputs}. */
    public static PCollectionTuple withCoders(PCollectionTuple outputs) {
      outputs.get(BLOCKS).setCoder(BLOCK_CODER);
      outputs.get(KEYS).setCoder(BatchKeys.CODER);
      return outputs;
    }

    /** Begins a bundle. */
    public void start() {
      blocks = new RowBlocks.Buffer<>(ENTRY);
      keys = new BatchKeys.Builder();
    }

    /** Adds an event, emitting its bucket's block if the event filled it. */
    public void add(SilverEvent event, DoFn.MultiOutputReceiver out) {
      int bucket = bucketOf(event.eventId(), buckets);
      byte[] full = blocks.add(bucket, KV.of(KV.of(event.topicIndex(), event.eventId()), event));
      if (full != null) {
        out.get(BLOCKS).output(KV.of(bucket, full));
      }
      keys.add(event.topicIndex(), event.day(), EventIdHashes.of(event.eventId()));
    }

    /** Ends a bundle: emits the blocks not yet full and the bundle's keys. */
    public void finish(DoFn<?, ?>.FinishBundleContext context) {
      Instant at = RowBlocks.BUNDLE_END;
      blocks.drain(
          (bucket, block) ->
              context.output(BLOCKS, KV.of(bucket, block), at, GlobalWindow.INSTANCE));
      context.output(KEYS, keys.build(), at, GlobalWindow.INSTANCE);
    }
  }

  /** Hands over events made elsewhere ({@link #fromEvents}). */
  private static class HandOverFn extends DoFn<List<SilverEvent>, KV<Integer, byte[]>> {
    private final NewEvents newEvents;

    HandOverFn(NewEvents newEvents) {
      this.newEvents = newEvents;
    }

    @StartBundle
    public void start() {
      newEvents.start();
    }

    @ProcessElement
    public void process(
        @Element List<SilverEvent> events, BoundedWindow window, MultiOutputReceiver out) {
      RowBlocks.requireGlobal(window);
      events.forEach(event -> newEvents.add(event, out));
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      newEvents.finish(context);
    }
  }

  /** An event id a table holds, as (bucket, ((topic, event_id), null)). */
  static class ExistingIdFn
      extends SimpleFunction<
          KV<Integer, KV<Integer, String>>, KV<Integer, KV<KV<Integer, String>, SilverEvent>>> {
    @Override
    public KV<Integer, KV<KV<Integer, String>, SilverEvent>> apply(
        KV<Integer, KV<Integer, String>> id) {
      return KV.of(id.getKey(), KV.<KV<Integer, String>, SilverEvent>of(id.getValue(), null));
    }
  }

  /**
   * Emits the ids of one committed Parquet file that the batch may hold too (their hash is among
   * the batch's), if the file lies in a partition of the input. The file's id hashes are kept
   * between batches ({@link EventIdHashes}): the file is read on this worker's first look, and
   * again only when it holds one of the batch's hashes. A committed file that cannot be read fails
   * the batch with an error naming it (see {@link CommittedFiles}): without its ids, its events
   * would be written to Silver a second time.
   */
  static class ReadEventIdsFn extends DoFn<KV<String, String>, KV<Integer, KV<Integer, String>>> {
    private static final Schema EVENT_ID_ONLY =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"EventIdOnly\",\"fields\":"
                    + "[{\"name\":\"event_id\",\"type\":\"string\"}]}");

    private final int buckets;
    private final PCollectionView<BatchKeys> batchKeys;
    private final Counter filesChecked =
        Metrics.counter(IngestMetrics.NAMESPACE, "dedup_files_read");
    private final Counter filesOpened =
        Metrics.counter(IngestMetrics.NAMESPACE, "dedup_files_opened");
    private final Counter filesSkipped =
        Metrics.counter(IngestMetrics.NAMESPACE, "dedup_files_skipped");
    private final CommittedFiles.Reader files;

    ReadEventIdsFn(int buckets, PCollectionView<BatchKeys> batchKeys, Storage storage) {
      this.buckets = buckets;
      this.batchKeys = batchKeys;
      this.files = CommittedFiles.reader(storage, EVENT_ID_ONLY);
    }

    @ProcessElement
    public void processElement(
        @Element KV<String, String> topicAndFile,
        OutputReceiver<KV<Integer, KV<Integer, String>>> out,
        ProcessContext context) {
      String topic = topicAndFile.getKey();
      int topicIndex = SilverEvent.topicIndex(topic);
      String file = topicAndFile.getValue();
      org.apache.hadoop.fs.Path path = CommittedFiles.hadoopPath(file);
      String folder = path.getParent().getName();
      BatchKeys keys = context.sideInput(batchKeys);
      if (!keys.holds(topicIndex, folder)) {
        filesSkipped.inc();
        return;
      }
      filesChecked.inc();
      long[] batch = keys.idHashes();
      long[] known = EventIdHashes.cached(file);
      if (known != null && !EventIdHashes.intersect(known, batch)) {
        return;
      }
      filesOpened.inc();
      String table = CommittedFiles.describe(path.getParent().getParent().toUri().toString());
      List<Long> hashes = new ArrayList<>();
      files.forEachRecord(
          file,
          table,
          row -> {
            String id = row.get("event_id").toString();
            long hash = EventIdHashes.of(id);
            hashes.add(hash);
            if (Arrays.binarySearch(batch, hash) >= 0) {
              out.output(KV.of(bucketOf(id, buckets), KV.of(topicIndex, id)));
            }
          });
      if (known == null) {
        EventIdHashes.cache(file, hashes.stream().mapToLong(Long::longValue).sorted().toArray());
      }
    }
  }

  /**
   * Emits a bucket's new events in one element: per (table, event id), one event unless the table
   * already has the id; of several copies the smallest by content ({@link SilverEvent#precedes}),
   * so every runner keeps the same one. Dropped copies are counted per topic.
   */
  static class KeepFirstNewEventFn
      extends DoFn<KV<Integer, Iterable<byte[]>>, KV<Integer, List<SilverEvent>>> {
    private final List<Counter> duplicates = new ArrayList<>();

    KeepFirstNewEventFn() {
      for (String topic : Lakehouse.TOPICS) {
        duplicates.add(Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.duplicate(topic)));
      }
    }

    @ProcessElement
    public void processElement(
        @Element KV<Integer, Iterable<byte[]>> bucket,
        OutputReceiver<KV<Integer, List<SilverEvent>>> out) {
      int topics = Lakehouse.TOPICS.size();
      List<Set<String>> inSilver = new ArrayList<>(topics);
      List<Map<String, SilverEvent>> kept = new ArrayList<>(topics);
      for (int topic = 0; topic < topics; topic++) {
        inSilver.add(new HashSet<>());
        kept.add(new HashMap<>());
      }
      long[] copies = new long[topics];
      for (byte[] block : bucket.getValue()) { // one pass: see expand()
        RowBlocks.forEach(
            ENTRY,
            block,
            entry -> {
              int topic = entry.getKey().getKey();
              String id = entry.getKey().getValue();
              SilverEvent copy = entry.getValue();
              if (copy == null) {
                inSilver.get(topic).add(id);
                return;
              }
              copies[topic]++;
              kept.get(topic).merge(id, copy, (other, it) -> it.precedes(other) ? it : other);
            });
      }
      List<SilverEvent> fresh = new ArrayList<>();
      for (int topic = 0; topic < topics; topic++) {
        long emitted = 0;
        for (Map.Entry<String, SilverEvent> e : kept.get(topic).entrySet()) {
          if (!inSilver.get(topic).contains(e.getKey())) {
            fresh.add(e.getValue());
            emitted++;
          }
        }
        if (copies[topic] > emitted) {
          duplicates.get(topic).inc(copies[topic] - emitted);
        }
      }
      if (!fresh.isEmpty()) {
        out.output(KV.of(bucket.getKey(), fresh));
      }
    }
  }
}
