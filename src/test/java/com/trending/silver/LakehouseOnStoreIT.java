package com.trending.silver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.trending.common.Lakehouse;
import com.trending.common.Storage;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.gold.GoldTable;
import com.trending.gold.ReferenceModel;
import com.trending.gold.SparkReader;
import com.trending.gold.TrendRow;
import com.trending.gold.TrendingToGold;
import com.trending.gold.TrendingToGoldOptions;
import com.trending.testing.LocalKafkaBroker;
import com.trending.testing.SparkSql;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.spark.sql.Row;
import org.junit.AfterClass;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The whole lakehouse on a store other than the local disk (HDFS, S3): the corpus through ingestion
 * and a Gold recompute, on the Direct runner (Parquet) and the Spark runner (Delta), every table
 * read back with Spark SQL from its {@code hdfs://} or {@code s3a://} path: Silver and dead letters
 * exactly the corpus, Gold exactly the reference model of the corpus's events. Then a second
 * ingestion job on the same lakehouse is refused while the first holds its lease.
 */
public abstract class LakehouseOnStoreIT {

  @ClassRule public static final LocalKafkaBroker KAFKA = new LocalKafkaBroker();

  private static final IngestCorpus CORPUS = IngestCorpus.create(7, 600, 250, 120);
  private static boolean produced;

  /**
   * A fresh, empty lakehouse location on the store, e.g. {@code
   * hdfs://127.0.0.1:PORT/lakehouse/name}.
   */
  protected abstract String lakehouse(String name);

  /** The environment a user of the store sets (AWS_*), empty for HDFS. */
  protected abstract Map<String, String> storeEnvironment();

  /** Lets this JVM's Spark SQL reader reach the store. */
  protected abstract void configureSparkReader(org.apache.hadoop.conf.Configuration conf);

  private void setUp() {
    Storage.useEnvironment(storeEnvironment());
    configureSparkReader(SparkSql.session().sparkContext().hadoopConfiguration());
    synchronized (LakehouseOnStoreIT.class) {
      if (!produced) {
        CORPUS.topics.forEach((topic, messages) -> KAFKA.produce(topic, messages.messages));
        produced = true;
      }
    }
  }

  @AfterClass
  public static void restoreEnvironment() {
    Storage.useEnvironment(null);
  }

  @Test
  public void parquetOnDirectRunner() throws Exception {
    roundTrip(StorageFormat.PARQUET, "parquet-direct", "--runner=DirectRunner");
  }

  @Test
  public void deltaOnSparkRunner() throws Exception {
    roundTrip(StorageFormat.DELTA, "delta-spark", SparkSql.beamSparkRunnerArgs());
  }

  private void roundTrip(StorageFormat format, String name, String... runner) throws Exception {
    setUp();
    String root = lakehouse(name);
    String formatArg = "--storageFormat=" + format.name().toLowerCase(Locale.ROOT);
    List<String> ingest = new ArrayList<>(List.of(runner));
    ingest.add(formatArg);
    IngestSummary summary =
        KafkaToSilver.run(
            IngestCorpus.options(
                KAFKA.bootstrapServers(),
                root,
                "store-" + name,
                CORPUS.totalMessages(),
                ingest.toArray(new String[0])));
    assertEquals(CORPUS.totalMessages(), Lakehouse.TOPICS.stream().mapToLong(summary::read).sum());
    CORPUS.assertHeldBy(root, format);

    List<String> gold = new ArrayList<>(List.of(runner));
    gold.addAll(List.of("--lakehousePath=" + root, formatArg, "--streaming=false"));
    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs(gold.toArray(new String[0]))
            .as(TrendingToGoldOptions.class);
    assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));

    Lakehouse lakehouse = Lakehouse.at(root, format);
    List<ReferenceModel.Event> views = events(Lakehouse.VIEWS);
    List<ReferenceModel.Event> clicks = events(Lakehouse.CLICKS);
    assertGold(lakehouse.gold(Lakehouse.TRENDING_1H), ReferenceModel.oneHour(views, clicks));
    assertGold(
        lakehouse.gold(Lakehouse.TRENDING_24H), ReferenceModel.twentyFourHours(views, clicks));
  }

  private static List<ReferenceModel.Event> events(String topic) {
    List<ReferenceModel.Event> events = new ArrayList<>();
    CORPUS
        .topics
        .get(topic)
        .movieAndTime
        .values()
        .forEach(e -> events.add(new ReferenceModel.Event((int) e[0], e[1])));
    return events;
  }

  /** Spark SQL and the product's own reader both see exactly {@code expected}, ranked. */
  private static void assertGold(Table table, List<TrendRow> expected) throws Exception {
    List<TrendRow> read = new ArrayList<>();
    for (Row r : SparkSql.read(table).collectAsList()) {
      read.add(SparkReader.toTrendRow(r));
    }
    assertTrue(table + " has rows", !expected.isEmpty());
    assertEquals(table + " row count (Spark SQL)", expected.size(), read.size());
    assertEquals(table + " rows (Spark SQL)", new HashSet<>(expected), new HashSet<>(read));
    assertEquals(
        table + " rows (GoldTable.read)",
        new HashSet<>(expected),
        new HashSet<>(GoldTable.read(table)));
  }

  /**
   * The lease that stands for a lock on HDFS and S3: a second job is refused while the first renews
   * it, gets it at once when the first ends, and takes over one whose holder died.
   */
  @Test
  public void oneJobPerLakehouseThroughTheLease() throws Exception {
    setUp();
    Lakehouse lakehouse = Lakehouse.at(lakehouse("lease"));
    long start = System.nanoTime();
    try (var first = lakehouse.lock("kafka-to-silver")) {
      IllegalArgumentException refused =
          org.junit.Assert.assertThrows(
              IllegalArgumentException.class, () -> lakehouse.lock("kafka-to-silver"));
      assertTrue(
          refused.getMessage(),
          refused.getMessage().contains("Another kafka-to-silver job is already writing"));
      try (var other = lakehouse.lock("trending-to-gold")) {
        // another job kind has its own lock
      }
    }
    try (var again = lakehouse.lock("kafka-to-silver")) {
      // released: taken at once
    }
    String lock =
        lakehouse
            .storage()
            .child(lakehouse.storage().parent(lakehouse.checkpoints("x")), "kafka-to-silver.lock");
    assertTrue(
        lakehouse
            .storage()
            .createIfAbsent(
                lock,
                "process 1@dead-host since 2020-01-01T00:00:00Z\nrenewal 3"
                    .getBytes(StandardCharsets.UTF_8)));
    long before = System.nanoTime();
    try (var takenOver = lakehouse.lock("kafka-to-silver")) {
      long waited = (System.nanoTime() - before) / 1_000_000_000L;
      assertTrue("waited " + waited + " s for the dead holder's lease", waited >= 15);
    }
    System.out.printf(
        "lease on %s: refused, released, taken over in %d s%n",
        lakehouse.storage(), (System.nanoTime() - start) / 1_000_000_000L);
  }
}
