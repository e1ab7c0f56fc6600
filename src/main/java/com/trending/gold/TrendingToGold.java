package com.trending.gold;

import static com.trending.common.RunnerDefaults.DIRECT_OPTIONS;
import static com.trending.common.RunnerDefaults.SPARK_OPTIONS;
import static com.trending.common.RunnerDefaults.setUnlessGiven;

import com.trending.common.Lakehouse;
import com.trending.common.LakehouseLock;
import com.trending.common.RunnerDefaults;
import com.trending.common.StorageFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silver {@code events_views} and {@code events_clicks} in; Gold {@code trending_now_1h} and {@code
 * trending_now_24h} out, each rewritten whole and atomically (see {@link GoldTable}).
 *
 * <p>{@code --streaming=false} recomputes Gold from all of Silver once and exits. Streaming (the
 * default) keeps watching Silver for new files and refreshes Gold about every {@code
 * --triggerPeriodSeconds}. The same transforms run in both modes and on every runner.
 */
public class TrendingToGold {
  private static final Logger LOG = LoggerFactory.getLogger(TrendingToGold.class);

  public static final String JOB = "trending-to-gold";
  private static final List<String> GOLD_TABLES =
      List.of(Lakehouse.TRENDING_1H, Lakehouse.TRENDING_24H);

  /** Default shortest micro-batch on the Spark runner (see {@link #parse}). */
  static final long MIN_SPARK_BATCH_MILLIS = 10_000;

  public static void main(String[] args) throws IOException {
    TrendingToGoldOptions options = parse(args);
    PipelineResult.State state = run(options);
    if (state != PipelineResult.State.DONE) {
      LOG.error("TrendingToGold ended in state {}", state);
      System.exit(1);
    }
  }

  /**
   * Parses the arguments once (streaming unless {@code --streaming=false}, like the original job),
   * then sets what the runner needs unless the command line gives it. On the Direct runner: its
   * per-element safety checks off, and when streaming one worker thread. On the Spark runner: the
   * micro-batch interval to the refresh period but at least {@link #MIN_SPARK_BATCH_MILLIS} (Beam's
   * 500 ms batches fall far behind), the checkpoint interval to one micro-batch, the checkpoint
   * folder to {@code $LAKEHOUSE_PATH/_checkpoints/trending-to-gold}, and Spark's Hadoop
   * configuration to the store's settings. These hold however the job is started: by the launch
   * scripts (which also add {@code runners/<runner>/pipeline.options}), by {@code spark-submit}
   * (which does not), or in a JVM of tests and benchmarks; and the Spark ones depend on other
   * options.
   */
  static TrendingToGoldOptions parse(String[] args) {
    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(TrendingToGoldOptions.class);
    if (Arrays.stream(args).noneMatch(a -> a.startsWith("--streaming"))) {
      options.setStreaming(true);
    }
    if (RunnerDefaults.isDirect(options)) {
      // The Direct runner's per-element immutability and encodability checks cost about a
      // quarter of a batch recompute; tests keep them on.
      setUnlessGiven(options, args, DIRECT_OPTIONS, "enforceImmutability", false);
      setUnlessGiven(options, args, DIRECT_OPTIONS, "enforceEncodability", false);
      if (options.isStreaming()) {
        // The runner's scheduler looks for fired timers and new work in a loop that never waits:
        // with threads to spare it kept 1.2 of this machine's 2 cores busy while Gold had
        // nothing to do. On one thread it takes turns with the work, and the Silver reader's
        // short wait when the log has nothing new (SilverLogSource.IDLE_WAIT) paces it.
        setUnlessGiven(options, args, DIRECT_OPTIONS, "targetParallelism", 1);
      }
      return options;
    }
    if (!RunnerDefaults.isSpark(options)) {
      return options;
    }
    RunnerDefaults.sparkSettings(options);
    // Gold is refreshed once per micro-batch, and each one costs ~3-5 s on 2 local cores at
    // 1,000 events/s and ~7 s on a local standalone cluster (the Spark runner rescans all window
    // state per batch): 5 s batches met the seed's refresh on local[*] once warm, but on the
    // cluster they queued up without end (Gold minutes behind), so the default stays 10 s.
    setUnlessGiven(
        options,
        args,
        SPARK_OPTIONS,
        "batchIntervalMillis",
        Math.max(MIN_SPARK_BATCH_MILLIS, 1000L * options.getTriggerPeriodSeconds()));
    // The runner's executors cache the watermarks for half of --checkpointDurationMillis, whose
    // default (-1) makes that no time at all: every key of every stateful step in every
    // micro-batch then fetched them from the driver (650 fetches a second on the local cluster,
    // Gold's micro-batches 14 s for a 10 s interval). One micro-batch is what Spark checkpoints
    // stateful streams at by default anyway (max(interval, 10 s)).
    setUnlessGiven(
        options,
        args,
        SPARK_OPTIONS,
        "checkpointDurationMillis",
        RunnerDefaults.get(options, SPARK_OPTIONS, "batchIntervalMillis"));
    Lakehouse lakehouse = Lakehouse.at(options.getLakehousePath());
    setUnlessGiven(options, args, SPARK_OPTIONS, "checkpointDir", lakehouse.checkpoints(JOB));
    // Spark keeps its streaming checkpoint through its own Hadoop configuration, which the runner
    // builds from spark.* system properties: give it the store's settings (an S3 endpoint, say).
    // Spark's UI redacts the credentials among them.
    lakehouse
        .storage()
        .hadoopSettings()
        .forEach(
            (key, value) -> {
              if (System.getProperty("spark.hadoop." + key) == null) {
                System.setProperty("spark.hadoop." + key, value);
              }
            });
    return options;
  }

