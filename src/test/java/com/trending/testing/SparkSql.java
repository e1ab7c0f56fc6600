package com.trending.testing;

import com.trending.common.StorageFormat;
import com.trending.common.Table;
import org.apache.beam.runners.spark.translation.SparkContextFactory;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * One local Spark for a test JVM: the plain Spark SQL session tests read the lakehouse with, and
 * the context the Beam Spark runner runs on ({@code --usesProvidedSparkContext}), since a JVM holds
 * only one SparkContext.
 */
public final class SparkSql {
  private static SparkSession session;

  private SparkSql() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2]")
          .appName("lakehouse-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.sql.warehouse.dir", "target/spark-warehouse")
          .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
          .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
          .getOrCreate();
      SparkContextFactory.setProvidedSparkContext(new JavaSparkContext(session.sparkContext()));
    }
    return session;
  }

  /** A lakehouse table as a reader of its format loads it: Spark's Parquet or delta-spark's reader. */
  public static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> read(Table table) {
    return table.format() == StorageFormat.DELTA
        ? session().read().format("delta").load(table.dir())
        : session().read().parquet(table.dir());
  }

  /** Pipeline arguments that run Beam on this JVM's Spark context. */
  public static String[] beamSparkRunnerArgs() {
    session();
    return new String[] {"--runner=SparkRunner", "--usesProvidedSparkContext=true"};
  }
}
