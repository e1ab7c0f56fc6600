package com.trending.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
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
      System.out.printf(
          "%s: %d messages, %d silver rows, %d dead letters in %.1f s%n",
          pass == passes ? "native" : "native pass " + pass,
          counts[0],
          counts[1],
          counts[2],
          (System.nanoTime() - start) / 1e9);
    }
    spark.stop();
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
                              from_json(col("value").cast("string"), event).as("e"))
                          .select(col("topic"), col("raw_payload"), col("e.*"))
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

  /** The contract's rules, the first that fails; null for a valid event. */
  private static Column reason() {
    Column type = lit(null).cast("string");
    for (Map.Entry<String, String> t : TYPES.entrySet()) {
      type = when(col("topic").equalTo(t.getKey()), lit(t.getValue())).otherwise(type);
    }
    Column required =
        col("event_id")
            .isNull()
            .or(col("event_type").isNull())
            .or(col("event_ts").isNull())
            .or(col("user_id").isNull())
            .or(col("movie_id").isNull())
            .or(col("topic").equalTo("events_ratings").and(col("rating").isNull()));
    Column badRating =
        col("topic")
            .equalTo("events_ratings")
            .and(
                col("rating")
                    .lt(0.5)
                    .or(col("rating").gt(5.0))
                    .or(floor(col("rating").multiply(2)).notEqual(col("rating").multiply(2))));
    return when(
            col("event_id").isNull().and(col("event_ts").isNull()).and(col("user_id").isNull()),
            "invalid_json")
        .when(required, "missing_required_field")
        .when(col("event_type").notEqual(type), "invalid_event_type")
        .when(col("event_id").rlike(UUID).unary_$bang(), "schema_validation_failed")
        .when(col("event_ts").rlike(ISO).unary_$bang().or(col("ts").isNull()), "invalid_timestamp")
        .when(badRating, "invalid_rating_value");
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
