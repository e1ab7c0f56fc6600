package com.trending.silver;

import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.trending.testing.LocalKafkaBroker;
import com.trending.testing.LocalRunnerCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * What the cluster tests of continuous Kafka → Silver share: a producer that trickles the corpus
 * into Kafka while the job runs, and the job's offset ledger ({@code offsets.json} and {@code
 * pending.json} in its checkpoint folder) read from outside while the job replaces its files.
 */
final class ClusterIngestion {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ClusterIngestion() {}

  /**
   * A thread that sends {@code corpus} in {@code slices} parts, one every {@code pauseMillis},
   * until {@link Trickle#hurry} makes it send the remaining parts at once.
   */
  static Trickle trickle(
      LocalKafkaBroker kafka, IngestCorpus corpus, int slices, long pauseMillis) {
    return new Trickle(kafka, corpus, slices, pauseMillis);
  }

  /** The producer of {@link #trickle}. */
  static final class Trickle extends Thread {
    private final LocalKafkaBroker kafka;
    private final IngestCorpus corpus;
    private final int slices;
    private final long pauseMillis;
    private final CountDownLatch hurry = new CountDownLatch(1);

    private Trickle(LocalKafkaBroker kafka, IngestCorpus corpus, int slices, long pauseMillis) {
      super("trickle-producer");
      this.kafka = kafka;
      this.corpus = corpus;
      this.slices = slices;
      this.pauseMillis = pauseMillis;
    }

    /** Sends what is left without pausing: the test has seen what it waited for. */
    void hurry() {
      hurry.countDown();
    }

    @Override
    public void run() {
      for (int slice = 0; slice < slices; slice++) {
        for (Map.Entry<String, IngestCorpus.Topic> topic : corpus.topics.entrySet()) {
          List<byte[]> all = topic.getValue().messages;
          int from = all.size() * slice / slices;
          int to = all.size() * (slice + 1) / slices;
          kafka.produce(topic.getKey(), all.subList(from, to));
        }
        try {
          hurry.await(pauseMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * Waits up to {@code timeoutSeconds}, while {@code job} runs, until the ledger file exists and
   * its batch number satisfies {@code condition}; returns that batch number.
   */
  static long awaitLedger(
      LocalRunnerCluster.Job job,
      Path checkpoint,
      String file,
      LongPredicate condition,
      long timeoutSeconds)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeoutSeconds * 1000;
    while (System.currentTimeMillis() < deadline) {
      assertTrue("the job died:\n" + job.tail(), job.isAlive());
      JsonNode ledger = read(checkpoint.resolve(file));
      if (ledger != null && condition.test(ledger.get("batch").asLong())) {
        return ledger.get("batch").asLong();
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no " + file + " as expected after " + timeoutSeconds + " s; job log:\n" + job.tail());
  }

  /** The last committed batch number, 0 before the first. */
  static long committedBatch(Path checkpoint) {
    JsonNode ledger = read(checkpoint.resolve("offsets.json"));
    return ledger == null ? 0 : ledger.get("batch").asLong();
  }

  /** Messages read in all: the topics started empty, so the committed next offsets add up to it. */
  static long committedMessages(Path checkpoint) {
    JsonNode ledger = read(checkpoint.resolve("offsets.json"));
    long messages = 0;
    if (ledger != null) {
      for (Iterator<JsonNode> topics = ledger.get("offsets").elements(); topics.hasNext(); ) {
        for (Iterator<JsonNode> partitions = topics.next().elements(); partitions.hasNext(); ) {
          messages += partitions.next().asLong();
        }
      }
    }
    return messages;
  }

  /** A ledger file, null if there is none (or it is being replaced right now). */
  static JsonNode read(Path file) {
    try {
      return Files.exists(file) ? JSON.readTree(file.toFile()) : null;
    } catch (IOException e) {
      return null; // being replaced right now
    }
  }
}
