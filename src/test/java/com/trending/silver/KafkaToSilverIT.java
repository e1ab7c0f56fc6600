package com.trending.silver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.trending.common.DeadLetterReason;
import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.testing.LocalKafkaBroker;
import com.trending.testing.SparkSql;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Kafka → Silver end to end: a real broker (started by scripts/kafka-start.sh), a known corpus of
 * valid, malformed and redelivered messages, the pipeline on the Direct and the Spark runner, and
 * the lakehouse read back with plain Spark SQL.
 */
public class KafkaToSilverIT {

  @ClassRule public static final LocalKafkaBroker KAFKA = new LocalKafkaBroker();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final IngestCorpus CORPUS = IngestCorpus.create(42, 1500, 500, 200);

  @BeforeClass
  public static void produceCorpus() {
    CORPUS.topics.forEach((topic, messages) -> KAFKA.produce(topic, messages.messages));
  }

  @Test
  public void directRunnerWritesExactlyTheCorpus() throws IOException {
    Path lakehouse = tmp.newFolder("direct").toPath();
    IngestSummary summary =
        KafkaToSilver.run(options(lakehouse, "it-direct", CORPUS.totalMessages()));
    assertLakehouseHoldsCorpus(lakehouse);
    assertSummaryMatchesCorpus(summary);
  }

  /**
   * Three batches; each leaves nothing cached in the SparkContext (see {@link SparkCaches}),
   * checked between batches, before a GC would have let Spark drop the caches by itself.
   */
  @Test
  public void sparkRunnerWritesExactlyTheCorpus() throws IOException {
    Path lakehouse = tmp.newFolder("spark").toPath();
    String[] spark = SparkSql.beamSparkRunnerArgs();
    JavaSparkContext context = JavaSparkContext.fromSparkContext(SparkSql.session().sparkContext());
    List<String> cachedBetweenBatches = new ArrayList<>();
    IngestSummary summary =
        KafkaToSilver.run(
            options(
                lakehouse,
                "it-spark",
                CORPUS.totalMessages(),
                spark[0],
                spark[1],
                "--maxMessagesPerBatch=" + (CORPUS.totalMessages() / 3 + 1)),
            () -> {
              cachedBetweenBatches.add(context.getPersistentRDDs().keySet().toString());
              return false;
            });
    assertLakehouseHoldsCorpus(lakehouse);
    assertSummaryMatchesCorpus(summary);
    assertEquals(3, summary.batches());
    // Looked at before each batch: the first look comes before any of this run's batches (and may
    // see what other tests' pipelines left on the shared context); each later one follows a batch.
    assertEquals(3, cachedBetweenBatches.size());
    assertEquals(List.of("[]", "[]"), cachedBetweenBatches.subList(1, 3));
  }

  @Test
  public void flinkRunnerWritesExactlyTheCorpus() throws IOException {
    Path lakehouse = tmp.newFolder("flink").toPath();
    IngestSummary summary =
        KafkaToSilver.run(
            options(
                lakehouse,
                "it-flink",
                CORPUS.totalMessages(),
                "--runner=FlinkRunner",
                "--flinkMaster=[local]"));
    assertLakehouseHoldsCorpus(lakehouse);
    assertSummaryMatchesCorpus(summary);
  }

  @Test
  public void deltaOnFlinkRunnerWritesExactlyTheCorpus() throws IOException {
    Path lakehouse = tmp.newFolder("delta-flink").toPath();
    IngestSummary summary =
        KafkaToSilver.run(
            options(
                lakehouse,
                "it-delta-flink",
                CORPUS.totalMessages(),
                "--runner=FlinkRunner",
                "--flinkMaster=[local]",
                "--storageFormat=delta"));
    CORPUS.assertHeldBy(lakehouse, StorageFormat.DELTA);
    assertSummaryMatchesCorpus(summary);
  }

  @Test
  public void deltaOnDirectRunnerWritesExactlyTheCorpus() throws IOException {
    Path lakehouse = tmp.newFolder("delta-direct").toPath();
    IngestSummary summary =
        KafkaToSilver.run(
            options(lakehouse, "it-delta-direct", CORPUS.totalMessages(), "--storageFormat=delta"));
    CORPUS.assertHeldBy(lakehouse, StorageFormat.DELTA);
    assertSummaryMatchesCorpus(summary);
    assertDeltaPartitions(lakehouse);
  }

