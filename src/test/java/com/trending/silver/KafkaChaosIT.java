package com.trending.silver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.testing.LocalKafkaBroker;
import com.trending.testing.SparkSql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Encoders;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Kafka misbehaving under a running ingestion, on a real broker of each test's own: a broker
 * stopped for 30 s, partitions added, messages expired before they were read, a topic recreated
 * behind the job's back. Silver must stay exact, or the job must stop and say why.
 */
public class KafkaChaosIT {

  @Rule public final LocalKafkaBroker kafka = new LocalKafkaBroker();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private int nextId;

  /**
   * A broker that stops for 30 s while the job runs continuously: nothing lost, nothing doubled.
   */
  @Test
  public void brokerStoppedFor30SecondsUnderAContinuousRunLosesNothing() throws Exception {
    Path root = tmp.newFolder("outage").toPath();
    Table silver = Lakehouse.at(root.toString(), StorageFormat.PARQUET).silver(Lakehouse.VIEWS);
    Set<String> sent = new HashSet<>();
    sent.addAll(produceViews(0, 50));
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<IngestSummary> job = continuous(root, "outage", stop);
    awaitSilver(silver, sent.size());

    sent.addAll(produceViews(1, 50)); // in flight when the broker goes away
    kafka.stopKeepingData();
    long down = System.currentTimeMillis();
    Thread.sleep(30_000);
    assertTrue("the job survives the outage", !job.isDone());
    kafka.restart();
    System.out.printf(
        "Broker down for %.1f s under a continuous run%n",
        (System.currentTimeMillis() - down) / 1000.0);
    sent.addAll(produceViews(2, 50));
    awaitSilver(silver, sent.size());

    stop.set(true);
    IngestSummary summary = job.get(180, TimeUnit.SECONDS);
    assertEquals(sent, silverIds(silver));
    assertEquals(sent.size(), summary.silverRows(Lakehouse.VIEWS));
  }

  /** Partitions added to a topic while the job runs are read, from their first offset. */
  @Test
  public void partitionsAddedWhileRunningArePickedUp() throws Exception {
    Path root = tmp.newFolder("grow").toPath();
    Table silver = Lakehouse.at(root.toString(), StorageFormat.PARQUET).silver(Lakehouse.VIEWS);
    Set<String> sent = new HashSet<>(produceViews(0, 10));
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<IngestSummary> job = continuous(root, "grow", stop);
    awaitSilver(silver, sent.size());

    kafka
        .admin()
        .createPartitions(Map.of(Lakehouse.VIEWS, NewPartitions.increaseTo(5)))
        .all()
        .get(30, TimeUnit.SECONDS);
    sent.addAll(produceViews(4, 7));
    sent.addAll(produceViews(3, 5));
    awaitSilver(silver, sent.size());

    stop.set(true);
    job.get(120, TimeUnit.SECONDS);
    assertEquals(sent, silverIds(silver));
  }

  /** Messages deleted by retention before they were read are skipped, and counted. */
  @Test
  public void expiredMessagesAreSkippedAndCounted() throws Exception {
    Path root = tmp.newFolder("expired").toPath();
    List<String> ids = produceViews(0, 30);
    KafkaToSilver.run(IngestCorpus.options(kafka.bootstrapServers(), root, "expired", 5));

    // Retention removes offsets 0..11: 5..11 were never read.
    kafka
        .admin()
        .deleteRecords(
            Map.of(new TopicPartition(Lakehouse.VIEWS, 0), RecordsToDelete.beforeOffset(12)))
        .all()
        .get(30, TimeUnit.SECONDS);
    KafkaToSilverOptions rest = IngestCorpus.options(kafka.bootstrapServers(), root, "expired", 1);
    rest.setMaxRecords(null);
    rest.setAvailableNow(true);
    IngestSummary summary = KafkaToSilver.run(rest);

    assertEquals(7, summary.expired());
    Set<String> expected = new HashSet<>(ids.subList(0, 5));
    expected.addAll(ids.subList(12, 30));
    assertEquals(
        expected,
        silverIds(Lakehouse.at(root.toString(), StorageFormat.PARQUET).silver(Lakehouse.VIEWS)));
    assertTrue(summary.describe(), summary.describe().contains("7 messages expired from Kafka"));
  }

