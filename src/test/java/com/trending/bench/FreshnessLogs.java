package com.trending.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the logs of the JVMs {@link FreshnessBenchmark} started say about where the time goes: Kafka
 * → Silver's micro-batches ({@code Batch N: M messages in X ms}), the Spark runner's streaming
 * micro-batches of Silver → Gold (Spark's {@code JobScheduler} line {@code Total delay: X s for
 * time T ms (execution: Y s)}, which the benchmark turns on), the generator's actual rate, and
 * warnings and errors. Plus the small statistics the report prints.
 */
final class FreshnessLogs {
  private FreshnessLogs() {}

  /** One Kafka → Silver micro-batch: when its line was logged (1 s resolution), size, duration. */
  record SilverBatch(long loggedAtMillis, long batch, long messages, long millis) {}

  /** One Spark streaming micro-batch of the Gold job. */
  record SparkBatch(long batchTimeMillis, double totalDelaySeconds, double executionSeconds) {}

  private static final Pattern SILVER_BATCH =
      Pattern.compile(
          "^(\\d{2}:\\d{2}:\\d{2}) INFO\\s+\\S+ - Batch (\\d+): (\\d+) messages in (\\d+) ms");
  private static final Pattern SPARK_BATCH =
      Pattern.compile("Total delay: ([0-9.]+) s for time (\\d+) ms \\(execution: ([0-9.]+) s\\)");
  private static final Pattern GENERATOR_RATE =
      Pattern.compile("([0-9,]+) sent \\(([0-9,]+) msg/s now, ([0-9,]+) avg\\)");
  private static final Pattern TIME = Pattern.compile("^(\\d{2}:\\d{2}:\\d{2}) ");
  private static final Pattern LEVEL = Pattern.compile("^\\d{2}:\\d{2}:\\d{2} (WARN|ERROR)\\s");

  static List<String> lines(Path log) {
    try {
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      // a log cut mid-character: read it leniently
      try {
        return new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).lines().toList();
      } catch (IOException e2) {
        return List.of();
      }
    }
  }

  /** Kafka → Silver batches; times of day are placed on the day nearest {@code reference}. */
  static List<SilverBatch> silverBatches(Path log, long referenceMillis) {
    List<SilverBatch> out = new ArrayList<>();
    for (String line : lines(log)) {
      Matcher m = SILVER_BATCH.matcher(line);
      if (m.find()) {
        out.add(
            new SilverBatch(
                timeOfDay(m.group(1), referenceMillis),
                Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4))));
      }
    }
    return out;
  }

  static List<SparkBatch> sparkBatches(Path log) {
    List<SparkBatch> out = new ArrayList<>();
    for (String line : lines(log)) {
      Matcher m = SPARK_BATCH.matcher(line);
      if (m.find()) {
        out.add(
            new SparkBatch(
                Long.parseLong(m.group(2)),
                Double.parseDouble(m.group(1)),
                Double.parseDouble(m.group(3))));
      }
    }
    return out;
  }

  /** The generator's last progress line: "N sent (R msg/s now, A avg)", or null. */
  static String generatorRate(Path log) {
    String last = null;
    for (String line : lines(log)) {
      Matcher m = GENERATOR_RATE.matcher(line);
      if (m.find()) {
        last =
            m.group(1)
                + " sent, "
                + m.group(2)
                + " msg/s in the last interval, "
                + m.group(3)
                + " msg/s average";
      }
    }
    return last;
  }

  /**
   * WARN and ERROR lines logged up to {@code untilMillis} (not those of the shutdown): count per
   * level and up to {@code max} distinct messages (times cut off).
   */
  static String problems(Path log, int max, long untilMillis) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    List<String> distinct = new ArrayList<>();
    for (String line : lines(log)) {
      Matcher time = TIME.matcher(line);
      if (time.find() && timeOfDay(time.group(1), untilMillis) > untilMillis) {
        break; // logged while stopping
      }
      Matcher m = LEVEL.matcher(line);
      boolean exception =
          line.startsWith("Exception in thread") || line.startsWith("java.lang.OutOfMemoryError");
      if (m.find() || exception) {
        String level = exception ? "ERROR" : m.group(1);
        counts.merge(level, 1, Integer::sum);
        String text = exception ? line : line.substring(9);
        text = text.length() > 170 ? text.substring(0, 170) + "…" : text;
        if (distinct.size() < max && !distinct.contains(text)) {
          distinct.add(text);
        }
      }
    }
    if (counts.isEmpty()) {
      return "no WARN/ERROR lines";
    }
    StringBuilder sb = new StringBuilder();
    counts.forEach(
        (level, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(n).append(' ').append(level));
    for (String d : distinct) {
      sb.append("\n        ").append(d);
    }
    return sb.toString();
  }

  /**
   * {@code HH:mm:ss} (the JVM's zone, as log4j wrote it) on the day that puts it nearest the
   * reference.
   */
  static long timeOfDay(String hhmmss, long referenceMillis) {
    ZoneId zone = ZoneId.systemDefault();
    LocalDate day = Instant.ofEpochMilli(referenceMillis).atZone(zone).toLocalDate();
    LocalTime time = LocalTime.parse(hhmmss);
    long best = 0;
    long bestDistance = Long.MAX_VALUE;
    for (int d = -1; d <= 1; d++) {
      long t = ZonedDateTime.of(day.plusDays(d), time, zone).toInstant().toEpochMilli();
      if (Math.abs(t - referenceMillis) < bestDistance) {
        bestDistance = Math.abs(t - referenceMillis);
        best = t;
      }
    }
    return best;
  }

  // --- statistics -------------------------------------------------------------------------------

  static double median(List<Double> values) {
    return quantile(values, 0.5);
  }

  static double quantile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    double pos = q * (sorted.size() - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    if (lo == hi || sorted.get(lo).equals(sorted.get(hi))) {
      return sorted.get(lo); // also keeps an infinite (timed-out) value from turning into NaN
    }
    return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (pos - lo);
  }

  static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  /**
   * Differences between consecutive values (sorted), in seconds when the values are milliseconds.
   */
  static List<Double> intervalsSeconds(List<Long> millis) {
    List<Long> sorted = new ArrayList<>(millis);
    sorted.sort(null);
    List<Double> out = new ArrayList<>();
    for (int i = 1; i < sorted.size(); i++) {
      out.add((sorted.get(i) - sorted.get(i - 1)) / 1000.0);
    }
    return out;
  }

  /** "median 5.0 s, min 4.9, max 5.3 (n=12)" or "n/a". */
  static String describe(List<Double> seconds) {
    if (seconds.isEmpty()) {
      return "n/a";
    }
    return String.format(
        Locale.ROOT,
        "median %s s, min %s, p90 %s, max %s (n=%d)",
        s(median(seconds)),
        s(min(seconds)),
        s(quantile(seconds, 0.9)),
        s(max(seconds)),
        seconds.size());
  }

  static String s(double seconds) {
    return Double.isNaN(seconds) ? "n/a" : String.format(Locale.ROOT, "%.1f", seconds);
  }
}
