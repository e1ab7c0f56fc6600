package com.trending.silver;

import com.trending.common.DeadLetterReason;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Validates the raw messages of every ingested topic against their topic's rules. Valid events
 * leave on {@link #VALID} as Silver rows ({@link SilverEvent}), in blocks of up to {@link
 * RowBlocks#MAX_VALUES} per bundle; every other message leaves on {@link #DEAD_LETTER} with its
 * reason, detail, topic, partition and offset. Nothing is dropped, and each outcome is counted.
 *
 * <p>One step for all topics, as every step of a batch is ({@link SilverPipeline} says why).
 *
 * <p>Blocks, because the next step reads the events and the runners pay per element between steps:
 * the Spark runner caches the output of a step with two outputs read (valid events and dead
 * letters), encoding each element through its coder and serializing it with its output's tag, and
 * the Direct runner hands every element over through its executor. A million events are then about
 * a hundred elements.
 *
 * <p>A bundle's outcomes are tallied in the DoFn and added to the Beam counters when the bundle
 * ends: the Direct runner gathers a step's metric updates after every element, a cost that grows
 * with the counters the step has touched (a twentieth of ingestion's time when counted per
 * message).
 */
public class ParseEventsFn extends DoFn<KafkaRecord<byte[], byte[]>, List<SilverEvent>> {

  public static final TupleTag<List<SilverEvent>> VALID = new TupleTag<List<SilverEvent>>() {};
  public static final TupleTag<GenericRecord> DEAD_LETTER = new TupleTag<GenericRecord>() {};

  private final double minRating;
  private final double maxRating;

  private transient Map<String, Topic> topics;
  private transient Schema deadLetterSchema;
  private transient List<SilverEvent> validInBlock;
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

  public ParseEventsFn(double minRating, double maxRating) {
    this.minRating = minRating;
    this.maxRating = maxRating;
  }

  @Setup
  public void setup() {
    topics = new HashMap<>();
    for (String topic : Lakehouse.TOPICS) {
      topics.put(topic, new Topic(topic, minRating, maxRating));
    }
    deadLetterSchema = DeadLetters.SCHEMA;
  }

  @StartBundle
  public void startBundle() {
    validInBlock = new ArrayList<>();
    for (Topic topic : topics.values()) {
      topic.readInBundle = 0;
      topic.validInBundle = 0;
    }
    deadLettersInBundle = new EnumMap<>(DeadLetterReason.class);
  }

  @ProcessElement
  public void processElement(
      @Element KafkaRecord<byte[], byte[]> record, BoundedWindow window, MultiOutputReceiver out) {
    Topic topic = topics.get(record.getTopic());
    if (topic == null) {
      throw new IllegalStateException(
          "A message of topic " + record.getTopic() + ", which this job does not ingest");
    }
    topic.readInBundle++;
    EventValidator.Result result = topic.validator.validate(record.getKV().getValue());
    if (result.isValid()) {
      RowBlocks.requireGlobal(window);
      topic.validInBundle++;
      validInBlock.add(topic.rows.of(result.row()));
      if (validInBlock.size() == RowBlocks.MAX_VALUES) {
        out.get(VALID).output(validInBlock);
        validInBlock = new ArrayList<>();
      }
    } else {
      deadLettersInBundle.merge(result.reason(), 1L, Long::sum);
      out.get(DEAD_LETTER)
          .output(
              DeadLetters.row(
                  deadLetterSchema,
                  record.getKV().getValue(),
                  record.getTopic(),
                  record.getPartition(),
                  record.getOffset(),
                  result.reason(),
                  result.detail(),
                  System.currentTimeMillis()));
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) {
    if (!validInBlock.isEmpty()) {
      context.output(VALID, validInBlock, RowBlocks.BUNDLE_END, GlobalWindow.INSTANCE);
    }
    for (Topic topic : topics.values()) {
      topic.read.inc(topic.readInBundle);
      topic.valid.inc(topic.validInBundle);
    }
    deadLettersInBundle.forEach(
        (reason, count) ->
            Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.deadLetter(reason)).inc(count));
  }
}
