package com.trending.silver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.testing.SparkSql;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * A known mix of messages for the three topics, and what Silver must hold afterwards: valid events
 * over several days, malformed messages of every dead-letter reason, and redelivered copies. The
 * expectations are written here by hand, independently of the pipeline's code.
 */
final class IngestCorpus {

  /** What was sent to one topic, and what its tables must contain. */
  static final class Topic {
    final List<byte[]> messages = new ArrayList<>();

    /** Unique valid events: event_id → event_date. */
    final Map<String, LocalDate> silver = new LinkedHashMap<>();

    /** Unique valid events: event_id → (movie_id, event_ts in epoch milliseconds). */
    final Map<String, long[]> movieAndTime = new LinkedHashMap<>();

    /** Malformed payloads (base64 of the exact bytes) → expected error_reason. */
    final Map<String, String> deadLetters = new HashMap<>();

    Map<LocalDate, Long> rowsPerDate() {
      Map<LocalDate, Long> counts = new TreeMap<>();
      silver.values().forEach(d -> counts.merge(d, 1L, Long::sum));
      return counts;
    }
  }

  final Map<String, Topic> topics = new LinkedHashMap<>();

  static IngestCorpus create(long seed, int views, int clicks, int ratings) {
    IngestCorpus corpus = new IngestCorpus();
    Random random = new Random(seed);
    corpus.topics.put(Lakehouse.VIEWS, valid(random, Lakehouse.VIEWS, "view", views));
    corpus.topics.put(Lakehouse.CLICKS, valid(random, Lakehouse.CLICKS, "click", clicks));
    corpus.topics.put(Lakehouse.RATINGS, valid(random, Lakehouse.RATINGS, "rating", ratings));
    corpus.topics.forEach((name, topic) -> malformed(random, name, topic));
    return corpus;
  }

  int totalMessages() {
    return topics.values().stream().mapToInt(t -> t.messages.size()).sum();
  }

