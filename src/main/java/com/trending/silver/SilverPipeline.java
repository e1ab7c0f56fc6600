package com.trending.silver;

import com.trending.common.KafkaClientSettings;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import org.apache.avro.Schema;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/** The data flow of one Kafka → Silver micro-batch, per topic. */
final class SilverPipeline {
  private SilverPipeline() {}

  /**
   * The data flow of one batch. Steps, per topic: read the planned offsets; parse and validate
   * (valid rows, dead letters); drop event ids already seen; write Silver partitioned by
   * event_date; write the dead letters.
   */
  static void build(
      Pipeline pipeline,
      KafkaToSilverOptions options,
      KafkaClientSettings kafka,
      Lakehouse lakehouse,
      BatchPlan plan) {
    for (String topic : Lakehouse.TOPICS) {
      if (plan.count(topic) == 0) {
        continue;
      }
      String name = stepName(topic);
      Schema rowSchema = Schemas.avro(topic);
      PCollectionTuple parsed =
          pipeline
              .apply("Read" + name, new ReadKafkaRanges(kafka, plan.rangesFor(topic)))
              .apply(
                  "Parse" + name,
                  ParDo.of(
                          new ParseEventsFn(
                              topic, rowSchema, options.getMinRating(), options.getMaxRating()))
                      .withOutputTags(
                          ParseEventsFn.VALID, TupleTagList.of(ParseEventsFn.DEAD_LETTER)));

      parsed
          .get(ParseEventsFn.VALID)
          .setCoder(ListCoder.of(SilverEvent.Coder.of()))
          .apply(
              "Deduplicate" + name,
              new DeduplicateEvents(
                  topic,
                  lakehouse.silver(topic).log().files(),
                  lakehouse.storage(),
                  DeduplicateEvents.bucketsFor(plan.count(topic), options.getDedupBuckets())))
          .apply(
              "Write" + name,
              WriteParquetTable.byEventDate(
                  lakehouse.silverTable(topic).toString(),
                  rowSchema,
                  plan.runId(),
                  options.getNumShards()));

      parsed
          .get(ParseEventsFn.DEAD_LETTER)
          .setCoder(AvroCoder.of(DeadLetters.SCHEMA))
          .apply(
              "WriteDeadLetters" + name,
              WriteParquetTable.flat(
                  lakehouse.deadLetterTable(topic).toString(),
                  DeadLetters.SCHEMA,
                  plan.runId(),
                  1));
    }
  }

  private static String stepName(String topic) {
    String name = topic.substring(topic.indexOf('_') + 1);
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
