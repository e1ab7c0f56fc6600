package com.trending.silver;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads exactly the planned number of messages from each partition of one topic, as raw bytes,
 * with Beam KafkaIO.
 *
 * <p>Each partition is its own bounded KafkaIO read ({@code withMaxNumRecords} of that partition's
 * count): KafkaIO shares one limit evenly between partitions, so a single read over a topic whose
 * partitions hold different amounts would never end. Each read starts at the consumer group's
 * committed offset, which the driver sets to the plan's start before the batch runs.
 */
public class ReadKafkaBatch extends PTransform<PBegin, PCollection<KafkaRecord<byte[], byte[]>>> {

  private final String bootstrapServers;
  private final String consumerGroup;
  private final String topic;
  private final Map<Integer, Long> countsPerPartition;

  public ReadKafkaBatch(
      String bootstrapServers, String consumerGroup, String topic, Map<Integer, Long> countsPerPartition) {
    this.bootstrapServers = bootstrapServers;
    this.consumerGroup = consumerGroup;
    this.topic = topic;
    this.countsPerPartition = countsPerPartition;
  }

  @Override
  public PCollection<KafkaRecord<byte[], byte[]>> expand(PBegin begin) {
    PCollectionList<KafkaRecord<byte[], byte[]>> parts = PCollectionList.empty(begin.getPipeline());
    for (Map.Entry<Integer, Long> partition : countsPerPartition.entrySet()) {
      parts = parts.and(
          begin.apply(
              "Partition" + partition.getKey(),
              KafkaIO.<byte[], byte[]>read()
                  .withBootstrapServers(bootstrapServers)
                  .withTopicPartitions(List.of(new TopicPartition(topic, partition.getKey())))
                  .withKeyDeserializer(ByteArrayDeserializer.class)
                  .withValueDeserializer(ByteArrayDeserializer.class)
                  .withConsumerConfigUpdates(
                      Map.of(
                          ConsumerConfig.GROUP_ID_CONFIG, consumerGroup,
                          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                          ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                          ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1))
                  .withMaxNumRecords(partition.getValue())));
    }
    return parts.apply("FlattenPartitions", Flatten.pCollections());
  }
}
