package com.trending.silver;

import static com.trending.silver.ClusterIngestion.awaitLedger;
import static com.trending.silver.ClusterIngestion.committedBatch;
import static com.trending.silver.ClusterIngestion.committedMessages;
import static com.trending.silver.ClusterIngestion.read;
import static com.trending.silver.ClusterIngestion.trickle;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.trending.common.Lakehouse;
import com.trending.testing.LocalKafkaBroker;
import com.trending.testing.LocalSparkCluster;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Streaming ingestion on a real Spark standalone cluster (master, worker and executors as separate
 * JVMs on 127.0.0.1), submitted with {@code runners/spark/submit.sh} and the shaded jar, against a
 * real Kafka broker: stopped, killed and restarted while events arrive without losing or
 * duplicating any. (Bounded runs of both pipelines on the cluster, on Parquet and Delta, are in
 * {@link LakehouseOnHdfsClusterIT}: every table exactly the corpus and the reference model.)
 */
public class KafkaToSilverClusterIT {
  private static final long LEDGER_TIMEOUT_SECONDS = 480;

  @ClassRule public static final LocalSparkCluster SPARK = new LocalSparkCluster();
  @Rule public final LocalKafkaBroker kafka = new LocalKafkaBroker();
  // Under target/ rather than /tmp: executors may still be finishing a file when the folder is
  // deleted, and whatever stays behind is then build output.
  @Rule public final TemporaryFolder tmp = new TemporaryFolder(new File("target"));

  @Test(timeout = 1_200_000)
  public void streamingIngestionSurvivesStopAndKillWhileEventsArrive() throws Exception {
    IngestCorpus corpus = IngestCorpus.create(5, 6000, 2000, 600);
    Path lakehouse = tmp.newFolder("streaming").toPath();
    Path checkpoint = lakehouse.resolve("_checkpoints").resolve("kafka-to-silver");
    Path log = lakehouse.resolve("kafka-to-silver.log");
    String[] streaming = {
      "--streaming=true", "--checkpointDir=" + checkpoint, "--maxMessagesPerBatch=1500"
    };
    // Up to 180 s of traffic; the rest at once after the kill.
    ClusterIngestion.Trickle producer = trickle(kafka, corpus, 60, 3_000);
    AtomicReference<Throwable> producerFailure = new AtomicReference<>();
    producer.setUncaughtExceptionHandler((t, e) -> producerFailure.set(e));

    try {
      // 1. Start; while its third batch runs, stop it the way a cluster manager does (SIGTERM):
      //    that batch completes and is committed, then the driver exits.
      LocalSparkCluster.Job first = SPARK.submit("kafka-to-silver", env(lakehouse), log, streaming);
      producer.start();
      long running =
          awaitLedger(
              first, checkpoint, "pending.json", batch -> batch >= 3, LEDGER_TIMEOUT_SECONDS);
      first.terminate();
      first.awaitExit(300);
      assertThat(first.log(), containsString("Kafka → Silver stopped"));
      assertFalse(
          "a stopped job leaves no batch half-written",
          Files.exists(checkpoint.resolve("pending.json")));
      long stoppedAt = committedBatch(checkpoint);
      assertTrue("the batch running at SIGTERM was committed", stoppedAt >= running);

      // 2. Restart, and kill -9 the driver in the middle of a batch: once its first Silver files
      //    are in place if the test catches that moment (they are then rolled back), else as soon
      //    as it has started.
      LocalSparkCluster.Job second =
          SPARK.submit("kafka-to-silver", env(lakehouse), log, streaming);
      awaitLedger(
          second,
          checkpoint,
          "pending.json",
          batch -> batch > stoppedAt + 1,
          LEDGER_TIMEOUT_SECONDS);
      boolean filesWritten = awaitFilesOfPendingBatch(second, lakehouse, checkpoint, 60_000);
      second.kill();
      // Rarely, the batch commits between the files being seen and the kill landing.
      boolean midBatch = Files.exists(checkpoint.resolve("pending.json"));
      System.out.println(
          "Killed the driver "
              + (midBatch ? "mid-batch, " : "just after a batch, ")
              + (filesWritten ? "after" : "before")
              + " the batch's first Silver files were in place");
      assertTrue("events still arriving when killed", producer.isAlive());
      producer.hurry();
      // Before the restart, a reader sees the committed batches only.
      IngestCorpus.assertReadersSeeOnlyCommittedFiles(Lakehouse.at(lakehouse.toString()));

      // 3. Restart again: the unfinished batch is rolled back and read again; then catch up with
      //    everything the producer sent, and stop.
      LocalSparkCluster.Job third = SPARK.submit("kafka-to-silver", env(lakehouse), log, streaming);
      producer.join();
      assertEquals("producer", null, producerFailure.get());
      long sent = corpus.totalMessages();
      awaitLedger(
          third,
          checkpoint,
          "offsets.json",
          batch -> committedMessages(checkpoint) == sent,
          LEDGER_TIMEOUT_SECONDS);
      third.terminate();
      third.awaitExit(300);
      if (midBatch) {
        assertThat(third.log(), containsString("Rolled back unfinished batch"));
        if (filesWritten) {
          assertThat(third.log(), not(containsString("removed 0 files")));
        }
      }
      first
          .log()
          .lines() // what happened, for the build log
          .filter(
              l -> l.contains("Batch ") || l.contains("Rolled back") || l.contains("Starting from"))
          .forEach(l -> System.out.println("[driver] " + l));
    } finally {
      producer.interrupt();
    }

    corpus.assertHeldBy(lakehouse); // every event exactly once, every bad message with its reason
  }

  private Map<String, String> env(Path lakehouse) {
    return Map.of(
        "LAKEHOUSE_PATH", lakehouse.toString(),
        "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "KAFKA_STARTING_OFFSETS", "earliest");
  }

  /**
   * Waits up to {@code millis} for a Silver file named after the run id in pending.json, while a
   * batch is pending; true if one appeared.
   */
  private static boolean awaitFilesOfPendingBatch(
      LocalSparkCluster.Job job, Path lakehouse, Path checkpoint, long millis) throws Exception {
    Path silver = Path.of(Lakehouse.at(lakehouse.toString()).silverTable(Lakehouse.VIEWS));
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      JsonNode pending = read(checkpoint.resolve("pending.json"));
      if (pending != null && Files.isDirectory(silver)) {
        String runId = pending.get("run_id").asText();
        try (Stream<Path> files = Files.walk(silver)) {
          if (files.anyMatch(f -> f.getFileName().toString().contains(runId))) {
            return true;
          }
        } catch (IOException | UncheckedIOException e) {
          // a file moved while listing; look again
        }
      }
      Thread.sleep(20);
    }
    awaitLedger(job, checkpoint, "pending.json", batch -> true, LEDGER_TIMEOUT_SECONDS);
    return false;
  }
}
