package com.trending.silver;

import com.trending.common.DeadLetterReason;
import com.trending.common.Schemas;
import java.util.EnumMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Validates the raw messages of one topic. Valid events leave on {@link #VALID} as Silver rows
 * ({@link SilverEvent}) stamped with their {@code event_ts}; every other message leaves on {@link
 * #DEAD_LETTER} with its reason, detail, payload, partition and offset. Nothing is dropped, and
 * each outcome is counted.
 *
 * <p>A bundle's outcomes are tallied in the DoFn and added to the Beam counters when the bundle
 * ends: the Direct runner gathers a step's metric updates after every element, a cost that grows
 * with the counters the step has touched (a twentieth of ingestion's time when counted per
 * message).
 */
public class ParseEventsFn extends DoFn<KafkaRecord<byte[], byte[]>, SilverEvent> {

  public static final TupleTag<SilverEvent> VALID = new TupleTag<SilverEvent>() {};
  public static final TupleTag<GenericRecord> DEAD_LETTER = new TupleTag<GenericRecord>() {};

  private final String topic;
  private final String rowSchemaJson;
  private final SilverEvent.Rows rows;
  private final double minRating;
  private final double maxRating;
  private final Counter read;
  private final Counter valid;

  private transient EventValidator validator;
  private transient Schema deadLetterSchema;
  private transient long readInBundle;
  private transient long validInBundle;
  private transient Map<DeadLetterReason, Long> deadLettersInBundle;

  public ParseEventsFn(String topic, Schema rowSchema, double minRating, double maxRating) {
    this.topic = topic;
    this.rowSchemaJson = rowSchema.toString();
    this.rows = new SilverEvent.Rows(rowSchema);
    this.minRating = minRating;
    this.maxRating = maxRating;
    this.read = Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.read(topic));
    this.valid = Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.valid(topic));
  }

  @Setup
  public void setup() {
    Schema rowSchema = new Schema.Parser().parse(rowSchemaJson);
    validator =
        new EventValidator(topic, Schemas.jsonSchema(topic), rowSchema, minRating, maxRating);
    deadLetterSchema = DeadLetters.SCHEMA;
  }

  @StartBundle
  public void startBundle() {
    readInBundle = 0;
    validInBundle = 0;
    deadLettersInBundle = new EnumMap<>(DeadLetterReason.class);
  }

  @ProcessElement
  public void processElement(@Element KafkaRecord<byte[], byte[]> record, MultiOutputReceiver out) {
    readInBundle++;
    EventValidator.Result result = validator.validate(record.getKV().getValue());
    if (result.isValid()) {
      validInBundle++;
      SilverEvent event = rows.of(result.row());
      out.get(VALID).outputWithTimestamp(event, new Instant(event.eventTs()));
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
  public void finishBundle() {
    read.inc(readInBundle);
    valid.inc(validInBundle);
    deadLettersInBundle.forEach(
        (reason, count) ->
            Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.deadLetter(reason)).inc(count));
  }

  /** Events carry their own time, which may be far behind the time Kafka handed them over. */
  @Override
  @SuppressWarnings("deprecation")
  public Duration getAllowedTimestampSkew() {
    return Duration.millis(Long.MAX_VALUE);
  }
}
