package com.trending.silver;

import static com.trending.common.Lakehouse.TOPICS;
import static com.trending.silver.KafkaToSilver.JOB;

import com.trending.common.KafkaClientSettings;
import com.trending.common.Lakehouse;
import com.trending.common.LakehouseLock;
import com.trending.common.Table;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The micro-batch loop of Kafka → Silver: plans each batch's offsets ({@link BatchPlan}), runs
 * {@link SilverPipeline} over them, commits the files to every table's log and the offsets to the
 * {@link OffsetLedger}, and recovers what a previous run left in flight.
 */
final class MicroBatches {
  private static final Logger LOG = LoggerFactory.getLogger(MicroBatches.class);

  private MicroBatches() {}

  /**
   * Runs batches until the bounds of {@code options} are reached (forever when there are none), or
   * until the batch during which {@code stop} turns true has committed.
   */
  static IngestSummary run(
      KafkaToSilverOptions options,
      Lakehouse lakehouse,
      String checkpointDir,
      BooleanSupplier stop) {
    options.setStreaming(false); // each micro-batch is a bounded pipeline
    System.setProperty(
        "beam.spark.test.reuseSparkContext", "true"); // one SparkContext for all batches
    IngestSummary summary = new IngestSummary();

    KafkaClientSettings settings =
        KafkaClientSettings.load(
            options.getKafkaBootstrapServers(), options.getKafkaClientProperties());
    Duration retryTimeout = Duration.ofSeconds(options.getKafkaRetryTimeoutSeconds());
    try (LakehouseLock lock = lakehouse.lock(JOB);
        KafkaOffsets kafka =
            KafkaOffsets.connect(settings, options.getConsumerGroup(), retryTimeout)) {
      OffsetLedger ledger = OffsetLedger.open(checkpointDir);
      List<TopicPartition> partitions = partitions(kafka);
      recover(lakehouse, ledger, appId(options, ledger));
      tables(lakehouse).forEach(table -> table.log().create()); // readers can load them at once
      Map<TopicPartition, Long> positions = startPositions(options, kafka, ledger, partitions);

      Long maxRecords = options.getMaxRecords();
      long deadline =
          options.getMaxReadTimeSeconds() == null
              ? Long.MAX_VALUE
              : System.currentTimeMillis() + options.getMaxReadTimeSeconds() * 1000;
      long consumed = 0;
      long batch = ledger.lastBatch();
      long lastWaitLog = 0;
      long failingSince = 0;
      Map<TopicPartition, Long> endsAtStart =
          options.getAvailableNow() ? kafka.endOffsets(partitions) : null;
      while ((maxRecords == null || consumed < maxRecords) && !stop.getAsBoolean()) {
        boolean timeUp = System.currentTimeMillis() >= deadline;
        long limit =
            Math.min(
                options.getMaxMessagesPerBatch(),
                maxRecords == null ? Long.MAX_VALUE : maxRecords - consumed);
        if (endsAtStart == null) {
          partitions = addNewPartitions(kafka, partitions, positions);
        }
        Map<TopicPartition, Long> ends =
            endsAtStart != null ? endsAtStart : kafka.endOffsets(partitions);
        checkWithinEnds(positions, ends, ledger);
        long available = 0;
        for (TopicPartition tp : partitions) {
          available += Math.max(0, ends.get(tp) - positions.get(tp));
        }
        if (endsAtStart != null && available == 0) {
          break; // caught up with what was there at the start
        }
        boolean ready =
            available >= limit
                || (maxRecords == null && available > 0)
                || timeUp
                || endsAtStart != null;
        if (!ready) {
          if (System.currentTimeMillis() - lastWaitLog > 10_000) {
            if (maxRecords == null) {
              LOG.info("Up to date; waiting for new messages");
            } else {
              LOG.info(
                  "Waiting for messages: {} of the {} this run still takes are in Kafka",
                  available,
                  limit);
            }
            lastWaitLog = System.currentTimeMillis();
          }
          sleep(options.getPollIntervalMillis());
          continue;
        }
        skipExpired(kafka, partitions, positions, summary);
        BatchPlan plan =
            BatchPlan.of(batch + 1, runId(batch + 1), partitions, positions, ends, limit);
        if (!plan.isEmpty()) {
          if (!runBatch(options, settings, lakehouse, plan, kafka, ledger, summary)) {
            failingSince = failingSince == 0 ? System.currentTimeMillis() : failingSince;
            if (System.currentTimeMillis() - failingSince > retryTimeout.toMillis()) {
              throw new IllegalStateException(
                  "Batch "
                      + plan.batch()
                      + " failed on Kafka errors for "
                      + retryTimeout.toSeconds()
                      + " s; giving up (nothing of it was committed: restart the"
                      + " job once Kafka answers, it continues where it stopped).");
            }
            KafkaOffsets.sleep(Duration.ofSeconds(5));
            continue; // planned again: the partitions' ends and first offsets may have moved
          }
          failingSince = 0;
          batch = plan.batch();
          positions = new HashMap<>(plan.to());
          consumed += plan.total();
        }
        if (timeUp) {
          break;
        }
      }
    }
    return summary;
  }

