package com.trending.generator;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Options of {@link EventGenerator}, parsed from {@code --name=value} arguments. Environment
 * variables of the data contract are the defaults where the contract names one
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code MIN_RATING}, {@code MAX_RATING}).
 */
public final class GeneratorOptions {

  // --- where and how much ---
  String bootstrapServers = env("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
  /** Kafka client settings (security, SASL, TLS...) as a properties file; null = none. */
  String kafkaClientProperties = env("KAFKA_CLIENT_PROPERTIES", null);
  boolean live = false;
  /** Total messages to send (valid, duplicates and malformed); -1 = default for the mode. */
  long events = -1;
  double rate = 200;
  int hours = 48;
  /** End of the backfill / start of live traffic; null = the current time. */
  Instant now = null;
  /** null = a seed drawn from the clock (printed, so a run can be repeated). */
  Long seed = null;

  // --- traffic model ---
  int movies = 5000;
  int users = 100_000;
  double zipfExponent = 1.0;
  int breakouts = 3;
  double breakoutShare = 0.05;
  double clickRatio = 0.25;
  double ratingRatio = 0.05;
  double reviewRatio = 0.3;
  double minRating = Double.parseDouble(env("MIN_RATING", "0.5"));
  double maxRating = Double.parseDouble(env("MAX_RATING", "5.0"));

  // --- faults (fractions of all messages; late is a fraction of valid events) ---
  double duplicateRatio = 0.01;
  double lateRatio = 0.02;
  double lateMaxHours = 6;
  double invalidJsonRatio = 0.0005;
  double missingFieldRatio = 0.0005;
  double invalidEventTypeRatio = 0.0005;
  double schemaViolationRatio = 0.0005;
  double invalidTimestampRatio = 0.0005;
  double invalidRatingRatio = 0.0005;

  // --- producer and output ---
  String acks = "all";
  String compression = "lz4";
  int lingerMs = 20;
  int batchSize = 256 * 1024;
  String summaryFile = null;
  double progressSeconds = 5;
  boolean help = false;

  static final String USAGE =
      String.join("\n",
          "Usage: scripts/generate-events.sh [--name=value ...]",
          "Sends realistic movie traffic (views, clicks, ratings) to the contract topics, with faults.",
          "",
          "Mode and volume:",
          "  --hours=48                 backfill: event times spread over the last N hours (default mode)",
          "  --live                     live: event time = now, paced at --rate, until Ctrl+C or --events",
          "  --rate=200                 live mode: messages per second",
          "  --events=N                 total messages to send, faults and duplicates included",
          "                             (backfill default 100000; live default: unlimited)",
          "  --now=2025-12-17T20:00:00Z end of the backfill / start of live traffic (default: now)",
          "  --seed=N                   makes the messages reproducible (default: from the clock; printed)",
          "  --bootstrapServers=H:P     default env KAFKA_BOOTSTRAP_SERVERS or localhost:9092",
          "  --kafkaClientProperties=F  Kafka client settings file (security.protocol, sasl.*, ssl.*);",
          "                             default env KAFKA_CLIENT_PROPERTIES",
          "Traffic model:",
          "  --movies=5000 --users=100000 --zipfExponent=1.0",
          "  --breakouts=3 --breakoutShare=0.05   movies whose share of traffic jumps for some hours",
          "  --clickRatio=0.25 --ratingRatio=0.05 clicks and ratings per view",
          "  --reviewRatio=0.3                    ratings that carry review_text",
          "  --minRating / --maxRating            default env MIN_RATING / MAX_RATING or 0.5 / 5.0",
          "Faults (fractions of all messages):",
          "  --duplicateRatio=0.01      exact re-sends of earlier valid messages (redelivery)",
          "  --lateRatio=0.02 --lateMaxHours=6    valid events whose event time is 1..N hours behind",
          "  --invalidJsonRatio=0.0005 --missingFieldRatio=0.0005 --invalidEventTypeRatio=0.0005",
          "  --schemaViolationRatio=0.0005 --invalidTimestampRatio=0.0005 --invalidRatingRatio=0.0005",
          "  --malformedRatio=R         sets all six malformed ratios at once (later options override)",
          "Producer and output:",
          "  --acks=all|1|0 --compression=lz4|none|snappy|zstd|gzip --lingerMs=20 --batchSize=262144",
          "  --summaryFile=PATH         also write the summary as JSON",
          "  --progressSeconds=5");

  static GeneratorOptions parse(String... args) {
    GeneratorOptions o = new GeneratorOptions();
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("Unexpected argument '" + arg + "': options look like --name=value");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      String value = eq < 0 ? "true" : arg.substring(eq + 1);
      values.put(name, value);
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      o.set(e.getKey(), e.getValue());
    }
    o.validate();
    return o;
  }

