package com.trending.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.ClassRule;
import org.junit.Test;

/** Starts the broker of scripts/kafka-start.sh through {@link LocalKafkaBroker} and uses it. */
public class LocalKafkaBrokerIT {

  @ClassRule public static final LocalKafkaBroker KAFKA = new LocalKafkaBroker();

  @Test
  public void startScriptCreatesTheContractTopics() {
    assertThat(KAFKA.bootstrapServers(), startsWith("127.0.0.1:"));
    assertThat(KAFKA.listTopics(), hasItems("events_views", "events_clicks", "events_ratings"));
    for (String topic : LocalKafkaBroker.CONTRACT_TOPICS) {
      assertEquals(topic + " partitions", 3, KAFKA.partitionCount(topic));
    }
    long day = 24L * 3600 * 1000;
    assertEquals(String.valueOf(7 * day), KAFKA.topicConfig("events_views").get("retention.ms"));
    assertEquals(String.valueOf(7 * day), KAFKA.topicConfig("events_clicks").get("retention.ms"));
    assertEquals(String.valueOf(30 * day), KAFKA.topicConfig("events_ratings").get("retention.ms"));
  }

  @Test
  public void producesHundredMessagesToAContractTopic() {
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      values.add(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
    KAFKA.produce("events_clicks", values);
    List<KV<String, String>> keyed = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      keyed.add(KV.of(i % 2 == 0 ? null : "user-" + i, "{\"k\":" + i + "}"));
    }
    KAFKA.produceKeyedStrings("events_clicks", keyed);

    Map<Integer, Long> endOffsets = KAFKA.endOffsets("events_clicks");
    assertEquals(3, endOffsets.size());
    assertEquals(100L, KAFKA.endOffsetSum("events_clicks"));
  }

  @Test
  public void createTopicIsIdempotent() {
    assertTrue(KAFKA.createTopic("it_scratch", 2));
    assertFalse(KAFKA.createTopic("it_scratch", 2));
    assertEquals(2, KAFKA.partitionCount("it_scratch"));
    KAFKA.produceStrings("it_scratch", List.of("a", "b", "c"));
    assertEquals(3L, KAFKA.endOffsetSum("it_scratch"));
  }

