package com.trending.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.when;

import com.trending.common.DeadLetterReason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The benchmark's reference: what a team would write instead of this project, a plain Spark
 * Structured Streaming job doing the same ingestion (Kafka source from the earliest offsets, {@code
 * from_json}, the contract's rules in Spark SQL, one row per event_id, Silver partitioned by
 * event_date and the dead letters in Parquet, {@code Trigger.AvailableNow}). Kept with the
 * benchmarks, not in the product. Prints {@code native: N messages, S silver rows, D dead letters}.
 *
 * <p>With PASSES (default 1), ingests everything PASSES times in the one session, each pass into a
 * lakehouse of its own ({@code LAKEHOUSE-pass1}, …, the last into LAKEHOUSE), and prints each: the
 * last pass is the rate of a job that has been running for a while.
 *
 * <pre>java … NativeSparkIngest BOOTSTRAP LAKEHOUSE MASTER [PASSES]</pre>
 */
public final class NativeSparkIngest {
  private NativeSparkIngest() {}

  private static final Map<String, String> TYPES =
      Map.of("events_views", "view", "events_clicks", "click", "events_ratings", "rating");
  private static final String UUID =
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
  private static final String ISO =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$";

  /** Each topic's fields whose schema type is string (event_type is a constant, checked apart). */
  private static final Map<String, List<String>> STRING_FIELDS =
      Map.of(
          "events_views", List.of("event_id", "event_ts", "session_id", "device_type", "page_url"),
          "events_clicks", List.of("event_id", "event_ts", "click_type", "session_id", "referrer"),
          "events_ratings", List.of("event_id", "event_ts", "review_text"));