  /** Validates the options, runs the pipeline and waits for it to end. */
  public static PipelineResult.State run(TrendingToGoldOptions options) throws IOException {
    validate(options);
    return run(options, computeTrending(options));
  }

  static PipelineResult.State run(
      TrendingToGoldOptions options, PTransform<PCollectionTuple, PCollectionTuple> compute)
      throws IOException {
    Lakehouse lakehouse = Lakehouse.validate(options);
    try (LakehouseLock lock = lakehouse.lock(JOB)) {
      return run(options, compute, lakehouse);
    }
  }

  private static PipelineResult.State run(
      TrendingToGoldOptions options,
      PTransform<PCollectionTuple, PCollectionTuple> compute,
      Lakehouse lakehouse)
      throws IOException {
    Map<String, String> versionsBefore = new HashMap<>();
    for (String table : GOLD_TABLES) {
      GoldTable.removeLeftovers(lakehouse.gold(table));
      lakehouse.gold(table).log().create(); // readers can load it at once
      versionsBefore.put(table, GoldTable.version(lakehouse.gold(table)));
    }
    Pipeline pipeline = Pipeline.create(options);
    buildPipeline(pipeline, options, compute);
    LOG.info(
        "Trending to Gold: {} mode, lakehouse {}",
        options.isStreaming() ? "streaming" : "batch",
        lakehouse.root());
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    if (state == PipelineResult.State.DONE && !options.isStreaming()) {
      // No Silver events at all: the recompute is two empty tables, not the previous ones.
      for (String table : GOLD_TABLES) {
        if (GoldTable.version(lakehouse.gold(table)).equals(versionsBefore.get(table))) {
          GoldTable.rewrite(lakehouse.gold(table), List.of());
        }
      }
    }
    LOG.info("Trending to Gold ended: {}", state);
    return state;
  }

  static void validate(TrendingToGoldOptions o) {
    requirePositive("shortWindowMinutes", o.getShortWindowMinutes());
    requirePositive("longWindowMinutes", o.getLongWindowMinutes());
    requirePositive("slideMinutes", o.getSlideMinutes());
    requirePositive("triggerPeriodSeconds", o.getTriggerPeriodSeconds());
    if (o.getSilverPollSeconds() == null || !(o.getSilverPollSeconds() >= 0.001)) {
      throw new IllegalArgumentException(
          "--silverPollSeconds must be at least 0.001 (a millisecond), got "
              + o.getSilverPollSeconds());
    }
    if (o.getMovieShards() != null) {
      requirePositive("movieShards", o.getMovieShards());
    }
    if (o.getShortAllowedLatenessMinutes() < 0 || o.getLongAllowedLatenessMinutes() < 0) {
      throw new IllegalArgumentException("Allowed lateness must not be negative.");
    }
    if (o.getShortWindowMinutes() % o.getSlideMinutes() != 0
        || o.getLongWindowMinutes() % o.getSlideMinutes() != 0) {
      throw new IllegalArgumentException(
          "--shortWindowMinutes and --longWindowMinutes must be multiples of --slideMinutes.");
    }
  }

