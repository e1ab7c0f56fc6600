package com.trending.silver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.trending.common.DeadLetterReason;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.generator.GeneratedMessage;
import com.trending.generator.SampleMessages;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.junit.Test;

/** Every field rule of the contract and every dead-letter reason, one case at a time. */
public class EventValidatorTest {

  private static final String VIEW =
      "{\"event_id\":\"550e8400-e29b-41d4-a716-446655440000\",\"event_type\":\"view\","
          + "\"event_ts\":\"2025-12-17T13:30:00.000Z\",\"user_id\":12345,\"movie_id\":67890,"
          + "\"session_id\":\"660e8400-e29b-41d4-a716-446655440001\",\"device_type\":\"mobile\"}";
  private static final String CLICK =
      "{\"event_id\":\"550e8400-e29b-41d4-a716-446655440002\",\"event_type\":\"click\","
          + "\"event_ts\":\"2025-12-17T13:30:05.000Z\",\"user_id\":12345,\"movie_id\":67890,"
          + "\"click_type\":\"trailer\",\"session_id\":\"660e8400-e29b-41d4-a716-446655440001\"}";
  private static final String RATING =
      "{\"event_id\":\"550e8400-e29b-41d4-a716-446655440003\",\"event_type\":\"rating\","
          + "\"event_ts\":\"2025-12-17T13:30:10.000Z\",\"user_id\":12345,\"movie_id\":67890,"
          + "\"rating\":4.5,\"review_text\":\"Great movie! Très bien 🎬\"}";

  private final EventValidator views = validator(Lakehouse.VIEWS);
  private final EventValidator clicks = validator(Lakehouse.CLICKS);
  private final EventValidator ratings = validator(Lakehouse.RATINGS);

  private static EventValidator validator(String topic) {
    return validator(topic, true);
  }

  private static EventValidator validator(String topic, boolean readsTokens) {
    return new EventValidator(
        topic, Schemas.jsonSchema(topic), Schemas.avro(topic), 0.5, 5.0, readsTokens);
  }

