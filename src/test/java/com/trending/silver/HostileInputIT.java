package com.trending.silver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.trending.common.DeadLetterReason;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.testing.LocalKafkaBroker;
import com.trending.testing.SparkSql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Messages no producer should send, through the real pipeline on a real broker: random bytes and
 * valid events broken in every way a bug, a proxy or an attacker could break them. Nothing may
 * crash the job, every message must end in exactly one place (its Silver table or its dead-letter
 * table), and plain Spark SQL with default settings must read every table afterwards.
 */
public class HostileInputIT {

  @ClassRule public static final LocalKafkaBroker KAFKA = new LocalKafkaBroker();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final int RANDOM_MESSAGES = 10_000;
  private static final int MUTATED_MESSAGES = 10_000;
  private static final Map<String, String> TYPES =
      Map.of(Lakehouse.VIEWS, "view", Lakehouse.CLICKS, "click", Lakehouse.RATINGS, "rating");

  @Test
  public void fuzzedMessagesEachEndInExactlyOnePlaceAndEveryTableStaysReadable() throws Exception {
    long seed = Long.getLong("fuzz.seed", 20261130L);
    System.out.println("Fuzz seed " + seed + " (repeat with -Dfuzz.seed=" + seed + ")");
    Random random = new Random(seed);
    Map<String, List<byte[]>> sent = new LinkedHashMap<>();
    for (String topic : Lakehouse.TOPICS) {
      sent.put(topic, new ArrayList<>());
    }
    List<String> topics = Lakehouse.TOPICS;
    for (int i = 0; i < RANDOM_MESSAGES; i++) {
      sent.get(topics.get(i % 3)).add(randomBytes(random));
    }
    for (int i = 0; i < MUTATED_MESSAGES; i++) {
      String topic = topics.get(i % 3);
      sent.get(topic).add(mutate(random, validEvent(random, TYPES.get(topic))));
    }
    sent.forEach((topic, messages) -> KAFKA.produce(topic, messages));

    for (StorageFormat format : StorageFormat.values()) {
      Path root = tmp.newFolder("fuzz-" + format).toPath();
      KafkaToSilverOptions options =
          IngestCorpus.options(
              KAFKA.bootstrapServers(),
              root,
              "fuzz-" + format,
              RANDOM_MESSAGES + MUTATED_MESSAGES,
              "--storageFormat=" + format);
      IngestSummary summary = KafkaToSilver.run(options);
      System.out.println("Fuzz on " + format + ":\n" + summary.describe());
      assertEachMessageInExactlyOnePlace(Lakehouse.at(root.toString(), format), sent);
    }
  }