  private static Topic valid(Random random, String topicName, String type, int count) {
    Topic topic = new Topic();
    Instant start = Instant.parse("2025-12-15T00:00:00Z");
    List<byte[]> firstCopies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Instant ts = start.plusMillis((long) (random.nextDouble() * 3 * 24 * 3600 * 1000)); // 3 days
      String id = new UUID(random.nextLong(), random.nextLong()).toString();
      int movie = 1 + random.nextInt(500);
      String json = event(random, type, id, ts, movie);
      topic.silver.put(id, LocalDate.ofInstant(ts, ZoneOffset.UTC));
      topic.movieAndTime.put(id, new long[] {movie, ts.toEpochMilli()});
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      topic.messages.add(bytes);
      if (i % 25 == 0) {
        firstCopies.add(bytes); // redelivered later: the exact same bytes
      }
    }
    topic.messages.addAll(firstCopies);
    return topic;
  }

  private static String event(Random random, String type, String id, Instant ts, int movie) {
    StringBuilder json =
        new StringBuilder("{\"event_id\":\"")
            .append(id)
            .append("\",\"event_type\":\"")
            .append(type)
            .append("\",\"event_ts\":\"")
            .append(ts)
            .append("\",\"user_id\":")
            .append(1 + random.nextInt(100_000))
            .append(",\"movie_id\":")
            .append(movie);
    switch (type) {
      case "view":
        json.append(",\"session_id\":\"")
            .append(UUID.randomUUID())
            .append("\",\"device_type\":\"tv\"");
        break;
      case "click":
        json.append(",\"click_type\":\"trailer\",\"referrer\":\"https://example.com/a\"");
        break;
      default:
        json.append(",\"rating\":")
            .append((1 + random.nextInt(10)) / 2.0)
            .append(random.nextBoolean() ? ",\"review_text\":\"Très bon film 🎬\"" : "");
    }
    return json.append('}').toString();
  }

  private static void malformed(Random random, String topicName, Topic topic) {
    String type =
        topicName.equals(Lakehouse.VIEWS)
            ? "view"
            : topicName.equals(Lakehouse.CLICKS) ? "click" : "rating";
    String other = type.equals("view") ? "click" : "view";
    String good =
        event(random, type, UUID.randomUUID().toString(), Instant.parse("2025-12-16T10:00:00Z"), 7);
    add(topic, "{\"event_id\": \"broken", "invalid_json");
    add(topic, "[1,2,3]", "invalid_json");
    add(topic, "", "invalid_json");
    add(topic, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'}, "invalid_json");
    add(topic, good.replaceFirst("\"event_id\":\"[^\"]*\",", "\"x\":1,"), "missing_required_field");
    add(
        topic,
        good.replaceFirst("\"movie_id\":[0-9]+", "\"movie_id\":null"),
        "missing_required_field");
    add(
        topic,
        good.replace("\"event_type\":\"" + type + "\"", "\"event_type\":\"" + other + "\""),
        "invalid_event_type");
    add(
        topic,
        good.replaceFirst("\"user_id\":[0-9]+", "\"user_id\":\"abc\""),
        "schema_validation_failed");
    add(
        topic,
        good.replaceFirst("\"movie_id\":[0-9]+", "\"movie_id\":99999999999"),
        "schema_validation_failed");
    add(
        topic,
        good.replaceFirst("\"event_ts\":\"[^\"]*\"", "\"event_ts\":\"2025-12-16 10:00\""),
        "invalid_timestamp");
    add(
        topic,
        good.replaceFirst("\"event_ts\":\"[^\"]*\"", "\"event_ts\":\"2025-02-30T10:00:00Z\""),
        "invalid_timestamp");
    if (type.equals("rating")) {
      add(topic, good.replaceFirst("\"rating\":[0-9.]+", "\"rating\":7.5"), "invalid_rating_value");
      add(
          topic,
          good.replaceFirst("\"rating\":[0-9.]+", "\"rating\":2.25"),
          "invalid_rating_value");
    }
  }

  private static void add(Topic topic, String payload, String reason) {
    add(topic, payload.getBytes(StandardCharsets.UTF_8), reason);
  }

  private static void add(Topic topic, byte[] payload, String reason) {
    topic.messages.add(payload);
    topic.deadLetters.put(Base64.getEncoder().encodeToString(payload), reason);
  }

  /**
   * Asserts that the lakehouse holds exactly this corpus: every unique valid event once in Silver
   * (right columns, types and event_date), every malformed message once in its dead-letter table
   * with the expected reason.
   */
  void assertHeldBy(Path lakehouse) {
    assertHeldBy(lakehouse, StorageFormat.PARQUET);
  }

  /** As {@link #assertHeldBy(Path)}, reading each table as its format's readers do. */
  void assertHeldBy(Path lakehouse, StorageFormat format) {
    assertHeldBy(lakehouse.toString(), format);
  }

  /**
   * As {@link #assertHeldBy(Path)}, for a lakehouse anywhere (a local folder, {@code hdfs://},
   * {@code s3a://}).
   */
  void assertHeldBy(String lakehouse, StorageFormat format) {
    Lakehouse layout = Lakehouse.at(lakehouse, format);
    for (Map.Entry<String, IngestCorpus.Topic> entry : topics.entrySet()) {
      String topic = entry.getKey();
      IngestCorpus.Topic expected = entry.getValue();

      Dataset<Row> silver = SparkSql.read(layout.silver(topic));
      Map<String, DataType> types = typesOf(silver);
      assertEquals(topic, DataTypes.StringType, types.get("event_id"));
      assertEquals(topic, DataTypes.TimestampType, types.get("event_ts"));
      assertEquals(topic, DataTypes.IntegerType, types.get("user_id"));
      assertEquals(topic, DataTypes.IntegerType, types.get("movie_id"));
      assertEquals(topic, DataTypes.DateType, types.get("event_date"));
      if (topic.equals(Lakehouse.RATINGS)) {
        assertEquals(DataTypes.FloatType, types.get("rating"));
        assertEquals(DataTypes.StringType, types.get("review_text"));
      }

      Map<LocalDate, Long> perDate = new TreeMap<>();
      for (Row row : silver.groupBy("event_date").count().collectAsList()) {
        perDate.put(row.getDate(0).toLocalDate(), row.getLong(1));
      }
      assertEquals(topic + " rows per event_date", expected.rowsPerDate(), perDate);

      List<String> ids =
          silver.select("event_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      assertEquals(topic + " event_id unique", ids.size(), new HashSet<>(ids).size());
      assertEquals(topic + " event ids", expected.silver.keySet(), new HashSet<>(ids));

      // event_date is the UTC date of event_ts, row by row
      assertEquals(0L, silver.where("to_date(event_ts) <> event_date").count());

      Dataset<Row> dead = SparkSql.read(layout.deadLetters(topic));
      Map<String, DataType> deadTypes = typesOf(dead);
      assertEquals(DataTypes.StringType, deadTypes.get("raw_payload"));
      assertEquals(DataTypes.TimestampType, deadTypes.get("error_ts"));
      Map<String, String> reasons = new HashMap<>();
      for (Row row :
          dead.select("raw_payload_base64", "error_reason", "topic", "kafka_offset", "error_detail")
              .collectAsList()) {
        assertEquals(topic, row.getString(2));
        assertTrue(row.getLong(3) >= 0);
        assertFalse(row.getString(4).isBlank());
        assertEquals(
            "one dead letter per malformed message",
            null,
            reasons.put(row.getString(0), row.getString(1)));
      }
      assertEquals(topic + " dead letters and reasons", expected.deadLetters, reasons);
    }
  }

  /**
   * Every table as Spark SQL reads it holds exactly the rows of the files its log commits, and none
   * of any other data file in its folder.
   */
  static void assertReadersSeeOnlyCommittedFiles(Lakehouse lakehouse) throws IOException {
    long readTotal = 0;
    long onDiskTotal = 0;
    int unfinished = 0;
    for (com.trending.common.Table table : MicroBatches.tables(lakehouse)) {
      if (!Files.isDirectory(table.path())) {
        continue;
      }
      List<String> committed = table.log().files();
      long committedRows = 0;
      for (String file : committed) {
        committedRows += rowCount(file);
      }
      long read = committed.isEmpty() ? 0 : SparkSql.read(table).count();
      assertEquals(table + ": Spark SQL reads the committed rows only", committedRows, read);
      readTotal += read;
      try (Stream<Path> files = Files.walk(table.path())) {
        for (Path f : files.filter(f -> Lakehouse.isDataFile(table.dir(), f.toString())).toList()) {
          try {
            onDiskTotal += rowCount(f.toUri().toString());
          } catch (IllegalStateException e) {
            // an uncommitted file that a killed run's executor left half-written, or is still
            // writing (committed files were all read above)
            unfinished++;
          }
        }
      }
    }
    System.out.printf(
        "After the crash (%s): Spark SQL reads %,d rows = the committed files'; the data files"
            + " on disk hold %,d, and %d more are unfinished%n",
        lakehouse.format(), readTotal, onDiskTotal, unfinished);
  }

  private static long rowCount(String file) {
    return com.trending.common.CommittedFiles.reader(com.trending.common.Storage.local())
        .rowCount(file, file);
  }

  /**
   * Options of a bounded run from the earliest offsets with the contract's rating bounds; Parquet
   * unless {@code extra} names a format.
   */
  static KafkaToSilverOptions options(
      String bootstrap, Path lakehouse, String group, long maxRecords, String... extra) {
    return options(bootstrap, lakehouse.toString(), group, maxRecords, extra);
  }

  /** As above, for a lakehouse anywhere (a local folder, {@code hdfs://}, {@code s3a://}). */
  static KafkaToSilverOptions options(
      String bootstrap, String lakehouse, String group, long maxRecords, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--lakehousePath=" + lakehouse,
                "--kafkaBootstrapServers=" + bootstrap,
                "--kafkaStartingOffsets=earliest",
                "--consumerGroup=" + group,
                "--maxRecords=" + maxRecords,
                "--minRating=0.5",
                "--maxRating=5.0"));
    args.addAll(List.of(extra));
    if (args.stream().noneMatch(a -> a.startsWith("--storageFormat="))) {
      args.add("--storageFormat=parquet");
    }
    return org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(args.toArray(new String[0]))
        .as(KafkaToSilverOptions.class);
  }

  private static Map<String, DataType> typesOf(Dataset<Row> table) {
    Map<String, DataType> types = new HashMap<>();
    for (StructField field : table.schema().fields()) {
      types.put(field.name(), field.dataType());
    }
    return types;
  }
}
