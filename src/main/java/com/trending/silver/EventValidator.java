package com.trending.silver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.trending.common.DeadLetterReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns one raw Kafka message into either a Silver row or a dead-letter reason.
 *
 * <p>The rules come from the topic's JSON Schema ({@code schemas/json/<topic>.schema.json}) and the
 * row's shape from its Avro schema ({@code schemas/avro/<topic>.avsc}). On top of the schema, this
 * class checks what a schema cannot, and only for fields the topic's schema defines (a field it
 * does not define is an extra field, allowed whatever its value):
 *
 * <ul>
 *   <li>{@code event_ts} is a real instant within {@link #MIN_EVENT_TS} .. {@link #MAX_EVENT_TS};
 *   <li>{@code rating} lies within the configured bounds, an exact multiple of 0.5;
 *   <li>every string is well-formed Unicode (JSON escapes can encode half a surrogate pair, which
 *       no Parquet reader could give back).
 * </ul>
 *
 * <p>Plain Java, no Beam: the parse {@code DoFn} wraps it and unit tests call it directly. One
 * instance per thread: its quick schema check reuses its pattern matchers.
 */
public final class EventValidator {

  /**
   * The earliest valid {@code event_ts}. Spark refuses to read Parquet timestamps before 1900
   * written by other tools ({@code INCONSISTENT_BEHAVIOR_CROSS_VERSION.READ_ANCIENT_DATETIME})
   * unless each reader changes a setting, so one such event would make its whole table unreadable.
   */
  public static final Instant MIN_EVENT_TS = Instant.parse("1900-01-01T00:00:00Z");

  /** The first invalid {@code event_ts}: no clock of a real device is 75 years ahead. */
  public static final Instant MAX_EVENT_TS = Instant.parse("2100-01-01T00:00:00Z");

  private static final String EVENT_TS = "event_ts";
  private static final String EVENT_TYPE = "event_type";
  private static final String RATING = "rating";
  private static final double RATING_STEP = 0.5;

  private final String topic;
  private final Schema rowSchema;
  private final JsonSchema jsonSchema;

  /** Proves most messages valid without {@link #jsonSchema}; null if the schema is not flat. */
  private final FlatSchemaCheck quickCheck;

  /** Whether messages of the usual shape are read token by token ({@link #readUsualShape}). */
  private final boolean readsTokens;

  /**
   * The fields the topic's JSON Schema defines, in its order: a message's values are checked and
   * converted as an array in this order (its "slots"), whichever way the message was read.
   */
  private final String[] definedFields;

  private final Set<String> required;
  private final int eventTsSlot;
  private final int ratingSlot; // -1: the topic has no rating

  /** The row's fields and their non-null Avro types, in {@link #rowSchema}'s order. */
  private final Schema.Field[] rowFields;

  private final Schema.Type[] rowTypes;

  /** Per row field, its slot; -1 for a field the schema does not define. */
  private final int[] rowSlots;

  private final double minRating;
  private final double maxRating;

  /**
   * A reader, not the mapper itself: {@code ObjectMapper.readTree} resolves the tree's type anew
   * for every message (2% of a bulk ingestion's CPU).
   */
  private final ObjectReader reader =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .reader();

  public EventValidator(
      String topic, String jsonSchemaText, Schema rowSchema, double minRating, double maxRating) {
    this(topic, jsonSchemaText, rowSchema, minRating, maxRating, true);
  }

  /**
   * @param readsTokens whether messages of the usual shape are read token by token ({@link
   *     #readUsualShape}); false reads every message as a tree (tests compare the two)
   */
  EventValidator(
      String topic,
      String jsonSchemaText,
      Schema rowSchema,
      double minRating,
      double maxRating,
      boolean readsTokens) {
    this.topic = topic;
    this.rowSchema = rowSchema;
    this.jsonSchema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(jsonSchemaText);
    JsonNode schema = jsonSchema.getSchemaNode();
    List<String> defined = new ArrayList<>();
    schema.path("properties").fieldNames().forEachRemaining(defined::add);
    this.required = new HashSet<>();
    schema.path("required").forEach(name -> required.add(name.asText()));
    this.definedFields = defined.toArray(String[]::new);
    this.eventTsSlot = defined.indexOf(EVENT_TS);
    if (eventTsSlot < 0 || !required.contains(EVENT_TS)) {
      throw new IllegalArgumentException(
          "The JSON Schema of " + topic + " must define and require " + EVENT_TS);
    }
    this.ratingSlot = defined.indexOf(RATING);
    this.quickCheck = FlatSchemaCheck.of(schema);
    this.readsTokens = readsTokens && quickCheck != null;
    if (quickCheck != null && !Arrays.equals(quickCheck.names(), definedFields)) {
      throw new IllegalStateException("The quick check reads the properties in another order");
    }
    this.rowFields = rowSchema.getFields().toArray(Schema.Field[]::new);
    this.rowTypes = new Schema.Type[rowFields.length];
    this.rowSlots = new int[rowFields.length];
    for (int i = 0; i < rowFields.length; i++) {
      rowTypes[i] = nonNullType(rowFields[i].schema());
      rowSlots[i] = defined.indexOf(rowFields[i].name());
    }
    this.minRating = minRating;
    this.maxRating = maxRating;
  }

  /**
   * The outcome for one message: a row, or a reason with a readable detail.
   *
   * @param row the Silver row ({@code event_ts} holds epoch milliseconds), or null
   * @param reason why there is no row, or null
   */
  public record Result(GenericRecord row, DeadLetterReason reason, String detail) {

    /** A result has either a row or a reason, never both. */
    public Result {
      if ((row == null) == (reason == null)) {
        throw new IllegalArgumentException(
            "A result has either a row or a reason, not " + (row == null ? "neither" : "both"));
      }
    }

    static Result valid(GenericRecord row) {
      return new Result(row, null, null);
    }

    static Result invalid(DeadLetterReason reason, String detail) {
      return new Result(null, reason, detail);
    }

    public boolean isValid() {
      return row != null;
    }

    @Override
    public String toString() {
      return isValid() ? "valid " + row : reason.code() + ": " + detail;
    }
  }

  public Result validate(byte[] payload) {
    if (payload == null || payload.length == 0) {
      return Result.invalid(DeadLetterReason.INVALID_JSON, "empty message");
    }
    JsonNode[] usual = readUsualShape(payload);
    if (usual != null) {
      return checkAndConvert(usual, null);
    }
    String text = decodeUtf8(payload);
    if (text == null) {
      return Result.invalid(
          DeadLetterReason.INVALID_JSON, "not valid UTF-8 (exact bytes in raw_payload_base64)");
    }
    JsonNode json;
    try {
      json = reader.readTree(text);
    } catch (Exception e) {
      return Result.invalid(DeadLetterReason.INVALID_JSON, "not parseable JSON: " + firstLine(e));
    }
    if (json == null || !json.isObject()) {
      return Result.invalid(
          DeadLetterReason.INVALID_JSON,
          "not a JSON object but " + (json == null ? "nothing" : json.getNodeType()));
    }

    if (quickCheck == null || !quickCheck.proves(json)) {
      Set<ValidationMessage> errors = jsonSchema.validate(json);
      if (!errors.isEmpty()) {
        return schemaFailure(json, errors);
      }
    }
    JsonNode[] values = new JsonNode[definedFields.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = json.get(definedFields[i]);
    }
    return checkAndConvert(values, json);
  }

  /** Reads messages of the usual shape without a tree: no field names, no map, no duplicate set. */
  private static final JsonFactory TOKENS = new JsonFactory();

  /**
   * The values of a message of the usual shape, read token by token ({@link #TOKENS}) into its
   * slots, or null. The usual shape: ASCII, one object whose fields are all defined by the schema,
   * each once, each a string, a number, a boolean or null, and {@link #quickCheck} proves it valid.
   * Anything else (null here) is read again as a tree and judged there, so this path decides only
   * for messages the tree path accepts too, and gives them the same values: the node types the tree
   * would hold, from a parser with the same (default) features. The tree costs most of the
   * validation: a map and a duplicate-name set per message, and every field name as a string.
   */
  JsonNode[] readUsualShape(byte[] payload) {
    if (!readsTokens || payload[0] != '{') {
      return null;
    }
    int bits = 0;
    for (byte b : payload) {
      bits |= b; // one test after the loop, which the JIT can then vectorize
    }
    if (bits < 0) {
      return null; // not ASCII: the tree path checks the UTF-8
    }
    for (int i = 1; i < Math.min(4, payload.length); i++) {
      if (payload[i] == 0) {
        return null; // the parser would guess UTF-16 or UTF-32 from its first four bytes
      }
    }
    JsonNode[] values = new JsonNode[definedFields.length];
    try (JsonParser parser = TOKENS.createParser(payload)) {
      parser.nextToken(); // the object's start: payload[0] is '{'
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        int slot = slotOf(parser.currentName());
        if (slot < 0 || values[slot] != null) {
          return null; // a field the schema does not define, or a field given twice
        }
        values[slot] = scalar(parser, parser.nextToken());
        if (values[slot] == null) {
          return null;
        }
      }
      if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
        return null;
      }
    } catch (IOException notJson) {
      return null;
    }
    return quickCheck.proves(values) ? values : null;
  }

  private int slotOf(String field) {
    for (int i = 0; i < definedFields.length; i++) {
      if (definedFields[i].equals(field)) {
        return i;
      }
    }
    return -1;
  }

  /** The node the tree would hold for a scalar value, or null for any other token. */
  private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_STRING:
        return TextNode.valueOf(parser.getText());
      case VALUE_NUMBER_INT:
        switch (parser.getNumberType()) {
          case INT:
            return IntNode.valueOf(parser.getIntValue());
          case LONG:
            return LongNode.valueOf(parser.getLongValue());
          default:
            return null;
        }
      case VALUE_NUMBER_FLOAT:
        return parser.getNumberType() == JsonParser.NumberType.DOUBLE
            ? DoubleNode.valueOf(parser.getDoubleValue())
            : null;
      case VALUE_TRUE:
        return BooleanNode.TRUE;
      case VALUE_FALSE:
        return BooleanNode.FALSE;
      case VALUE_NULL:
        return NullNode.getInstance();
      default:
        return null;
    }
  }

  /**
   * What the schema cannot check, then the row: {@code values} are the message's values in its
   * slots (null: absent), {@code json} the whole message when it was read as a tree (a row field
   * the schema does not define is copied from it), else null.
   */
  private Result checkAndConvert(JsonNode[] values, JsonNode json) {
    String eventTsText = values[eventTsSlot].asText();
    Instant eventTs;
    try {
      eventTs = parseEventTs(eventTsText);
    } catch (DateTimeParseException e) {
      return Result.invalid(
          DeadLetterReason.INVALID_TIMESTAMP,
          "event_ts '" + eventTsText + "' is not an ISO-8601 instant: " + e.getMessage());
    }
    if (eventTs.isBefore(MIN_EVENT_TS) || !eventTs.isBefore(MAX_EVENT_TS)) {
      return Result.invalid(
          DeadLetterReason.INVALID_TIMESTAMP,
          "event_ts '"
              + eventTsText
              + "' is outside "
              + MIN_EVENT_TS
              + " .. "
              + MAX_EVENT_TS
              + " (exclusive), the range every reader can read");
    }

    JsonNode ratingValue = ratingSlot < 0 ? null : values[ratingSlot];
    if (ratingValue != null && !ratingValue.isNull()) {
      double rating = ratingValue.doubleValue();
      // Exact: 0.5 is a power of two, so the remainder of a double by it is computed without error.
      if (!(rating >= minRating && rating <= maxRating) || rating % RATING_STEP != 0) {
        return Result.invalid(
            DeadLetterReason.INVALID_RATING_VALUE,
            "rating "
                + ratingValue
                + " is not in ["
                + minRating
                + ", "
                + maxRating
                + "] in exact steps of "
                + RATING_STEP);
      }
    }

    for (int i = 0; i < values.length; i++) {
      JsonNode value = values[i];
      if (value != null && value.isTextual() && !isWellFormed(value.textValue())) {
        return Result.invalid(
            DeadLetterReason.SCHEMA_VALIDATION_FAILED,
            definedFields[i]
                + " is not well-formed Unicode (an unpaired surrogate, e.g. a lone \\ud800"
                + " escape)");
      }
    }
    return Result.valid(toRow(values, json, eventTs));
  }

  /**
   * The payload as text, or null if it is not well-formed UTF-8. ASCII (nearly every message) is
   * copied as it is: every byte below 0x80 is a whole UTF-8 character.
   */
  private static String decodeUtf8(byte[] payload) {
    boolean ascii = true;
    for (byte b : payload) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(payload, StandardCharsets.US_ASCII);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * {@code event_ts} as an instant: ISO-8601 with an offset, as {@link
   * DateTimeFormatter#ISO_OFFSET_DATE_TIME} reads it. The usual shape ({@code
   * 2025-12-17T13:30:00[.fff]Z}, or {@code ±hh:mm} for {@code Z}) is read directly (through the
   * formatter, a twentieth of ingestion's time); any other text, and a field out of range, go to
   * the formatter, so what is accepted and every error message stay the formatter's.
   */
  static Instant parseEventTs(String text) {
    Instant usual = parseUsualShape(text);
    return usual != null
        ? usual
        : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  private static final int[] NANOS_PER_DIGIT = {
    0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1
  };

  /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:mm)} with valid fields, else null. */
  private static Instant parseUsualShape(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      int count = i - start;
      if (count < 1 || count > 9) {
        return null;
      }
      nanos = digits(s, start, count) * NANOS_PER_DIGIT[count];
    }
    try {
      ZoneOffset offset;
      if (i == n - 1 && s.charAt(i) == 'Z') {
        offset = ZoneOffset.UTC;
      } else if (i == n - 6
          && (s.charAt(i) == '+' || s.charAt(i) == '-')
          && s.charAt(i + 3) == ':') {
        int sign = s.charAt(i) == '+' ? 1 : -1;
        int hours = digits(s, i + 1, 2);
        int minutes = digits(s, i + 4, 2);
        if (hours < 0 || minutes < 0) {
          return null;
        }
        offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
      } else {
        return null;
      }
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(offset);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The number {@code count} ASCII digits at {@code from} spell, or -1. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** False for a string holding half a UTF-16 surrogate pair, which UTF-8 cannot encode. */
  private static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Copies the JSON fields the Avro row schema names; unknown JSON fields are ignored. */
  private GenericRecord toRow(JsonNode[] values, JsonNode json, Instant eventTs) {
    GenericData.Record row = new GenericData.Record(rowSchema);
    for (int i = 0; i < rowFields.length; i++) {
      Schema.Field field = rowFields[i];
      JsonNode value =
          rowSlots[i] >= 0 ? values[rowSlots[i]] : json == null ? null : json.get(field.name());
      if (field.name().equals(EVENT_TS)) {
        row.put(field.pos(), eventTs.toEpochMilli());
      } else if (value == null || value.isNull()) {
        row.put(field.pos(), null);
      } else {
        row.put(field.pos(), convert(rowTypes[i], value));
      }
    }
    return row;
  }

  private static Object convert(Schema.Type type, JsonNode value) {
    switch (type) {
      case STRING:
        return value.asText();
      case INT:
        return value.asInt();
      case LONG:
        return value.asLong();
      case FLOAT:
        return (float) value.doubleValue();
      case DOUBLE:
        return value.doubleValue();
      case BOOLEAN:
        return value.asBoolean();
      default:
        throw new IllegalStateException("Unsupported Silver column type " + type);
    }
  }

  private static Schema.Type nonNullType(Schema schema) {
    if (schema.getType() != Schema.Type.UNION) {
      return schema.getType();
    }
    return schema.getTypes().stream()
        .filter(s -> s.getType() != Schema.Type.NULL)
        .findFirst()
        .orElseThrow()
        .getType();
  }

  /** Picks the contract reason for a set of JSON Schema errors; the detail lists them all. */
  private Result schemaFailure(JsonNode json, Set<ValidationMessage> errors) {
    List<ValidationMessage> sorted = new ArrayList<>(errors);
    sorted.sort(Comparator.comparing(ValidationMessage::getMessage));
    DeadLetterReason reason = null;
    StringBuilder detail = new StringBuilder();
    for (ValidationMessage error : sorted) {
      DeadLetterReason r = reasonFor(json, error);
      if (reason == null || r.ordinal() < reason.ordinal()) {
        reason = r;
      }
      if (detail.length() > 0) {
        detail.append("; ");
      }
      detail.append(error.getMessage());
    }
    return Result.invalid(reason, detail.toString());
  }

  private DeadLetterReason reasonFor(JsonNode json, ValidationMessage error) {
    String keyword = error.getType();
    String field = fieldOf(error);
    if ("required".equals(keyword)) {
      return DeadLetterReason.MISSING_REQUIRED_FIELD;
    }
    JsonNode value = field == null ? null : json.get(field);
    if (value != null && value.isNull() && required.contains(field)) {
      return DeadLetterReason.MISSING_REQUIRED_FIELD; // null is no value, whatever rule it breaks
    }
    if ("type".equals(keyword)) {
      return DeadLetterReason.SCHEMA_VALIDATION_FAILED;
    }
    if (EVENT_TYPE.equals(field)) {
      return DeadLetterReason.INVALID_EVENT_TYPE;
    }
    if (EVENT_TS.equals(field)) {
      return DeadLetterReason.INVALID_TIMESTAMP;
    }
    if (RATING.equals(field)) {
      return DeadLetterReason.INVALID_RATING_VALUE;
    }
    return DeadLetterReason.SCHEMA_VALIDATION_FAILED;
  }

  /** The top-level field an error is about: the first name of its instance location. */
  private static String fieldOf(ValidationMessage error) {
    JsonNodePath path = error.getInstanceLocation();
    return path != null && path.getNameCount() > 0 && path.getElement(0) instanceof String name
        ? name
        : null;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  public String topic() {
    return topic;
  }
}