  @Test
  public void deltaOnSparkRunnerWritesExactlyTheCorpus() throws IOException {
    Path lakehouse = tmp.newFolder("delta-spark").toPath();
    String[] extra = {
      SparkSql.beamSparkRunnerArgs()[0], SparkSql.beamSparkRunnerArgs()[1], "--storageFormat=delta"
    };
    IngestSummary summary =
        KafkaToSilver.run(options(lakehouse, "it-delta-spark", CORPUS.totalMessages(), extra));
    CORPUS.assertHeldBy(lakehouse, StorageFormat.DELTA);
    assertSummaryMatchesCorpus(summary);
  }

  /**
   * The batch commit protocol, crashed (as by kill -9: nothing after the crash point runs) at each
   * of its steps in turn, on one lakehouse per format. After each crash a Spark SQL reader sees
   * exactly the committed files' rows, never an uncommitted file; each restart recovers (rolling
   * back or forward) and goes on; in the end the lakehouse holds exactly the corpus.
   */
  @Test
  public void crashAtEveryCommitStepLosesAndDoublesNothing() throws IOException {
    for (StorageFormat format : StorageFormat.values()) {
      Path root = tmp.newFolder("crash-" + format).toPath();
      Lakehouse lakehouse = Lakehouse.at(root.toString(), format);
      String views = lakehouse.silver(Lakehouse.VIEWS).dir();
      String clicksDeadLetters = lakehouse.deadLetters(Lakehouse.CLICKS).dir();
      // Each crash hits the first time its step comes, in a batch or in the recovery of one.
      String[] crashes = {
        MicroBatches.CRASH_FILES_WRITTEN, // batch 1: rolled back at the next start
        MicroBatches.CRASH_MANIFEST_WRITTEN, // batch 1 again: rolled forward at the next start
        MicroBatches.CRASH_TABLE_COMMITTED + views, // ... in that recovery, after one table of six
        MicroBatches.CRASH_OFFSETS_COMMITTED, // recovered; batch 2: after the ledger
        MicroBatches.CRASH_TABLE_COMMITTED + clicksDeadLetters, // batch 3: after four tables of six
        null
      }; // recovered; the last run finishes
      long perBatch = CORPUS.totalMessages() / 6 + 1;
      try {
        for (String crash : crashes) {
          AtomicBoolean armed = new AtomicBoolean(crash != null);
          MicroBatches.crashPoint =
              step -> {
                if (step.equals(crash) && armed.getAndSet(false)) {
                  throw new SimulatedCrash(step);
                }
              };
          KafkaToSilverOptions options =
              options(
                  root,
                  "it-crash",
                  1,
                  "--storageFormat=" + format,
                  "--maxMessagesPerBatch=" + perBatch);
          options.setMaxRecords(null);
          options.setAvailableNow(true);
          try {
            KafkaToSilver.run(options);
            assertEquals("the run ended without its crash", null, crash);
          } catch (SimulatedCrash e) {
            IngestCorpus.assertReadersSeeOnlyCommittedFiles(lakehouse);
          }
        }
      } finally {
        MicroBatches.crashPoint = step -> {};
      }
      CORPUS.assertHeldBy(root, format);
    }
  }

  /**
   * A real {@code kill -9} of the ingestion process in its second batch: on Parquet once its files
   * are all written (none committed), on Delta once its views table has committed it. After the
   * kill, Spark SQL reads exactly the committed files' rows; the restart rolls the Parquet batch
   * back and the Delta batch forward; in the end the lakehouse holds exactly the corpus. (Every
   * step of the commit on both formats, crash after crash, is {@link
   * #crashAtEveryCommitStepLosesAndDoublesNothing}, in process.)
   */
  @Test
  public void killDashNineMidBatchShowsReadersOnlyCommittedBatches() throws Exception {
    for (StorageFormat format : StorageFormat.values()) {
      Path root = tmp.newFolder("kill-" + format).toPath();
      Lakehouse lakehouse = Lakehouse.at(root.toString(), format);
      String[] job = {
        "--runner=DirectRunner",
        "--lakehousePath=" + root,
        "--storageFormat=" + format,
        "--kafkaBootstrapServers=" + KAFKA.bootstrapServers(),
        "--kafkaStartingOffsets=earliest",
        "--consumerGroup=it-kill",
        "--availableNow=true",
        "--maxMessagesPerBatch=" + (CORPUS.totalMessages() / 5 + 1)
      };
      String step =
          format == StorageFormat.PARQUET
              ? MicroBatches.CRASH_FILES_WRITTEN // all files written, nothing committed
              : MicroBatches.CRASH_TABLE_COMMITTED + lakehouse.silver(Lakehouse.VIEWS).dir();
      killWhenPaused(step, 2, job);
      IngestCorpus.assertReadersSeeOnlyCommittedFiles(lakehouse);

      KafkaToSilverOptions restart = options(root, "it-kill", 1, "--storageFormat=" + format);
      restart.setMaxRecords(null);
      restart.setAvailableNow(true);
      KafkaToSilver.run(restart);
      CORPUS.assertHeldBy(root, format);
    }
  }

