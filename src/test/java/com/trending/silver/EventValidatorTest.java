package com.trending.silver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
    return new EventValidator(topic, Schemas.jsonSchema(topic), Schemas.avro(topic), 0.5, 5.0);
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
    assertEquals(Instant.parse("2025-12-17T23:30:00Z").toEpochMilli(), result.row().get("event_ts"));
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
        DeadLetterReason.INVALID_JSON, views.validate(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
  }

  @Test
  public void missingRequiredField() {
    for (String field : new String[] {"event_id", "event_type", "event_ts", "user_id", "movie_id"}) {
      String json = VIEW.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[0-9]+),", "");
      assertReason(DeadLetterReason.MISSING_REQUIRED_FIELD, check(views, json));
    }
    assertReason(
        DeadLetterReason.MISSING_REQUIRED_FIELD, check(ratings, RATING.replace("\"rating\":4.5,", "")));
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
        new String[] {"yesterday", "2025-12-17 13:30:00", "2025-13-17T13:30:00Z", "2025-02-30T10:00:00Z",
            "2025-12-17T13:30:00", "1702819800"}) {
      assertReason(
          DeadLetterReason.INVALID_TIMESTAMP, check(views, VIEW.replace("2025-12-17T13:30:00.000Z", ts)));
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
      assertTrue(rating, check(ratings, RATING.replace("\"rating\":4.5", "\"rating\":" + rating)).isValid());
    }
  }

  @Test
  public void ratingBoundsComeFromOptions() {
    EventValidator strict =
        new EventValidator(Lakehouse.RATINGS, Schemas.jsonSchema(Lakehouse.RATINGS),
            Schemas.avro(Lakehouse.RATINGS), 1.0, 4.0);
    assertReason(DeadLetterReason.INVALID_RATING_VALUE, check(strict, RATING));
    assertTrue(check(strict, RATING.replace("\"rating\":4.5", "\"rating\":4.0")).isValid());
  }

  @Test
  public void missingFieldWinsOverOtherErrors() {
    String json = VIEW.replace("\"user_id\":12345,", "").replace("\"event_type\":\"view\"", "\"event_type\":\"x\"");
    assertReason(DeadLetterReason.MISSING_REQUIRED_FIELD, check(views, json));
  }
}