  /**
   * A topic deleted and recreated (or a broker wiped) leaves the lakehouse's offsets beyond the
   * partitions' ends: the job stops and says so, instead of skipping or re-reading silently.
   */
  @Test
  public void offsetsBeyondAPartitionsEndStopTheJob() throws Exception {
    Path root = tmp.newFolder("recreated").toPath();
    produceViews(0, 10);
    KafkaToSilverOptions first =
        IngestCorpus.options(kafka.bootstrapServers(), root, "recreated", 10);
    assertEquals(10, KafkaToSilver.run(first).silverRows(Lakehouse.VIEWS));

    kafka.admin().deleteTopics(List.of(Lakehouse.VIEWS)).all().get(30, TimeUnit.SECONDS);
    long deadline = System.currentTimeMillis() + 60_000;
    while (!kafka.createTopic(Lakehouse.VIEWS, 3) && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
    }
    awaitRecreated(deadline);
    produceViews(0, 2);

    KafkaToSilverOptions again =
        IngestCorpus.options(kafka.bootstrapServers(), root, "recreated", 1);
    again.setMaxRecords(null);
    again.setAvailableNow(true);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KafkaToSilver.run(again));
    System.out.println("Recreated topic: " + e.getMessage());
    assertTrue(
        e.getMessage(),
        e.getMessage().contains("events_views-0")
            && e.getMessage().contains("offset 10")
            && e.getMessage().contains("ends at 2")
            && e.getMessage().contains("recreated"));
    assertEquals(
        10,
        silverIds(Lakehouse.at(root.toString(), StorageFormat.PARQUET).silver(Lakehouse.VIEWS))
            .size());
  }

  // ---------------------------------------------------------------------------------------------

  private void awaitRecreated(long deadline) throws InterruptedException {
    while (System.currentTimeMillis() < deadline) {
      try {
        if (kafka.partitionCount(Lakehouse.VIEWS) == 3) {
          return;
        }
      } catch (RuntimeException notYet) {
        // metadata still settling
      }
      Thread.sleep(200);
    }
  }

  private CompletableFuture<IngestSummary> continuous(Path root, String group, AtomicBoolean stop)
      throws InterruptedException {
    KafkaToSilverOptions options = IngestCorpus.options(kafka.bootstrapServers(), root, group, 1);
    options.setMaxRecords(null);
    options.setPollIntervalMillis(200L);
    CompletableFuture<IngestSummary> job =
        CompletableFuture.supplyAsync(() -> KafkaToSilver.run(options, stop::get));
    Path offsets = root.resolve("_checkpoints/kafka-to-silver/" + group + "/offsets.json");
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Files.exists(offsets) && !job.isDone() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    return job;
  }

  /** Produces {@code count} valid views to {@code partition}; returns their event ids. */
  private List<String> produceViews(int partition, int count) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = String.format("00000000-0000-4000-8000-%012d", nextId++);
      ids.add(id);
      String json =
          "{\"event_id\":\""
              + id
              + "\",\"event_type\":\"view\",\"event_ts\":\"2025-12-20T08:00:00Z\","
              + "\"user_id\":7,\"movie_id\":"
              + (i % 5)
              + "}";
      records.add(
          new ProducerRecord<>(
              Lakehouse.VIEWS, partition, null, json.getBytes(StandardCharsets.UTF_8)));
    }
    kafka.produceRecords(records);
    return ids;
  }

  private static void awaitSilver(Table silver, int rows) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 180_000;
    while (System.currentTimeMillis() < deadline) {
      if (!silver.log().files().isEmpty() && SparkSql.read(silver).count() >= rows) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(silver + " did not reach " + rows + " rows");
  }

  private static Set<String> silverIds(Table silver) {
    List<String> ids =
        SparkSql.read(silver).select("event_id").as(Encoders.STRING()).collectAsList();
    Set<String> unique = new HashSet<>(ids);
    assertEquals("each event once", ids.size(), unique.size());
    return unique;
  }
}
