package com.trending.silver;

import com.trending.common.BlockCoder;
import com.trending.common.CommittedFiles;
import com.trending.common.Lakehouse;
import com.trending.common.Storage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.joda.time.Instant;

/**
 * Keeps one row per {@code event_id} and Silver table: drops copies within the input (Kafka
 * redelivery) and events their topic's Silver table already holds (a replay). Dropped copies are
 * counted, never silent.
 *
 * <p>Events are grouped into a fixed number of hash buckets of their id rather than by id: a
 * grouping per id makes one bundle per event on the Direct runner (minutes for 100k events), while
 * a bucket's events are few enough to deduplicate in memory. The events arrive already in those
 * buckets, from the step that makes them ({@link NewEvents}). A bucket's new events leave as one
 * element, which {@link WriteParquetTables#silver} writes where it is.
 *
 * <p>Each bucket checks its own events against Silver, after the grouping, in the table's committed
 * files of the {@code event_date} partitions its events fall into. A copy of an event carries its
 * {@code event_ts}, so it can only be in that partition, and a batch's cost depends on the days it
 * touches, not on the months of Silver behind it. Of each such file it first reads the id index, a
 * bloom filter of the {@code event_id} column at the file's end that every Silver file carries
 * ({@link SilverRowWriter#withIdIndex}), and reads the file's ids only when the index says it may
 * hold one of the bucket's (a copy, or about one in a million ids). A worker keeps what it learned
 * of each file ({@link EventIdHashes}), so a streaming ingestion, which adds a file to today's
 * partition every batch, does not look at the whole day again each batch.
 *
 * <p>Checking after the grouping, not before, makes a batch one pass over its messages: the
 * grouping is the batch's only wait. (Collecting the batch's partitions and id hashes into a side
 * input first made the Spark runner run the read as a job of its own, keep its output, and read it
 * back for the grouping: a running Spark ingestion took 0.5 s more per 500,000 messages.)
 */
