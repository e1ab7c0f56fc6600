package com.trending.testing;

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
          .getOrCreate();
      SparkContextFactory.setProvidedSparkContext(new JavaSparkContext(session.sparkContext()));
    }
    return session;
  }

  /** Pipeline arguments that run Beam on this JVM's Spark context. */
  public static String[] beamSparkRunnerArgs() {
    session();
    return new String[] {"--runner=SparkRunner", "--usesProvidedSparkContext=true"};
  }
}
