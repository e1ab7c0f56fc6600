package com.trending.silver;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The quick check may only say "valid" where the full JSON Schema validator says so too: every
 * topic's example event with each of its fields (and an extra one) replaced by values that break or
 * bend each rule, and each field removed, is judged by both.
 */
public class FlatSchemaCheckTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An event of each topic, in {@link Lakehouse#TOPICS}' order. */
  static final String[] EXAMPLES = {
    "{\"event_id\":\"550e8400-e29b-41d4-a716-446655440000\",\"event_type\":\"view\","
        + "\"event_ts\":\"2025-12-17T13:30:00.000Z\",\"user_id\":12345,\"movie_id\":67890,"
        + "\"session_id\":\"660e8400-e29b-41d4-a716-446655440001\",\"device_type\":\"mobile\","
        + "\"page_url\":\"/movie/67890\"}",
    "{\"event_id\":\"550e8400-e29b-41d4-a716-446655440002\",\"event_type\":\"click\","
        + "\"event_ts\":\"2025-12-17T13:30:05+01:00\",\"user_id\":12345,\"movie_id\":67890,"
        + "\"click_type\":\"trailer\",\"session_id\":null,\"referrer\":\"home\"}",
    "{\"event_id\":\"550E8400-E29B-41D4-A716-446655440003\",\"event_type\":\"rating\","
        + "\"event_ts\":\"2025-12-17T13:30:10.123456789Z\",\"user_id\":-1,\"movie_id\":0,"
        + "\"rating\":4.5,\"review_text\":\"Great movie! Très bien 🎬\"}"
  };

  /** Values that break, or nearly break, some rule of some field. */
  static final String[] VALUES = {
    "null",
    "true",
    "0",
    "1",
    "-1",
    "1.0",
    "4.5",
    "1e400",
    "-2147483648",
    "2147483647",
    "2147483648",
    "-2147483649",
    "123456789012345678901234567890",
    "\"\"",
    "\"view\"",
    "\"click\"",
    "\"rating\"",
    "\"View\"",
    "\"view \"",
    "\"550e8400-e29b-41d4-a716-446655440000\"",
    "\"550e8400-e29b-41d4-a716-446655440000\\n\"",
    "\"550e8400-e29b-41d4-a716-44665544000\"",
    "\"x550e8400-e29b-41d4-a716-446655440000\"",
    "\"550e8400e29b41d4a716446655440000\"",
    "\"2025-12-17T13:30:00Z\"",
    "\"2025-12-17T13:30:00.1234567890Z\"",
    "\"2025-12-17 13:30:00Z\"",
    "\"2025-12-17T13:30:00Z\\n\"",
    "\"12345\"",
    "\"" + "r".repeat(5000) + "\"",
    "\"" + "r".repeat(5001) + "\"",
    "\"" + "🎬".repeat(2500) + "\"",
    "\"" + "🎬".repeat(2501) + "\"",
    "[]",
    "[1]",
    "{}",
    "{\"a\":1}"
  };

