package com.trending.generator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.trending.common.DeadLetterReason;
import com.trending.common.Lakehouse;
import com.trending.generator.GeneratedMessage.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Makes the generator's messages, one {@link #next()} at a time, without any Kafka: valid views,
 * clicks and ratings following the {@link TrafficModel}, exact re-sends of recent valid messages,
 * late events, and malformed messages of every dead-letter reason of the data contract, each
 * labelled with the reason the pipeline's validator gives it. The same seed (and, in backfill, the
 * same {@code now}) gives the same bytes.
 */
public final class MessageSource {

  private static final long HOUR = 3_600_000L;
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String[] DEVICES = {
    "mobile", "mobile", "mobile", "desktop", "desktop", "tv", "tv", "tablet"
  };
  private static final String[] CLICK_TYPES = {"trailer", "poster", "title", "recommendation"};
  private static final String[] REFERRERS = {
    "https://www.google.com/", "https://movies.example.com/",
        "https://movies.example.com/search?q=",
    "https://t.co/", "https://www.facebook.com/", "https://news.example.org/reviews"
  };
  private static final String[] REVIEWS = {
    "Great movie!",
    "Très bien, un classique 🎬",
    "Déjà vu… but I loved it 😅",
    "¡Qué película! 🍿",
    "Großartige Musik, schwache Story.",
    "Naïve plot, superb cinematography 📽️",
    "素晴らしい映画でした",
    "Отличный фильм 👍",
    "Meh. Too long 😴",
    "Çok güzel, tavsiye ederim ⭐⭐⭐⭐",
    "A cœur ouvert — bravo 👏",
    "Not for me 🙅",
    "The ending! 😱🔥",
    "Perfect for a Sunday evening ☕",
    "Mañana lo veo otra vez",
    "Overrated, honestly.",
    "Brilliant acting, weak script",
    "Fantastisk! 🇳🇴",
    "Wow 🤯"
  };
  private static final String[] NOT_JSON = {
    "<html><body><h1>502 Bad Gateway</h1></body></html>",
    "user_id=12345&movie_id=67890&event=view",
    "event_id,event_type,event_ts\n1,view,2025-12-17",
    "HTTP/1.1 500 Internal Server Error",
    "undefined"
  };
  private static final String[] SCALAR_JSON = {"42", "\"view\"", "null", "true", "3.14"};
  private static final int RECENT_VIEWS = 512;
  private static final int RECENT_VALID = 10_000;

  private final GeneratorOptions options;
  private final SplittableRandom random;
  private final TrafficModel model;
  private final LongSupplier liveClock;
  private final long total;
  private final double[] faultRatios = new double[DeadLetterReason.values().length];
  private final ObjectMapper mapper = new ObjectMapper();
  private final double validMinRating;
  private final double validMaxRating;
  private final double pView;
  private final double pClick;

  private final int[] recentUser = new int[RECENT_VIEWS];
  private final int[] recentMovie = new int[RECENT_VIEWS];
  private final String[] recentSession = new String[RECENT_VIEWS];
  private long views;
  private final GeneratedMessage[] recentValid = new GeneratedMessage[RECENT_VALID];
  private long valids;
  private long index;

  /**
   * @param now end of the backfill, or start of live traffic
   * @param liveClock the event time of live messages (epoch millis); unused in backfill
   */
  public MessageSource(GeneratorOptions options, long seed, Instant now, LongSupplier liveClock) {
    this.options = options;
    this.random = new SplittableRandom(seed ^ (options.live ? 0x5DEECE66DL : 0L));
    this.liveClock = liveClock;
    this.total = options.totalMessages();
    long t = now.toEpochMilli();
    long span = options.hours * HOUR;
    this.model =
        options.live
            ? new TrafficModel(options, random, t, t + span, t)
            : new TrafficModel(options, random, t - span, t, t);
    faultRatios[DeadLetterReason.INVALID_JSON.ordinal()] = options.invalidJsonRatio;
    faultRatios[DeadLetterReason.MISSING_REQUIRED_FIELD.ordinal()] = options.missingFieldRatio;
    faultRatios[DeadLetterReason.INVALID_EVENT_TYPE.ordinal()] = options.invalidEventTypeRatio;
    faultRatios[DeadLetterReason.SCHEMA_VALIDATION_FAILED.ordinal()] = options.schemaViolationRatio;
    faultRatios[DeadLetterReason.INVALID_TIMESTAMP.ordinal()] = options.invalidTimestampRatio;
    faultRatios[DeadLetterReason.INVALID_RATING_VALUE.ordinal()] = options.invalidRatingRatio;
    validMinRating = Math.ceil(options.minRating * 2) / 2;
    validMaxRating = Math.floor(options.maxRating * 2) / 2;
    if (validMinRating > validMaxRating) {
      throw new IllegalArgumentException(
          "No rating in steps of 0.5 lies in ["
              + options.minRating
              + ", "
              + options.maxRating
              + "]: widen MIN_RATING/MAX_RATING.");
    }
    double sum = 1 + options.clickRatio + options.ratingRatio;
    pView = 1 / sum;
    pClick = options.clickRatio / sum;
  }