public class DeduplicateEvents
    extends PTransform<
        PCollection<KV<Integer, byte[]>>, PCollection<KV<Integer, List<SilverEvent>>>> {

  private final Map<Integer, Map<Long, List<String>>> existingFiles;
  private final Storage storage;
  private final int buckets;

  /**
   * @param existingFiles per topic, the files its Silver table's log has committed before this run
   *     (URIs); files outside an {@code event_date=YYYY-MM-DD} folder hold no event of a batch
   * @param storage the store they are on
   * @param buckets how many groups the ids are hashed into
   */
  public DeduplicateEvents(Map<String, List<String>> existingFiles, Storage storage, int buckets) {
    this.existingFiles = new HashMap<>();
    existingFiles.forEach(
        (topic, files) -> {
          Map<Long, List<String>> byDay = new HashMap<>();
          for (String file : files) {
            Long day = SilverEvent.dayOf(CommittedFiles.hadoopPath(file).getParent().getName());
            if (day != null) {
              byDay.computeIfAbsent(day, d -> new ArrayList<>()).add(file);
            }
          }
          this.existingFiles.put(SilverEvent.topicIndex(topic), byDay);
        });
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
                    .withOutputTags(NewEvents.BLOCKS, TupleTagList.empty()));
        return NewEvents.withCoders(handedOver).get(NewEvents.BLOCKS).apply(deduplicate);
      }
    };
  }

  /** Reads the batch's new events as {@link NewEvents} handed them over: blocks per bucket. */
  @Override
  public PCollection<KV<Integer, List<SilverEvent>>> expand(
      PCollection<KV<Integer, byte[]>> blocks) {
    return blocks
        .apply("GroupByIdBucket", GroupByKey.create())
        .apply("KeepFirstNewEvent", ParDo.of(new KeepFirstNewEventFn(existingFiles, storage)))
        .setCoder(NEW_EVENTS);
  }

  /** A bucket's entry: a new event, whose row holds its topic and id. */
  static final Coder<SilverEvent> ENTRY = SilverEvent.Coder.of();

  /**
   * A batch's new events as deduplication reads them, made by the step that makes the events, one
   * instance per bundle: per bucket, blocks of events ({@link #BLOCKS}, a DoFn's main output).
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
    static final Coder<KV<Integer, byte[]>> BLOCK_CODER =
        KvCoder.of(VarIntCoder.of(), BlockCoder.of());

    private final int buckets;
    private transient RowBlocks.Buffer<Integer, SilverEvent> blocks;

    NewEvents(int buckets) {
      this.buckets = buckets;
    }

    /** Sets the coders of the outputs of {@link NewEvents} in {@code outputs}. */
    public static PCollectionTuple withCoders(PCollectionTuple outputs) {
      outputs.get(BLOCKS).setCoder(BLOCK_CODER);
      return outputs;
    }

    /** Begins a bundle. */
    public void start() {
      blocks = new RowBlocks.Buffer<>(ENTRY);
    }

    /** Adds an event, emitting its bucket's block if the event filled it. */
    public void add(SilverEvent event, DoFn.MultiOutputReceiver out) {
      int bucket = bucketOf(event.eventId(), buckets);
      byte[] full = blocks.add(bucket, event);
      if (full != null) {
        out.get(BLOCKS).output(KV.of(bucket, full));
      }
    }

    /** Ends a bundle: emits the blocks not yet full. */
    public void finish(DoFn<?, ?>.FinishBundleContext context) {
      Instant at = RowBlocks.BUNDLE_END;
      blocks.drain(
          (bucket, block) ->
              context.output(BLOCKS, KV.of(bucket, block), at, GlobalWindow.INSTANCE));
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

  /**
   * Emits a bucket's new events in one element: per (table, event id), one event unless the table
   * already has the id; of several copies the smallest by content ({@link SilverEvent#precedes}),
   * so every runner keeps the same one. Dropped copies are counted per topic.
   *
   * <p>A table's ids are looked for in its committed files in the partitions of the bucket's events
   * (see the class comment): a file is read when its id index or, once read, the hashes of its ids
   * ({@link EventIdHashes}) may hold one of the bucket's. A file without an index (written by an
   * earlier release or another tool) is read on this worker's first look. A committed file that
   * cannot be read fails the batch with an error naming it (see {@link CommittedFiles}): without
   * its ids, its events would be written to Silver a second time.
   */
  static class KeepFirstNewEventFn
      extends DoFn<KV<Integer, Iterable<byte[]>>, KV<Integer, List<SilverEvent>>> {
    private static final Schema EVENT_ID_ONLY =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"EventIdOnly\",\"fields\":"
                    + "[{\"name\":\"event_id\",\"type\":\"string\"}]}");

    private final Map<Integer, Map<Long, List<String>>> existingFiles;
    private final CommittedFiles.Reader files;
    private final List<Counter> duplicates = new ArrayList<>();
    private final Counter filesChecked =
        Metrics.counter(IngestMetrics.NAMESPACE, "dedup_files_read");
    private final Counter filesOpened =
        Metrics.counter(IngestMetrics.NAMESPACE, "dedup_files_opened");

    KeepFirstNewEventFn(Map<Integer, Map<Long, List<String>>> existingFiles, Storage storage) {
      this.existingFiles = existingFiles;
      this.files = CommittedFiles.reader(storage, EVENT_ID_ONLY);
      for (String topic : Lakehouse.TOPICS) {
        duplicates.add(Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.duplicate(topic)));
      }
    }

    @ProcessElement
    public void processElement(
        @Element KV<Integer, Iterable<byte[]>> bucket,
        OutputReceiver<KV<Integer, List<SilverEvent>>> out) {
      int topics = Lakehouse.TOPICS.size();
      List<Map<String, SilverEvent>> kept = new ArrayList<>(topics);
      for (int topic = 0; topic < topics; topic++) {
        kept.add(new HashMap<>());
      }
      long[] copies = new long[topics];
      for (byte[] block : bucket.getValue()) { // one pass: the Flink runner's groups allow no other
        RowBlocks.forEach(
            ENTRY,
            block,
            copy -> {
              copies[copy.topicIndex()]++;
              kept.get(copy.topicIndex())
                  .merge(copy.eventId(), copy, (other, it) -> it.precedes(other) ? it : other);
            });
      }
      List<SilverEvent> fresh = new ArrayList<>();
      for (int topic = 0; topic < topics; topic++) {
        Map<String, SilverEvent> events = kept.get(topic);
        if (!events.isEmpty()) {
          dropWhatSilverHolds(topic, events);
        }
        fresh.addAll(events.values());
        if (copies[topic] > events.size()) {
          duplicates.get(topic).inc(copies[topic] - events.size());
        }
      }
      if (!fresh.isEmpty()) {
        out.output(KV.of(bucket.getKey(), fresh));
      }
    }

    /** Removes from {@code events} (by id) those the topic's table already holds. */
    private void dropWhatSilverHolds(int topic, Map<String, SilverEvent> events) {
      Map<Long, List<String>> byDay = existingFiles.getOrDefault(topic, Map.of());
      if (byDay.isEmpty()) {
        return;
      }
      Set<Long> days = new HashSet<>();
      long lastDay = Long.MIN_VALUE; // most events share the last one's day
      for (SilverEvent event : events.values()) {
        if (event.day() != lastDay) {
          lastDay = event.day();
          days.add(lastDay);
        }
      }
      EventIdHashes.Probe probe = null; // of the events' ids, made at the first file
      for (long day : days) {
        for (String file : byDay.getOrDefault(day, List.of())) {
          filesChecked.inc();
          EventIdHashes.FileIds known = EventIdHashes.cached(file);
          if (known == null) { // first look: the file's id index, if it has one
            List<BloomFilter> index = files.bloomFilters(file, tableOf(file), "event_id");
            known = index == null ? null : EventIdHashes.Bloom.of(index);
            if (known != null) {
              EventIdHashes.cache(file, known);
            }
          }
          if (probe == null) {
            probe = new EventIdHashes.Probe(idHashes(events));
          }
          if (known != null && !known.mayHoldAny(probe)) {
            continue;
          }
          filesOpened.inc();
          EventIdHashes.Longs read = new EventIdHashes.Longs();
          files.forEachRecord(
              file,
              tableOf(file),
              row -> {
                String id = row.get("event_id").toString();
                read.add(EventIdHashes.of(id));
                events.remove(id);
              });
          EventIdHashes.cache(file, new EventIdHashes.Exact(read.sortedDistinct()));
          if (events.isEmpty()) {
            return;
          }
        }
      }
    }

    /** The table of a committed file in one of its {@code event_date} partitions, for errors. */
    private static String tableOf(String file) {
      return CommittedFiles.describe(
          CommittedFiles.hadoopPath(file).getParent().getParent().toUri().toString());
    }

    private static long[] idHashes(Map<String, SilverEvent> events) {
      EventIdHashes.Longs hashes = new EventIdHashes.Longs();
      events.keySet().forEach(id -> hashes.add(EventIdHashes.of(id)));
      return hashes.sortedDistinct();
    }
  }
}
