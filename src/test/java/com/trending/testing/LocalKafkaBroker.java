package com.trending.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real single-node Kafka 3.9.1 broker for tests, started with the very same script developers use
 * ({@code scripts/kafka-start.sh}), in its own JVM.
 *
 * <pre>
 * &#64;ClassRule public static final LocalKafkaBroker KAFKA = new LocalKafkaBroker();
 * ...
 * KAFKA.produceStrings("events_views", List.of("{...}", "{...}"));
 * pipelineOptions.setBootstrapServers(KAFKA.bootstrapServers());
 * </pre>
 *
 * <p>{@link #before()} picks two free ports on 127.0.0.1 (listener and KRaft controller), runs the
 * start script with {@code KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:<port>}, {@code
 * KAFKA_CONTROLLER_PORT=<port2>} and {@code KAFKA_STATE_DIR=target/kafka-brokers/<...>}; the script
 * returns once the broker answers and the three contract topics exist. {@link #after()} runs {@code
 * scripts/kafka-stop.sh --purge} with the same environment, so the state folder goes away. A JVM
 * shutdown hook stops the broker too if the test JVM exits without {@code after()} (the lifecycle
 * is {@link LocalServer}'s).
 *
 * <p>{@link #saslSsl()} makes a broker whose listener is SASL_SSL ({@code KAFKA_SECURITY=sasl_ssl}:
 * TLS with a self-signed certificate, SCRAM-SHA-512 user {@code trending}); the script writes the
 * client settings to {@link #clientPropertiesFile()}, and {@link #admin()}, the produce helpers and
 * {@link #clientProperties()} use them.
 *
 * <p>{@link #stopKeepingData()} and {@link #restart()} stop the broker process and start it again
 * on the same ports with the same state folder (topics, data, credentials), e.g. to take the broker
 * away from a running job for a while.
 *
 * <p>The first run ever copies the broker jars from Maven into {@code .local/kafka/lib} (a few
 * seconds, needs Maven Central or a warm ~/.m2). Afterwards a start takes ~3-5 s (sasl_ssl: ~8-10
 * s, a certificate is made for each new state folder).
 */
public class LocalKafkaBroker extends LocalServer {

  /** Contract topics created by the start script (all with 3 partitions). */
  public static final List<String> CONTRACT_TOPICS =
      List.of("events_views", "events_clicks", "events_ratings");

  /** Security of the broker's client listener ({@code KAFKA_SECURITY} of the start script). */
  public enum Security {
    PLAINTEXT("plaintext"),
    SASL_SSL("sasl_ssl");

    private final String scriptValue;

    Security(String scriptValue) {
      this.scriptValue = scriptValue;
    }
  }

  private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final Security security;
  private Admin admin;

  /** A PLAINTEXT broker. */
  public LocalKafkaBroker() {
    this(Security.PLAINTEXT);
  }

  public LocalKafkaBroker(Security security) {
    super(
        "LocalKafkaBroker",
        "kafka",
        "kafka-brokers",
        "broker",
        "the broker",
        "broker not started",
        2); // listener and KRaft controller
    this.security = security;
  }

  /**
   * A broker whose client listener is SASL_SSL with SCRAM (see {@link #clientPropertiesFile()}).
   */
  public static LocalKafkaBroker saslSsl() {
    return new LocalKafkaBroker(Security.SASL_SSL);
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle (see LocalServer)

  /**
   * The cached {@link #admin()} client is closed before the broker stops, also by {@link
   * #stopKeepingData()}: {@link #bootstrapServers()} keeps returning the address the broker comes
   * back on, and a new client is made on the next use.
   */
  @Override
  protected void stopping() {
    closeAdmin();
  }

  private synchronized void closeAdmin() {
    if (admin != null) {
      try {
        admin.close(ADMIN_CLOSE_TIMEOUT);
      } catch (RuntimeException e) {
        System.err.println("[LocalKafkaBroker] could not close the admin client: " + e);
      }
      admin = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Accessors

  /**
   * {@code 127.0.0.1:<port>}, for KafkaIO / clients; also while stopped by {@link
   * #stopKeepingData()} (the broker comes back on that address).
   */
  public String bootstrapServers() {
    requireStarted();
    return "127.0.0.1:" + port();
  }

  public Security security() {
    return security;
  }

  /**
   * The client settings file written by the start script in SASL_SSL mode (security.protocol,
   * sasl.mechanism, sasl.jaas.config, truststore; no bootstrap.servers): what the product gets as
   * {@code KAFKA_CLIENT_PROPERTIES}. Fails for a PLAINTEXT broker, which has none.
   */
  public Path clientPropertiesFile() {
    if (security != Security.SASL_SSL) {
      throw new IllegalStateException("a PLAINTEXT broker has no client.properties");
    }
    requireStarted();
    return stateDir().resolve("client.properties");
  }

  /**
   * Settings every client of this broker needs: bootstrap.servers, plus the contents of {@link
   * #clientPropertiesFile()} in SASL_SSL mode. A new object each call.
   */
  public Properties clientProperties() {
    Properties props = new Properties();
    if (security == Security.SASL_SSL) {
      try (Reader in = Files.newBufferedReader(clientPropertiesFile(), StandardCharsets.UTF_8)) {
        props.load(in);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + clientPropertiesFile(), e);
      }
    }
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  /**
   * The Admin client of this broker (closed by {@link #after()} and {@link #stopKeepingData()}).
   */
  public synchronized Admin admin() {
    if (admin == null) {
      Properties props = clientProperties();
      props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
      props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
      admin = Admin.create(props);
    }
    return admin;
  }

  // ---------------------------------------------------------------------------------------------
  // Topics

  /** Creates a topic (replication 1); returns false if it already existed. */
  public boolean createTopic(String name, int partitions) {
    return createTopic(name, partitions, Collections.emptyMap());
  }

  /** Creates a topic with extra topic configs (e.g. retention.ms); false if it already existed. */
  public boolean createTopic(String name, int partitions, Map<String, String> configs) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
    try {
      admin().createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw new IllegalStateException("could not create topic " + name, e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException("could not create topic " + name, e);
    }
  }

  /** Names of the non-internal topics. */
  public Set<String> listTopics() {
    return get(admin().listTopics().names(), "list topics");
  }

  public int partitionCount(String topic) {
    return describe(topic).partitions().size();
  }

  /** Topic configs that are set on the topic itself (not broker defaults), e.g. retention.ms. */
  public Map<String, String> topicConfig(String topic) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config =
        get(admin().describeConfigs(List.of(resource)).all(), "describe " + topic).get(resource);
    Map<String, String> result = new TreeMap<>();
    for (ConfigEntry entry : config.entries()) {
      if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
        result.put(entry.name(), entry.value());
      }
    }
    return result;
  }

  /** Latest offset (= number of records ever written) of each partition, by partition number. */
  public Map<Integer, Long> endOffsets(String topic) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    describe(topic)
        .partitions()
        .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<Integer, Long> result = new TreeMap<>();
    get(admin().listOffsets(request).all(), "end offsets of " + topic)
        .forEach((tp, info) -> result.put(tp.partition(), info.offset()));
    return result;
  }

  /** Sum of {@link #endOffsets(String)}. */
  public long endOffsetSum(String topic) {
    return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
  }

  private TopicDescription describe(String topic) {
    return get(admin().describeTopics(List.of(topic)).allTopicNames(), "describe " + topic)
        .get(topic);
  }

  // ---------------------------------------------------------------------------------------------
  // Producing

  /** Writes values without keys (spread over partitions by the default partitioner). */
  public void produce(String topic, List<byte[]> values) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(values.size());
    for (byte[] value : values) {
      records.add(new ProducerRecord<>(topic, value));
    }
    produceRecords(records);
  }

  /** Writes UTF-8 strings (e.g. JSON events) without keys. */
  public void produceStrings(String topic, List<String> values) {
    produce(topic, values.stream().map(LocalKafkaBroker::utf8).collect(Collectors.toList()));
  }

  /** Writes key/value records; a null key is allowed. */
  public void produceKeyed(String topic, List<KV<byte[], byte[]>> records) {
    produceRecords(
        records.stream()
            .map(kv -> new ProducerRecord<>(topic, kv.getKey(), kv.getValue()))
            .collect(Collectors.toList()));
  }

  /** Writes UTF-8 key/value records; a null key is allowed. */
  public void produceKeyedStrings(String topic, List<KV<String, String>> records) {
    produceKeyed(
        topic,
        records.stream()
            .map(kv -> KV.of(kv.getKey() == null ? null : utf8(kv.getKey()), utf8(kv.getValue())))
            .collect(Collectors.toList()));
  }

  /**
   * Writes arbitrary records (explicit partition, timestamp, headers...), with acks=all and
   * idempotence, flushes, and fails if any record was not acknowledged. Producing to a topic that
   * does not exist fails after ~10 s (topic auto-creation is off).
   */
  public void produceRecords(Collection<ProducerRecord<byte[], byte[]>> records) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
      List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
      for (ProducerRecord<byte[], byte[]> record : records) {
        acks.add(producer.send(record));
      }
      producer.flush();
      for (Future<RecordMetadata> ack : acks) {
        ack.get(60, TimeUnit.SECONDS);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not produce to Kafka: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException("could not produce to Kafka: " + e, e);
    }
  }

  /**
   * Producer settings used by the produce helpers (byte[] serializers), with the security settings
   * of {@link #clientProperties()}.
   */
  public Properties producerProperties() {
    Properties props = clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future, String what) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka admin call failed: " + what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    } catch (Exception e) {
      throw new IllegalStateException("Kafka admin call failed: " + what, e);
    }
  }

  /** The environment of kafka-start.sh and kafka-stop.sh for this broker. */
  @Override
  protected Map<String, String> scriptEnvironment() {
    return Map.of(
        "KAFKA_BOOTSTRAP_SERVERS",
        "127.0.0.1:" + port(),
        "KAFKA_CONTROLLER_PORT",
        Integer.toString(port(1)),
        "KAFKA_STATE_DIR",
        stateDir().toString(),
        "KAFKA_SECURITY",
        security.scriptValue,
        // Not the developer's shell settings: the script's defaults (user trending, random
        // password).
        "KAFKA_SASL_USER",
        "",
        "KAFKA_SASL_PASSWORD",
        "");
  }

  /** For log messages. */
  @Override
  public String toString() {
    boolean started = isStarted();
    return "LocalKafkaBroker{"
        + (started ? "127.0.0.1:" + port() : "stopped")
        + (started && !isRunning() ? " (stopped, data kept)" : "")
        + ", "
        + security
        + ", state="
        + stateDir()
        + "}";
  }
}