  private static void requirePositive(String name, Integer value) {
    if (value == null || value <= 0) {
      throw new IllegalArgumentException("--" + name + " must be a positive number, got " + value);
    }
  }

  /**
   * Steps:
   *
   * <ol>
   *   <li>ReadViews / ReadClicks: Silver events as movie ids stamped with event time.
   *   <li>ComputeTrending: hourly slices (count + CoGroupByKey), summed into 1 h and 24 h windows.
   *   <li>WriteTrending1h / WriteTrending24h: each Gold table rewritten whole, atomically.
   * </ol>
   */
  public static void buildPipeline(Pipeline pipeline, TrendingToGoldOptions options) {
    buildPipeline(pipeline, options, computeTrending(options));
  }

  /** The windows, lateness, refresh period and movie shards of the options. */
  static ComputeTrending computeTrending(TrendingToGoldOptions options) {
    return new ComputeTrending(TrendWindows.of(options), refresh(options), shards(options));
  }

  /** {@code --movieShards}, or the refresh mode's default. */
  static int shards(TrendingToGoldOptions options) {
    Integer given = options.getMovieShards();
    return given != null ? given : ComputeTrending.defaultShards(refresh(options));
  }

  /**
   * Batch: once. Streaming: every {@code --triggerPeriodSeconds}, except on the Spark runner, whose
   * micro-batch is the refresh (see {@link Refresh}; its interval follows the trigger period).
   */
  static Refresh refresh(TrendingToGoldOptions options) {
    if (!options.isStreaming()) {
      return Refresh.once();
    }
    if (RunnerDefaults.isSpark(options)) {
      return Refresh.perMicroBatch();
    }
    return Refresh.every(Duration.standardSeconds(options.getTriggerPeriodSeconds()));
  }

  /** The pipeline with another computation in the middle (the benchmark's naive variant). */
  static void buildPipeline(
      Pipeline pipeline,
      TrendingToGoldOptions options,
      PTransform<PCollectionTuple, PCollectionTuple> compute) {
    Lakehouse lakehouse =
        Lakehouse.at(options.getLakehousePath(), StorageFormat.parse(options.getStorageFormat()));
    Refresh refresh = refresh(options);
    int shards = shards(options);
    Duration poll =
        options.isStreaming()
            ? Duration.millis(Math.round(options.getSilverPollSeconds() * 1000))
            : null;

    PCollection<Integer> views =
        pipeline.apply("ReadViews", readSilver(lakehouse, Lakehouse.VIEWS, poll, options));
    PCollection<Integer> clicks =
        pipeline.apply("ReadClicks", readSilver(lakehouse, Lakehouse.CLICKS, poll, options));

    PCollectionTuple gold =
        PCollectionTuple.of(ComputeTrending.VIEWS, views)
            .and(ComputeTrending.CLICKS, clicks)
            .apply("ComputeTrending", compute);

    gold.get(ComputeTrending.SHORT_TABLE)
        .apply(
            "WriteTrending1h",
            new WriteGoldTable(lakehouse.gold(Lakehouse.TRENDING_1H), refresh, shards));
    gold.get(ComputeTrending.LONG_TABLE)
        .apply(
            "WriteTrending24h",
            new WriteGoldTable(lakehouse.gold(Lakehouse.TRENDING_24H), refresh, shards));
  }

  private static ReadSilver readSilver(
      Lakehouse lakehouse, String table, Duration poll, TrendingToGoldOptions o) {
    Duration futureBound = Duration.standardMinutes(o.getMaxFutureMinutes());
    if (poll == null) {
      return ReadSilver.once(lakehouse.silver(table), futureBound);
    }
    return ReadSilver.watching(lakehouse.silver(table), poll, futureBound, TrendWindows.of(o));
  }
}
