package com.trending.generator;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.trending.common.DeadLetterReason;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.generator.GeneratedMessage.Kind;
import com.trending.silver.EventValidator;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/**
 * The generator's messages, made in memory (no broker) and checked with the pipeline's own {@link
 * EventValidator}: every message it calls valid is valid, every malformed one gets exactly the
 * dead-letter reason it claims, duplicates are byte-identical re-sends, and the summary counts
 * match.
 */
public class EventGeneratorTest {

  private static final Instant NOW = Instant.parse("2025-12-17T20:00:00Z");
  private static final long HOUR = 3_600_000L;

  private final Map<String, EventValidator> validators = new HashMap<>();

  public EventGeneratorTest() {
    for (String topic : Lakehouse.TOPICS) {
      validators.put(
          topic,
          new EventValidator(topic, Schemas.jsonSchema(topic), Schemas.avro(topic), 0.5, 5.0));
    }
  }

  private static GeneratorOptions options(String... args) {
    return GeneratorOptions.parse(args);
  }

  private static List<GeneratedMessage> generate(GeneratorOptions o, long seed) {
    MessageSource source = new MessageSource(o, seed, NOW, () -> NOW.toEpochMilli());
    List<GeneratedMessage> out = new ArrayList<>();
    while (source.hasNext()) {
      out.add(source.next());
    }
    return out;
  }