  /**
   * Silver holds exactly the event ids of the messages the topic's rules accept (the rules
   * themselves are tested one by one in {@link EventValidatorTest}); the dead-letter table holds
   * every other message, once, with its exact bytes; no message is in both or in neither. Reading
   * every column of every row makes Spark decode each timestamp with its default settings.
   */
  private static void assertEachMessageInExactlyOnePlace(
      Lakehouse lakehouse, Map<String, List<byte[]>> sent) {
    for (Map.Entry<String, List<byte[]>> topic : sent.entrySet()) {
      EventValidator rules =
          new EventValidator(
              topic.getKey(),
              Schemas.jsonSchema(topic.getKey()),
              Schemas.avro(topic.getKey()),
              0.5,
              5.0);
      Set<String> validIds = new HashSet<>();
      Map<String, Integer> invalid = new HashMap<>(); // base64 of the bytes -> copies sent
      int duplicates = 0;
      for (byte[] message : topic.getValue()) {
        EventValidator.Result result = rules.validate(message);
        if (result.isValid()) {
          duplicates += validIds.add(result.row().get("event_id").toString()) ? 0 : 1;
        } else {
          invalid.merge(
              Base64.getEncoder().encodeToString(message == null ? new byte[0] : message),
              1,
              Integer::sum);
        }
      }

      Table silver = lakehouse.silver(topic.getKey());
      List<Row> silverRows = SparkSql.read(silver).collectAsList();
      Set<String> silverIds = new HashSet<>();
      for (Row row : silverRows) {
        assertTrue("event_id once in " + silver, silverIds.add(row.getAs("event_id")));
        Instant ts = row.<Timestamp>getAs("event_ts").toInstant();
        assertTrue(
            ts + " in range",
            !ts.isBefore(EventValidator.MIN_EVENT_TS) && ts.isBefore(EventValidator.MAX_EVENT_TS));
      }
      assertEquals(topic.getKey() + ": Silver holds the valid events", validIds, silverIds);

      Dataset<Row> dead = SparkSql.read(lakehouse.deadLetters(topic.getKey()));
      Map<String, Integer> deadLetters = new HashMap<>();
      Set<String> offsets = new HashSet<>();
      Set<String> vocabulary = new HashSet<>();
      for (DeadLetterReason reason : DeadLetterReason.values()) {
        vocabulary.add(reason.code());
      }
      for (Row row : dead.collectAsList()) {
        deadLetters.merge(row.getAs("raw_payload_base64"), 1, Integer::sum);
        assertTrue(
            "one dead letter per offset",
            offsets.add(
                row.<Integer>getAs("kafka_partition") + "/" + row.<Long>getAs("kafka_offset")));
        assertTrue(
            row.getAs("error_reason") + " in the vocabulary",
            vocabulary.contains(row.<String>getAs("error_reason")));
      }
      assertEquals(
          topic.getKey() + ": the dead-letter table holds every other message",
          invalid,
          deadLetters);
      int total = topic.getValue().size();
      assertEquals(
          topic.getKey() + ": every message in exactly one place",
          total,
          silverRows.size()
              + duplicates
              + deadLetters.values().stream().mapToInt(Integer::intValue).sum());
      System.out.printf(
          "%s (%s): %,d messages -> %,d Silver rows + %,d redelivered ids + %,d dead letters%n",
          topic.getKey(), lakehouse.format(), total, silverRows.size(), duplicates, dead.count());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  private static byte[] randomBytes(Random random) {
    int kind = random.nextInt(4);
    int length = random.nextInt(kind == 0 ? 4 : 400);
    byte[] bytes = new byte[length];
    if (kind == 1) { // printable ASCII, sometimes opening like JSON
      for (int i = 0; i < length; i++) {
        bytes[i] = (byte) (32 + random.nextInt(95));
      }
      if (length > 0) {
        bytes[0] = '{';
      }
    } else {
      random.nextBytes(bytes);
    }
    return bytes;
  }

  private static String validEvent(Random random, String type) {
    StringBuilder json =
        new StringBuilder("{\"event_id\":\"")
            .append(new UUID(random.nextLong(), random.nextLong()))
            .append("\",\"event_type\":\"")
            .append(type)
            .append("\",\"event_ts\":\"")
            .append(Instant.parse("2025-12-15T00:00:00Z").plusSeconds(random.nextInt(259_200)))
            .append("\",\"user_id\":")
            .append(random.nextInt(100_000))
            .append(",\"movie_id\":")
            .append(random.nextInt(500));
    switch (type) {
      case "view" ->
          json.append(",\"session_id\":\"")
              .append(new UUID(random.nextLong(), random.nextLong()))
              .append("\",\"device_type\":\"tv\",\"page_url\":\"/m/1\"");
      case "click" ->
          json.append(",\"click_type\":\"poster\",\"referrer\":\"https://example.com/\"");
      default ->
          json.append(",\"rating\":")
              .append((1 + random.nextInt(10)) / 2.0)
              .append(",\"review_text\":\"ok\"");
    }
    return json.append('}').toString();
  }

  private static final String[] FIELDS = {
    "event_id",
    "event_type",
    "event_ts",
    "user_id",
    "movie_id",
    "session_id",
    "device_type",
    "page_url",
    "click_type",
    "referrer",
    "rating",
    "review_text",
    "extra"
  };

  private static final String[] ODD_VALUES = {
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1.5",
    "1e400",
    "-1e400",
    "12345678901234567890123",
    "2147483648",
    "-2147483649",
    "\"\"",
    "\"12\"",
    "[]",
    "{}",
    "[null]",
    "{\"a\":{\"b\":[1,{}]}}",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"\\udfff\\ud800\"",
    "\"\\ud83c\\udfac\"",
    "\"\u202e\u200b\ufeff\"",
    "4.9999999999",
    "5.000000000000001",
    "0.25",
    "1E1",
    "\"0001-01-01T00:00:00Z\"",
    "\"1899-12-31T23:59:59.999Z\"",
    "\"2100-01-01T00:00:00Z\"",
    "\"9999-12-31T23:59:59Z\"",
    "\"+999999999-12-31T23:59:59Z\"",
    "\"2025-12-17T13:30:00.123456789+14:00\"",
    "\"2025-12-17T13:30:00-18:00\"",
    "\"2025-02-29T00:00:00Z\"",
    "\"view\"",
    "\"click\"",
    "\"rating\"",
    "\"VIEW\"",
    "\"550e8400-e29b-41d4-a716-446655440000\""
  };

  /** A valid event broken in one or two random ways. */
  private static byte[] mutate(Random random, String event) {
    String json = event;
    int mutations = 1 + random.nextInt(2);
    for (int m = 0; m < mutations; m++) {
      String field = FIELDS[random.nextInt(FIELDS.length)];
      switch (random.nextInt(10)) {
        case 0 -> json = json.substring(0, random.nextInt(json.length() + 1)); // truncated
        case 1, 2, 3 ->
            json = setField(json, field, ODD_VALUES[random.nextInt(ODD_VALUES.length)]); // retyped
        case 4 ->
            json = setField(json, field, "\"" + "x".repeat(random.nextInt(12_000)) + "\""); // huge
        case 5 ->
            json = json.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[^,}]*),?", ""); // removed
        case 6 ->
            json = json.replaceFirst("}$", ",\"" + field + "\":1}"); // duplicated key (or extra)
        case 7 ->
            json = setField(json, "extra", "[".repeat(2_000) + "]".repeat(2_000)); // deep nesting
        case 8 -> json = "\ufeff" + json.replace(",", " ,\n\t"); // byte order mark, odd whitespace
        default -> { // invalid UTF-8 bytes in the middle
          byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
          if (bytes.length > 2) {
            bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x80));
          }
          return bytes;
        }
      }
    }
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** Sets {@code field} to the JSON {@code value}, replacing its value or adding it. */
  private static String setField(String json, String field, String value) {
    String replaced =
        json.replaceFirst(
            "\"" + field + "\":(\"[^\"]*\"|[^,}]*)",
            Matcher.quoteReplacement("\"" + field + "\":" + value));
    return !replaced.equals(json) || json.contains("\"" + field + "\":")
        ? replaced
        : json.replaceFirst("}$", Matcher.quoteReplacement(",\"" + field + "\":" + value + "}"));
  }
}