  /** The partitions of every topic. */
  private static List<TopicPartition> partitions(KafkaOffsets kafka) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : TOPICS) {
      partitions.addAll(kafka.partitions(topic));
    }
    return partitions;
  }

  /**
   * The topics' partitions now. A partition added while the job runs is read from its first offset
   * (all of it is new); one that disappeared fails the job, as a topic deleted and recreated with
   * fewer partitions would leave this lakehouse's offsets meaningless.
   */
  private static List<TopicPartition> addNewPartitions(
      KafkaOffsets kafka, List<TopicPartition> known, Map<TopicPartition, Long> positions) {
    List<TopicPartition> now = partitions(kafka);
    for (TopicPartition tp : known) {
      if (!now.contains(tp)) {
        throw new IllegalArgumentException(
            "Partition "
                + tp
                + " is gone from Kafka: was the topic"
                + " deleted and recreated? Nothing more was read. "
                + START_OVER);
      }
    }
    List<TopicPartition> added = now.stream().filter(tp -> !positions.containsKey(tp)).toList();
    if (!added.isEmpty()) {
      Map<TopicPartition, Long> first = kafka.beginningOffsets(added);
      positions.putAll(first);
      LOG.info("New partitions {}: reading them from their first offsets {}", added, first);
    }
    return now;
  }

  private static final String START_OVER =
      "To start over on what the topics hold now, move this job's checkpoint folder away (a new one"
          + " starts from KAFKA_STARTING_OFFSETS) or use another KAFKA_GROUP_ID; Silver keeps what"
          + " it has.";

  /**
   * Fails when this lakehouse's position in a partition lies beyond the partition's end: the topic
   * was recreated or the broker lost its data, and reading on would silently skip or re-read.
   */
  private static void checkWithinEnds(
      Map<TopicPartition, Long> positions, Map<TopicPartition, Long> ends, OffsetLedger ledger) {
    positions.forEach(
        (tp, position) -> {
          Long end = ends.get(tp);
          if (end != null && position > end) {
            throw new IllegalArgumentException(
                tp
                    + ": this lakehouse has ingested up to offset "
                    + position
                    + " (checkpoint "
                    + ledger.dir()
                    + "), but the partition now ends at "
                    + end
                    + ": the topic was deleted and recreated, or the broker lost its data. Nothing"
                    + " more was read. "
                    + START_OVER);
          }
        });
  }

  /**
   * Moves past messages that Kafka's retention deleted before this job read them, saying how many:
   * they cannot be ingested any more, and waiting would not bring them back.
   */
  private static void skipExpired(
      KafkaOffsets kafka,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> positions,
      IngestSummary summary) {
    Map<TopicPartition, Long> first = kafka.beginningOffsets(partitions);
    for (TopicPartition tp : partitions) {
      long position = positions.get(tp);
      if (position < first.get(tp)) {
        long lost = first.get(tp) - position;
        LOG.warn(
            "{}: {} messages (offsets {}..{}) expired from Kafka before this job read them; they"
                + " are not in Silver. Continuing at offset {}.",
            tp,
            lost,
            position,
            first.get(tp) - 1,
            first.get(tp));
        summary.expired(lost);
        positions.put(tp, first.get(tp));
      }
    }
  }

  /**
   * Runs one batch and commits it. The steps, and what a crash after each leaves:
   *
   * <ol>
   *   <li>{@code pending.json} ← batch number, run id, end offsets. Crash: rolled back.
   *   <li>The pipeline writes every table's files, all named after the run id; no table's log names
   *       them, so no reader sees them. Crash: rolled back (the files are deleted).
   *   <li>{@code pending.json} ← the manifest, the files of each table. From here the batch is
   *       complete on disk and is only ever rolled forward.
   *   <li>Each table's log commits its files, once per (job + group, batch) (Delta's transaction
   *       id; the Parquet log's file names). Crash after some tables: the restart commits the
   *       others, and skips those that already hold the batch.
   *   <li>{@code offsets.json} ← the end offsets; {@code pending.json} removed.
   *   <li>The consumer group's offsets in Kafka (for lag monitoring only).
   * </ol>
   *
   * <p>A pipeline that fails because of Kafka (a broker restart, a stall, expired offsets) is
   * rolled back at once and this returns false, for the caller to plan the batch again.
   */
  private static boolean runBatch(
      KafkaToSilverOptions options,
      KafkaClientSettings settings,
      Lakehouse lakehouse,
      BatchPlan plan,
      KafkaOffsets kafka,
      OffsetLedger ledger,
      IngestSummary summary) {
    long start = System.currentTimeMillis();
    ledger.begin(plan);
    Pipeline pipeline = Pipeline.create(options);
    SilverPipeline.build(pipeline, options, settings, lakehouse, plan);
    PipelineResult result;
    try {
      result = pipeline.run();
      PipelineResult.State state = result.waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException(
            "Batch " + plan.batch() + " ended " + state + "; nothing committed");
      }
    } catch (RuntimeException e) {
      if (!causedByKafka(e)) {
        throw e;
      }
      rollBack(lakehouse, ledger, plan.batch(), plan.runId());
      LOG.warn(
          "Batch {} failed reading Kafka ({}); rolled back, trying again",
          plan.batch(),
          kafkaCause(e));
      return false;
    }
    SparkCaches.release(options);
    long written = System.currentTimeMillis();
    IngestSummary batch = new IngestSummary();
    batch.add(result, 0);
    crashPoint.accept(CRASH_FILES_WRITTEN);
    Map<String, List<String>> manifest = manifest(lakehouse, plan.runId(), result);
    ledger.written(plan, manifest);
    crashPoint.accept(CRASH_MANIFEST_WRITTEN);
    commitTables(lakehouse, appId(options, ledger), plan.batch(), manifest);
    ledger.commit(plan);
    crashPoint.accept(CRASH_OFFSETS_COMMITTED);
    kafka.commitForMonitoring(plan.to());
    long millis = System.currentTimeMillis() - start;
    summary.add(result, millis);
    LOG.info(
        "Batch {}: {} messages in {} ms (pipeline {} ms, commit {} ms) -> silver {}/{}/{}, dead"
            + " letters {}, duplicates {}; committed",
        plan.batch(),
        plan.total(),
        millis,
        written - start,
        System.currentTimeMillis() - written,
        batch.silverRows(Lakehouse.VIEWS),
        batch.silverRows(Lakehouse.CLICKS),
        batch.silverRows(Lakehouse.RATINGS),
        batch.deadLetters(),
        TOPICS.stream().mapToLong(batch::duplicates).sum());
    return true;
  }

  /** True when a Kafka client error (not a refused login) is behind {@code e}. */
  private static boolean causedByKafka(Throwable e) {
    String cause = kafkaCause(e);
    return cause != null
        && !cause.contains("AuthenticationException")
        && !cause.contains("AuthorizationException");
  }

  /**
   * The first Kafka client error in {@code e}'s causes, as text: runners may hand back a copy of a
   * worker's exception rather than the exception itself.
   */
  private static String kafkaCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KafkaException
          || String.valueOf(t).contains("org.apache.kafka.common.errors.")) {
        return t.toString();
      }
    }
    return null;
  }

  /** Step 4 of {@link #runBatch}: each table's log commits its files of the batch, at most once. */
  private static void commitTables(
      Lakehouse lakehouse, String appId, long batch, Map<String, List<String>> manifest) {
    for (Table table : tables(lakehouse)) {
      List<String> files = manifest.getOrDefault(table.dir(), List.of());
      if (!files.isEmpty() && !table.log().append(appId, batch, files)) {
        LOG.info("Batch {} was already committed to {}", batch, table);
      }
      crashPoint.accept(CRASH_TABLE_COMMITTED + table.dir());
    }
  }

  /**
   * Finishes what a previous run left in flight: a batch whose manifest was written is committed to
   * every table that does not hold it yet, then to the ledger (rolled forward); a batch that died
   * while writing has its files deleted (rolled back; its messages are read again).
   */
  private static void recover(Lakehouse lakehouse, OffsetLedger ledger, String appId) {
    OffsetLedger.Pending pending = ledger.pending();
    if (pending == null) {
      return;
    }
    if (pending.batch() <= ledger.lastBatch()) { // died after committing, before cleaning up
      ledger.clearPending();
    } else if (pending.files() != null) {
      checkManifest(lakehouse, pending);
      commitTables(lakehouse, appId, pending.batch(), pending.files());
      ledger.commit(new BatchPlan(pending.batch(), pending.runId(), pending.to(), pending.to()));
      LOG.warn(
          "Batch {} (run {}) was written but not fully committed when the last run stopped:"
              + " committed now.",
          pending.batch(),
          pending.runId());
    } else {
      rollBack(lakehouse, ledger, pending.batch(), pending.runId());
    }
  }

  /** Deletes the files run {@code runId} wrote and forgets it: its messages will be read again. */
  private static void rollBack(Lakehouse lakehouse, OffsetLedger ledger, long batch, String runId) {
    int removed = OffsetLedger.deleteRunFiles(runId, tables(lakehouse));
    OffsetLedger.deleteBeamTempFolders(lakehouse.storage(), lakehouse.silverFolder());
    ledger.clearPending();
    LOG.warn(
        "Rolled back unfinished batch {} (run {}): removed {} files; its messages will be read"
            + " again.",
        batch,
        runId,
        removed);
  }

  /**
   * Refuses to roll forward a manifest that does not describe this lakehouse's tables or whose
   * files are gone: committing offsets without those files would lose their events.
   */
  private static void checkManifest(Lakehouse lakehouse, OffsetLedger.Pending pending) {
    List<String> dirs = tables(lakehouse).stream().map(Table::dir).toList();
    for (Map.Entry<String, List<String>> table : pending.files().entrySet()) {
      if (!dirs.contains(table.getKey())) {
        throw new IllegalStateException(
            "Batch "
                + pending.batch()
                + " in "
                + "pending.json names table "
                + table.getKey()
                + ", which is not one of this lakehouse's ("
                + lakehouse.root()
                + "): was LAKEHOUSE_PATH changed? Nothing was committed.");
      }
      for (String file : table.getValue()) {
        if (!lakehouse.storage().exists(lakehouse.storage().location(file))) {
          throw new IllegalStateException(
              "Batch "
                  + pending.batch()
                  + " cannot be committed: its file "
                  + file
                  + " is gone. Nothing was committed.");
        }
      }
    }
  }

  /** The six tables this job writes: Silver and dead letters of each topic. */
  static List<Table> tables(Lakehouse lakehouse) {
    List<Table> tables = new ArrayList<>();
    for (String topic : TOPICS) {
      tables.add(lakehouse.silver(topic));
      tables.add(lakehouse.deadLetters(topic));
    }
    return tables;
  }

  /**
   * Step 3 of {@link #runBatch}: per table, the URIs of the files run {@code runId} wrote, as its
   * write reported them; when that report is incomplete, as a listing of every table finds them.
   */
  private static Map<String, List<String>> manifest(
      Lakehouse lakehouse, String runId, PipelineResult result) {
    Map<String, List<String>> reported =
        WriteParquetTables.reportedFiles(result, lakehouse.storage());
    if (reported == null) {
      LOG.info(
          "The write's report of its files is incomplete or empty; listing the tables instead");
    }
    Map<String, List<String>> manifest = new TreeMap<>();
    for (Table table : tables(lakehouse)) {
      List<String> files =
          reported == null
              ? runFiles(table, runId)
              : reported.getOrDefault(table.dir(), List.of()).stream()
                  .map(f -> table.storage().uri(f))
                  .sorted()
                  .toList();
      manifest.put(table.dir(), files);
    }
    if (reported != null && !manifest.keySet().containsAll(reported.keySet())) {
      throw new IllegalStateException(
          "Run " + runId + " wrote files outside this lakehouse's tables: " + reported.keySet());
    }
    return manifest;
  }

  /** The data files of {@code table} that run {@code runId} wrote, as URIs. */
  private static List<String> runFiles(Table table, String runId) {
    String prefix = WriteParquetTables.filePrefix(runId);
    return table.storage().listFiles(table.dir()).stream()
        .filter(f -> f.name().startsWith(prefix))
        .filter(f -> Lakehouse.isDataFile(table.dir(), f.location()))
        .map(f -> table.storage().uri(f.location()))
        .sorted()
        .toList();
  }

  /**
   * The transaction id's application part in every table's log: this job, its group and its ledger.
   * Batch numbers restart at 1 with a new ledger (a deleted or moved checkpoint folder); the
   * ledger's id keeps Delta from taking those batches for ones it has already committed.
   */
  static String appId(KafkaToSilverOptions options, OffsetLedger ledger) {
    return JOB + "/" + options.getConsumerGroup() + "/" + ledger.id();
  }

  // Crash points: tests stop a batch at each step of the commit protocol, as a kill -9 would.
  static final String CRASH_FILES_WRITTEN = "files-written";
  static final String CRASH_MANIFEST_WRITTEN = "manifest-written";
  static final String CRASH_TABLE_COMMITTED = "table-committed:";
  static final String CRASH_OFFSETS_COMMITTED = "offsets-committed";
  static volatile Consumer<String> crashPoint = step -> {};

  /** Where each partition starts: this lakehouse's committed offsets, else the starting policy. */
  private static Map<TopicPartition, Long> startPositions(
      KafkaToSilverOptions options,
      KafkaOffsets kafka,
      OffsetLedger ledger,
      List<TopicPartition> partitions) {
    Map<TopicPartition, Long> committed = ledger.offsets();
    Map<TopicPartition, Long> beginning = kafka.beginningOffsets(partitions);
    Map<TopicPartition, Long> end = kafka.endOffsets(partitions);
    boolean earliest = options.getKafkaStartingOffsets().trim().equalsIgnoreCase("earliest");
    if (committed.isEmpty()) {
      Map<TopicPartition, Long> groupOffsets = kafka.committed(partitions);
      if (!groupOffsets.isEmpty()) {
        LOG.warn(
            "Consumer group '{}' has offsets committed in Kafka, but this lakehouse ({}) holds"
                + " none: starting from KAFKA_STARTING_OFFSETS={} so that nothing is missing from"
                + " it.",
            options.getConsumerGroup(),
            options.getLakehousePath(),
            options.getKafkaStartingOffsets());
      }
    }
    Map<TopicPartition, Long> positions = new HashMap<>();
    for (TopicPartition tp : partitions) {
      Long offset = committed.get(tp);
      if (offset == null) { // a new lakehouse, or a partition added since the last run
        offset = earliest || !committed.isEmpty() ? beginning.get(tp) : end.get(tp);
      }
      positions.put(tp, offset);
    }
    LOG.info(
        "Starting from {} offsets: {}",
        committed.isEmpty() ? options.getKafkaStartingOffsets() : "committed",
        positions);
    if (committed.isEmpty()) {
      // Remember where this lakehouse starts, so that a restart does not skip what arrives
      // meanwhile.
      ledger.commit(new BatchPlan(0, "start", positions, positions));
    }
    return positions;
  }

  private static String runId(long batch) {
    return String.format("b%06d-%s", batch, UUID.randomUUID());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
