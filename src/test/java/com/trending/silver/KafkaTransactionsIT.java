package com.trending.silver;

import static org.junit.Assert.assertEquals;

import com.trending.common.Lakehouse;
import com.trending.testing.LocalKafkaBroker;
import com.trending.testing.SparkSql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Topics as exactly-once producers (Kafka Streams, Flink, Debezium, Connect with EOS) write them:
 * records in committed transactions, an aborted transaction interleaved with them, commit and abort
 * markers everywhere. And a consumer group moved from outside while ingestion runs.
 */
public class KafkaTransactionsIT {
  // A broker per test: each reads its topics from the beginning.
  @Rule public final LocalKafkaBroker kafka = new LocalKafkaBroker();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /**
   * The corpus in committed transactions on every topic, and as many valid events in an aborted
   * transaction between them: Silver holds exactly the corpus (nothing aborted), the dead letters
   * exactly its bad messages, on the Direct and the Spark runner.
   */
  @Test(timeout = 600_000)
  public void transactionalTopicsGiveExactlyTheCommittedRecords() throws Exception {
    IngestCorpus corpus = IngestCorpus.create(8, 900, 300, 150);
    long aborted = 0;
    try (KafkaProducer<byte[], byte[]> committing = transactional("committing");
        KafkaProducer<byte[], byte[]> aborting = transactional("aborting")) {
      for (Map.Entry<String, IngestCorpus.Topic> topic : corpus.topics.entrySet()) {
        List<byte[]> messages = topic.getValue().messages;
        for (int part = 0; part < 3; part++) {
          committing.beginTransaction();
          aborting.beginTransaction();
          for (byte[] m :
              messages.subList(messages.size() * part / 3, messages.size() * (part + 1) / 3)) {
            committing.send(new ProducerRecord<>(topic.getKey(), m));
            if (aborted % 3 == 0) {
              aborting.send(new ProducerRecord<>(topic.getKey(), validEvent(topic.getKey())));
            }
            aborted++;
          }
          committing.commitTransaction();
          aborting.abortTransaction();
        }
      }
    }
    for (String[] runner :
        new String[][] {{"--runner=DirectRunner"}, SparkSql.beamSparkRunnerArgs()}) {
      Path lakehouse = tmp.newFolder().toPath();
      List<String> args = new ArrayList<>(List.of(runner));
      args.addAll(
          List.of(
              "--lakehousePath=" + lakehouse,
              "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
              "--kafkaStartingOffsets=earliest",
              "--consumerGroup=tx-" + runner[0].substring(9),
              "--availableNow=true",
              "--maxMessagesPerBatch=700"));
      IngestSummary summary =
          KafkaToSilver.run(
              PipelineOptionsFactory.fromArgs(args.toArray(new String[0]))
                  .as(KafkaToSilverOptions.class));
      corpus.assertHeldBy(lakehouse);
      for (String topic : Lakehouse.TOPICS) {
        assertEquals(
            topic + ": records read",
            corpus.topics.get(topic).messages.size(),
            summary.read(topic));
      }
    }
  }

  /**
   * A continuous run while the consumer group's committed offsets are reset to the beginning from
   * outside (as {@code kafka-consumer-groups --reset-offsets} does): the batches read the offsets
   * their plans name, so Silver still holds every event exactly once.
   */
  @Test(timeout = 600_000)
  public void aGroupOffsetResetFromOutsideChangesNothing() throws Exception {
    IngestCorpus corpus = IngestCorpus.create(9, 600, 200, 100);
    Path lakehouse = tmp.newFolder().toPath();
    String group = "reset-from-outside";
    KafkaToSilverOptions options =
        PipelineOptionsFactory.fromArgs(
                "--lakehousePath=" + lakehouse,
                "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
                "--kafkaStartingOffsets=latest",
                "--consumerGroup=" + group,
                "--pollIntervalMillis=200")
            .as(KafkaToSilverOptions.class);
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<IngestSummary> job =
        CompletableFuture.supplyAsync(() -> KafkaToSilver.run(options, stop::get));
    Path offsets = lakehouse.resolve("_checkpoints/kafka-to-silver/" + group + "/offsets.json");
    long deadline = System.currentTimeMillis() + 120_000;
    while (!Files.exists(offsets) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100); // the job has fixed its start offsets
    }
    for (int slice = 0; slice < 4; slice++) {
      for (Map.Entry<String, IngestCorpus.Topic> topic : corpus.topics.entrySet()) {
        List<byte[]> all = topic.getValue().messages;
        kafka.produce(
            topic.getKey(), all.subList(all.size() * slice / 4, all.size() * (slice + 1) / 4));
      }
      Thread.sleep(3_000);
      resetGroupToZero(group);
    }
    long sent = corpus.totalMessages();
    while (committedMessages(offsets) < sent && System.currentTimeMillis() < deadline + 120_000) {
      Thread.sleep(200);
    }
    stop.set(true);
    job.get(120, TimeUnit.SECONDS);
    corpus.assertHeldBy(lakehouse);
  }

  private static long committedMessages(Path offsets) throws Exception {
    if (!Files.exists(offsets)) {
      return 0;
    }
    long sum = 0;
    var root =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(offsets.toFile()).get("offsets");
    for (var topic :
        (Iterable<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>) root::fields) {
      for (var p :
          (Iterable<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>)
              topic.getValue()::fields) {
        sum += p.getValue().asLong();
      }
    }
    return sum;
  }

  private void resetGroupToZero(String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
    for (String topic : Lakehouse.TOPICS) {
      for (int p = 0; p < kafka.partitionCount(topic); p++) {
        zero.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
      }
    }
    Admin admin = kafka.admin();
    admin.alterConsumerGroupOffsets(group, zero).all().get(30, TimeUnit.SECONDS);
  }

  private KafkaProducer<byte[], byte[]> transactional(String id) {
    Properties props = kafka.producerProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id + "-" + UUID.randomUUID());
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
    producer.initTransactions();
    return producer;
  }

  private static byte[] validEvent(String topic) {
    String type = topic.substring("events_".length(), topic.length() - 1);
    String json =
        "{\"event_id\":\""
            + UUID.randomUUID()
            + "\",\"event_type\":\""
            + type
            + "\","
            + "\"event_ts\":\"2025-12-16T10:00:00Z\",\"user_id\":1,\"movie_id\":2"
            + (type.equals("rating") ? ",\"rating\":3.5" : "")
            + "}";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
