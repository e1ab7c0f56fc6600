package com.trending.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
      Future<RecordMetadata> ack = producer.send(new ProducerRecord<>("events_typo", new byte[] {1}));
      ExecutionException e = assertThrows(ExecutionException.class, ack::get);
      assertThat(e.getCause().getMessage(), containsString("events_typo"));
    }
    assertFalse(KAFKA.listTopics().contains("events_typo"));
  }
}