  /**
   * JSON as the contract's validator reads it: Spark's reader also takes single quotes and NaN by
   * default.
   */
  private static final Map<String, String> STRICT_JSON =
      Map.of("allowSingleQuotes", "false", "allowNonNumericNumbers", "false");

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String lakehouse = args[1];
    int passes = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    SparkSession spark =
        SparkSession.builder()
            .master(args.length > 2 ? args[2] : "local[2]")
            .appName("native-spark-ingest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.warehouse.dir", lakehouse + "/_warehouse")
            .getOrCreate();
    for (int pass = 1; pass <= passes; pass++) {
      String target = pass == passes ? lakehouse : lakehouse + "-pass" + pass;
      long start = System.nanoTime();
      long[] counts = ingest(spark, bootstrap, target);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "%s: %d messages, %d silver rows, %d dead letters (%s) in %.1f s%n",
          pass == passes ? "native" : "native pass " + pass,
          counts[0],
          counts[1],
          counts[2],
          reasons(spark, target),
          seconds);
    }
    spark.stop();
  }

  /** The dead letters by reason, as the generator's summary lists them: invalid_json=N …. */
  private static String reasons(SparkSession spark, String lakehouse) {
    Map<String, Long> byReason = new HashMap<>();
    for (Row row :
        spark
            .read()
            .parquet(lakehouse + "/silver/_deadletter/*")
            .groupBy("error_reason")
            .count()
            .collectAsList()) {
      byReason.put(row.getString(0), row.getLong(1));
    }
    StringJoiner out = new StringJoiner(" ");
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      out.add(reason.code() + "=" + byReason.getOrDefault(reason.code(), 0L));
    }
    return out.toString();
  }

  /** One ingestion of every message into {@code lakehouse}: messages, Silver rows, dead letters. */
  private static long[] ingest(SparkSession spark, String bootstrap, String lakehouse)
      throws Exception {
    StructType event =
        new StructType()
            .add("event_id", DataTypes.StringType)
            .add("event_type", DataTypes.StringType)
            .add("event_ts", DataTypes.StringType)
            .add("user_id", DataTypes.IntegerType)
            .add("movie_id", DataTypes.IntegerType)
            .add("session_id", DataTypes.StringType)
            .add("device_type", DataTypes.StringType)
            .add("page_url", DataTypes.StringType)
            .add("click_type", DataTypes.StringType)
            .add("referrer", DataTypes.StringType)
            .add("rating", DataTypes.DoubleType)
            .add("review_text", DataTypes.StringType);
    Dataset<Row> raw =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", bootstrap)
            .option("subscribe", String.join(",", TYPES.keySet()))
            .option("startingOffsets", "earliest")
            .load();
    long[] counts = new long[3];
    StreamingQuery query =
        raw.writeStream()
            .trigger(Trigger.AvailableNow())
            .option("checkpointLocation", lakehouse + "/_checkpoints/native")
            .foreachBatch(
                (batch, id) -> {
                  Dataset<Row> parsed =
                      batch
                          .select(
                              col("topic"),
                              col("value").cast("string").as("raw_payload"),
                              // Bytes that are not UTF-8 do not survive a round trip.
                              encode(col("value").cast("string"), "UTF-8")
                                  .equalTo(col("value"))
                                  .as("utf8"),
                              // In brackets, the message parses as an array of one JSON object
                              // only if it is exactly one (not truncated, glued or trailed).
                              from_json(
                                      concat(lit("["), col("value").cast("string"), lit("]")),
                                      DataTypes.createArrayType(event),
                                      STRICT_JSON)
                                  .as("whole"))
                          .select(
                              col("topic"),
                              col("raw_payload"),
                              col("utf8")
                                  .and(col("whole").isNotNull())
                                  .and(size(col("whole")).equalTo(1))
                                  .and(element_at(col("whole"), 1).isNotNull())
                                  .as("one_object"),
                              element_at(col("whole"), 1).as("e"))
                          .select(col("topic"), col("raw_payload"), col("one_object"), col("e.*"))
                          .withColumn("ts", to_timestamp(col("event_ts")))
                          .withColumn("error_reason", reason())
                          .cache();
                  counts[0] += parsed.count();
                  for (Map.Entry<String, String> topic : TYPES.entrySet()) {
                    Dataset<Row> mine = parsed.where(col("topic").equalTo(topic.getKey()));
                    Dataset<Row> valid =
                        mine.where(col("error_reason").isNull())
                            .dropDuplicates("event_id")
                            .select(columns(topic.getValue()))
                            .withColumn("event_date", to_date(col("event_ts")));
                    valid
                        .write()
                        .mode("append")
                        .partitionBy("event_date")
                        .parquet(lakehouse + "/silver/" + topic.getKey());
                    Dataset<Row> dead =
                        mine.where(col("error_reason").isNotNull())
                            .select(
                                col("raw_payload"),
                                col("topic"),
                                col("error_reason"),
                                org.apache.spark.sql.functions.current_timestamp().as("error_ts"));
                    dead.write()
                        .mode("append")
                        .parquet(lakehouse + "/silver/_deadletter/" + topic.getKey());
                  }
                  parsed.unpersist();
                })
            .start();
    query.awaitTermination();
    for (String topic : TYPES.keySet()) {
      counts[1] += spark.read().parquet(lakehouse + "/silver/" + topic).count();
      counts[2] += spark.read().parquet(lakehouse + "/silver/_deadletter/" + topic).count();
    }
    return counts;
  }

  /**
   * The contract's rules, the reason of the first that fails (in the order of the dead-letter
   * reasons, as the product's validator picks one); null for a valid event.
   */
  private static Column reason() {
    Column type = lit(null).cast("string");
    for (Map.Entry<String, String> t : TYPES.entrySet()) {
      type = when(col("topic").equalTo(t.getKey()), lit(t.getValue())).otherwise(type);
    }
    Column isRatings = col("topic").equalTo("events_ratings");
    // Absent or null where a value is required (null is no value). Spark reads a value of the
    // wrong type as null too: the message tells them apart, and only for a null (rare).
    Column missing = lit(false);
    for (String field : List.of("event_id", "event_type", "event_ts", "user_id", "movie_id")) {
      missing = missing.or(absent(field));
    }
    missing = missing.or(isRatings.and(absent("rating")));
    // Present but of the wrong type (null here, as no longer missing; Spark reads a number where
    // a string is expected as its text, so a string's value must start with a quote), out of an
    // int's range, or against a pattern.
    Column wrong =
        col("user_id")
            .isNull()
            .or(col("movie_id").isNull())
            .or(isRatings.and(col("rating").isNull()))
            .or(col("event_id").rlike(UUID).unary_$bang())
            .or(
                isRatings
                    .unary_$bang()
                    .and(col("session_id").isNotNull())
                    .and(col("session_id").rlike(UUID).unary_$bang()))
            .or(isRatings.and(length(col("review_text")).gt(5000)));
    for (Map.Entry<String, List<String>> topic : STRING_FIELDS.entrySet()) {
      // A value that starts with neither a quote nor null ("n") is not a string (read as the
      // top-level field's: the events have no nested objects that could hold the same name).
      String notString = "\"(" + String.join("|", topic.getValue()) + ")\"\\s*:\\s*[^\"n\\s]";
      wrong =
          wrong.or(col("topic").equalTo(topic.getKey()).and(col("raw_payload").rlike(notString)));
    }
    Column badTimestamp =
        col("event_ts")
            .rlike(ISO)
            .unary_$bang()
            .or(col("ts").isNull())
            .or(col("ts").lt(lit("1900-01-01 00:00:00").cast("timestamp")))
            .or(col("ts").geq(lit("2100-01-01 00:00:00").cast("timestamp")));
    Column badRating =
        isRatings.and(
            col("rating")
                .lt(0.5)
                .or(col("rating").gt(5.0))
                .or(floor(col("rating").multiply(2)).notEqual(col("rating").multiply(2))));
    return when(col("one_object").unary_$bang(), "invalid_json")
        .when(missing, "missing_required_field")
        .when(col("event_type").notEqual(type), "invalid_event_type")
        .when(wrong, "schema_validation_failed")
        .when(badTimestamp, "invalid_timestamp")
        .when(badRating, "invalid_rating_value");
  }

  /** Spark read null for the field, and the message holds no value for it but null. */
  private static Column absent(String field) {
    return col(field)
        .isNull()
        .and(col("raw_payload").rlike("\"" + field + "\"\\s*:\\s*[^n\\s]").unary_$bang());
  }

  private static Column[] columns(String type) {
    List<String> names =
        switch (type) {
          case "view" ->
              List.of(
                  "event_id", "ts", "user_id", "movie_id", "session_id", "device_type", "page_url");
          case "click" ->
              List.of(
                  "event_id", "ts", "user_id", "movie_id", "click_type", "session_id", "referrer");
          default -> List.of("event_id", "ts", "user_id", "movie_id", "rating", "review_text");
        };
    return names.stream()
        .map(
            n ->
                n.equals("ts")
                    ? col("ts").as("event_ts")
                    : n.equals("rating") ? col("rating").cast("float").as("rating") : col(n))
        .toArray(Column[]::new);
  }
}