  @Test
  public void topicsAreNotAutoCreated() throws Exception {
    Properties props = KAFKA.producerProperties();
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      Future<RecordMetadata> ack =
          producer.send(new ProducerRecord<>("events_typo", new byte[] {1}));
      ExecutionException e = assertThrows(ExecutionException.class, ack::get);
      assertThat(e.getCause().getMessage(), containsString("events_typo"));
    }
    assertFalse(KAFKA.listTopics().contains("events_typo"));
  }

  /**
   * KAFKA_SECURITY=sasl_ssl: the script's last lines and client.properties are what a client needs;
   * the helpers produce over SASL_SSL; a consumer made from the file alone reads exactly what was
   * written; a wrong password fails fast with an authentication error; a restart keeps the data and
   * the credentials.
   */
  @Test
  public void saslSslBrokerAuthenticatesClientsFromTheClientPropertiesFile() throws Exception {
    LocalKafkaBroker secured = LocalKafkaBroker.saslSsl();
    secured.start();
    try {
      Path file = secured.clientPropertiesFile();
      List<String> lines = secured.startScriptOutput().strip().lines().collect(Collectors.toList());
      assertEquals(
          "KAFKA_BOOTSTRAP_SERVERS=" + secured.bootstrapServers(), lines.get(lines.size() - 2));
      assertEquals("KAFKA_CLIENT_PROPERTIES=" + file.toAbsolutePath(), lines.get(lines.size() - 1));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

      Properties fromFile = load(file);
      assertEquals("SASL_SSL", fromFile.getProperty("security.protocol"));
      assertEquals("SCRAM-SHA-512", fromFile.getProperty("sasl.mechanism"));
      assertEquals("PKCS12", fromFile.getProperty("ssl.truststore.type"));
      assertEquals("https", fromFile.getProperty("ssl.endpoint.identification.algorithm"));
      assertThat(fromFile.getProperty("sasl.jaas.config"), containsString("username=\"trending\""));
      assertFalse(
          "no password is printed",
          secured
              .startScriptOutput()
              .contains(passwordIn(fromFile.getProperty("sasl.jaas.config"))));

      List<String> values = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        values.add("{\"secured\":" + i + "}");
      }
      secured.produceStrings("events_views", values);
      assertEquals(10L, secured.endOffsetSum("events_views"));
      assertEquals(
          sorted(values),
          sorted(readAll(secured.bootstrapServers(), fromFile, "events_views", values.size())));

      Properties wrongPassword = new Properties();
      wrongPassword.putAll(fromFile);
      String jaas = fromFile.getProperty("sasl.jaas.config");
      wrongPassword.setProperty(
          "sasl.jaas.config", jaas.replace(passwordIn(jaas), "not-the-password"));
      long started = System.nanoTime();
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(consumerProperties(secured.bootstrapServers(), wrongPassword))) {
        assertThrows(
            SaslAuthenticationException.class,
            () -> consumer.partitionsFor("events_views", Duration.ofSeconds(30)));
      }
      long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
      assertTrue("the authentication error came after " + seconds + " s", seconds < 20);

      // Same certificate, passwords and SCRAM user after a restart, and the data is still there.
      secured.stopKeepingData();
      secured.restart();
      assertEquals(fromFile, load(file));
      assertEquals(
          sorted(values),
          sorted(readAll(secured.bootstrapServers(), fromFile, "events_views", values.size())));
    } finally {
      secured.stop();
    }
  }

  /** stopKeepingData() + restart(): same ports and state, topics and data kept, producing works. */
  @Test
  public void restartAfterStopKeepingDataKeepsTheData() throws Exception {
    LocalKafkaBroker broker = new LocalKafkaBroker();
    broker.start();
    try {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        values.add("{\"before\":" + i + "}");
      }
      broker.produceStrings("events_ratings", values);
      Map<Integer, Long> before = broker.endOffsets("events_ratings");
      assertEquals(30L, before.values().stream().mapToLong(Long::longValue).sum());
      int port = broker.port();
      Path stateDir = broker.stateDir();

      broker.stopKeepingData();
      assertFalse(broker.isRunning());
      assertFalse("nothing listens on " + port + " while stopped", accepts(port));
      assertTrue(Files.isDirectory(stateDir));

      broker.restart();
      assertTrue(broker.isRunning());
      assertEquals(port, broker.port());
      assertEquals(stateDir, broker.stateDir());
      assertEquals("127.0.0.1:" + port, broker.bootstrapServers());
      assertEquals(before, broker.endOffsets("events_ratings"));
      assertEquals(
          "7 days",
          String.valueOf(7L * 24 * 3600 * 1000),
          broker.topicConfig("events_views").get("retention.ms"));

      broker.produceStrings("events_ratings", List.of("{\"after\":1}"));
      assertEquals(31L, broker.endOffsetSum("events_ratings"));
    } finally {
      broker.stop();
    }
    assertFalse(broker.isRunning());
  }

  // ---------------------------------------------------------------------------------------------

  private static Properties load(Path file) throws IOException {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    }
    return props;
  }

  private static String passwordIn(String jaasConfig) {
    int start = jaasConfig.indexOf("password=\"") + "password=\"".length();
    return jaasConfig.substring(start, jaasConfig.indexOf('"', start));
  }

  private static Properties consumerProperties(String bootstrapServers, Properties security) {
    Properties props = new Properties();
    props.putAll(security);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return props;
  }

  /**
   * Reads a topic from the beginning (assigned partitions, no group) until {@code expected} records
   * arrived or 60 s passed, then one more second to catch extra records.
   */
  private static List<String> readAll(
      String bootstrapServers, Properties security, String topic, int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerProperties(bootstrapServers, security))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          values.add(record.value());
        }
      }
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
        values.add(record.value());
      }
    }
    return values;
  }

  private static List<String> sorted(List<String> values) {
    List<String> copy = new ArrayList<>(values);
    Collections.sort(copy);
    return copy;
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
