package com.trending.gold;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads Gold tables back with plain Spark SQL, as the contract's readers do. */
public final class SparkReader {
  private SparkReader() {}

  static SparkSession start() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("gold-reader")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.databricks.delta.snapshotPartitions", "1") // as SparkSql: small tables
        .config("spark.sql.warehouse.dir", "target/spark-warehouse")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate();
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
