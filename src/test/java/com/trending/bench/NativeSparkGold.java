package com.trending.bench;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.window;

import com.trending.gold.TrendRow;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Gold benchmark's reference: what a team would write instead of this project, a plain Spark
 * SQL batch job over the same Silver tables: {@code window()} of 1 hour and of 24 hours sliding
 * every hour, counts per movie, a full outer join of views and clicks, {@code trend_score}, and
 * each table written as Parquet ordered by window and score. Kept with the benchmarks, not in the
 * product; {@code GoldBenchmark} times it in the same run as the Beam pipeline and compares rows.
 */
public final class NativeSparkGold {
  private NativeSparkGold() {}

  /** What one run produced, for the benchmark's comparison. */
  public record Result(double seconds, Set<TrendRow> oneHour, Set<TrendRow> twentyFourHours) {}

  /**
   * Runs the job from Silver under {@code lakehouse} into {@code out}, Spark session included in
   * the time (as the Beam Spark runner's context is), then stops the session.
   */
  public static Result run(String lakehouse, String out, String master) {
    long start = System.nanoTime();
    SparkSession spark =
        SparkSession.builder()
            .master(master)
            .appName("native-spark-gold")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.warehouse.dir", out + "/_warehouse")
            .getOrCreate();
    try {
      Dataset<Row> views =
          spark.read().parquet(lakehouse + "/silver/events_views").select("event_ts", "movie_id");
      Dataset<Row> clicks =
          spark.read().parquet(lakehouse + "/silver/events_clicks").select("event_ts", "movie_id");
      trending(views, clicks, window(col("event_ts"), "1 hour"))
          .write()
          .mode("overwrite")
          .parquet(out + "/trending_now_1h");
      trending(views, clicks, window(col("event_ts"), "24 hours", "1 hour"))
          .write()
          .mode("overwrite")
          .parquet(out + "/trending_now_24h");
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Result(
          seconds, rows(spark, out + "/trending_now_1h"), rows(spark, out + "/trending_now_24h"));
    } finally {
      spark.stop();
    }
  }

  private static Dataset<Row> trending(Dataset<Row> views, Dataset<Row> clicks, Column window) {
    Dataset<Row> v =
        views.groupBy(window.as("w"), col("movie_id")).count().withColumnRenamed("count", "views");
    Dataset<Row> c =
        clicks
            .groupBy(window.as("w"), col("movie_id"))
            .count()
            .withColumnRenamed("count", "clicks");
    return v.join(
            c,
            v.col("w").equalTo(c.col("w")).and(v.col("movie_id").equalTo(c.col("movie_id"))),
            "full_outer")
        .select(
            coalesce(v.col("w.end"), c.col("w.end")).as("window_ts"),
            coalesce(v.col("movie_id"), c.col("movie_id")).as("movie_id"),
            coalesce(col("views"), lit(0L)).as("views"),
            coalesce(col("clicks"), lit(0L)).as("clicks"))
        .withColumn("trend_score", col("views").multiply(1.0).plus(col("clicks").multiply(2.0)))
        .orderBy(col("window_ts"), col("trend_score").desc(), col("movie_id"));
  }

  private static Set<TrendRow> rows(SparkSession spark, String table) {
    Set<TrendRow> rows = new HashSet<>();
    for (Row r : spark.read().parquet(table).collectAsList()) {
      rows.add(new TrendRow(r.getTimestamp(0).getTime(), r.getInt(1), r.getLong(2), r.getLong(3)));
    }
    return rows;
  }
}