  @Test
  public void everyMessageGetsTheOutcomeTheGeneratorClaims() {
    GeneratorOptions o =
        options(
            "--events=6000",
            "--hours=48",
            "--movies=500",
            "--users=2000",
            "--malformedRatio=0.02",
            "--invalidRatingRatio=0.04",
            "--duplicateRatio=0.05",
            "--lateRatio=0.05",
            "--ratingRatio=0.2");
    List<GeneratedMessage> messages = generate(o, 42);
    assertEquals(6000, messages.size());

    GeneratorSummary summary = new GeneratorSummary();
    Map<String, Set<String>> eventIds = new HashMap<>();
    Map<String, Set<ByteBuffer>> validBytes = new HashMap<>();
    Map<DeadLetterReason, Integer> reasons = new EnumMap<>(DeadLetterReason.class);
    Set<String> invalidJsonShapes = new HashSet<>();
    int late = 0;
    int withReview = 0;
    int nonAsciiReviews = 0;
    for (GeneratedMessage m : messages) {
      summary.record(m);
      EventValidator.Result result = validators.get(m.topic()).validate(m.value());
      String where =
          m.kind()
              + " "
              + m.reason()
              + " on "
              + m.topic()
              + ": "
              + new String(m.value(), StandardCharsets.UTF_8)
              + " -> "
              + result;
      switch (m.kind()) {
        case VALID:
          {
            assertTrue(where, result.isValid());
            assertEquals(where, m.eventTimeMillis(), result.row().get("event_ts"));
            assertTrue(
                "event_id unique: " + where,
                eventIds
                    .computeIfAbsent(m.topic(), t -> new HashSet<>())
                    .add(result.row().get("event_id").toString()));
            validBytes
                .computeIfAbsent(m.topic(), t -> new HashSet<>())
                .add(ByteBuffer.wrap(m.value()));
            assertArrayEquals(
                String.valueOf(result.row().get("user_id")).getBytes(StandardCharsets.UTF_8),
                m.key());
            if (m.late()) {
              late++;
            }
            if (Lakehouse.RATINGS.equals(m.topic())) {
              double rating = ((Float) result.row().get("rating")).doubleValue();
              assertTrue(
                  where, rating >= 0.5 && rating <= 5.0 && rating * 2 == Math.rint(rating * 2));
              Object review = result.row().get("review_text");
              if (review != null) {
                withReview++;
                if (!review.toString().chars().allMatch(c -> c < 128)) {
                  nonAsciiReviews++;
                }
              }
            }
            break;
          }
        case DUPLICATE:
          assertTrue(where, result.isValid());
          assertTrue(
              "a duplicate re-sends the bytes of an earlier valid message: " + where,
              validBytes.getOrDefault(m.topic(), Set.of()).contains(ByteBuffer.wrap(m.value())));
          break;
        default:
          assertFalse(where, result.isValid());
          assertEquals(where, m.reason(), result.reason());
          reasons.merge(m.reason(), 1, Integer::sum);
          if (m.reason() == DeadLetterReason.INVALID_RATING_VALUE) {
            assertEquals(where, Lakehouse.RATINGS, m.topic());
          }
          if (m.reason() == DeadLetterReason.INVALID_JSON) {
            invalidJsonShapes.add(shape(m.value()));
          }
      }
    }

    for (DeadLetterReason reason : DeadLetterReason.values()) {
      assertTrue(
          "some " + reason.code() + " faults: " + reasons, reasons.getOrDefault(reason, 0) > 20);
    }
    assertEquals(
        "invalid_json comes in every shape: " + invalidJsonShapes,
        Set.of("not-utf8", "not-object", "unparseable", "empty"),
        invalidJsonShapes);
    assertTrue(late > 100);
    assertTrue(withReview > 50);
    assertTrue(nonAsciiReviews > 10);

    // The summary says what the pipeline must find.
    long valid = 0;
    for (String topic : Lakehouse.TOPICS) {
      assertEquals(topic, eventIds.get(topic).size(), summary.validUnique(topic));
      valid += summary.validUnique(topic);
    }
    long duplicates = messages.stream().filter(m -> m.kind() == Kind.DUPLICATE).count();
    assertTrue(duplicates > 200);
    assertEquals(
        6000, valid + duplicates + reasons.values().stream().mapToInt(Integer::intValue).sum());
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      assertEquals(
          reason.code(), (long) reasons.getOrDefault(reason, 0), summary.deadLetters(reason));
    }
    assertEquals(0, summary.deadLetters(Lakehouse.VIEWS, DeadLetterReason.INVALID_RATING_VALUE));
  }

  /** Which kind of invalid JSON a payload is: not UTF-8, valid JSON but not an object, ... */
  private static String shape(byte[] value) {
    if (value.length == 0) {
      return "empty";
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString();
    } catch (Exception e) {
      return "not-utf8";
    }
    try {
      JsonNode node = new ObjectMapper().readTree(text);
      if (node != null && !node.isObject()) {
        return "not-object";
      }
    } catch (Exception e) {
      return "unparseable";
    }
    return "unparseable"; // e.g. an object followed by another one
  }

  @Test
  public void summaryJsonHasPerTopicCountsAndEveryReason() throws Exception {
    GeneratorOptions o = options("--events=2000", "--malformedRatio=0.01", "--duplicateRatio=0.02");
    GeneratorSummary summary = new GeneratorSummary();
    generate(o, 7).forEach(summary::record);
    JsonNode json = new ObjectMapper().readTree(summary.toJson(Map.of("seed", 7)));
    assertEquals(2000, json.get("messages_sent").asLong());
    long messages = 0;
    long valid = 0;
    for (String topic : Lakehouse.TOPICS) {
      JsonNode t = json.get(topic);
      assertNotNull(topic, t);
      long dead = 0;
      for (DeadLetterReason reason : DeadLetterReason.values()) {
        dead += t.get("dead_letters").get(reason.code()).asLong();
      }
      long byDate = 0;
      for (JsonNode n : t.get("valid_unique_by_date")) {
        byDate += n.asLong();
      }
      assertEquals(t.get("valid_unique").asLong(), byDate);
      assertEquals(
          t.get("messages").asLong(),
          t.get("valid_unique").asLong() + t.get("duplicates").asLong() + dead);
      messages += t.get("messages").asLong();
      valid += t.get("valid_unique").asLong();
    }
    assertEquals(2000, messages);
    assertEquals(valid, json.get("totals").get("valid_unique").asLong());
    assertEquals(7, json.get("run").get("seed").asLong());
  }

  @Test
  public void sameSeedSameBytesOtherSeedOtherBytes() {
    GeneratorOptions o = options("--events=500", "--malformedRatio=0.01");
    List<GeneratedMessage> a = generate(o, 3);
    List<GeneratedMessage> b = generate(o, 3);
    List<GeneratedMessage> c = generate(o, 4);
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).topic(), b.get(i).topic());
      assertArrayEquals(a.get(i).value(), b.get(i).value());
    }
    assertFalse(Arrays.equals(a.get(0).value(), c.get(0).value()));
  }

  @Test
  public void backfillSpansTheHoursWithAnEveningPeak() {
    GeneratorOptions o =
        options(
            "--events=20000",
            "--hours=48",
            "--lateRatio=0",
            "--duplicateRatio=0",
            "--malformedRatio=0");
    List<GeneratedMessage> messages = generate(o, 11);
    long start = NOW.toEpochMilli() - 48 * HOUR;
    long evening = 0;
    long morning = 0;
    long previous = start;
    for (GeneratedMessage m : messages) {
      long t = m.eventTimeMillis();
      assertTrue(t >= start && t < NOW.toEpochMilli());
      assertTrue("event time grows (within a minute)", t >= previous - 60_000);
      previous = Math.max(previous, t);
      long hour = Math.floorMod(t, 24 * HOUR) / HOUR;
      if (hour >= 18 && hour < 22) {
        evening++;
      } else if (hour >= 6 && hour < 10) {
        morning++;
      }
    }
    assertTrue("evening " + evening + " vs morning " + morning, evening > 3 * morning);
    assertTrue(messages.get(messages.size() - 1).eventTimeMillis() > NOW.toEpochMilli() - HOUR);
  }

  @Test
  public void lateEventsAreHoursBehind() {
    GeneratorOptions o =
        options(
            "--events=3000",
            "--lateRatio=0.2",
            "--lateMaxHours=6",
            "--malformedRatio=0",
            "--duplicateRatio=0",
            "--live",
            "--rate=1000");
    MessageSource source = new MessageSource(o, 5, NOW, () -> NOW.toEpochMilli());
    int late = 0;
    while (source.hasNext()) {
      GeneratedMessage m = source.next();
      long behind = NOW.toEpochMilli() - m.eventTimeMillis();
      if (m.late()) {
        late++;
        assertTrue(String.valueOf(behind), behind >= HOUR && behind <= 6 * HOUR);
      } else {
        assertEquals("live: event time = now", 0, behind);
      }
    }
    assertTrue(late > 400 && late < 800);
  }

  @Test
  public void popularityIsZipfWithABreakoutAroundNow() {
    GeneratorOptions o = options("--movies=5000", "--breakouts=3", "--breakoutShare=0.05");
    TrafficModel model =
        new TrafficModel(
            o,
            new SplittableRandom(1),
            NOW.toEpochMilli() - 48 * HOUR,
            NOW.toEpochMilli(),
            NOW.toEpochMilli());
    int breakout = model.breakouts().get(0).movieId;
    SplittableRandom random = new SplittableRandom(2);
    Map<Integer, AtomicLong> atNow = new HashMap<>();
    Map<Integer, AtomicLong> before = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      atNow
          .computeIfAbsent(model.movie(NOW.toEpochMilli(), random), k -> new AtomicLong())
          .incrementAndGet();
      before
          .computeIfAbsent(
              model.movie(NOW.toEpochMilli() - 30 * HOUR, random), k -> new AtomicLong())
          .incrementAndGet();
    }
    long top = atNow.get(model.movieAtRank(0)).get();
    long tenth = atNow.get(model.movieAtRank(9)).get();
    assertTrue("zipf: rank 1 about 10x rank 10: " + top + " vs " + tenth, top > 6 * tenth);
    long breakoutNow = atNow.get(breakout).get();
    long breakoutBefore = before.getOrDefault(breakout, new AtomicLong()).get();
    assertTrue(
        "breakout movie jumps: " + breakoutBefore + " -> " + breakoutNow,
        breakoutNow > 10 * (breakoutBefore + 1));
    assertTrue("breakout movie in the top 10 now", breakoutNow > tenth);
  }

  @Test
  public void optionsAreCheckedAndMalformedRatioSetsAllReasons() {
    GeneratorOptions o = options("--malformedRatio=0.01", "--invalidJsonRatio=0.02");
    assertEquals(0.02, o.invalidJsonRatio, 0);
    assertEquals(0.01, o.invalidRatingRatio, 0);
    assertEquals(100_000, o.totalMessages());
    assertEquals(Long.MAX_VALUE, options("--live").totalMessages());
    for (String[] bad :
        new String[][] {
          {"--nope=1"},
          {"--events=x"},
          {"--malformedRatio=0.2"},
          {"--minRating=4", "--maxRating=3"},
          {"positional"}
        }) {
      try {
        options(bad);
        fail("accepted " + String.join(" ", bad));
      } catch (IllegalArgumentException expected) {
        // ok
      }
    }
  }

  @Test
  public void commandLineKeepsItsValueFormats() {
    GeneratorOptions o =
        options(
            "--events=1_000_000",
            "--live=TRUE",
            "--acks=ALL",
            "--compression=ZSTD",
            "--now=2025-12-17T20:00:00Z",
            "--seed=-7",
            "--rate=50",
            "--rate=1e3",
            "--hours=010");
    assertEquals(1_000_000, o.events);
    assertTrue(o.live);
    assertEquals("all", o.acks);
    assertEquals("zstd", o.compression);
    assertEquals(NOW, o.now);
    assertEquals(Long.valueOf(-7), o.seed);
    assertEquals("the last of an option given twice", 1000, o.rate, 0);
    assertEquals(10, o.hours);
    assertFalse(options("--live", "--live=false").live);
    assertEquals(
        0.03, options("--invalidRatingRatio=0.02", "--malformedRatio=0.03").invalidRatingRatio, 0);
    GeneratorOptions defaults = options();
    assertEquals(0.0005, defaults.schemaViolationRatio, 0);
    assertEquals(0.01, defaults.duplicateRatio, 0);
    assertEquals(48, defaults.hours);
    assertFalse(defaults.live);
    for (String[] bad :
        new String[][] {
          {"--live=yes"}, {"--hours=0x10"}, {"--now=yesterday"}, {"--acks=2"}, {"--summaryFile"}
        }) {
      try {
        options(bad);
        fail("accepted " + String.join(" ", bad));
      } catch (IllegalArgumentException expected) {
        assertTrue(
            expected.getMessage(), expected.getMessage().contains(bad[0].replaceAll("=.*", "")));
      }
    }
  }

  @Test
  public void helpListsEveryOptionWithItsDefault() {
    String help = GeneratorOptions.commandLine(new GeneratorOptions()).getUsageMessage();
    for (String option :
        new String[] {
          "--hours=N",
          "--live",
          "--rate=R",
          "--events=N",
          "--now=TIME",
          "--seed=N",
          "--bootstrapServers=H:P",
          "--kafkaClientProperties=FILE",
          "--movies=N",
          "--users=N",
          "--zipfExponent=X",
          "--breakouts=N",
          "--breakoutShare=R",
          "--clickRatio=R",
          "--ratingRatio=R",
          "--reviewRatio=R",
          "--minRating=X",
          "--maxRating=X",
          "--duplicateRatio=R",
          "--lateRatio=R",
          "--lateMaxHours=H",
          "--invalidJsonRatio=R",
          "--missingFieldRatio=R",
          "--invalidEventTypeRatio=R",
          "--schemaViolationRatio=R",
          "--invalidTimestampRatio=R",
          "--invalidRatingRatio=R",
          "--malformedRatio=R",
          "--acks=all|1|0",
          "--compression=TYPE",
          "--lingerMs=MS",
          "--batchSize=BYTES",
          "--summaryFile=PATH",
          "--progressSeconds=S",
          "--help"
        }) {
      assertTrue(option + " in\n" + help, help.contains(option));
    }
    assertTrue(help, help.contains("Default: 48"));
    assertTrue(help, help.contains("Default: 262144"));
  }
}