  private void set(String name, String v) {
    try {
      switch (name) {
        case "help": case "h": help = bool(v); break;
        case "bootstrapServers": bootstrapServers = v; break;
        case "kafkaClientProperties": kafkaClientProperties = v; break;
        case "live": live = bool(v); break;
        case "events": events = Long.parseLong(v.replace("_", "")); break;
        case "rate": rate = Double.parseDouble(v); break;
        case "hours": hours = Integer.parseInt(v); break;
        case "now": now = Instant.parse(v); break;
        case "seed": seed = Long.parseLong(v); break;
        case "movies": movies = Integer.parseInt(v); break;
        case "users": users = Integer.parseInt(v); break;
        case "zipfExponent": zipfExponent = Double.parseDouble(v); break;
        case "breakouts": breakouts = Integer.parseInt(v); break;
        case "breakoutShare": breakoutShare = Double.parseDouble(v); break;
        case "clickRatio": clickRatio = Double.parseDouble(v); break;
        case "ratingRatio": ratingRatio = Double.parseDouble(v); break;
        case "reviewRatio": reviewRatio = Double.parseDouble(v); break;
        case "minRating": minRating = Double.parseDouble(v); break;
        case "maxRating": maxRating = Double.parseDouble(v); break;
        case "duplicateRatio": duplicateRatio = Double.parseDouble(v); break;
        case "lateRatio": lateRatio = Double.parseDouble(v); break;
        case "lateMaxHours": lateMaxHours = Double.parseDouble(v); break;
        case "malformedRatio":
          double r = Double.parseDouble(v);
          invalidJsonRatio = missingFieldRatio = invalidEventTypeRatio = r;
          schemaViolationRatio = invalidTimestampRatio = invalidRatingRatio = r;
          break;
        case "invalidJsonRatio": invalidJsonRatio = Double.parseDouble(v); break;
        case "missingFieldRatio": missingFieldRatio = Double.parseDouble(v); break;
        case "invalidEventTypeRatio": invalidEventTypeRatio = Double.parseDouble(v); break;
        case "schemaViolationRatio": schemaViolationRatio = Double.parseDouble(v); break;
        case "invalidTimestampRatio": invalidTimestampRatio = Double.parseDouble(v); break;
        case "invalidRatingRatio": invalidRatingRatio = Double.parseDouble(v); break;
        case "acks": acks = v.toLowerCase(Locale.ROOT); break;
        case "compression": compression = v.toLowerCase(Locale.ROOT); break;
        case "lingerMs": lingerMs = Integer.parseInt(v); break;
        case "batchSize": batchSize = Integer.parseInt(v); break;
        case "summaryFile": summaryFile = v; break;
        case "progressSeconds": progressSeconds = Double.parseDouble(v); break;
        default:
          throw new IllegalArgumentException("Unknown option --" + name + " (see --help)");
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("Bad value for --" + name + ": '" + v + "'");
    }
  }

  private void validate() {
    require(hours > 0, "--hours must be > 0");
    require(rate > 0, "--rate must be > 0");
    require(events == -1 || events >= 0, "--events must be >= 0");
    require(movies > 0 && users > 0, "--movies and --users must be > 0");
    require(zipfExponent >= 0, "--zipfExponent must be >= 0");
    require(breakouts >= 0 && breakoutShare >= 0 && breakoutShare < 1, "--breakouts >= 0, 0 <= --breakoutShare < 1");
    require(clickRatio >= 0 && ratingRatio >= 0 && reviewRatio >= 0 && reviewRatio <= 1,
        "--clickRatio, --ratingRatio >= 0; --reviewRatio in [0, 1]");
    require(minRating <= maxRating, "MIN_RATING (--minRating) must not exceed MAX_RATING (--maxRating)");
    require(lateRatio >= 0 && lateRatio <= 1 && lateMaxHours >= 1, "--lateRatio in [0, 1], --lateMaxHours >= 1");
    double faults = duplicateRatio + invalidJsonRatio + missingFieldRatio + invalidEventTypeRatio
        + schemaViolationRatio + invalidTimestampRatio + invalidRatingRatio;
    require(duplicateRatio >= 0 && invalidJsonRatio >= 0 && missingFieldRatio >= 0 && invalidEventTypeRatio >= 0
        && schemaViolationRatio >= 0 && invalidTimestampRatio >= 0 && invalidRatingRatio >= 0,
        "fault ratios must be >= 0");
    require(faults < 1, "duplicate and malformed ratios must add up to less than 1");
    require(acks.equals("all") || acks.equals("-1") || acks.equals("1") || acks.equals("0"), "--acks is all, 1 or 0");
    require(lingerMs >= 0 && batchSize > 0, "--lingerMs >= 0, --batchSize > 0");
    require(progressSeconds > 0, "--progressSeconds must be > 0");
  }

  /** Messages to send; {@link Long#MAX_VALUE} for an unlimited live run. */
  long totalMessages() {
    if (events >= 0) {
      return events;
    }
    return live ? Long.MAX_VALUE : 100_000;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static boolean bool(String v) {
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new NumberFormatException(v);
  }

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
