package com.trending.silver;

import com.trending.common.BlockCoder;
import com.trending.common.DeadLetterReason;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Validates the raw messages of every ingested topic against their topic's rules. Valid events
 * become Silver rows ({@link SilverEvent}) and leave as deduplication reads them ({@link
 * DeduplicateEvents.NewEvents}: blocks per id bucket); every other message leaves on {@link
 * #DEAD_LETTERS} with its reason, detail, topic, partition and offset, in blocks per topic. Nothing
 * is dropped, and each outcome is counted.
 *
 * <p>One step for all topics, as every step of a batch is ({@link SilverPipeline} says why).
 *
 * <p>Blocks, because the runners pay per element between steps: the Spark runner keeps (caches) the
 * whole output of a step with several outputs, and the Direct runner hands every element over
 * through its executor. A million events are then about a hundred byte arrays.
 *
 * <p>A bundle's outcomes are tallied in the DoFn and added to the Beam counters when the bundle
 * ends: the Direct runner gathers a step's metric updates after every element, a cost that grows
 * with the counters the step has touched (a twentieth of ingestion's time when counted per
 * message).
 */
public class ParseEventsFn extends DoFn<KafkaRecord<byte[], byte[]>, KV<Integer, byte[]>> {

  /** Dead letters: (topic, block of dead-letter rows as Avro binary). */
  public static final TupleTag<KV<String, byte[]>> DEAD_LETTERS = new TupleTag<>() {};

  /**
   * Parses {@code records}: the outputs of {@link DeduplicateEvents.NewEvents} for {@code
   * deduplicate}, and {@link #DEAD_LETTERS}.
   */
  public static PTransform<PCollection<KafkaRecord<byte[], byte[]>>, PCollectionTuple> parse(
      double minRating, double maxRating, DeduplicateEvents deduplicate) {
    return new PTransform<>() {
      @Override
      public PCollectionTuple expand(PCollection<KafkaRecord<byte[], byte[]>> records) {
        PCollectionTuple parsed =
            records.apply(
                ParDo.of(new ParseEventsFn(minRating, maxRating, deduplicate.newEvents()))
                    .withOutputTags(
                        DeduplicateEvents.NewEvents.BLOCKS, TupleTagList.of(DEAD_LETTERS)));
        parsed.get(DEAD_LETTERS).setCoder(KvCoder.of(StringUtf8Coder.of(), BlockCoder.of()));
        return DeduplicateEvents.NewEvents.withCoders(parsed);
      }
    };
  }

  private final double minRating;
  private final double maxRating;
  private final DeduplicateEvents.NewEvents newEvents;

  private transient Map<String, Topic> topics;
  private transient AvroCoder<GenericRecord> deadLetterCoder;
  private transient RowBlocks.Buffer<String, byte[]> deadLetters; // per topic
  private transient Map<DeadLetterReason, Long> deadLettersInBundle;

  /** A topic's rules, rows and counts in the current bundle. */
  private static final class Topic {
    final EventValidator validator;
    final SilverEvent.Rows rows;
    final Counter read;
    final Counter valid;
    long readInBundle;
    long validInBundle;

    Topic(String topic, double minRating, double maxRating) {
      Schema rowSchema = Schemas.avro(topic);
      this.validator =
          new EventValidator(topic, Schemas.jsonSchema(topic), rowSchema, minRating, maxRating);
      this.rows = new SilverEvent.Rows(topic);
      this.read = Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.read(topic));
      this.valid = Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.valid(topic));
    }
  }

  ParseEventsFn(double minRating, double maxRating, DeduplicateEvents.NewEvents newEvents) {
    this.minRating = minRating;
    this.maxRating = maxRating;
    this.newEvents = newEvents;
  }

  @Setup
  public void setup() {
    topics = new HashMap<>();
    for (String topic : Lakehouse.TOPICS) {
      topics.put(topic, new Topic(topic, minRating, maxRating));
    }
    deadLetterCoder = AvroCoder.of(DeadLetters.SCHEMA);
  }

  @StartBundle
  public void startBundle() {
    newEvents.start();
    deadLetters = new RowBlocks.Buffer<>(ByteArrayCoder.of());
    for (Topic topic : topics.values()) {
      topic.readInBundle = 0;
      topic.validInBundle = 0;
    }
    deadLettersInBundle = new EnumMap<>(DeadLetterReason.class);
  }

  @ProcessElement
  public void processElement(
      @Element KafkaRecord<byte[], byte[]> record, BoundedWindow window, MultiOutputReceiver out)
      throws CoderException {
    RowBlocks.requireGlobal(window);
    Topic topic = topics.get(record.getTopic());
    if (topic == null) {
      throw new IllegalStateException(
          "A message of topic " + record.getTopic() + ", which this job does not ingest");
    }
    topic.readInBundle++;
    EventValidator.Result result = topic.validator.validate(record.getKV().getValue());
    if (result.isValid()) {
      topic.validInBundle++;
      newEvents.add(topic.rows.of(result.row()), out);
      return;
    }
    deadLettersInBundle.merge(result.reason(), 1L, Long::sum);
    GenericRecord row =
        DeadLetters.row(
            DeadLetters.SCHEMA,
            record.getKV().getValue(),
            record.getTopic(),
            record.getPartition(),
            record.getOffset(),
            result.reason(),
            result.detail(),
            System.currentTimeMillis());
    byte[] full =
        deadLetters.add(record.getTopic(), CoderUtils.encodeToByteArray(deadLetterCoder, row));
    if (full != null) {
      out.get(DEAD_LETTERS).output(KV.of(record.getTopic(), full));
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) {
    newEvents.finish(context);
    deadLetters.drain(
        (topic, block) ->
            context.output(
                DEAD_LETTERS, KV.of(topic, block), RowBlocks.BUNDLE_END, GlobalWindow.INSTANCE));
    for (Topic topic : topics.values()) {
      topic.read.inc(topic.readInBundle);
      topic.valid.inc(topic.validInBundle);
    }
    deadLettersInBundle.forEach(
        (reason, count) ->
            Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.deadLetter(reason)).inc(count));
  }
}
