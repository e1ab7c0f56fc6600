package com.trending.gold;

import com.trending.testing.SparkSql;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads Gold tables back with plain Spark SQL, as the contract's readers do. */
public final class SparkReader {
  private SparkReader() {}

  /** A session of its own, which the caller stops. */
  static SparkSession start() {
    return SparkSql.builder("gold-reader").getOrCreate();
  }

  /** All rows of the table in file order, read as its format's readers do. */
  static List<Row> rows(SparkSession spark, com.trending.common.Table table) {
    return (table.format() == com.trending.common.StorageFormat.DELTA
            ? spark.read().format("delta").load(table.dir())
            : spark.read().parquet(table.dir()))
        .collectAsList();
  }

  /** All rows of the table in file order. */
  static List<Row> rows(SparkSession spark, Path table) {
    return spark.read().parquet(table.toString()).collectAsList();
  }

  public static TrendRow toTrendRow(Row r) {
    return new TrendRow(
        r.getTimestamp(r.fieldIndex("window_ts")).getTime(),
        r.getInt(r.fieldIndex("movie_id")),
        r.getLong(r.fieldIndex("views")),
        r.getLong(r.fieldIndex("clicks")));
  }
}