  private static EventValidator.Result check(EventValidator v, String json) {
    return v.validate(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertReason(DeadLetterReason expected, EventValidator.Result result) {
    assertTrue("expected " + expected.code() + " but was " + result, !result.isValid());
    assertEquals(result.toString(), expected, result.reason());
    assertTrue("a detail is given", result.detail() != null && !result.detail().isBlank());
  }

  @Test
  public void contractExamplesAreValidRows() {
    GenericRecord view = check(views, VIEW).row();
    assertEquals("550e8400-e29b-41d4-a716-446655440000", view.get("event_id").toString());
    assertEquals(Instant.parse("2025-12-17T13:30:00Z").toEpochMilli(), view.get("event_ts"));
    assertEquals(12345, view.get("user_id"));
    assertEquals(67890, view.get("movie_id"));
    assertEquals("mobile", view.get("device_type"));
    assertNull(view.get("page_url"));

    GenericRecord click = check(clicks, CLICK).row();
    assertEquals("trailer", click.get("click_type"));
    assertNull(click.get("referrer"));

    GenericRecord rating = check(ratings, RATING).row();
    assertEquals(4.5f, rating.get("rating"));
    assertEquals("Great movie! Très bien 🎬", rating.get("review_text"));
  }

  @Test
  public void optionalFieldsMayBeAbsentOrNullAndUnknownFieldsAreIgnored() {
    String minimal =
        "{\"event_id\":\"550e8400-e29b-41d4-a716-446655440000\",\"event_type\":\"view\","
            + "\"event_ts\":\"2025-12-17T23:59:59.999Z\",\"user_id\":1,\"movie_id\":2,"
            + "\"device_type\":null,\"experiment\":\"b\"}";
    EventValidator.Result result = check(views, minimal);
    assertTrue(result.toString(), result.isValid());
    assertNull(result.row().get("device_type"));
  }

  @Test
  public void timestampsWithOffsetsAreConvertedToUtc() {
    EventValidator.Result result =
        check(views, VIEW.replace("2025-12-17T13:30:00.000Z", "2025-12-18T01:30:00+02:00"));
    assertEquals(
        Instant.parse("2025-12-17T23:30:00Z").toEpochMilli(), result.row().get("event_ts"));
  }

  @Test
  public void invalidJson() {
    assertReason(DeadLetterReason.INVALID_JSON, check(views, "{\"event_id\": "));
    assertReason(DeadLetterReason.INVALID_JSON, check(views, "not json at all"));
    assertReason(DeadLetterReason.INVALID_JSON, check(views, "[1,2,3]"));
    assertReason(DeadLetterReason.INVALID_JSON, check(views, "42"));
    assertReason(DeadLetterReason.INVALID_JSON, check(views, VIEW + " trailing"));
    assertReason(DeadLetterReason.INVALID_JSON, check(views, ""));
    assertReason(DeadLetterReason.INVALID_JSON, views.validate(null));
    assertReason(
        DeadLetterReason.INVALID_JSON,
        views.validate(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
  }

  @Test
  public void missingRequiredField() {
    for (String field :
        new String[] {"event_id", "event_type", "event_ts", "user_id", "movie_id"}) {
      String json = VIEW.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[0-9]+),", "");
      assertReason(DeadLetterReason.MISSING_REQUIRED_FIELD, check(views, json));
    }
    assertReason(
        DeadLetterReason.MISSING_REQUIRED_FIELD,
        check(ratings, RATING.replace("\"rating\":4.5,", "")));
    assertReason(
        DeadLetterReason.MISSING_REQUIRED_FIELD,
        check(views, VIEW.replace("\"movie_id\":67890", "\"movie_id\":null")));
  }

  @Test
  public void invalidEventType() {
    assertReason(DeadLetterReason.INVALID_EVENT_TYPE, check(views, CLICK));
    assertReason(DeadLetterReason.INVALID_EVENT_TYPE, check(clicks, VIEW));
    assertReason(
        DeadLetterReason.INVALID_EVENT_TYPE,
        check(views, VIEW.replace("\"event_type\":\"view\"", "\"event_type\":\"purchase\"")));
  }

  @Test
  public void schemaValidationFailed() {
    assertReason(
        DeadLetterReason.SCHEMA_VALIDATION_FAILED,
        check(views, VIEW.replace("\"user_id\":12345", "\"user_id\":\"12345\"")));
    assertReason(
        DeadLetterReason.SCHEMA_VALIDATION_FAILED,
        check(views, VIEW.replace("\"user_id\":12345", "\"user_id\":2147483648")));
    assertReason(
        DeadLetterReason.SCHEMA_VALIDATION_FAILED,
        check(views, VIEW.replace("\"movie_id\":67890", "\"movie_id\":1.5")));
    assertReason(
        DeadLetterReason.SCHEMA_VALIDATION_FAILED,
        check(views, VIEW.replace("550e8400-e29b-41d4-a716-446655440000", "not-a-uuid")));
    assertReason(
        DeadLetterReason.SCHEMA_VALIDATION_FAILED,
        check(views, VIEW.replace("\"device_type\":\"mobile\"", "\"device_type\":7")));
    assertReason(
        DeadLetterReason.SCHEMA_VALIDATION_FAILED,
        check(ratings, RATING.replace("Great movie! Très bien 🎬", "x".repeat(5001))));
    assertReason(
        DeadLetterReason.SCHEMA_VALIDATION_FAILED,
        check(ratings, RATING.replace("\"rating\":4.5", "\"rating\":\"4.5\"")));
  }

  @Test
  public void invalidTimestamp() {
    for (String ts :
        new String[] {
          "yesterday",
          "2025-12-17 13:30:00",
          "2025-13-17T13:30:00Z",
          "2025-02-30T10:00:00Z",
          "2025-12-17T13:30:00",
          "1702819800"
        }) {
      assertReason(
          DeadLetterReason.INVALID_TIMESTAMP,
          check(views, VIEW.replace("2025-12-17T13:30:00.000Z", ts)));
    }
  }

  @Test
  public void invalidRatingValue() {
    for (String rating : new String[] {"0", "0.0", "5.5", "-1", "4.3", "100"}) {
      assertReason(
          DeadLetterReason.INVALID_RATING_VALUE,
          check(ratings, RATING.replace("\"rating\":4.5", "\"rating\":" + rating)));
    }
    for (String rating : new String[] {"0.5", "5", "5.0", "3"}) {
      assertTrue(
          rating,
          check(ratings, RATING.replace("\"rating\":4.5", "\"rating\":" + rating)).isValid());
    }
  }

  @Test
  public void ratingBoundsComeFromOptions() {
    EventValidator strict =
        new EventValidator(
            Lakehouse.RATINGS,
            Schemas.jsonSchema(Lakehouse.RATINGS),
            Schemas.avro(Lakehouse.RATINGS),
            1.0,
            4.0);
    assertReason(DeadLetterReason.INVALID_RATING_VALUE, check(strict, RATING));
    assertTrue(check(strict, RATING.replace("\"rating\":4.5", "\"rating\":4.0")).isValid());
  }

  @Test
  public void missingFieldWinsOverOtherErrors() {
    String json =
        VIEW.replace("\"user_id\":12345,", "")
            .replace("\"event_type\":\"view\"", "\"event_type\":\"x\"");
    assertReason(DeadLetterReason.MISSING_REQUIRED_FIELD, check(views, json));
  }

  /** Each topic's contract example with its validator. */
  private List<Map.Entry<EventValidator, String>> everyTopic() {
    return List.of(Map.entry(views, VIEW), Map.entry(clicks, CLICK), Map.entry(ratings, RATING));
  }

  @Test
  public void timestampsOutsideWhatEveryReaderCanReadAreInvalidOnEveryTopic() {
    for (Map.Entry<EventValidator, String> topic : everyTopic()) {
      String ts = topic.getValue().replaceAll(".*\"event_ts\":\"([^\"]+)\".*", "$1");
      for (String outside :
          new String[] {
            "0001-01-01T00:00:00Z",
            "1582-10-04T00:00:00Z",
            "1899-12-31T23:59:59.999Z",
            "1900-01-01T00:30:00+01:00",
            "2100-01-01T00:00:00Z",
            "2099-12-31T20:00:00-05:00",
            "9999-12-31T23:59:59Z"
          }) {
        assertReason(
            DeadLetterReason.INVALID_TIMESTAMP,
            check(topic.getKey(), topic.getValue().replace(ts, outside)));
      }
      for (String inside : new String[] {"1900-01-01T00:00:00Z", "2099-12-31T23:59:59.999Z"}) {
        EventValidator.Result result = check(topic.getKey(), topic.getValue().replace(ts, inside));
        assertTrue(inside + ": " + result, result.isValid());
        assertEquals(Instant.parse(inside).toEpochMilli(), result.row().get("event_ts"));
      }
    }
  }

  @Test
  public void fieldsATopicDoesNotDefineAreExtraWhateverTheirValue() {
    String[] extras = {
      "\"rating\":null", "\"rating\":99", "\"rating\":\"x\"", "\"review_text\":7",
      "\"click_type\":{}", "\"referrer\":[1,2]", "\"device_type\":false", "\"page_url\":0",
      "\"session_id\":\"not-a-uuid\"", "\"other\":\"\\ud800\""
    };
    for (String extra : extras) {
      String field = extra.substring(1, extra.indexOf('"', 1));
      for (Map.Entry<EventValidator, String> topic : everyTopic()) {
        if (topic.getValue().contains("\"" + field + "\"") || definedBy(topic.getKey(), field)) {
          continue; // the topic defines it: its rules apply (tested elsewhere)
        }
        String json = topic.getValue().replaceFirst("}$", "," + extra + "}");
        EventValidator.Result result = check(topic.getKey(), json);
        assertTrue(topic.getKey().topic() + " with " + extra + ": " + result, result.isValid());
      }
    }
  }

  private static boolean definedBy(EventValidator validator, String field) {
    return Schemas.avro(validator.topic()).getField(field) != null;
  }

  @Test
  public void aNullRequiredFieldIsMissingWhateverRuleItBreaks() {
    for (Map.Entry<EventValidator, String> topic : everyTopic()) {
      List<String> required =
          new ArrayList<>(List.of("event_id", "event_type", "event_ts", "user_id", "movie_id"));
      if (topic.getKey() == ratings) {
        required.add("rating");
      }
      for (String field : required) {
        String json =
            topic
                .getValue()
                .replaceFirst("\"" + field + "\":(\"[^\"]*\"|[0-9.]+)", "\"" + field + "\":null");
        assertTrue(json, json.contains("\"" + field + "\":null"));
        assertReason(DeadLetterReason.MISSING_REQUIRED_FIELD, check(topic.getKey(), json));
      }
    }
  }

  @Test
  public void ratingsAreExactHalfSteps() {
    for (String off :
        new String[] {"4.9999999999", "4.5000000001", "0.4999999999", "1.0000001", "2.25"}) {
      assertReason(
          DeadLetterReason.INVALID_RATING_VALUE,
          check(ratings, RATING.replace("\"rating\":4.5", "\"rating\":" + off)));
    }
    for (String exact : new String[] {"45e-1", "4.50", "0.5", "5E0"}) {
      EventValidator.Result result =
          check(ratings, RATING.replace("\"rating\":4.5", "\"rating\":" + exact));
      assertTrue(exact + ": " + result, result.isValid());
      assertEquals(Float.parseFloat(exact), (float) result.row().get("rating"), 0f);
    }
  }

  @Test
  public void stringsMustBeWellFormedUnicode() {
    assertReason(
        DeadLetterReason.SCHEMA_VALIDATION_FAILED,
        check(views, VIEW.replace("\"mobile\"", "\"mob\\ud800ile\"")));
    assertReason(
        DeadLetterReason.SCHEMA_VALIDATION_FAILED,
        check(ratings, RATING.replace("Great movie!", "Great \\udfac movie!")));
    EventValidator.Result paired =
        check(ratings, RATING.replace("Great movie!", "Great \\ud83c\\udfac movie!"));
    assertTrue(paired.toString(), paired.isValid());
    assertEquals("Great \ud83c\udfac movie! Très bien 🎬", paired.row().get("review_text"));
  }

  /**
   * event_ts: the direct reading of the usual shape gives what the ISO formatter gives, and every
   * other text, valid or not, is the formatter's to judge.
   */
  @Test
  public void eventTsIsReadAsTheIsoFormatterReadsIt() {
    List<String> texts =
        new ArrayList<>(
            List.of(
                "2025-12-17T13:30:00Z",
                "2025-12-17T13:30:00.5Z",
                "2025-12-17T13:30:00.123456789Z",
                "2025-12-17T13:30:00.1234567890Z",
                "2025-12-17T13:30:00.Z",
                "2025-12-17T13:30:00+05:30",
                "2025-12-17T13:30:00.250-08:00",
                "2025-12-17T13:30:00-00:00",
                "2025-12-17T13:30:00+18:00",
                "2025-12-17T13:30:00+18:30",
                "2025-12-17T13:30:00+05:60",
                "2025-12-17T13:30:00+05:30:15",
                "2025-12-17T13:30:00+05",
                "2025-12-17t13:30:00z",
                "2025-12-17T13:30Z",
                "2024-02-29T00:00:00Z",
                "2025-02-29T00:00:00Z",
                "2025-04-31T00:00:00Z",
                "2025-13-01T00:00:00Z",
                "2025-12-17T24:00:00Z",
                "2025-12-17T23:60:00Z",
                "2025-12-17T23:59:60Z",
                "0000-01-01T00:00:00Z",
                "+12025-01-01T00:00:00Z",
                "2025-12-17 13:30:00Z",
                "2025-12-17T13:30:00",
                "2025-1a-17T13:30:00Z",
                "2025-12-17T13:30:00.12a Z",
                "2025-12-17T13:30:00ZZ",
                "２０２５-12-17T13:30:00Z"));
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      texts.add(
          String.format(
              "%04d-%02d-%02dT%02d:%02d:%02d%s%s",
              random.nextInt(10_000),
              random.nextInt(14),
              random.nextInt(33),
              random.nextInt(26),
              random.nextInt(62),
              random.nextInt(62),
              random.nextBoolean() ? "" : "." + "123456789".substring(0, 1 + random.nextInt(9)),
              random.nextBoolean()
                  ? "Z"
                  : String.format(
                      "%s%02d:%02d",
                      random.nextBoolean() ? "+" : "-", random.nextInt(20), random.nextInt(61))));
    }
    for (String text : texts) {
      String expected;
      try {
        expected =
            OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant()
                .toString();
      } catch (DateTimeParseException e) {
        expected = "error: " + e.getMessage();
      }
      String actual;
      try {
        actual = EventValidator.parseEventTs(text).toString();
      } catch (DateTimeParseException e) {
        actual = "error: " + e.getMessage();
      }
      assertEquals(text, expected, actual);
    }
  }

  /**
   * Messages of the usual shape are read token by token, every other one as a tree; both ways must
   * give the same outcome (row, or reason and detail). Each topic's example with each field (and
   * "rating" and an extra one) removed, set to each value of {@link FlatSchemaCheckTest#VALUES}, or
   * given twice; texts around a valid object; and the generator's messages.
   */
  @Test
  public void readingTheUsualShapeAsTokensGivesWhatTheTreeGives() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, List<String>> messages = new LinkedHashMap<>();
    for (int t = 0; t < Lakehouse.TOPICS.size(); t++) {
      String example = FlatSchemaCheckTest.EXAMPLES[t];
      List<String> texts = new ArrayList<>();
      texts.add(example);
      ObjectNode object = (ObjectNode) json.readTree(example);
      List<String> fields = new ArrayList<>();
      object.fieldNames().forEachRemaining(fields::add);
      fields.add("rating");
      fields.add("extra");
      String open = example.substring(0, example.length() - 1);
      for (String field : fields) {
        ObjectNode without = object.deepCopy();
        without.remove(field);
        texts.add(json.writeValueAsString(without));
        for (String value : FlatSchemaCheckTest.VALUES) {
          texts.add(json.writeValueAsString(object.deepCopy().set(field, json.readTree(value))));
          texts.add(open + ",\"" + field + "\":" + value + "}"); // given twice, unless new
          texts.add("{\"" + field + "\":" + value + "," + example.substring(1)); // first
        }
      }
      for (String number : new String[] {"1E2", "-0", "0.5e1", "45e-1", "12345678901", "-0.0"}) {
        texts.add(json.writeValueAsString(object.deepCopy().set("rating", json.readTree(number))));
        texts.add(json.writeValueAsString(object.deepCopy().set("user_id", json.readTree(number))));
      }
      for (String around :
          new String[] {
            " %s",
            "%s ",
            "%s\n",
            "%s}",
            "%s x",
            "%s {}",
            "[%s]",
            "%s%s",
            "\u0000%s",
            "%s\u0000",
            "\ufeff%s",
            "%s // c",
            "/* c */%s"
          }) {
        texts.add(String.format(around, example, example));
      }
      texts.add("{\u0000" + example.substring(1));
      texts.add("{\u0000\u0000\u0000" + example.substring(1));
      texts.add(example.replace(",", ",\u0000"));
      texts.add(example.replace("\"event_id\"", "\"event\\u005fid\""));
      texts.add(example.replace("\":", "\" : ").replace(",", " ,\t"));
      texts.add(example.replace("\"event_id\":\"", "\"event_id\":\"\\ud800"));
      texts.add(example.replace(":12345,", ":\"12345\","));
      texts.add(example.replace("{", "{\"nested\":{\"a\":[1,{\"b\":null}]},"));
      messages.put(Lakehouse.TOPICS.get(t), texts);
    }
    for (GeneratedMessage m : SampleMessages.of(20_000, 5, Instant.parse("2025-12-17T20:00:00Z"))) {
      messages.get(m.topic()).add(new String(m.value(), StandardCharsets.UTF_8));
    }

    int compared = 0;
    int readAsTokens = 0;
    int valid = 0;
    for (Map.Entry<String, List<String>> topic : messages.entrySet()) {
      EventValidator tokens = validator(topic.getKey());
      EventValidator tree = validator(topic.getKey(), false);
      for (String text : topic.getValue()) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        EventValidator.Result expected = tree.validate(payload);
        assertEquals(text, expected.toString(), tokens.validate(payload).toString());
        assertNull(tree.readUsualShape(payload));
        compared++;
        valid += expected.isValid() ? 1 : 0;
        if (payload.length > 0 && tokens.readUsualShape(payload) != null) {
          readAsTokens++;
        }
      }
    }
    assertTrue(compared > 20_000);
    assertTrue("most valid messages are read as tokens", readAsTokens > valid * 0.9);
    assertTrue("some valid messages are read as trees", readAsTokens < valid);
  }
}