  @Test
  public void provesOnlyWhatTheFullValidatorAccepts() throws Exception {
    int proven = 0;
    int judged = 0;
    for (int t = 0; t < Lakehouse.TOPICS.size(); t++) {
      String schemaText = Schemas.jsonSchema(Lakehouse.TOPICS.get(t));
      JsonSchema full =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schemaText);
      FlatSchemaCheck quick = FlatSchemaCheck.of(JSON.readTree(schemaText));
      assertNotNull("the topics' schemas are flat", quick);
      ObjectNode example = (ObjectNode) JSON.readTree(EXAMPLES[t]);
      assertTrue(full.validate(example).isEmpty());
      assertTrue("the example is proven valid", quick.proves(example));

      List<String> fields = new ArrayList<>();
      example.fieldNames().forEachRemaining(fields::add);
      fields.add("rating");
      fields.add("extra");
      for (String field : fields) {
        List<ObjectNode> variants = new ArrayList<>();
        ObjectNode without = example.deepCopy();
        without.remove(field);
        variants.add(without);
        for (String value : VALUES) {
          ObjectNode variant = example.deepCopy();
          variant.set(field, JSON.readTree(value));
          variants.add(variant);
        }
        for (ObjectNode message : variants) {
          judged++;
          boolean valid = full.validate(message).isEmpty();
          if (quick.proves(message)) {
            proven++;
            assertTrue("proven valid, but the full validator refuses: " + brief(message), valid);
          }
        }
      }
    }
    assertTrue(judged > 1000);
    assertTrue("some variants are proven valid: " + proven, proven > 100);
    assertTrue("some variants are left to the full validator", proven < judged / 2);
  }

  @Test
  public void aFixedShapeAcceptsOnlyWhatItsRegexFinds() {
    String uuid = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    String[] shapes = {uuid, "^[a-c]{3}x_[0-9]:$", "^A$", "^[Zz9]{2}[0-1]$"};
    String[] notShapes = {
      "[0-9]{4}", // not anchored
      "^[0-9]{1,3}$",
      "^[0-9]+$",
      "^[^0-9]{4}$",
      "^[0-9]{0}$",
      "^a.b$",
      "^(ab)$",
      "^[\\d]{2}$",
      "^[a-]{2}$",
      "^[z-a]$",
      "^$",
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$"
    };
    for (String regex : notShapes) {
      assertNull(regex, FlatSchemaCheck.FixedShape.of(regex));
    }
    Random random = new Random(7);
    String alphabet = "0123456789abcdefABCDEFxzZ_:-.\n é";
    for (String regex : shapes) {
      FlatSchemaCheck.FixedShape shape = FlatSchemaCheck.FixedShape.of(regex);
      assertNotNull(regex, shape);
      Pattern pattern = Pattern.compile(regex);
      int accepted = 0;
      for (int n = 0; n < 200_000; n++) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
          text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        // Half the texts start from a string of the shape, one character changed or appended.
        if (n % 2 == 0 && regex.equals(uuid)) {
          text = new StringBuilder(UUID.randomUUID().toString());
          int at = random.nextInt(text.length() + 1);
          char c = alphabet.charAt(random.nextInt(alphabet.length()));
          if (at == text.length()) {
            text.append(c);
          } else if (random.nextBoolean()) {
            text.setCharAt(at, c);
          }
        }
        String t = text.toString();
        if (shape.matches(t)) {
          accepted++;
          assertTrue(regex + " accepts " + t, pattern.matcher(t).find());
        }
      }
      if (regex.equals(uuid)) {
        assertTrue("UUIDs are accepted: " + accepted, accepted > 10_000);
      }
    }
    assertTrue(FlatSchemaCheck.FixedShape.of("^A$").matches("A"));
    assertFalse(FlatSchemaCheck.FixedShape.of("^A$").matches("A\n"));
  }

  @Test
  public void aSchemaWithAKeywordItDoesNotReadGetsNoQuickCheck() throws Exception {
    String[] unread = {
      "{\"type\":\"object\",\"additionalProperties\":false}",
      "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"format\":\"uuid\"}}}",
      "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":{}}}}",
      "{\"type\":\"object\",\"properties\":{\"a\":{\"minimum\":0.5}}}",
      "{\"type\":\"object\",\"properties\":{\"a\":{\"const\":1}}}",
      "{\"type\":\"array\"}",
      "{\"allOf\":[{\"required\":[\"a\"]}]}"
    };
    for (String schema : unread) {
      assertNull(schema, FlatSchemaCheck.of(JSON.readTree(schema)));
    }
    FlatSchemaCheck annotated =
        FlatSchemaCheck.of(
            JSON.readTree(
                "{\"title\":\"t\",\"type\":\"object\",\"required\":[\"a\"],"
                    + "\"properties\":{\"a\":{\"description\":\"d\",\"enum\":[\"x\",\"y\"]}}}"));
    assertNotNull(annotated);
    assertTrue(annotated.proves(JSON.readTree("{\"a\":\"y\"}")));
    assertFalse(annotated.proves(JSON.readTree("{\"a\":\"z\"}")));
    assertFalse(annotated.proves(JSON.readTree("{\"b\":\"x\"}")));
  }

  private static String brief(JsonNode message) {
    String text = message.toString();
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }
}
