package com.trending.gold;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads Gold tables back with plain Spark SQL, as the contract's readers do. */
final class SparkReader {
  private SparkReader() {}

  static SparkSession start() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("gold-reader")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  /** All rows of the table in file order. */
  static List<Row> rows(SparkSession spark, Path table) {
    return spark.read().parquet(table.toString()).collectAsList();
  }

  static TrendRow toTrendRow(Row r) {
    return new TrendRow(
        r.getTimestamp(r.fieldIndex("window_ts")).getTime(),
        r.getInt(r.fieldIndex("movie_id")),
        r.getLong(r.fieldIndex("views")),
        r.getLong(r.fieldIndex("clicks")));
  }
}