  TrafficModel model() {
    return model;
  }

  /** True while there are messages left to make (always, for an unlimited live run). */
  public boolean hasNext() {
    return index < total;
  }

  public GeneratedMessage next() {
    long i = index++;
    long t = options.live ? liveClock.getAsLong() : model.backfillTime(i, total, random);
    double u = random.nextDouble();
    if (u < options.duplicateRatio) {
      if (valids > 0) {
        return recentValid[random.nextInt((int) Math.min(valids, RECENT_VALID))].asDuplicate();
      }
      return valid(t);
    }
    u -= options.duplicateRatio;
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      if (u < faultRatios[reason.ordinal()]) {
        return malformed(reason, t);
      }
      u -= faultRatios[reason.ordinal()];
    }
    return valid(t);
  }

  // --- valid events ---------------------------------------------------------------------------

  private GeneratedMessage valid(long t) {
    boolean late = random.nextDouble() < options.lateRatio;
    if (late) {
      t -= HOUR + (long) (random.nextDouble() * (options.lateMaxHours - 1) * HOUR);
    }
    String topic = randomTopic();
    Map<String, Object> event = event(topic, t, true);
    GeneratedMessage message =
        new GeneratedMessage(topic, key(event), json(event), Kind.VALID, null, late, t);
    recentValid[(int) (valids++ % RECENT_VALID)] = message;
    return message;
  }

  private String randomTopic() {
    double u = random.nextDouble();
    return u < pView ? Lakehouse.VIEWS : u < pView + pClick ? Lakehouse.CLICKS : Lakehouse.RATINGS;
  }

  /**
   * A valid event of {@code topic} at {@code t}; {@code remember} records views for later clicks.
   */
  private Map<String, Object> event(String topic, long t, boolean remember) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("event_id", uuid());
    e.put("event_type", eventType(topic));
    e.put("event_ts", TS.format(Instant.ofEpochMilli(t)));
    int movie = model.movie(t, random);
    int user;
    String session = null;
    boolean fromView =
        views > 0 && random.nextDouble() < (Lakehouse.VIEWS.equals(topic) ? 0.5 : 0.8);
    int slot = fromView ? random.nextInt((int) Math.min(views, RECENT_VIEWS)) : -1;
    if (fromView) {
      user = recentUser[slot];
      session = recentSession[slot];
      if (!Lakehouse.VIEWS.equals(topic)) {
        movie = recentMovie[slot]; // clicks and ratings follow a recent view
      }
    } else {
      user = 1 + random.nextInt(options.users);
      session = uuid();
    }
    e.put("user_id", user);
    e.put("movie_id", movie);
    switch (topic) {
      case Lakehouse.VIEWS:
        if (random.nextDouble() < 0.9) {
          e.put("session_id", session);
        }
        if (random.nextDouble() < 0.95) {
          e.put("device_type", DEVICES[random.nextInt(DEVICES.length)]);
        }
        if (random.nextDouble() < 0.7) {
          e.put("page_url", "https://movies.example.com/movie/" + movie);
        }
        if (remember) {
          int s = (int) (views++ % RECENT_VIEWS);
          recentUser[s] = user;
          recentMovie[s] = movie;
          recentSession[s] = session;
        }
        break;
      case Lakehouse.CLICKS:
        if (random.nextDouble() < 0.95) {
          e.put("click_type", CLICK_TYPES[random.nextInt(CLICK_TYPES.length)]);
        }
        if (random.nextDouble() < 0.85) {
          e.put("session_id", session);
        }
        if (random.nextDouble() < 0.6) {
          e.put("referrer", REFERRERS[random.nextInt(REFERRERS.length)]);
        }
        break;
      default:
        e.put("rating", rating(movie));
        if (random.nextDouble() < options.reviewRatio) {
          String review = REVIEWS[random.nextInt(REVIEWS.length)];
          if (random.nextDouble() < 0.2) {
            review = review + " " + REVIEWS[random.nextInt(REVIEWS.length)];
          }
          e.put("review_text", review);
        }
    }
    return e;
  }

  /** A rating around the movie's own quality (2.5..4.5), in steps of 0.5 within the bounds. */
  private double rating(int movie) {
    double quality = 2.5 + 2.0 * ((movie * 0x9E3779B97F4A7C15L >>> 11) / (double) (1L << 53));
    double r = Math.rint((quality + random.nextGaussian() * 0.9) * 2) / 2;
    return Math.max(validMinRating, Math.min(validMaxRating, r));
  }

  // --- malformed messages ---------------------------------------------------------------------

  private GeneratedMessage malformed(DeadLetterReason reason, long t) {
    String topic =
        reason == DeadLetterReason.INVALID_RATING_VALUE ? Lakehouse.RATINGS : randomTopic();
    Map<String, Object> e = event(topic, t, false);
    byte[] key = key(e);
    byte[] value;
    switch (reason) {
      case INVALID_JSON:
        value = invalidJson(topic, e);
        break;
      case MISSING_REQUIRED_FIELD:
        missingField(topic, e);
        value = json(e);
        break;
      case INVALID_EVENT_TYPE:
        e.put("event_type", pick(wrongEventTypes(topic)));
        value = json(e);
        break;
      case SCHEMA_VALIDATION_FAILED:
        schemaViolation(topic, e);
        value = json(e);
        break;
      case INVALID_TIMESTAMP:
        e.put("event_ts", badTimestamp(t));
        value = json(e);
        break;
      case INVALID_RATING_VALUE:
        e.put("rating", badRating());
        value = json(e);
        break;
      default:
        throw new IllegalStateException(reason.toString());
    }
    return new GeneratedMessage(topic, key, value, Kind.MALFORMED, reason, false, t);
  }

  private byte[] invalidJson(String topic, Map<String, Object> e) {
    byte[] json = json(e);
    switch (random.nextInt(9)) {
      case 0: // truncated in transit
        return Arrays.copyOf(json, 1 + random.nextInt(json.length - 1));
      case 1:
        { // text with accents encoded as ISO-8859-1 instead of UTF-8
          switch (topic) {
            case Lakehouse.VIEWS:
              e.put("device_type", "téléviseur");
              break;
            case Lakehouse.CLICKS:
              e.put("referrer", "https://movies.example.com/recherche?q=café");
              break;
            default:
              e.put("review_text", "Très bon film, déjà culte");
          }
          return text(e).getBytes(StandardCharsets.ISO_8859_1);
        }
      case 2:
        { // stray bytes that are never UTF-8
          int at = 1 + random.nextInt(json.length - 1);
          byte[] out = new byte[json.length + 2];
          System.arraycopy(json, 0, out, 0, at);
          out[at] = (byte) 0xFF;
          out[at + 1] = (byte) 0xFE;
          System.arraycopy(json, at, out, at + 2, json.length - at);
          return out;
        }
      case 3: // an array of events instead of one
        return utf8("[" + text(e) + "]");
      case 4: // JSON, but not an object
        return utf8(pick(SCALAR_JSON));
      case 5: // two events glued together
        return utf8(text(e) + text(e));
      case 6:
        return utf8(pick(NOT_JSON));
      case 7: // single quotes
        return utf8(text(e).replace('"', '\''));
      default:
        return new byte[0];
    }
  }

  private void missingField(String topic, Map<String, Object> e) {
    List<String> required =
        new ArrayList<>(List.of("event_id", "event_type", "event_ts", "user_id", "movie_id"));
    if (Lakehouse.RATINGS.equals(topic)) {
      required.add("rating");
    }
    String field = required.get(random.nextInt(required.size()));
    // null where a value is required counts as missing, except for event_type, whose schema is a
    // constant with no type: a null there is a wrong event type.
    if (!field.equals("event_type") && random.nextDouble() < 0.25) {
      e.put(field, null);
    } else {
      e.remove(field);
    }
  }

  private static String[] wrongEventTypes(String topic) {
    String own = eventType(topic);
    List<String> out = new ArrayList<>();
    for (String other : new String[] {"view", "click", "rating"}) {
      if (!other.equals(own)) {
        out.add(other);
      }
    }
    out.add(own.toUpperCase(Locale.ROOT));
    out.add(own + "s");
    out.add("purchase");
    out.add("");
    return out.toArray(new String[0]);
  }

  private void schemaViolation(String topic, Map<String, Object> e) {
    int variant = random.nextInt(6);
    switch (variant) {
      case 0:
        e.put("user_id", String.valueOf(e.get("user_id")));
        return;
      case 1:
        e.put("user_id", 2_147_483_648L + random.nextInt(1_000_000_000));
        return;
      case 2:
        e.put("movie_id", ((Integer) e.get("movie_id")) + 0.5);
        return;
      case 3:
        e.put(
            "event_id",
            random.nextBoolean()
                ? "evt-" + random.nextInt(1_000_000)
                : e.get("event_id").toString().replace("-", ""));
        return;
      case 4:
        e.put("movie_id", String.format("tt%07d", (Integer) e.get("movie_id")));
        return;
      default:
        break;
    }
    switch (topic) {
      case Lakehouse.VIEWS:
        if (random.nextBoolean()) {
          e.put("device_type", 7);
        } else {
          e.put("session_id", "session-" + random.nextInt(100_000));
        }
        return;
      case Lakehouse.CLICKS:
        if (random.nextBoolean()) {
          e.put("click_type", true);
        } else {
          e.put("session_id", "session-" + random.nextInt(100_000));
        }
        return;
      default:
        if (random.nextBoolean()) {
          e.put("rating", String.valueOf(e.get("rating")));
        } else {
          e.put("review_text", "Way too long. " + "blah 🎬 ".repeat(1000)); // 7000+ characters
        }
    }
  }

  private String badTimestamp(long t) {
    Instant at = Instant.ofEpochMilli(t);
    String iso = TS.format(at);
    switch (random.nextInt(10)) {
      case 0:
        return iso.substring(0, 10) + " " + iso.substring(11, 19); // space, no zone
      case 1:
        return iso.substring(0, iso.length() - 1); // no zone
      case 2:
        return String.valueOf(t / 1000); // epoch seconds, as text
      case 3:
        return DateTimeFormatter.ofPattern("dd/MM/uuuu HH:mm").withZone(ZoneOffset.UTC).format(at);
      case 4:
        return iso.substring(0, 5) + "13" + iso.substring(7); // month 13
      case 5:
        return iso.substring(0, 8) + "32" + iso.substring(10); // day 32
      case 6:
        return iso.substring(0, 11) + "25" + iso.substring(13); // hour 25
      case 7:
        return DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC).format(at);
      case 8:
        return "";
      default:
        return random.nextBoolean() ? "yesterday" : "now";
    }
  }

  private double badRating() {
    double min = options.minRating;
    double max = options.maxRating;
    switch (random.nextInt(6)) {
      case 0:
        return max + 0.5;
      case 1:
        return min - 0.5;
      case 2:
        return max * 2 + 1;
      case 3:
        return -1 - random.nextInt(5);
      default:
        {
          // off the 0.5 grid, inside the bounds when the bounds leave room for it
          double v =
              validMinRating
                  + 0.25
                  + 0.5
                      * random.nextInt((int) Math.max(1, (validMaxRating - validMinRating) / 0.5));
          if (v <= max) {
            return v;
          }
          return max + 0.3;
        }
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  private static String eventType(String topic) {
    switch (topic) {
      case Lakehouse.VIEWS:
        return "view";
      case Lakehouse.CLICKS:
        return "click";
      default:
        return "rating";
    }
  }

  private String uuid() {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  private static byte[] key(Map<String, Object> e) {
    return utf8(String.valueOf(e.get("user_id")));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String text(Map<String, Object> e) {
    try {
      return mapper.writeValueAsString(e);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private byte[] json(Map<String, Object> e) {
    try {
      return mapper.writeValueAsBytes(e);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
