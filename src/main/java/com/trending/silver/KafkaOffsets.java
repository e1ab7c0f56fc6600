package com.trending.silver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The driver's view of Kafka: which partitions the topics have, how far they reach, and the
 * consumer group's committed offsets. The pipeline itself reads through {@link ReadKafkaRanges};
 * this class only looks up offsets, and commits them to the group for lag monitoring.
 */
public final class KafkaOffsets implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final String bootstrapServers;
  private final KafkaConsumer<byte[], byte[]> consumer;

  private KafkaOffsets(String bootstrapServers, KafkaConsumer<byte[], byte[]> consumer) {
    this.bootstrapServers = bootstrapServers;
    this.consumer = consumer;
  }

  /** Connects, failing with an actionable message when no broker answers. */
  public static KafkaOffsets connect(String bootstrapServers, String group) {
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (Admin client = Admin.create(admin)) {
      client.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException(
          "Cannot reach Kafka at " + bootstrapServers + " (" + cause.getClass().getSimpleName()
              + "). Start the local broker with scripts/kafka-start.sh, or set"
              + " KAFKA_BOOTSTRAP_SERVERS (or --kafkaBootstrapServers) to brokers that answer.");
    }
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    // End offsets are then the last stable offset: a batch never waits on an open transaction.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaOffsets(
        bootstrapServers,
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
  }

  /** The partitions of {@code topic}; fails if the topic does not exist. */
  public List<TopicPartition> partitions(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException(
          "Topic '" + topic + "' does not exist on " + bootstrapServers
              + ". Create it (scripts/kafka-start.sh creates the contract's topics).");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(info.topic(), info.partition()));
    }
    partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    return partitions;
  }

  public Map<TopicPartition, Long> beginningOffsets(List<TopicPartition> partitions) {
    return consumer.beginningOffsets(partitions, TIMEOUT);
  }

  public Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
    return consumer.endOffsets(partitions, TIMEOUT);
  }

  /** The group's committed offsets; partitions without one are absent. */
  public Map<TopicPartition, Long> committed(List<TopicPartition> partitions) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    consumer
        .committed(new java.util.HashSet<>(partitions), TIMEOUT)
        .forEach((tp, meta) -> {
          if (meta != null) {
            offsets.put(tp, meta.offset());
          }
        });
    return offsets;
  }

  /** Commits {@code offsets} (the next offset to read, per partition) for the group. */
  public void commit(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    offsets.forEach((tp, offset) -> commits.put(tp, new OffsetAndMetadata(offset)));
    consumer.commitSync(commits, TIMEOUT);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
