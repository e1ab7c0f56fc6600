package com.trending.generator;

import static picocli.CommandLine.Help.Visibility.NEVER;

import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Options of {@link EventGenerator}, parsed by picocli from {@code --name=value} arguments ({@code
 * --help} lists them). Environment variables of the data contract are the defaults where the
 * contract names one ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code MIN_RATING}, {@code MAX_RATING}). An
 * option given twice takes its last value.
 */
@Command(
    name = "scripts/generate-events.sh",
    abbreviateSynopsis = true,
    sortOptions = false,
    showDefaultValues = true,
    usageHelpWidth = 100,
    description = {
      "Sends realistic movie traffic (views, clicks, ratings) to the contract topics, with faults.",
      "Two modes: backfill (the default: event times over the last --hours, sent as fast as the"
          + " broker takes them) and --live (event time = now, paced at --rate, until Ctrl+C or"
          + " --events). Fault ratios are fractions of all messages.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 all messages acknowledged; 1 a send failed or the broker is not reachable;"
          + " 2 bad options."
    })
public final class GeneratorOptions {

  // --- mode and volume ---
  @Option(
      names = "--hours",
      paramLabel = "N",
      description = "Backfill: event times over the last N hours.")
  int hours = 48;

  @Option(
      names = "--live",
      arity = "0..1",
      paramLabel = "true|false",
      showDefaultValue = NEVER,
      description = "Live: event time = now, paced at --rate, until Ctrl+C or --events.")
  boolean live = false;

  @Option(names = "--rate", paramLabel = "R", description = "Live mode: messages per second.")
  double rate = 200;

  @Option(
      names = "--events",
      paramLabel = "N",
      converter = LongWithUnderscores.class,
      showDefaultValue = NEVER,
      description =
          "Total messages to send, faults and duplicates included; 1_000_000 is fine."
              + " Default: 100000 in backfill, unlimited in live mode.")
  long events = -1; // -1: the mode's default, see totalMessages()

