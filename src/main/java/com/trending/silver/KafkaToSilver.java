package com.trending.silver;

import static com.trending.common.RunnerDefaults.DIRECT_OPTIONS;
import static com.trending.common.RunnerDefaults.SPARK_OPTIONS;
import static com.trending.common.RunnerDefaults.setUnlessGiven;

import com.trending.common.Lakehouse;
import com.trending.common.RunnerDefaults;
import com.trending.common.Storage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka → Silver: reads {@code events_views}, {@code events_clicks} and {@code events_ratings},
 * validates each message against its topic's JSON Schema, and writes valid events to the Silver
 * tables (Parquet or Delta, partitioned by {@code event_date}) and every other message, with its
 * reason, to the topic's dead-letter table. This class is the entry point: options and their
 * checks.
 *
 * <p>The job runs as a sequence of micro-batches, each a bounded Beam pipeline over offsets fixed
 * before it starts: {@link SilverPipeline} is the data flow; {@link MicroBatches} is the loop
 * around it. A batch's files become part of the tables when each table's log commits them, and its
 * offsets are committed (in the lakehouse's {@code _checkpoints}, then to the Kafka consumer group)
 * only after that; a batch that dies is rolled back or forward at the next start ({@code
 * MicroBatches.runBatch} lists the steps). With {@link DeduplicateEvents} this gives every {@code
 * event_id} exactly once in Silver across redelivery, crashes and restarts, on every runner, and
 * readers never see an uncommitted batch. Without {@code --maxRecords}, {@code
 * --maxReadTimeSeconds} or {@code --availableNow} the loop runs until stopped.
 */
public final class KafkaToSilver {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaToSilver.class);

  public static final String JOB = "kafka-to-silver";

  /** How long a stop request waits for the running batch to commit. */
  private static final long STOP_TIMEOUT_SECONDS = 300;

  /**
   * Above Spark's (40) and Hadoop's file systems' (10) hooks, far from overflowing their
   * comparison.
   */
  private static final int STOP_HOOK_PRIORITY = 10_000;

  private KafkaToSilver() {}

  public static void main(String[] args) {
    PipelineOptionsFactory.register(KafkaToSilverOptions.class);
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    int exit;
    try {
      // Before the stop hook: --help prints and exits here, and the hook would wait for a batch.
      KafkaToSilverOptions options = parse(args);
      addStopHook(stop, finished);
      IngestSummary summary = run(options, stop::get);
      System.out.println(stop.get() ? "Kafka → Silver stopped:" : "Kafka → Silver finished:");
      System.out.println(summary.describe());
      exit = 0;
    } catch (IllegalArgumentException e) {
      System.err.println("kafka-to-silver: " + e.getMessage());
      exit = 2;
    } catch (RuntimeException e) {
      LOG.error("kafka-to-silver failed", e);
      exit = 1;
    } finally {
      finished.countDown();
    }
    System.exit(exit);
  }

  /**
   * Ctrl+C / SIGTERM: sets {@code stop}, so that the running batch finishes (and its offsets are
   * committed), and waits for {@code finished} before the JVM exits. Registered with Hadoop's hook
   * manager, which runs hooks one after the other by priority: Spark's own hook (which stops the
   * SparkContext) waits until this one returns.
   */
  private static void addStopHook(AtomicBoolean stop, CountDownLatch finished) {
    ShutdownHookManager.get()
        .addShutdownHook(
            () -> {
              stop.set(true);
              try {
                finished.await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            STOP_HOOK_PRIORITY,
            STOP_TIMEOUT_SECONDS + 5,
            TimeUnit.SECONDS);
  }

  /**
   * Parses the arguments and sets what the runner needs unless the command line gives it (Direct:
   * one worker thread; Spark: serialized caching). {@code --checkpointDir=D} means {@code
   * --offsetsDir=D}. {@code --streaming=false} without another bound means {@code --availableNow};
   * {@code --streaming=true}, like no {@code --streaming} at all, ingests until stopped.
   */
  public static KafkaToSilverOptions parse(String[] args) {
    List<String> renamed = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("--checkpointDir") || arg.equals("--offsetsDir")) {
        throw new IllegalArgumentException(arg + " needs a folder: " + arg + "=/path/to/folder");
      }
      renamed.add(arg.startsWith("--checkpointDir=") ? "--offsetsDir=" + arg.substring(16) : arg);
    }
    if (renamed.stream().filter(a -> a.startsWith("--offsetsDir=")).count() > 1) {
      throw new IllegalArgumentException("Give --checkpointDir (or --offsetsDir) once.");
    }
    KafkaToSilverOptions options =
        PipelineOptionsFactory.fromArgs(renamed.toArray(new String[0]))
            .withValidation()
            .as(KafkaToSilverOptions.class);
    boolean batchMode = Arrays.stream(args).anyMatch(a -> a.equalsIgnoreCase("--streaming=false"));
    if (batchMode && options.getMaxRecords() == null && options.getMaxReadTimeSeconds() == null) {
      options.setAvailableNow(true);
    }
    if (RunnerDefaults.isDirect(options)) {
      // The runner's scheduler looks for fired timers and new work in a loop that never waits
      // while a thread is free. One worker thread: at 1,000 events/s Kafka → Silver took 0.73
      // cores instead of 1.10 for the same freshness, and a 1,000,000-message backlog ingested in
      // about the same time with 15% less CPU (2 cores: the JIT compiler has the other one).
      setUnlessGiven(options, args, DIRECT_OPTIONS, "targetParallelism", 1);
    }
    if (RunnerDefaults.isSpark(options)) {
      RunnerDefaults.sparkSettings(options);
      // The runner caches a PCollection read twice (the parse's output: valid events and dead
      // letters); deserialized, Spark's size estimate of every cached object took ~30% of the CPU.
      setUnlessGiven(options, args, SPARK_OPTIONS, "storageLevel", "MEMORY_ONLY_SER");
    }
    return options;
  }

  /**
   * Runs batches until the bounds of {@code options} are reached (forever when there are none).
   * Fails fast, with {@link IllegalArgumentException}, on configuration a user must fix.
   */
  public static IngestSummary run(KafkaToSilverOptions options) {
    return run(options, () -> false);
  }

  /**
   * As {@link #run(KafkaToSilverOptions)}, also ending after the batch during which {@code stop}
   * turns true.
   */
  public static IngestSummary run(KafkaToSilverOptions options, BooleanSupplier stop) {
    validate(options);
    Lakehouse lakehouse = Lakehouse.validate(options);
    return MicroBatches.run(options, lakehouse, checkpointDir(options, lakehouse), stop);
  }

  /**
   * {@code --offsetsDir} (or {@code --checkpointDir}): a local folder, {@code file:}, {@code
   * hdfs://} or {@code s3a://} location; else {@code _checkpoints/kafka-to-silver/<group>} in the
   * lakehouse.
   */
  static String checkpointDir(KafkaToSilverOptions options, Lakehouse lakehouse) {
    String dir = options.getOffsetsDir();
    if (dir == null || dir.isBlank()) {
      return lakehouse.checkpoints(JOB, options.getConsumerGroup());
    }
    try {
      return Storage.normalize(dir);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--checkpointDir " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void validate(KafkaToSilverOptions options) {
    String starting =
        options.getKafkaStartingOffsets() == null ? "" : options.getKafkaStartingOffsets().trim();
    if (!starting.equalsIgnoreCase("earliest") && !starting.equalsIgnoreCase("latest")) {
      throw new IllegalArgumentException(
          "KAFKA_STARTING_OFFSETS must be 'earliest' or 'latest', not '"
              + options.getKafkaStartingOffsets()
              + "'.");
    }
    double min = options.getMinRating();
    double max = options.getMaxRating();
    if (!(min <= max)) {
      throw new IllegalArgumentException(
          "MIN_RATING ("
              + min
              + ") is greater than MAX_RATING ("
              + max
              + "): set MIN_RATING <= MAX_RATING.");
    }
    if (options.getMaxRecords() != null && options.getMaxRecords() <= 0) {
      throw new IllegalArgumentException(
          "--maxRecords must be positive, not " + options.getMaxRecords());
    }
    if (options.getMaxReadTimeSeconds() != null && options.getMaxReadTimeSeconds() < 0) {
      throw new IllegalArgumentException("--maxReadTimeSeconds must not be negative");
    }
    if (options.getMaxMessagesPerBatch() < 1 || options.getDedupBuckets() < 1) {
      throw new IllegalArgumentException(
          "--maxMessagesPerBatch and --dedupBuckets must be at least 1");
    }
    if (options.getConsumerGroup() == null || options.getConsumerGroup().isBlank()) {
      throw new IllegalArgumentException("KAFKA_GROUP_ID (or --consumerGroup) must not be empty");
    }
  }
}
