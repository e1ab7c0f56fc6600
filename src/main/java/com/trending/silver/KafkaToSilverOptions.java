package com.trending.silver;

import com.trending.common.LakehouseOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * Options of {@link KafkaToSilver}. Contract environment variables are the defaults.
 *
 * <p>{@code --streaming} (from {@link StreamingOptions}) picks the mode: {@code true} (the default)
 * ingests continuously until stopped, {@code false} takes what Kafka holds and exits (as {@code
 * --availableNow}). Either way each micro-batch is a bounded Beam pipeline.
 */
public interface KafkaToSilverOptions extends LakehouseOptions, StreamingOptions {

  @Description(
      "Kafka brokers, comma-separated (env KAFKA_BOOTSTRAP_SERVERS, default localhost:9092).")
  @Default.InstanceFactory(BootstrapServersFactory.class)
  String getKafkaBootstrapServers();

  void setKafkaBootstrapServers(String value);

  @Description(
      "Where to start when this lakehouse holds no offsets for the consumer group: 'earliest' or"
          + " 'latest' (env KAFKA_STARTING_OFFSETS, default latest).")
  @Default.InstanceFactory(StartingOffsetsFactory.class)
  String getKafkaStartingOffsets();

  void setKafkaStartingOffsets(String value);

  @Description(
      "A Java properties file of Kafka client settings for secured or tuned clusters:"
          + " security.protocol, sasl.*, ssl.*, client.id, fetch sizes... (env"
          + " KAFKA_CLIENT_PROPERTIES). Read where the job starts; workers get its settings with"
          + " the pipeline.")
  @Default.InstanceFactory(ClientPropertiesFactory.class)
  String getKafkaClientProperties();

  void setKafkaClientProperties(String value);

  @Description(
      "How long the job keeps retrying while Kafka does not answer (a broker restart, a network"
          + " cut) before it gives up with an error, in seconds.")
  @Default.Long(900L)
  Long getKafkaRetryTimeoutSeconds();

  void setKafkaRetryTimeoutSeconds(Long value);

  @Description("Kafka consumer group (env KAFKA_GROUP_ID, default kafka-to-silver).")
  @Default.InstanceFactory(ConsumerGroupFactory.class)
  String getConsumerGroup();

  void setConsumerGroup(String value);

  @Description("Lowest valid rating, inclusive (env MIN_RATING, default 0.5).")
  @Default.InstanceFactory(MinRatingFactory.class)
  Double getMinRating();

  void setMinRating(Double value);

  @Description("Highest valid rating, inclusive (env MAX_RATING, default 5.0).")
  @Default.InstanceFactory(MaxRatingFactory.class)
  Double getMaxRating();

  void setMaxRating(Double value);

  @Description(
      "Bounded run: stop after this many messages in total over the three topics (waits for them"
          + " to arrive). Unset: run until stopped.")
  Long getMaxRecords();

  void setMaxRecords(Long value);

  @Description(
      "Bounded run: stop taking new messages after this many seconds, then finish and exit."
          + " Unset: run until stopped (or until --maxRecords).")
  Long getMaxReadTimeSeconds();

  void setMaxReadTimeSeconds(Long value);

  @Description(
      "Bounded run: take every message already in Kafka when the run starts, then exit (like"
          + " Spark's Trigger.AvailableNow).")
  @Default.Boolean(false)
  Boolean getAvailableNow();

  void setAvailableNow(Boolean value);

  /**
   * Also given as {@code --checkpointDir}, the name Spark users know (see {@link
   * KafkaToSilver#parse}); it cannot be a property of its own here, because the Spark runner's
   * options declare one with another default.
   */
  @Description(
      "Where this job keeps the offsets it has committed and the batch it is writing; a restart"
          + " continues from there. Also accepted as --checkpointDir. Default"
          + " $LAKEHOUSE_PATH/_checkpoints/kafka-to-silver/<consumer group>.")
  String getOffsetsDir();

  void setOffsetsDir(String value);

  @Description("Most messages one micro-batch takes from Kafka.")
  @Default.Long(500_000L)
  Long getMaxMessagesPerBatch();

  void setMaxMessagesPerBatch(Long value);

  @Description("How often to look for new messages when Kafka has none, in milliseconds.")
  @Default.Long(1_000L)
  Long getPollIntervalMillis();

  void setPollIntervalMillis(Long value);

  @Description(
      "Most hash buckets for deduplication by event_id: a batch takes one per 250,000 messages, up"
          + " to this many; each holds its share of the batch in memory and writes one Parquet"
          + " file per Silver partition it holds.")
  @Default.Integer(64)
  Integer getDedupBuckets();

  void setDedupBuckets(Integer value);

  /** Default of {@link #getKafkaBootstrapServers()}. */
  class BootstrapServersFactory implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return LakehouseOptions.env("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    }
  }

  /** Default of {@link #getKafkaStartingOffsets()}. */
  class StartingOffsetsFactory implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return LakehouseOptions.env("KAFKA_STARTING_OFFSETS", "latest");
    }
  }

  /** Default of {@link #getKafkaClientProperties()}. */
  class ClientPropertiesFactory implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return LakehouseOptions.env("KAFKA_CLIENT_PROPERTIES", null);
    }
  }

  /** Default of {@link #getConsumerGroup()}. */
  class ConsumerGroupFactory implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return LakehouseOptions.env("KAFKA_GROUP_ID", "kafka-to-silver");
    }
  }

  /** Default of {@link #getMinRating()}. */
  class MinRatingFactory implements DefaultValueFactory<Double> {
    @Override
    public Double create(PipelineOptions options) {
      return parseDouble("MIN_RATING", LakehouseOptions.env("MIN_RATING", "0.5"));
    }
  }

  /** Default of {@link #getMaxRating()}. */
  class MaxRatingFactory implements DefaultValueFactory<Double> {
    @Override
    public Double create(PipelineOptions options) {
      return parseDouble("MAX_RATING", LakehouseOptions.env("MAX_RATING", "5.0"));
    }
  }

  private static Double parseDouble(String variable, String value) {
    try {
      return Double.valueOf(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          variable + "='" + value + "' is not a number: set it to e.g. 0.5", e);
    }
  }
}
