package com.trending.bench;

import static com.trending.bench.FreshnessLogs.describe;
import static com.trending.bench.FreshnessLogs.s;

import com.trending.common.CommittedFiles;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.gold.GoldTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Freshness as a product figure: how long after an event is produced to Kafka does it show in
 * {@code gold/trending_now_1h}, with both pipelines streaming against live traffic. Run by {@code
 * scripts/bench-freshness.sh}, which starts the broker and builds the classpaths.
 *
 * <p>Per runner: a fresh lakehouse; the live generator at {@code --rate} messages/s, Kafka → Silver
 * (continuous, {@code KAFKA_STARTING_OFFSETS=latest}) and Silver → Gold (streaming), each its own
 * JVM started as {@code scripts/lib/launch.sh} would start it (same classpath, per-runner defaults
 * from {@code runners/<runner>/pipeline.options}, {@code JAVA_OPTS}); after the warm-up (Gold
 * committed at least twice, Kafka → Silver caught up with the traffic: its last {@link
 * #CAUGHT_UP_BATCHES} batches each held at most {@link #CAUGHT_UP_SECONDS} s of it, Silver → Gold
 * on Spark no micro-batch queue, and {@code --warmup} seconds passed), {@code --markers} marker
 * views, one at a time: a movie id no traffic uses, {@code event_ts} = now, produced with {@code
 * acks=all}; then Silver's and Gold's commit logs are polled every 200 ms until the marker is
 * there. A marker not in Gold after {@code --timeout} seconds is a timeout; the run goes on. Prints
 * every marker, the medians, and what the JVMs' logs and the tables' commit times say about where
 * the time goes.
 *
 * <pre>java … FreshnessBenchmark --repo=DIR --buildDir=DIR --bootstrap=H:P [--runners=direct,spark]
 *     [--rate=1000] [--markers=7] [--warmup=60] [--storageFormat=parquet] [--timeout=180]
 *     [--spacing=5] [--sparkMaster=local[2]] [--silverArgs="..."] [--goldArgs="..."] [--workDir=DIR]
 * </pre>
 */
public final class FreshnessBenchmark {
  private FreshnessBenchmark() {}

  static final long MARKER_BASE = 2_000_000_000L;
  static final long POLL_MILLIS = 200;
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Every child JVM still running, so that Ctrl+C (or an error) stops them. */
  private static final List<Child> CHILDREN = new CopyOnWriteArrayList<>();

  /**
   * A pipeline's JVM flags on a runner unless JAVA_OPTS is set: {@code default_java_opts} of
   * scripts/lib/java-opens.sh, which bench-freshness.sh passes as {@code
   * -Dbench.javaOpts.<runner>}.
   */
  static String pipelineJvm(String runner) {
    String key = "bench.javaOpts." + runner;
    String opts = System.getProperty(key, "");
    if (opts.isBlank()) {
      throw new IllegalStateException(
          "No -D" + key + ": start the benchmark with scripts/bench-freshness.sh");
    }
    return opts;
  }

  // --- options
  // ------------------------------------------------------------------------------------

  static final class Options {
    Path repo = Path.of(".").toAbsolutePath().normalize();
    Path buildDir;
    Path workDir;
    String bootstrap = "127.0.0.1:29096";
    List<String> runners = List.of("direct", "spark");
    double rate = 1000;
    int markers = 7;
    int warmupSeconds = 60;
    StorageFormat format = StorageFormat.PARQUET;
    String formatName = "parquet";
    int timeoutSeconds = 180;
    double spacingSeconds = 5;
    String sparkMaster = null;
    String clusterMaster = null;
    List<String> silverArgs = List.of();
    List<String> goldArgs = List.of();
    long seed = 20251217;

    static Options parse(String[] args) {
      Options o = new Options();
      for (String arg : args) {
        int eq = arg.indexOf('=');
        if (!arg.startsWith("--") || eq < 0) {
          throw new IllegalArgumentException("options look like --name=value, not " + arg);
        }
        String name = arg.substring(2, eq);
        String v = arg.substring(eq + 1);
        switch (name) {
          case "repo" -> o.repo = Path.of(v).toAbsolutePath().normalize();
          case "buildDir" -> o.buildDir = Path.of(v).toAbsolutePath().normalize();
          case "workDir" -> o.workDir = Path.of(v).toAbsolutePath().normalize();
          case "bootstrap" -> o.bootstrap = v;
          case "runners" ->
              o.runners =
                  Arrays.stream(v.split(","))
                      .map(String::trim)
                      .filter(r -> !r.isEmpty())
                      .map(FreshnessBenchmark::runnerKey)
                      .toList();
          case "rate" -> o.rate = Double.parseDouble(v.replace("_", "").replace(",", ""));
          case "markers" -> o.markers = Integer.parseInt(v);
          case "warmup" -> o.warmupSeconds = Integer.parseInt(v);
          case "storageFormat" -> {
            o.format = StorageFormat.parse(v);
            o.formatName = v.toLowerCase(Locale.ROOT);
          }
          case "timeout" -> o.timeoutSeconds = Integer.parseInt(v);
          case "spacing" -> o.spacingSeconds = Double.parseDouble(v);
          case "sparkMaster" -> o.sparkMaster = v.isBlank() ? null : v;
          case "clusterMaster" -> o.clusterMaster = v;
          case "silverArgs" -> o.silverArgs = words(v);
          case "goldArgs" -> o.goldArgs = words(v);
          case "seed" -> o.seed = Long.parseLong(v);
          default -> throw new IllegalArgumentException("unknown option --" + name);
        }
      }
      if (o.buildDir == null) {
        o.buildDir = o.repo.resolve("target");
      }
      if (o.workDir == null) {
        o.workDir = o.repo.resolve("target").resolve("bench-freshness");
      }
      if (o.markers < 1
          || o.rate <= 0
          || o.timeoutSeconds < 1
          || o.warmupSeconds < 0
          || o.runners.isEmpty()) {
        throw new IllegalArgumentException(
            "--markers, --rate, --timeout must be positive, --warmup >= 0, "
                + "--runners not empty");
      }
      return o;
    }

    private static List<String> words(String v) {
      return Arrays.stream(v.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }
  }

  static String runnerKey(String r) {
    String k = r.toLowerCase(Locale.ROOT);
    if (k.startsWith("direct")) {
      return "direct";
    }
    if (k.equals("spark-cluster")) {
      return k;
    }
    if (k.startsWith("spark")) {
      return "spark";
    }
    if (k.startsWith("flink")) {
      return "flink";
    }
    throw new IllegalArgumentException(
        "unknown runner '" + r + "' (direct, spark, spark-cluster, flink)");
  }

  // --- results
  // ------------------------------------------------------------------------------------

  /**
   * One marker. Seconds from just before the send: {@code silver} when a poll first found it in a
   * committed Silver file, {@code gold} when a poll first found it in trending_now_1h, {@code
   * goldCommit} the commit time of that Gold version (file time), NaN when not reached.
   */
  record Marker(
      int k,
      long movieId,
      long producedAtMillis,
      double ackSeconds,
      double silver,
      double gold,
      double goldCommit,
      int goldRefreshesMissed,
      String status) {
    boolean visible() {
      return "ok".equals(status);
    }
  }

  record RunnerResult(
      String runner,
      String label,
      double rate,
      double targetSeconds,
      List<Marker> markers,
      Map<Long, Double> seenLate,
      String failure) {
    List<Double> visibleSeconds() {
      return markers.stream().filter(Marker::visible).map(Marker::gold).toList();
    }

    long timeouts() {
      return markers.stream().filter(m -> !m.visible()).count();
    }

    /** Every marker's seconds, a timeout counting as infinitely late (so medians stay honest). */
    List<Double> allSeconds() {
      return markers.stream().map(m -> m.visible() ? m.gold() : Double.POSITIVE_INFINITY).toList();
    }

    /**
     * The median over every marker: "n/a", "> timeout" when at least half timed out, or seconds.
     */
    String medianText(int timeoutSeconds) {
      if (markers.isEmpty()) {
        return "n/a";
      }
      double median = FreshnessLogs.median(allSeconds());
      if (Double.isInfinite(median)) {
        return "> " + timeoutSeconds + " s";
      }
      return Double.isNaN(median) ? "n/a" : s(median) + " s";
    }

    double median() {
      return markers.isEmpty() ? Double.NaN : FreshnessLogs.median(allSeconds());
    }
  }

  // --- main
  // ---------------------------------------------------------------------------------------

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Runtime.getRuntime().addShutdownHook(new Thread(FreshnessBenchmark::stopAll, "stop-children"));
    Files.createDirectories(o.workDir);
    System.out.printf(
        Locale.ROOT,
        "Freshness benchmark: produced → visible in gold/trending_now_1h; %d cores, "
            + "rate %.0f messages/s, %d markers per runner, %s tables, broker %s, build %s%n",
        Runtime.getRuntime().availableProcessors(),
        o.rate,
        o.markers,
        o.formatName,
        o.bootstrap,
        o.buildDir);
    System.out.println("  load average at start: " + loadAverage());
    List<RunnerResult> results = new ArrayList<>();
    for (int i = 0; i < o.runners.size(); i++) {
      results.add(runRunner(o, o.runners.get(i), i));
    }
    printTable(o, results);
    boolean failed = results.stream().anyMatch(r -> r.failure() != null);
    System.exit(failed ? 1 : 0);
  }

  private static RunnerResult runRunner(Options o, String runner, int index) throws Exception {
    boolean cluster = runner.equals("spark-cluster");
    boolean spark = runner.equals("spark") || cluster;
    boolean flink = runner.equals("flink");
    if (cluster && o.clusterMaster == null) {
      throw new IllegalArgumentException(
          "spark-cluster needs --clusterMaster=spark://… (scripts/bench-freshness.sh starts one)");
    }
    String label =
        cluster
            ? "Spark cluster"
            : spark
                ? "Spark " + (o.sparkMaster == null ? sparkDefaultMaster(o) : o.sparkMaster)
                : flink ? "Flink [local]" : "Direct";
    double target = cluster ? 20 : spark ? 15 : 10;
    Path base = o.workDir.resolve(runner);
    Path lake = base.resolve("lakehouse");
    Path logs = base.resolve("logs");
    deleteRecursively(base);
    Files.createDirectories(lake);
    Files.createDirectories(logs);
    Lakehouse lakehouse = Lakehouse.at(lake.toString(), o.format);
    Table gold1h = lakehouse.gold(Lakehouse.TRENDING_1H);
    Table gold24h = lakehouse.gold(Lakehouse.TRENDING_24H);
    Table silverViews = lakehouse.silver(Lakehouse.VIEWS);

    System.out.printf("%n=== %s: lakehouse %s, logs %s%n", label, lake, logs);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", o.bootstrap);
    env.put("LAKEHOUSE_PATH", lake.toString());
    env.put("STORAGE_FORMAT", o.formatName);
    env.put("KAFKA_STARTING_OFFSETS", "latest");
    env.put("KAFKA_GROUP_ID", "bench-freshness-" + runner + "-" + System.currentTimeMillis());

    List<String> runnerArgs = new ArrayList<>();
    runnerArgs.add(
        spark ? "--runner=SparkRunner" : flink ? "--runner=FlinkRunner" : "--runner=DirectRunner");
    if (spark && !cluster && o.sparkMaster != null) {
      runnerArgs.add("--sparkMaster=" + o.sparkMaster);
    }
    List<String> silverArgs = new ArrayList<>(runnerArgs);
    silverArgs.addAll(o.silverArgs);
    List<String> goldArgs = new ArrayList<>(runnerArgs);
    goldArgs.addAll(o.goldArgs);

    Launcher launcher = new Launcher(o, base);
    long startMillis = System.currentTimeMillis();
    Child generator =
        Child.start(
            "generator",
            launcher.command(
                "direct-runner",
                null,
                "com.trending.generator.EventGenerator",
                List.of("--live", "--rate=" + rateText(o.rate), "--seed=" + (o.seed + index)),
                "-Xmx1g"),
            env,
            logs.resolve("generator.log"));
    Map<String, String> jobEnv = env;
    if (cluster) {
      // Both pipelines submitted as a user would (runners/spark/submit.sh, client mode), 2 of the
      // worker's 4 cores each; the shaded jar was built by scripts/bench-freshness.sh.
      jobEnv = new LinkedHashMap<>(env);
      jobEnv.put("SPARK_MASTER_URL", o.clusterMaster);
      jobEnv.put("SPARK_APP_BUILD_DIR", o.buildDir.resolve("spark-app").toString());
      jobEnv.put("SPARK_DRIVER_MEMORY", "2g");
      if (launcher.log4j != null) {
        jobEnv.put("SPARK_DRIVER_LOG_CONFIG", launcher.log4j.toString());
      }
    }
    Child silver =
        Child.start(
            "Kafka → Silver",
            cluster
                ? launcher.submit("kafka-to-silver", o.silverArgs)
                : launcher.command(
                    runner + "-runner",
                    runner,
                    "com.trending.silver.KafkaToSilver",
                    silverArgs,
                    pipelineJvm(runner)),
            jobEnv,
            logs.resolve("kafka-to-silver.log"));
    Child goldJob =
        Child.start(
            "Silver → Gold",
            cluster
                ? launcher.submit("trending-to-gold", o.goldArgs)
                : launcher.command(
                    runner + "-runner",
                    runner,
                    "com.trending.gold.TrendingToGold",
                    goldArgs,
                    pipelineJvm(runner)),
            jobEnv,
            logs.resolve("trending-to-gold.log"));
    List<Child> children = List.of(generator, silver, goldJob);
    System.out.printf(
        "  as a user would: KAFKA_STARTING_OFFSETS=latest LAKEHOUSE_PATH=%s STORAGE_FORMAT=%s%n   "
            + " scripts/generate-events.sh --live --rate=%.0f   |   %s %s   |   %s %s%n",
        lake,
        o.formatName,
        o.rate,
        cluster
            ? "SPARK_MASTER_URL=" + o.clusterMaster + " runners/spark/submit.sh kafka-to-silver"
            : "scripts/kafka-to-silver.sh",
        String.join(" ", cluster ? o.silverArgs : silverArgs),
        cluster ? "runners/spark/submit.sh trending-to-gold" : "scripts/trending-to-gold.sh",
        String.join(" ", cluster ? o.goldArgs : goldArgs));

    CommitWatch watch = new CommitWatch(List.of(gold1h, gold24h, silverViews));
    watch.start();
    List<Marker> markers = new ArrayList<>();
    CpuUse cpu = new CpuUse();
    LateMarkers late = new LateMarkers();
    String failure = null;
    long phaseStart = 0;
    long phaseEnd = 0;
    try (KafkaProducer<String, String> producer = producer(o.bootstrap)) {
      // --- warm-up: Gold exists and refreshes ---
      long warmupDeadline = startMillis + (o.warmupSeconds + 600L) * 1000;
      long nextStatus = System.currentTimeMillis() + 15_000;
      int commitsAtFirstRows = -1; // a Delta table's first commit is its empty creation
      // The probe polls Silver and Gold during the warm-up as during the markers, and the producer
      // connects now: the bench JVM's own first reads and connection (class loading, JIT, ~1 s of
      // a core on a 2-core machine already busy) once fell on marker 1 and slowed both pipelines.
      MarkerProbe probe = new MarkerProbe(gold1h, silverViews);
      producer.partitionsFor(Lakehouse.VIEWS);
      while (true) {
        String dead = deadChild(children);
        if (dead != null) {
          failure = dead;
          break;
        }
        long now = System.currentTimeMillis();
        int goldCommits = watch.commits(gold1h).size();
        if (commitsAtFirstRows < 0 && goldCommits > 0 && !MarkerProbe.goldFiles(gold1h).isEmpty()) {
          commitsAtFirstRows = goldCommits;
          System.out.printf(
              "  Gold has rows %.0f s after the start%n", (now - startMillis) / 1000.0);
        }
        boolean silverCaughtUp = caughtUp(logs.resolve("kafka-to-silver.log"), o.rate, now);
        boolean goldCaughtUp = sparkCaughtUp(logs.resolve("trending-to-gold.log"));
        if (commitsAtFirstRows > 0
            && goldCommits > commitsAtFirstRows
            && silverCaughtUp
            && goldCaughtUp
            && now - startMillis >= o.warmupSeconds * 1000L) {
          System.out.printf(
              "  warm-up done after %.0f s: trending_now_1h committed %d times, Silver views %d "
                  + "times, Kafka → Silver and Silver → Gold caught up%n",
              (now - startMillis) / 1000.0, goldCommits, watch.commits(silverViews).size());
          break;
        }
        if (now > warmupDeadline) {
          failure =
              String.format(
                  "not warmed up within %d s of the start (Gold commits: %d, Silver views "
                      + "commits: %d, Kafka → Silver %s, Silver → Gold %s)",
                  o.warmupSeconds + 600,
                  goldCommits,
                  watch.commits(silverViews).size(),
                  silverCaughtUp ? "caught up" : "still behind the traffic",
                  goldCaughtUp ? "caught up" : "micro-batches still queued");
          break;
        }
        if (now > nextStatus) {
          System.out.printf(
              "  warming up: +%.0f s, Silver views commits %d, Gold commits %d%n",
              (now - startMillis) / 1000.0, watch.commits(silverViews).size(), goldCommits);
          nextStatus = now + 15_000;
        }
        if (commitsAtFirstRows > 0) {
          probe.warmUp();
        }
        Thread.sleep(500);
      }

      // --- markers ---
      if (failure == null) {
        Random random = new Random(o.seed + 31L * index);
        probe.skipExistingSilverFiles();
        phaseStart = System.currentTimeMillis();
        cpu.start(children);
        for (int k = 1; k <= o.markers; k++) {
          String dead = deadChild(children);
          if (dead != null) {
            failure = dead;
            for (int j = k; j <= o.markers; j++) {
              markers.add(
                  new Marker(
                      j,
                      MARKER_BASE + 1000L * index + j,
                      0,
                      Double.NaN,
                      Double.NaN,
                      Double.NaN,
                      Double.NaN,
                      0,
                      "not sent: " + dead));
            }
            break;
          }
          Marker m =
              injectAndWait(
                  o,
                  producer,
                  probe,
                  watch,
                  gold1h,
                  k,
                  MARKER_BASE + 1000L * index + k,
                  children,
                  late);
          markers.add(m);
          printMarker(m);
          if (!m.visible() && m.producedAtMillis() > 0) {
            late.pending.put(m.movieId(), m);
          }
          if (k < o.markers) {
            double spacing =
                Math.max(
                    0.5,
                    o.spacingSeconds
                        + (random.nextDouble() * 2 - 1) * Math.min(2.0, o.spacingSeconds / 2));
            Thread.sleep((long) (spacing * 1000));
          }
        }
        phaseEnd = System.currentTimeMillis();
        cpu.end(children);
      }
    } finally {
      watch.stop();
      System.out.println("  stopping the generator and both pipelines ...");
      generator.stop(30);
      silver.requestStop();
      goldJob.requestStop();
      silver.awaitStop(60);
      goldJob.awaitStop(60);
    }
    if (failure != null) {
      System.out.println("  FAILED: " + failure);
      for (Child c : children) {
        System.out.println("  ----- last lines of " + c.log + " -----");
        List<String> lines = FreshnessLogs.lines(c.log);
        lines
            .subList(Math.max(0, lines.size() - 15), lines.size())
            .forEach(
                l ->
                    System.out.println(
                        "  | " + (l.length() > 300 ? l.substring(0, 300) + "…" : l)));
      }
    }
    for (Map.Entry<Long, Double> e : late.seenAfter.entrySet()) {
      System.out.printf(
          Locale.ROOT,
          "  marker movie %d (timed out) showed in Gold %.1f s after it was produced%n",
          e.getKey(),
          e.getValue());
    }
    RunnerResult result =
        new RunnerResult(runner, label, o.rate, target, markers, late.seenAfter, failure);
    report(
        o,
        result,
        watch,
        gold1h,
        gold24h,
        silverViews,
        logs,
        startMillis,
        phaseStart,
        phaseEnd,
        cpu);
    return result;
  }

  /** Produces one marker view and polls Silver and Gold until it shows in Gold, or the timeout. */
  private static Marker injectAndWait(
      Options o,
      KafkaProducer<String, String> producer,
      MarkerProbe probe,
      CommitWatch watch,
      Table gold1h,
      int k,
      long movieId,
      List<Child> children,
      LateMarkers late)
      throws Exception {
    Instant eventTs = Instant.now();
    String json =
        String.format(
            Locale.ROOT,
            "{\"event_id\":\"%s\",\"event_type\":\"view\",\"event_ts\":\"%s\",\"user_id\":424242,\"movie_id\":%d,"
                + "\"session_id\":\"%s\",\"device_type\":\"freshness-marker\",\"page_url\":null}",
            UUID.randomUUID(),
            eventTs,
            movieId,
            UUID.randomUUID());
    long t0 = System.nanoTime();
    long wall0 = eventTs.toEpochMilli();
    producer.send(new ProducerRecord<>(Lakehouse.VIEWS, "424242", json)).get(30, TimeUnit.SECONDS);
    double ack = (System.nanoTime() - t0) / 1e9;
    double silverAt = Double.NaN;
    long deadline = t0 + o.timeoutSeconds * 1_000_000_000L;
    int intMovie = (int) movieId;
    while (System.nanoTime() < deadline) {
      long pollStart = System.nanoTime();
      if (Double.isNaN(silverAt) && probe.silverHas(intMovie)) {
        silverAt = (System.nanoTime() - t0) / 1e9;
      }
      long commit = probe.goldCommitHaving(intMovie);
      late.check(probe);
      if (commit > 0) {
        double goldAt = (System.nanoTime() - t0) / 1e9;
        if (Double.isNaN(silverAt)) {
          silverAt = goldAt; // found in both in the same poll
        }
        double goldCommit = (commit - wall0) / 1000.0;
        long silverWall = wall0 + (long) (silverAt * 1000);
        int missed =
            (int) watch.commits(gold1h).stream().filter(c -> c > silverWall && c < commit).count();
        return new Marker(k, movieId, wall0, ack, silverAt, goldAt, goldCommit, missed, "ok");
      }
      if (deadChild(children) != null) {
        return new Marker(
            k,
            movieId,
            wall0,
            ack,
            silverAt,
            Double.NaN,
            Double.NaN,
            0,
            "lost: " + deadChild(children));
      }
      long sleep = POLL_MILLIS - (System.nanoTime() - pollStart) / 1_000_000;
      if (sleep > 0) {
        Thread.sleep(sleep);
      }
    }
    return new Marker(
        k,
        movieId,
        wall0,
        ack,
        silverAt,
        Double.NaN,
        Double.NaN,
        0,
        "timeout (> " + o.timeoutSeconds + " s)");
  }

  private static void printMarker(Marker m) {
    if (m.visible()) {
      System.out.printf(
          Locale.ROOT,
          "  marker %d (movie %d, produced %s UTC, ack %.2f s): in Silver after %5.1f s, in Gold"
              + " after %5.1f s (Gold commit +%.1f s; %d Gold refresh(es) after Silver had it did"
              + " not)%n",
          m.k(),
          m.movieId(),
          CLOCK.format(Instant.ofEpochMilli(m.producedAtMillis())),
          m.ackSeconds(),
          m.silver(),
          m.gold(),
          m.goldCommit(),
          m.goldRefreshesMissed());
    } else {
      System.out.printf(
          Locale.ROOT,
          "  marker %d (movie %d): %s%s%n",
          m.k(),
          m.movieId(),
          m.status(),
          Double.isNaN(m.silver())
              ? ""
              : String.format(Locale.ROOT, " (in Silver after %.1f s)", m.silver()));
    }
  }

  // --- report
  // -------------------------------------------------------------------------------------

  private static void report(
      Options o,
      RunnerResult r,
      CommitWatch watch,
      Table gold1h,
      Table gold24h,
      Table silverViews,
      Path logs,
      long startMillis,
      long phaseStart,
      long phaseEnd,
      CpuUse cpu) {
    System.out.printf(
        "%n--- %s, %.0f messages/s: produced → visible in trending_now_1h%n", r.label(), r.rate());
    List<Double> visible = r.visibleSeconds();
    List<String> all = new ArrayList<>();
    for (Marker m : r.markers()) {
      Double lateSeen = r.seenLate().get(m.movieId());
      all.add(
          m.visible()
              ? s(m.gold())
              : (m.status().startsWith("timeout") ? "timeout" : "lost")
                  + (lateSeen == null ? "" : " (in Gold at " + s(lateSeen) + ")"));
    }
    System.out.printf("  all markers (s): %s%n", String.join(", ", all));
    System.out.printf(
        "  median %s, worst %s, best %s; %d of %d visible within %d s%s%n",
        r.medianText(o.timeoutSeconds),
        r.timeouts() > 0
            ? "> " + o.timeoutSeconds + " s (timeout)"
            : s(FreshnessLogs.max(visible)) + " s",
        visible.isEmpty() ? "n/a" : s(FreshnessLogs.min(visible)) + " s",
        visible.size(),
        r.markers().size(),
        o.timeoutSeconds,
        r.timeouts() > 0 ? ", " + r.timeouts() + " timed out or lost" : "");
    List<Double> toSilver =
        r.markers().stream().filter(m -> !Double.isNaN(m.silver())).map(Marker::silver).toList();
    List<Double> silverToGold =
        r.markers().stream().filter(Marker::visible).map(m -> m.gold() - m.silver()).toList();
    List<Double> missed =
        r.markers().stream()
            .filter(Marker::visible)
            .map(m -> (double) m.goldRefreshesMissed())
            .toList();
    System.out.printf("  split: produced → committed in Silver %s%n", describe(toSilver));
    System.out.printf("         Silver → Gold                   %s%n", describe(silverToGold));
    System.out.printf(
        "         Gold refreshes that came after the marker was in Silver but did not hold it:"
            + " %s%n",
        missed.isEmpty() ? "n/a" : missed.stream().map(d -> String.valueOf(d.intValue())).toList());

    if (phaseStart == 0) {
      phaseStart = startMillis;
      phaseEnd = System.currentTimeMillis();
    }
    final long from = phaseStart;
    final long to = phaseEnd;
    System.out.printf("  where the time goes (measurement phase, %.0f s):%n", (to - from) / 1000.0);
    // Kafka → Silver
    List<FreshnessLogs.SilverBatch> batches =
        FreshnessLogs.silverBatches(logs.resolve("kafka-to-silver.log"), from);
    List<FreshnessLogs.SilverBatch> inPhase =
        batches.stream()
            .filter(b -> b.loggedAtMillis() >= from - 1000 && b.loggedAtMillis() <= to + 1000)
            .toList();
    System.out.printf(
        "    Kafka → Silver: %d batches in all, %d in the phase; batch duration %s%n",
        batches.size(),
        inPhase.size(),
        describe(inPhase.stream().map(b -> b.millis() / 1000.0).toList()));
    System.out.printf(
        "      messages per batch: %s%n",
        describeCounts(inPhase.stream().map(b -> (double) b.messages()).toList()));
    System.out.printf(
        "      Silver views commit interval (commit-log times): %s%n",
        describe(FreshnessLogs.intervalsSeconds(within(watch.commits(silverViews), from, to))));
    // Gold
    System.out.printf(
        "    Silver → Gold: trending_now_1h commit interval %s%n",
        describe(FreshnessLogs.intervalsSeconds(within(watch.commits(gold1h), from, to))));
    System.out.printf(
        "      trending_now_24h commit interval %s%n",
        describe(FreshnessLogs.intervalsSeconds(within(watch.commits(gold24h), from, to))));
    List<Long> goldCommits = watch.commits(gold1h);
    if (!goldCommits.isEmpty()) {
      System.out.printf(
          "      first Gold commit %.0f s after the JVMs started; %d commits in all%n",
          (goldCommits.get(0) - startMillis) / 1000.0, goldCommits.size());
    }
    List<FreshnessLogs.SparkBatch> spark =
        FreshnessLogs.sparkBatches(logs.resolve("trending-to-gold.log"));
    if (!spark.isEmpty()) {
      List<FreshnessLogs.SparkBatch> sp =
          spark.stream()
              .filter(b -> b.batchTimeMillis() >= from - 60_000 && b.batchTimeMillis() <= to)
              .toList();
      System.out.printf(
          "      Spark micro-batches (JobScheduler): %d in all, %d in the phase; interval %s%n",
          spark.size(),
          sp.size(),
          describe(
              FreshnessLogs.intervalsSeconds(
                  sp.stream().map(FreshnessLogs.SparkBatch::batchTimeMillis).toList())));
      System.out.printf(
          "        execution %s%n",
          describe(sp.stream().map(FreshnessLogs.SparkBatch::executionSeconds).toList()));
      System.out.printf(
          "        total delay (batch time → done) %s%n",
          describe(sp.stream().map(FreshnessLogs.SparkBatch::totalDelaySeconds).toList()));
      System.out.printf(
          "        all Spark batches, execution s: %s%n",
          spark.stream().map(b -> s(b.executionSeconds())).toList());
      // How many micro-batches it took: batch times after the marker was committed to Silver, up to
      // the Gold commit that held it.
      List<String> perMarker = new ArrayList<>();
      for (Marker m : r.markers()) {
        if (m.visible()) {
          long silverAt = m.producedAtMillis() + (long) (m.silver() * 1000);
          long goldAt = m.producedAtMillis() + (long) (m.goldCommit() * 1000);
          perMarker.add(
              String.valueOf(
                  spark.stream()
                      .filter(b -> b.batchTimeMillis() > silverAt && b.batchTimeMillis() < goldAt)
                      .count()));
        }
      }
      System.out.printf(
          "        Spark micro-batches started between a marker's Silver commit and its Gold"
              + " commit: %s%n",
          perMarker);
    }
    String gen = FreshnessLogs.generatorRate(logs.resolve("generator.log"));
    System.out.printf("    generator: %s%n", gen == null ? "no progress lines" : gen);
    System.out.printf(
        "    CPU in the phase (cores busy, of %d): %s%n",
        Runtime.getRuntime().availableProcessors(), cpu.describe());
    System.out.printf("    load average now: %s%n", loadAverage());
    System.out.printf(
        "    WARN/ERROR lines before the stop: Kafka → Silver: %s%n",
        FreshnessLogs.problems(logs.resolve("kafka-to-silver.log"), 3, to));
    System.out.printf(
        "      Silver → Gold: %s%n",
        FreshnessLogs.problems(logs.resolve("trending-to-gold.log"), 3, to));
    System.out.printf(
        "      generator: %s%n", FreshnessLogs.problems(logs.resolve("generator.log"), 3, to));
  }

  private static String describeCounts(List<Double> values) {
    if (values.isEmpty()) {
      return "n/a";
    }
    return String.format(
        Locale.ROOT,
        "median %.0f, min %.0f, max %.0f",
        FreshnessLogs.median(values),
        FreshnessLogs.min(values),
        FreshnessLogs.max(values));
  }

  private static List<Long> within(List<Long> times, long from, long to) {
    return times.stream().filter(t -> t >= from && t <= to).toList();
  }

  private static void printTable(Options o, List<RunnerResult> results) {
    System.out.printf(
        "%nFreshness: produced to Kafka → row in gold/trending_now_1h (%d cores, %s tables, "
            + "%d markers per runner, timeout %d s)%n",
        Runtime.getRuntime().availableProcessors(), o.formatName, o.markers, o.timeoutSeconds);
    System.out.printf(
        "%-18s %8s %9s %9s %9s %9s %8s  %s%n",
        "runner", "rate", "markers", "median", "worst", "best", "target", "verdict");
    for (RunnerResult r : results) {
      List<Double> v = r.visibleSeconds();
      double median = r.median();
      double worst = FreshnessLogs.max(v);
      String worstText = r.timeouts() > 0 ? "timeout" : s(worst) + " s";
      String verdict;
      if (r.failure() != null && v.isEmpty()) {
        verdict = "FAILED: " + r.failure();
      } else if (r.timeouts() == 0 && worst <= r.targetSeconds()) {
        verdict = "met (every marker)";
      } else if (median <= r.targetSeconds()) {
        verdict = "median met, worst over";
      } else {
        verdict = "missed";
      }
      System.out.printf(
          Locale.ROOT,
          "%-18s %8.0f %9s %9s %9s %9s %8s  %s%n",
          r.label(),
          r.rate(),
          v.size() + "/" + r.markers().size(),
          r.medianText(o.timeoutSeconds),
          worstText,
          v.isEmpty() ? "n/a" : s(FreshnessLogs.min(v)) + " s",
          "≤" + (int) r.targetSeconds() + " s",
          verdict);
    }
    System.out.println(
        "(seconds from just before the send to the first 200 ms poll that found the row; logs and"
            + " lakehouses in "
            + o.workDir
            + ")");
  }

  // --- marker probe: Silver's and Gold's committed files
  // --------------------------------------------

  /** Looks for a movie id in the committed files of Silver views and of Gold trending_now_1h. */
  static final class MarkerProbe {
    private final Table gold;
    private final Table silver;
    private final Set<String> silverSeen = new HashSet<>();
    private final Set<Integer> silverIds = new HashSet<>();
    private final CommittedFiles.Reader silverFiles;
    private long goldStamp = Long.MIN_VALUE;
    private Set<Integer> goldIds = Set.of();

    MarkerProbe(Table gold, Table silver) {
      this.gold = gold;
      this.silver = silver;
      this.silverFiles = CommittedFiles.reader(silver.storage(), projection(Lakehouse.VIEWS));
    }

    /** Files committed before the markers hold no marker: not read. */
    void skipExistingSilverFiles() {
      silverSeen.addAll(silver.log().files());
    }

    /**
     * One poll as a marker's, for no marker: the first time it skips what is committed, later it
     * reads Silver's new files and Gold's new version as the marker phase will.
     */
    void warmUp() {
      if (silverSeen.isEmpty()) {
        skipExistingSilverFiles();
      }
      silverHas(-1);
      goldCommitHaving(-1);
    }

    /** True once a newly committed Silver views file holds {@code movieId}. */
    boolean silverHas(int movieId) {
      for (String file : silver.log().files()) {
        if (silverSeen.add(file)) {
          silverFiles.forEachRecord(
              file,
              silver.toString(),
              r -> {
                int id = (Integer) r.get("movie_id");
                if (id >= MARKER_BASE) {
                  silverIds.add(id);
                }
              });
        }
      }
      return silverIds.contains(movieId);
    }

    /**
     * The commit time (epoch ms) of the current Gold version when it holds {@code movieId}, else 0.
     * Reads the table only when its commit time changed.
     */
    long goldCommitHaving(int movieId) {
      long stamp = CommitWatch.stamp(gold);
      if (stamp <= 0) {
        return 0;
      }
      if (stamp != goldStamp) {
        Set<Integer> ids = new HashSet<>();
        try {
          // One whole version, even while a rewrite lands (a read by name can mix two).
          GoldTable.read(gold).forEach(row -> ids.add(row.movieId()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        goldIds = ids;
        goldStamp = stamp;
      }
      return goldIds.contains(movieId) ? goldStamp : 0;
    }

    /** The committed files of a Gold table, from its commit log. */
    static List<String> goldFiles(Table gold) {
      return gold.log().files();
    }

    private static Schema projection(String schemaName) {
      Schema full = Schemas.avro(schemaName);
      Schema.Field f = full.getField("movie_id");
      return Schema.createRecord(
          full.getName(),
          full.getDoc(),
          full.getNamespace(),
          false,
          List.of(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal())));
    }
  }

  /** Markers that timed out, watched while the next ones are: do they show up later, and when? */
  static final class LateMarkers {
    final Map<Long, Marker> pending = new LinkedHashMap<>();
    final Map<Long, Double> seenAfter = new LinkedHashMap<>();

    void check(MarkerProbe probe) {
      pending
          .values()
          .removeIf(
              m -> {
                if (probe.goldIds.contains((int) m.movieId())) {
                  seenAfter.put(
                      m.movieId(), (System.currentTimeMillis() - m.producedAtMillis()) / 1000.0);
                  return true;
                }
                return false;
              });
    }
  }

  // --- commit times of the tables
  // -------------------------------------------------------------------

  /**
   * Polls every 200 ms the time of each table's latest commit: the newest file of its log ({@code
   * _delta_log/*.json}, {@code _spark_metadata/*}) or, for a Parquet Gold table, the time of its
   * file; keeps each new value, so the cadence of commits can be read afterwards.
   */
  static final class CommitWatch {
    private final List<Table> tables;
    private final Map<String, List<Long>> commits = new LinkedHashMap<>();
    private volatile boolean running = true;
    private Thread thread;

    CommitWatch(List<Table> tables) {
      this.tables = tables;
      for (Table t : tables) {
        commits.put(t.dir(), new CopyOnWriteArrayList<>());
      }
    }

    void start() {
      thread =
          new Thread(
              () -> {
                while (running) {
                  for (Table t : tables) {
                    long stamp = stamp(t);
                    List<Long> list = commits.get(t.dir());
                    if (stamp > 0 && (list.isEmpty() || list.get(list.size() - 1) != stamp)) {
                      list.add(stamp);
                    }
                  }
                  try {
                    Thread.sleep(POLL_MILLIS);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "commit-watch");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join(5000);
    }

    List<Long> commits(Table t) {
      return commits.get(t.dir());
    }

    /** Epoch ms of the table's latest commit, 0 when it has none yet. */
    static long stamp(Table t) {
      Path dir = t.path();
      Path log = dir.resolve(t.format() == StorageFormat.DELTA ? "_delta_log" : "_spark_metadata");
      try {
        if (Files.isDirectory(log)) {
          try (Stream<Path> files = Files.list(log)) {
            return files
                .filter(
                    p -> {
                      String n = p.getFileName().toString();
                      return !n.startsWith(".")
                          && (t.format() != StorageFormat.DELTA || n.endsWith(".json"));
                    })
                .mapToLong(CommitWatch::mtime)
                .max()
                .orElse(0);
          }
        }
        return 0;
      } catch (IOException | UncheckedIOException e) {
        return 0; // a log file deleted between listing and reading its time: next poll
      }
    }

    private static long mtime(Path p) {
      try {
        FileTime t = Files.getLastModifiedTime(p);
        return t.toMillis();
      } catch (IOException e) {
        return 0;
      }
    }
  }

  // --- child JVMs
  // -----------------------------------------------------------------------------------

  /**
   * Builds the java command lines of scripts/lib/launch.sh, against the benchmark's build folder.
   */
  static final class Launcher {
    private final Options o;
    private final List<String> addOpens;
    final Path log4j;

    Launcher(Options o, Path base) throws IOException {
      this.o = o;
      this.addOpens = new ArrayList<>();
      for (String line : Files.readAllLines(o.repo.resolve("scripts/lib/java-opens.sh"))) {
        String t = line.trim();
        if (t.startsWith("--add-opens=")) {
          addOpens.add(t);
        }
      }
      // The product's logging, plus Spark's JobScheduler at INFO: one line per streaming
      // micro-batch with its execution time (nothing changes on the Direct runner).
      Path product = o.buildDir.resolve("classes/log4j2.properties");
      if (Files.exists(product)) {
        log4j = base.resolve("log4j2-bench.properties");
        Files.writeString(
            log4j,
            Files.readString(product)
                + "\n"
                + "# bench-freshness: one line per Spark streaming micro-batch\n"
                + "logger.benchjobscheduler.name ="
                + " org.apache.spark.streaming.scheduler.JobScheduler\n"
                + "logger.benchjobscheduler.level = INFO\n");
      } else {
        log4j = null;
      }
    }

    /** {@code runners/spark/submit.sh <job> args}: a pipeline submitted to a Spark cluster. */
    List<String> submit(String job, List<String> args) {
      List<String> cmd = new ArrayList<>();
      cmd.add("bash");
      cmd.add(o.repo.resolve("runners/spark/submit.sh").toString());
      cmd.add(job);
      cmd.addAll(args);
      return cmd;
    }

    /**
     * {@code java $JAVA_OPTS --add-opens… -cp classes:<profile classpath> main [defaults] args}.
     *
     * @param runnerDir {@code runners/<dir>/pipeline.options} to default from, or null (not a
     *     pipeline)
     */
    List<String> command(
        String profile, String runnerDir, String mainClass, List<String> args, String heap)
        throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      String javaOpts = System.getenv("JAVA_OPTS");
      cmd.addAll(
          Arrays.stream(
                  (javaOpts == null || javaOpts.isBlank() ? heap : javaOpts).trim().split("\\s+"))
              .toList());
      cmd.addAll(addOpens);
      if (log4j != null) {
        cmd.add("-Dlog4j2.configurationFile=" + log4j);
      }
      Path cpFile = o.buildDir.resolve("classpath-" + profile + ".txt");
      if (!Files.exists(cpFile)) {
        throw new IllegalStateException(
            "No " + cpFile + ": build it first (scripts/bench-freshness.sh does)");
      }
      cmd.add("-cp");
      cmd.add(o.buildDir.resolve("classes") + ":" + Files.readString(cpFile).trim());
      cmd.add(mainClass);
      if (runnerDir != null) {
        Path defaults = o.repo.resolve("runners").resolve(runnerDir).resolve("pipeline.options");
        if (Files.exists(defaults)) {
          for (String line : Files.readAllLines(defaults)) {
            int hash = line.indexOf('#');
            String opt = (hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s", "");
            if (opt.isEmpty()) {
              continue;
            }
            String name = opt.contains("=") ? opt.substring(0, opt.indexOf('=')) : opt;
            boolean given = args.stream().anyMatch(a -> a.startsWith(name + "=") || a.equals(name));
            if (!given) {
              cmd.add(opt);
            }
          }
        }
      }
      cmd.addAll(args);
      return cmd;
    }
  }

  static final class Child {
    final String name;
    final Process process;
    final Path log;

    private Child(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    static Child start(String name, List<String> command, Map<String, String> env, Path log)
        throws IOException {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().putAll(env);
      pb.environment().remove("KAFKA_CLIENT_PROPERTIES"); // the bench broker is plaintext
      pb.redirectErrorStream(true);
      Files.writeString(log, "# " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Process p = pb.start();
      Child c = new Child(name, p, log);
      CHILDREN.add(c);
      System.out.printf("  started %-16s pid %-7d log %s%n", name, p.pid(), log.getFileName());
      return c;
    }

    void requestStop() {
      if (process.isAlive()) {
        process.destroy(); // SIGTERM: the pipelines finish their running batch and exit
      }
    }

    void awaitStop(int seconds) throws InterruptedException {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        System.out.printf("  %s did not stop within %d s of SIGTERM: killed%n", name, seconds);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      CHILDREN.remove(this);
    }

    void stop(int seconds) throws InterruptedException {
      requestStop();
      awaitStop(seconds);
    }
  }

  /** "Kafka → Silver exited with code 1" for the first child that ended, else null. */
  private static String deadChild(List<Child> children) {
    for (Child c : children) {
      if (!c.process.isAlive()) {
        return c.name + " exited with code " + c.process.exitValue() + " (log " + c.log + ")";
      }
    }
    return null;
  }

  private static void stopAll() {
    for (Child c : CHILDREN) {
      c.requestStop();
    }
    for (Child c : CHILDREN) {
      try {
        if (!c.process.waitFor(30, TimeUnit.SECONDS)) {
          c.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        c.process.destroyForcibly();
      }
    }
  }

  // --- small things
  // ---------------------------------------------------------------------------------

  /** CPU time of each child JVM and of the whole machine over the measurement phase. */
  static final class CpuUse {
    private final Map<String, Long> startNanos = new LinkedHashMap<>();
    private final Map<String, Double> cores = new LinkedHashMap<>();
    private long wallStart;
    private long[] machineStart;
    private double machineCores = Double.NaN;

    void start(List<Child> children) {
      wallStart = System.nanoTime();
      machineStart = machineTicks();
      for (Child c : children) {
        startNanos.put(c.name, cpuNanos(c));
      }
    }

    void end(List<Child> children) {
      double wall = System.nanoTime() - wallStart;
      for (Child c : children) {
        Long before = startNanos.get(c.name);
        long after = cpuNanos(c);
        if (before != null && before >= 0 && after >= 0) {
          cores.put(c.name, (after - before) / wall);
        }
      }
      long[] machineEnd = machineTicks();
      if (machineStart != null && machineEnd != null && machineEnd[1] > machineStart[1]) {
        machineCores =
            Runtime.getRuntime().availableProcessors()
                * (double) (machineEnd[0] - machineStart[0])
                / (machineEnd[1] - machineStart[1]);
      }
    }

    String describe() {
      if (cores.isEmpty()) {
        return "n/a";
      }
      StringBuilder sb = new StringBuilder();
      cores.forEach((name, c) -> sb.append(name).append(String.format(Locale.ROOT, " %.2f, ", c)));
      sb.append(
          String.format(
              Locale.ROOT,
              "whole machine %.2f (everything else included: broker, other work)",
              machineCores));
      return sb.toString();
    }

    private static long cpuNanos(Child c) {
      return c.process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** {busy, total} jiffies of all CPUs from /proc/stat, or null. */
    private static long[] machineTicks() {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
          total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {total - idle, total};
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static String rateText(double rate) {
    return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
  }

  private static String sparkDefaultMaster(Options o) {
    try {
      for (String line : Files.readAllLines(o.repo.resolve("runners/spark/pipeline.options"))) {
        String t = line.replaceAll("#.*", "").trim();
        if (t.startsWith("--sparkMaster=")) {
          String master = t.substring("--sparkMaster=".length());
          return master;
        }
      }
    } catch (IOException ignored) {
      // fall through
    }
    return "local[*]";
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2] + " (1, 5, 15 min)";
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static final int CAUGHT_UP_BATCHES = 2;
  static final double CAUGHT_UP_SECONDS = 10;

  /**
   * Kafka → Silver keeps up with the traffic: its last {@link #CAUGHT_UP_BATCHES} batches each held
   * at most {@link #CAUGHT_UP_SECONDS} s of it at {@code rate}. At the start it works off what
   * arrived while its JVM and Gold's started (on Spark, batches of 20-55k messages for a minute);
   * markers sent then measure that backlog, not the pipelines' freshness.
   */
  /**
   * Silver → Gold on Spark keeps up: its last {@link #CAUGHT_UP_BATCHES} micro-batches each
   * finished within one batch interval of their batch time (none waited in a queue). Its first
   * micro-batches run on a cold JVM and take longer than the interval (on the local cluster, 10-19
   * s for a minute or two); markers sent then measure that queue draining. True on other runners.
   */
  private static boolean sparkCaughtUp(Path goldLog) {
    List<FreshnessLogs.SparkBatch> batches = FreshnessLogs.sparkBatches(goldLog);
    if (batches.isEmpty()) {
      return true;
    }
    if (batches.size() <= CAUGHT_UP_BATCHES) {
      return false;
    }
    for (int i = batches.size() - CAUGHT_UP_BATCHES; i < batches.size(); i++) {
      double interval =
          (batches.get(i).batchTimeMillis() - batches.get(i - 1).batchTimeMillis()) / 1000.0;
      if (batches.get(i).totalDelaySeconds() > interval) {
        return false;
      }
    }
    return true;
  }

  private static boolean caughtUp(Path silverLog, double rate, long now) {
    List<FreshnessLogs.SilverBatch> batches = FreshnessLogs.silverBatches(silverLog, now);
    if (batches.size() < CAUGHT_UP_BATCHES) {
      return false;
    }
    return batches.subList(batches.size() - CAUGHT_UP_BATCHES, batches.size()).stream()
        .allMatch(b -> b.messages() <= rate * CAUGHT_UP_SECONDS);
  }
}