  /** Runs {@link PausingKafkaToSilver} in its own JVM and kills it (SIGKILL) once it has paused. */
  private static void killWhenPaused(String step, int nth, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens"))
        .forEach(command::add);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            PausingKafkaToSilver.class.getName(),
            step,
            Integer.toString(nth)));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Boolean> paused =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                StringBuilder tail = new StringBuilder();
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  if (line.startsWith("PAUSED at ")) {
                    return true;
                  }
                  tail.append(line).append('\n');
                }
                System.out.println(tail);
                return false;
              } catch (IOException e) {
                return false;
              }
            });
    try {
      assertTrue("the job paused at " + step, paused.get(180, TimeUnit.SECONDS));
    } finally {
      process.destroyForcibly(); // SIGKILL
      process.waitFor();
    }
    System.out.println("kill -9 of the ingestion process at " + step + " (occurrence " + nth + ")");
  }

  /**
   * Delta, a checkpoint folder deleted between two runs of one group: the new ledger numbers its
   * batches from 1 again, and its commits must not be taken for the old ones (Delta's transaction
   * id includes the ledger's id). Silver still holds every event once.
   */
  @Test
  public void aNewLedgerOnADeltaLakehouseStillCommits() throws IOException {
    Path root = tmp.newFolder("new-ledger").toPath();
    KafkaToSilver.run(
        options(
            root,
            "it-new-ledger",
            CORPUS.totalMessages() / 2,
            "--storageFormat=delta",
            "--maxMessagesPerBatch=" + CORPUS.totalMessages() / 4));
    com.trending.testing.Scripts.deleteRecursively(
        root.resolve("_checkpoints/kafka-to-silver/it-new-ledger"));
    KafkaToSilverOptions again = options(root, "it-new-ledger", 1, "--storageFormat=delta");
    again.setMaxRecords(null);
    again.setAvailableNow(true);
    KafkaToSilver.run(again);
    Lakehouse lakehouse = Lakehouse.at(root.toString(), StorageFormat.DELTA);
    for (String topic : Lakehouse.TOPICS) {
      List<String> ids =
          SparkSql.read(lakehouse.silver(topic))
              .select("event_id")
              .as(org.apache.spark.sql.Encoders.STRING())
              .collectAsList();
      assertEquals(
          topic + " event ids", CORPUS.topics.get(topic).silver.keySet(), new HashSet<>(ids));
      assertEquals(topic + " once each", ids.size(), new HashSet<>(ids).size());
    }
  }

  /**
   * One ingestion job per lakehouse, whatever its consumer group: the second is refused (exit 2).
   */
  @Test
  public void aSecondIngestionJobOnTheLakehouseIsRefused() throws Exception {
    Path lakehouse = tmp.newFolder("two-jobs").toPath();
    try (com.trending.common.LakehouseLock held =
        Lakehouse.at(lakehouse.toString()).lock(KafkaToSilver.JOB)) {
      IllegalArgumentException refused =
          org.junit.Assert.assertThrows(
              IllegalArgumentException.class,
              () -> KafkaToSilver.run(options(lakehouse, "another-group", 10)));
      org.hamcrest.MatcherAssert.assertThat(
          refused.getMessage(),
          org.hamcrest.Matchers.containsString(
              "Another kafka-to-silver job is already writing the lakehouse"));
    }
  }

  /** A crash for the tests: thrown at a step of the commit protocol, so nothing after it runs. */
  private static final class SimulatedCrash extends Error {
    SimulatedCrash(String step) {
      super("simulated crash at " + step);
    }
  }

  /** The Delta log holds Silver's event_date partition values, as Delta readers expect. */
  private static void assertDeltaPartitions(Path lakehouse) {
    for (String topic : Lakehouse.TOPICS) {
      com.trending.common.Table table =
          Lakehouse.at(lakehouse.toString(), StorageFormat.DELTA).silver(topic);
      List<Row> detail =
          SparkSql.session()
              .sql("DESCRIBE DETAIL delta.`" + table.dir() + "`")
              .select("partitionColumns", "format")
              .collectAsList();
      assertEquals(List.of("event_date"), detail.get(0).getList(0));
      assertEquals("delta", detail.get(0).getString(1));
      // Partition pruning works from the log alone: one date's rows, as partition discovery gives.
      Row any = SparkSql.read(table).select("event_date").first();
      long oneDay =
          SparkSql.read(table)
              .where(org.apache.spark.sql.functions.col("event_date").equalTo(any.get(0)))
              .count();
      assertEquals(
          CORPUS.topics.get(topic).rowsPerDate().get(any.getDate(0).toLocalDate()).longValue(),
          oneDay);
    }
  }

  /**
   * Two bounded runs, the second resuming from the first's committed offsets, with an unfinished
   * batch (as a crash leaves it) planted in between: the lakehouse still holds every event once.
   */
  @Test
  public void resumesFromCommittedOffsetsAndRollsBackAnUnfinishedBatch() throws IOException {
    Path lakehouse = tmp.newFolder("resume").toPath();
    int first = CORPUS.totalMessages() / 2;
    KafkaToSilver.run(options(lakehouse, "it-resume", first));

    Path checkpoint = lakehouse.resolve("_checkpoints/kafka-to-silver/it-resume");
    Path someFile =
        Files.walk(lakehouse.resolve("silver/events_views"))
            .filter(f -> f.toString().endsWith(".parquet"))
            .findFirst()
            .orElseThrow();
    Path orphan = someFile.resolveSibling("part-b999999-crashed-00000-of-00001.snappy.parquet");
    Files.copy(someFile, orphan); // would double rows if it survived
    Files.writeString(
        checkpoint.resolve("pending.json"), "{\"batch\": 999999, \"run_id\": \"b999999-crashed\"}");
    long committedViews =
        SparkSql.session().read().parquet(someFile.getParent().getParent().toString()).count();
    long onDisk =
        SparkSql.session()
            .read()
            .parquet(
                Files.walk(someFile.getParent().getParent())
                    .filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("/_"))
                    .map(Path::toString)
                    .toArray(String[]::new))
            .count();
    assertTrue(
        "the planted file is on disk: " + onDisk + " > " + committedViews, onDisk > committedViews);

    IngestSummary second =
        KafkaToSilver.run(options(lakehouse, "it-resume", CORPUS.totalMessages() - first));
    assertFalse("the unfinished batch's file was removed", Files.exists(orphan));
    assertFalse(Files.exists(checkpoint.resolve("pending.json")));
    long readSecond = Lakehouse.TOPICS.stream().mapToLong(second::read).sum();
    assertEquals(
        "the second run read exactly the rest", CORPUS.totalMessages() - first, readSecond);
    assertLakehouseHoldsCorpus(lakehouse);
  }

  private static KafkaToSilverOptions options(
      Path lakehouse, String group, long maxRecords, String... extra) {
    return IngestCorpus.options(KAFKA.bootstrapServers(), lakehouse, group, maxRecords, extra);
  }

  private static void assertSummaryMatchesCorpus(IngestSummary summary) {
    CORPUS.topics.forEach(
        (topic, expected) -> {
          assertEquals(topic, expected.messages.size(), summary.read(topic));
          assertEquals(topic, expected.silver.size(), summary.silverRows(topic));
        });
    Map<String, Long> reasons = new TreeMap<>();
    CORPUS
        .topics
        .values()
        .forEach(t -> t.deadLetters.values().forEach(r -> reasons.merge(r, 1L, Long::sum)));
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      assertEquals(
          reason.code(),
          (long) reasons.getOrDefault(reason.code(), 0L),
          summary.deadLetters(reason));
    }
  }

  private static void assertLakehouseHoldsCorpus(Path lakehouse) {
    CORPUS.assertHeldBy(lakehouse);
  }
}