  @Option(
      names = "--now",
      paramLabel = "TIME",
      description =
          "End of the backfill and start of live traffic, as an ISO-8601 instant:"
              + " 2025-12-17T20:00:00Z. Default: the current time.")
  Instant now = null;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description =
          "Makes the messages reproducible. Default: drawn from the clock, and printed so"
              + " that a run can be repeated.")
  Long seed = null;

  @Option(
      names = "--bootstrapServers",
      paramLabel = "H:P",
      description = "Kafka brokers: env KAFKA_BOOTSTRAP_SERVERS, else localhost:9092.")
  String bootstrapServers = env("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");

  @Option(
      names = "--kafkaClientProperties",
      paramLabel = "FILE",
      description =
          "Kafka client settings (security.protocol, sasl.*, ssl.*) as a properties file:"
              + " env KAFKA_CLIENT_PROPERTIES, else none.")
  String kafkaClientProperties = env("KAFKA_CLIENT_PROPERTIES", null);

  // --- traffic model ---
  @Option(names = "--movies", paramLabel = "N", description = "Movies.")
  int movies = 5000;

  @Option(names = "--users", paramLabel = "N", description = "Users.")
  int users = 100_000;

  @Option(
      names = "--zipfExponent",
      paramLabel = "X",
      description = "Exponent of the movies' Zipf popularity.")
  double zipfExponent = 1.0;

  @Option(
      names = "--breakouts",
      paramLabel = "N",
      description = "Movies whose share of traffic jumps for some hours.")
  int breakouts = 3;

  @Option(
      names = "--breakoutShare",
      paramLabel = "R",
      description = "Peak share of traffic of a breakout movie.")
  double breakoutShare = 0.05;

  @Option(names = "--clickRatio", paramLabel = "R", description = "Clicks per view.")
  double clickRatio = 0.25;

  @Option(names = "--ratingRatio", paramLabel = "R", description = "Ratings per view.")
  double ratingRatio = 0.05;

  @Option(
      names = "--reviewRatio",
      paramLabel = "R",
      description = "Share of ratings that carry review_text.")
  double reviewRatio = 0.3;

  @Option(
      names = "--minRating",
      paramLabel = "X",
      description = "Lowest valid rating: env MIN_RATING, else 0.5.")
  double minRating = envDouble("MIN_RATING", 0.5);

  @Option(
      names = "--maxRating",
      paramLabel = "X",
      description = "Highest valid rating: env MAX_RATING, else 5.0.")
  double maxRating = envDouble("MAX_RATING", 5.0);

  // --- faults (fractions of all messages; late is a fraction of valid events) ---
  @Option(
      names = "--duplicateRatio",
      paramLabel = "R",
      description = "Exact re-sends of earlier valid messages (redelivery).")
  double duplicateRatio = 0.01;

  @Option(
      names = "--lateRatio",
      paramLabel = "R",
      description =
          "Valid events whose event time is 1..--lateMaxHours hours behind (a fraction of"
              + " valid events).")
  double lateRatio = 0.02;

  @Option(
      names = "--lateMaxHours",
      paramLabel = "H",
      description = "How many hours behind late events are at most.")
  double lateMaxHours = 6;

  @Option(
      names = "--invalidJsonRatio",
      paramLabel = "R",
      description = "invalid_json: not UTF-8, not parseable JSON, or not a JSON object.")
  double invalidJsonRatio = 0.0005;

  @Option(
      names = "--missingFieldRatio",
      paramLabel = "R",
      description = "missing_required_field: a required field absent or null.")
  double missingFieldRatio = 0.0005;

  @Option(
      names = "--invalidEventTypeRatio",
      paramLabel = "R",
      description = "invalid_event_type: event_type does not match the topic.")
  double invalidEventTypeRatio = 0.0005;

  @Option(
      names = "--schemaViolationRatio",
      paramLabel = "R",
      description = "schema_validation_failed: a field of the wrong type or out of its range.")
  double schemaViolationRatio = 0.0005;

  @Option(
      names = "--invalidTimestampRatio",
      paramLabel = "R",
      description = "invalid_timestamp: event_ts not an ISO-8601 instant.")
  double invalidTimestampRatio = 0.0005;

  @Option(
      names = "--invalidRatingRatio",
      paramLabel = "R",
      description =
          "invalid_rating_value (ratings only): rating outside"
              + " --minRating..--maxRating or not a multiple of 0.5.")
  double invalidRatingRatio = 0.0005;

  @Option(
      names = "--malformedRatio",
      paramLabel = "R",
      description =
          "Sets the six ratios of malformed messages above at once (options after it"
              + " override).")
  void setMalformedRatio(double ratio) {
    invalidJsonRatio = missingFieldRatio = invalidEventTypeRatio = ratio;
    schemaViolationRatio = invalidTimestampRatio = invalidRatingRatio = ratio;
  }

  // --- producer and output (order = 1: listed after --malformedRatio, a method, which picocli
  // lists after the fields) ---
  @Option(
      order = 1,
      names = "--acks",
      paramLabel = "all|1|0",
      converter = LowerCase.class,
      description = "Acknowledgements the producer waits for.")
  String acks = "all";

  @Option(
      order = 1,
      names = "--compression",
      paramLabel = "TYPE",
      converter = LowerCase.class,
      description = "lz4, none, snappy, zstd or gzip.")
  String compression = "lz4";

  @Option(
      order = 1,
      names = "--lingerMs",
      paramLabel = "MS",
      description = "The producer's linger.ms.")
  int lingerMs = 20;

  @Option(
      order = 1,
      names = "--batchSize",
      paramLabel = "BYTES",
      description = "The producer's batch.size.")
  int batchSize = 256 * 1024;

  @Option(
      order = 1,
      names = "--summaryFile",
      paramLabel = "PATH",
      description = "Also write the summary as JSON.")
  String summaryFile = null;

  @Option(
      order = 1,
      names = "--progressSeconds",
      paramLabel = "S",
      description = "Seconds between progress lines.")
  double progressSeconds = 5;

  @Option(
      order = 1,
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help = false;

  /** The command line of {@code options}: picocli, an option given twice takes its last value. */
  static CommandLine commandLine(GeneratorOptions options) {
    return new CommandLine(options).setOverwrittenOptionsAllowed(true);
  }

  /**
   * Parses and checks {@code args}; fails with {@link IllegalArgumentException} on an unknown
   * option, a bad value or values that do not fit together.
   */
  static GeneratorOptions parse(String... args) {
    GeneratorOptions o = new GeneratorOptions();
    try {
      commandLine(o).parseArgs(args);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    o.validate();
    return o;
  }

  /** Checks values that no type conversion catches; fails with {@link IllegalArgumentException}. */
  void validate() {
    require(hours > 0, "--hours must be > 0");
    require(rate > 0, "--rate must be > 0");
    require(events == -1 || events >= 0, "--events must be >= 0");
    require(movies > 0 && users > 0, "--movies and --users must be > 0");
    require(zipfExponent >= 0, "--zipfExponent must be >= 0");
    require(
        breakouts >= 0 && breakoutShare >= 0 && breakoutShare < 1,
        "--breakouts >= 0, 0 <= --breakoutShare < 1");
    require(
        clickRatio >= 0 && ratingRatio >= 0 && reviewRatio >= 0 && reviewRatio <= 1,
        "--clickRatio, --ratingRatio >= 0; --reviewRatio in [0, 1]");
    require(
        minRating <= maxRating,
        "MIN_RATING (--minRating) must not exceed MAX_RATING (--maxRating)");
    require(
        lateRatio >= 0 && lateRatio <= 1 && lateMaxHours >= 1,
        "--lateRatio in [0, 1], --lateMaxHours >= 1");
    double faults =
        duplicateRatio
            + invalidJsonRatio
            + missingFieldRatio
            + invalidEventTypeRatio
            + schemaViolationRatio
            + invalidTimestampRatio
            + invalidRatingRatio;
    require(
        duplicateRatio >= 0
            && invalidJsonRatio >= 0
            && missingFieldRatio >= 0
            && invalidEventTypeRatio >= 0
            && schemaViolationRatio >= 0
            && invalidTimestampRatio >= 0
            && invalidRatingRatio >= 0,
        "fault ratios must be >= 0");
    require(faults < 1, "duplicate and malformed ratios must add up to less than 1");
    require(
        acks.equals("all") || acks.equals("-1") || acks.equals("1") || acks.equals("0"),
        "--acks is all, 1 or 0");
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

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static double envDouble(String name, double fallback) {
    String value = env(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
    }
  }

  /** {@code --events=1_000_000}: a long, digits grouped with underscores or not. */
  static final class LongWithUnderscores implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Long.parseLong(value.replace("_", ""));
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not a whole number");
      }
    }
  }

  /** {@code --acks=ALL}, {@code --compression=LZ4}: names in any case. */
  static final class LowerCase implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return value.toLowerCase(Locale.ROOT);
    }
  }
}
