package com.trending.silver;

import static com.trending.silver.ClusterIngestion.awaitLedger;
import static com.trending.silver.ClusterIngestion.committedMessages;
import static com.trending.silver.ClusterIngestion.trickle;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.trending.gold.GoldFollowsSilver;
import com.trending.testing.LocalFlinkCluster;
import com.trending.testing.LocalKafkaBroker;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Both pipelines on a real Flink 1.19 session cluster (JobManager and TaskManager as separate JVMs
 * on 127.0.0.1, from {@code runners/flink/cluster-start.sh}), run with {@code
 * runners/flink/submit.sh} and the shaded jar: continuous Kafka → Silver whose TaskManager is
 * killed with SIGKILL in the middle of a micro-batch and started again, without losing or
 * duplicating an event; and streaming Silver → Gold that follows new Silver files.
 */
public class FlinkClusterIT {
  private static final long LEDGER_TIMEOUT_SECONDS = 300;

  @ClassRule public static final LocalFlinkCluster FLINK = new LocalFlinkCluster();
  @Rule public final LocalKafkaBroker kafka = new LocalKafkaBroker();
  // Under target/ rather than /tmp: a task may still be finishing a file when the folder is
  // deleted, and whatever stays behind is then build output.
  @Rule public final TemporaryFolder tmp = new TemporaryFolder(new File("target"));

  @Test(timeout = 600_000)
  public void continuousIngestionSurvivesTaskManagerKill() throws Exception {
    IngestCorpus corpus = IngestCorpus.create(11, 3000, 1000, 300);
    Path lakehouse = tmp.newFolder("streaming").toPath();
    Path checkpoint = lakehouse.resolve("_checkpoints").resolve("kafka-to-silver");
    Path log = lakehouse.resolve("kafka-to-silver.log");
    String[] streaming = {
      "--streaming=true", "--checkpointDir=" + checkpoint, "--maxMessagesPerBatch=1000"
    };
    Thread producer = trickle(kafka, corpus, 30, 2_000); // about 60 s of traffic
    AtomicReference<Throwable> producerFailure = new AtomicReference<>();
    producer.setUncaughtExceptionHandler((t, e) -> producerFailure.set(e));

    try {
      LocalFlinkCluster.Job job = FLINK.submit("kafka-to-silver", env(lakehouse), log, streaming);
      producer.start();
      // 1. Two batches committed; then, as soon as the next batch's Flink job runs, kill -9 the
      //    TaskManager that runs its tasks.
      awaitLedger(job, checkpoint, "offsets.json", batch -> batch >= 2, LEDGER_TIMEOUT_SECONDS);
      String running = awaitRunningFlinkJob(job);
      Thread.sleep(500); // its tasks deployed and working
      long pid = FLINK.killTaskManager();
      boolean midBatch = Files.exists(checkpoint.resolve("pending.json"));
      System.out.println(
          "Killed TaskManager "
              + pid
              + " while Flink job "
              + running
              + " ran"
              + (midBatch ? " (batch pending)" : ""));
      assertTrue("events still arriving when killed", producer.isAlive());

      // 2. Flink restarts the job, which waits for slots; a new TaskManager brings them.
      Thread.sleep(3_000);
      FLINK.restartTaskManager();

      // 3. The same client carries on: catch up with everything the producer sent, then stop.
      producer.join();
      assertEquals("producer", null, producerFailure.get());
      long sent = corpus.totalMessages();
      awaitLedger(
          job,
          checkpoint,
          "offsets.json",
          batch -> committedMessages(checkpoint) == sent,
          LEDGER_TIMEOUT_SECONDS);
      job.terminate();
      job.awaitExit(180);
      assertThat(job.log(), containsString("Kafka → Silver stopped"));
      assertFalse(
          "a stopped job leaves no batch half-written",
          Files.exists(checkpoint.resolve("pending.json")));
      assertThat(
          "the kill hit a running job, which Flink restarted",
          FLINK.jobManagerLog(),
          containsString("(" + running + ") switched from state RUNNING to RESTARTING"));
      job.log()
          .lines() // what happened, for the build log
          .filter(
              l -> l.contains("Batch ") || l.contains("Rolled back") || l.contains("Starting from"))
          .forEach(l -> System.out.println("[client] " + l));
    } finally {
      producer.interrupt();
    }

    corpus.assertHeldBy(lakehouse); // every event exactly once, every bad message with its reason
  }

  @Test(timeout = 600_000)
  public void goldStreamingOnTheClusterFollowsNewSilverFiles() throws Exception {
    Path root = tmp.getRoot().toPath().resolve("lakehouse");
    Path log = tmp.getRoot().toPath().resolve("trending-to-gold.log");
    GoldFollowsSilver.run(
        root,
        240_000,
        args -> {
          LocalFlinkCluster.Job job =
              FLINK.submit(
                  "trending-to-gold",
                  Map.of("LAKEHOUSE_PATH", root.toString()),
                  log,
                  args.toArray(new String[0]));
          return new GoldFollowsSilver.Running() {
            @Override
            public boolean isAlive() {
              return job.isAlive();
            }

            @Override
            public String describe() {
              return "client log:\n" + job.tail();
            }

            @Override
            public void stop() throws Exception {
              // The client waits for the unbounded job; stopping the client leaves the job running
              // on
              // the cluster, as with `flink run`: cancel it there.
              job.terminate();
              job.awaitExit(120);
              assertEquals("the Gold job still ran on the cluster", 1, FLINK.cancelRunningJobs());
            }
          };
        });
  }

  private Map<String, String> env(Path lakehouse) {
    return Map.of(
        "LAKEHOUSE_PATH", lakehouse.toString(),
        "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "KAFKA_STARTING_OFFSETS", "earliest");
  }

  /** Waits for a Flink job in state RUNNING on the cluster; returns its id. */
  private static String awaitRunningFlinkJob(LocalFlinkCluster.Job job) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      assertTrue("the client died:\n" + job.tail(), job.isAlive());
      for (String[] flinkJob : FLINK.jobsOverview()) {
        if (flinkJob[2].equals("RUNNING")) {
          return flinkJob[0];
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no running Flink job after 120 s; client log:\n" + job.tail());
  }
}
