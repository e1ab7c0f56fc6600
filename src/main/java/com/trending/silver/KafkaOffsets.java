package com.trending.silver;

import com.trending.common.KafkaClientSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's view of Kafka: which partitions the topics have, how far they reach, and the
 * consumer group's committed offsets. The pipeline itself reads through {@link ReadKafkaRanges};
 * this class only looks up offsets, and commits them to the group for lag monitoring.
 *
 * <p>Brokers restart, fail over and get upgraded while the job runs: every lookup retries with
 * backoff for up to the retry timeout ({@code --kafkaRetryTimeoutSeconds}) and only then fails,
 * naming what it waited for. The first connection does not wait: a wrong address or password must
 * show at once.
 */
public final class KafkaOffsets implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaOffsets.class);

  /** One call's timeout; the retry timeout bounds the calls together. */
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final KafkaClientSettings settings;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Duration retryTimeout;

  private KafkaOffsets(
      KafkaClientSettings settings, KafkaConsumer<byte[], byte[]> consumer, Duration retryTimeout) {
    this.settings = settings;
    this.consumer = consumer;
    this.retryTimeout = retryTimeout;
  }

  /** Connects, failing with an actionable message when no broker answers or they refuse us. */
  public static KafkaOffsets connect(
      KafkaClientSettings settings, String group, Duration retryTimeout) {
    try (Admin client =
        Admin.create(
            settings.properties(
                Map.of(
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis())))) {
      client.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unreachable(settings, e.getCause());
    } catch (Exception e) {
      throw unreachable(settings, e);
    }
    Map<String, Object> own = new HashMap<>();
    own.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    own.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    own.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    // End offsets are then the last stable offset: a batch never waits on an open transaction.
    own.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Partitions added to a topic show within seconds, not after the default 5 minutes.
    own.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 10_000);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            settings.config(own), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    LOG.info("Connected to Kafka at {}", settings.describe());
    return new KafkaOffsets(settings, consumer, retryTimeout);
  }

  private static IllegalArgumentException unreachable(
      KafkaClientSettings settings, Throwable cause) {
    if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
      return new IllegalArgumentException(
          "Kafka at "
              + settings.bootstrapServers()
              + " refused this"
              + " client: "
              + cause.getMessage()
              + ". Check the credentials and TLS settings in"
              + " KAFKA_CLIENT_PROPERTIES ("
              + settings.describe()
              + ").");
    }
    return new IllegalArgumentException(
        "Cannot reach Kafka at "
            + settings.bootstrapServers()
            + " ("
            + cause.getClass().getSimpleName()
            + (settings.isSecured() ? ", " + settings.describe() : "")
            + "). Start the local broker with scripts/kafka-start.sh, or set"
            + " KAFKA_BOOTSTRAP_SERVERS (or --kafkaBootstrapServers) to brokers that answer, and"
            + " KAFKA_CLIENT_PROPERTIES to their security settings.");
  }

  /** The partitions of {@code topic}, by number; fails if the topic does not exist. */
  public List<TopicPartition> partitions(String topic) {
    List<PartitionInfo> infos =
        retrying("the partitions of " + topic, () -> consumer.partitionsFor(topic, TIMEOUT));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException(
          "Topic '"
              + topic
              + "' does not exist on "
              + settings.bootstrapServers()
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
    return retrying("the first offsets", () -> consumer.beginningOffsets(partitions, TIMEOUT));
  }

  public Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
    return retrying("the end offsets", () -> consumer.endOffsets(partitions, TIMEOUT));
  }

  /** The group's committed offsets; partitions without one are absent. */
  public Map<TopicPartition, Long> committed(List<TopicPartition> partitions) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    retrying("the group's offsets", () -> consumer.committed(new HashSet<>(partitions), TIMEOUT))
        .forEach(
            (tp, meta) -> {
              if (meta != null) {
                offsets.put(tp, meta.offset());
              }
            });
    return offsets;
  }

  /**
   * Commits {@code offsets} (the next offset to read, per partition) for the group, once. The group
   * serves lag monitoring only (the lakehouse's ledger is what the job resumes from), so a broker
   * that does not answer costs a warning, not the job: the next batch commits again.
   */
  public boolean commitForMonitoring(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    offsets.forEach((tp, offset) -> commits.put(tp, new OffsetAndMetadata(offset)));
    try {
      consumer.commitSync(commits, TIMEOUT);
      return true;
    } catch (RetriableException e) {
      LOG.warn(
          "Could not commit offsets to the consumer group for lag monitoring ({}); the next"
              + " batch commits them again",
          e.toString());
      return false;
    }
  }

  /**
   * Calls {@code call} until it succeeds, backing off from 1 s to 30 s between tries while Kafka
   * answers with retriable errors (timeouts, disconnects, leader changes), for up to the retry
   * timeout.
   */
  <T> T retrying(String what, Supplier<T> call) {
    long deadline = System.nanoTime() + retryTimeout.toNanos();
    Duration backoff = Duration.ofSeconds(1);
    while (true) {
      try {
        return call.get();
      } catch (RetriableException e) {
        if (System.nanoTime() + backoff.toNanos() > deadline) {
          throw new IllegalStateException(
              "Kafka at "
                  + settings.bootstrapServers()
                  + " did not give "
                  + what
                  + " for "
                  + retryTimeout.toSeconds()
                  + " s ("
                  + e
                  + "); giving up. Nothing uncommitted was kept: restart the job once the brokers"
                  + " answer, it continues where it stopped (--kafkaRetryTimeoutSeconds sets how"
                  + " long to wait).",
              e);
        }
        LOG.warn(
            "Kafka did not give {} ({}); retrying in {} s",
            what,
            e.toString(),
            backoff.toSeconds());
        sleep(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
