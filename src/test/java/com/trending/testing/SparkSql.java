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
      session = builder("lakehouse-tests").getOrCreate();
      SparkContextFactory.setProvidedSparkContext(new JavaSparkContext(session.sparkContext()));
    }
    return session;
  }

  /**
   * A local[2] Spark SQL session as the tests read the lakehouse with (UTC, delta-spark), for a
   * test that starts and stops a session of its own.
   */
  public static SparkSession.Builder builder(String appName) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        // delta-spark rebuilds a table's snapshot in 50 partitions by default: for the tests'
        // small tables one is three times faster to read (measured: 12 tables, 46 s -> 16 s).
        .config("spark.databricks.delta.snapshotPartitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", "target/spark-warehouse")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
  }

  /**
   * A lakehouse table as a reader of its format loads it: Spark's Parquet or delta-spark's reader.
   */
  public static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> read(Table table) {
    return table.format() == StorageFormat.DELTA
        ? session().read().format("delta").load(table.dir())
        : session().read().parquet(readerPath(table));
  }

  /**
   * The path a Spark reader gives for {@code table}, as the README tells users. Spark takes {@code
   * * ? [ ] { } \} in a Parquet folder's path for a glob pattern when it lists the folder, that is
   * when the folder has no {@code _spark_metadata} log (a Gold table): there each of them is
   * escaped with a backslash. A folder with the log (Silver, dead letters) and a Delta table are
   * given as they are: Spark looks for their logs under the literal path.
   */
  public static String readerPath(Table table) {
    boolean listed =
        table.format() == StorageFormat.PARQUET
            && !table.storage().exists(table.child("_spark_metadata"));
    return listed ? table.dir().replaceAll("[\\\\*?\\[\\]{}]", "\\\\$0") : table.dir();
  }

  /** Pipeline arguments that run Beam on this JVM's Spark context. */
  public static String[] beamSparkRunnerArgs() {
    session();
    return new String[] {"--runner=SparkRunner", "--usesProvidedSparkContext=true"};
  }
}
