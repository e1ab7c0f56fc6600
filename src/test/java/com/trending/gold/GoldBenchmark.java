package com.trending.gold;

import com.trending.bench.BenchArgs;
import com.trending.bench.NativeSparkGold;
import com.trending.common.Lakehouse;
import com.trending.gold.ReferenceModel.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * Times a batch recompute of Gold, sliced ({@link ComputeTrending}) against naive ({@link
 * NaiveTrending}), on the Direct runner and on the Spark runner, over generated Silver data, and
 * against what a team would write instead: a plain Spark SQL job ({@link NativeSparkGold}), run
 * first in the same JVM, whose rows must equal the pipeline's. Run by {@code
 * scripts/bench-gold.sh}; arguments {@code --events=N --hours=H --movies=M --clickShare=F
 * --dir=PATH --runners=native,direct,spark,flink --sparkMaster=local[2]}.
 */
public final class GoldBenchmark {
  public static void main(String[] args) throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("events", "2000000");
    defaults.put("hours", "72");
    defaults.put("movies", "5000");
    defaults.put("clickShare", "0.25");
    defaults.put("dir", "target/bench-lakehouse");
    defaults.put("runners", "native,direct,spark");
    defaults.put("sparkMaster", "local[2]");
    defaults.put("seed", "1");
    Map<String, String> a = BenchArgs.parse(defaults, args);
    int events = Integer.parseInt(a.get("events"));
    Path root = Paths.get(a.get("dir")).toAbsolutePath();
    Lakehouse lakehouse = Lakehouse.at(root.toString());
    long totalEvents = generateIfNeeded(lakehouse, a, events);

    List<String> lines = new ArrayList<>();
    NativeSparkGold.Result reference = null;
    if (a.get("runners").contains("native")) {
      reference =
          NativeSparkGold.run(
              root.toString(), root.resolve("_native").toString(), a.get("sparkMaster"));
      lines.add(
          String.format(
              Locale.ROOT,
              "%-24s %7.1f s %9.0f events/s (Spark SQL window(), full outer join)",
              "native spark " + a.get("sparkMaster"),
              reference.seconds(),
              totalEvents / reference.seconds()));
    }
    for (String runner : a.get("runners").split(",")) {
      if (runner.equals("native")) {
        continue;
      }
      List<String> runnerArgs = new ArrayList<>();
      runnerArgs.add("--lakehousePath=" + root);
      runnerArgs.add("--streaming=false");
      switch (runner) {
        case "spark" -> {
          runnerArgs.add("--runner=SparkRunner");
          runnerArgs.add("--sparkMaster=" + a.get("sparkMaster"));
        }
        case "flink" -> {
          runnerArgs.add("--runner=FlinkRunner");
          runnerArgs.add("--flinkMaster=[local]");
          runnerArgs.add("--parallelism=2");
        }
        case "direct" -> runnerArgs.add("--runner=DirectRunner");
        default ->
            throw new IllegalArgumentException(
                "unknown runner '" + runner + "' (native, direct, spark, flink)");
      }
      TrendingToGoldOptions options = TrendingToGold.parse(runnerArgs.toArray(new String[0]));
      double sliced = time(options, TrendingToGold.computeTrending(options));
      HashSet<TrendRow> sliced24h =
          new HashSet<>(GoldTable.read(lakehouse.gold(Lakehouse.TRENDING_24H)));
      HashSet<TrendRow> sliced1h =
          new HashSet<>(GoldTable.read(lakehouse.gold(Lakehouse.TRENDING_1H)));
      double naive = time(options, new NaiveTrending());
      boolean same =
          sliced24h.equals(new HashSet<>(GoldTable.read(lakehouse.gold(Lakehouse.TRENDING_24H))))
              && sliced1h.equals(
                  new HashSet<>(GoldTable.read(lakehouse.gold(Lakehouse.TRENDING_1H))));
      lines.add(
          String.format(
              Locale.ROOT,
              "%-24s sliced %7.1f s %9.0f events/s | naive %7.1f s %9.0f events/s | sliced/naive"
                  + " speed %.2fx | same Gold rows: %s (%d rows 24h)",
              runner.equals("spark")
                  ? "spark " + a.get("sparkMaster")
                  : runner.equals("flink") ? "flink [local] x2" : "direct",
              sliced,
              totalEvents / sliced,
              naive,
              totalEvents / naive,
              naive / sliced,
              same,
              sliced24h.size()));
      if (reference != null) {
        lines.add(
            String.format(
                Locale.ROOT,
                "%-24s sliced vs native Spark SQL: %.2fx as fast | rows equal to native: 1h %s, 24h"
                    + " %s",
                "",
                reference.seconds() / sliced,
                reference.oneHour().equals(sliced1h),
                reference.twentyFourHours().equals(sliced24h)));
      }
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Gold batch recompute over %,d Silver events (%s h, %s movies, Zipf)%n",
        totalEvents,
        a.get("hours"),
        a.get("movies"));
    lines.forEach(System.out::println);
  }

  private static double time(
      TrendingToGoldOptions options, PTransform<PCollectionTuple, PCollectionTuple> compute)
      throws Exception {
    long start = System.nanoTime();
    PipelineResult.State state = TrendingToGold.run(options, compute);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("Pipeline ended in " + state);
    }
    return seconds;
  }

  /**
   * Writes Silver once per (events, hours, movies, seed); a marker file remembers the parameters.
   */
  private static long generateIfNeeded(Lakehouse lakehouse, Map<String, String> a, int events)
      throws Exception {
    String params =
        a.get("events")
            + "/"
            + a.get("hours")
            + "/"
            + a.get("movies")
            + "/"
            + a.get("clickShare")
            + "/"
            + a.get("seed");
    Path marker = Path.of(lakehouse.root()).resolve("silver").resolve("_bench_params");
    if (Files.exists(marker) && Files.readString(marker).equals(params)) {
      System.out.println("Reusing Silver data in " + lakehouse.root());
      return events;
    }
    deleteRecursively(Path.of(lakehouse.root()));
    System.out.println("Generating " + events + " Silver events in " + lakehouse.root());
    Random random = new Random(Long.parseLong(a.get("seed")));
    int hours = Integer.parseInt(a.get("hours"));
    int movies = Integer.parseInt(a.get("movies"));
    int clicks = (int) Math.round(events * Double.parseDouble(a.get("clickShare")));
    long start = ComputeTrendingTest.START;
    List<Event> v = ReferenceModel.randomEvents(random, events - clicks, movies, start, hours);
    SilverFiles.write(lakehouse.silver(Lakehouse.VIEWS), v, "part", 100_000);
    v = null;
    List<Event> c = ReferenceModel.randomEvents(random, clicks, movies, start, hours);
    SilverFiles.write(lakehouse.silver(Lakehouse.CLICKS), c, "part", 100_000);
    Files.writeString(marker, params);
    return events;
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private GoldBenchmark() {}
}
