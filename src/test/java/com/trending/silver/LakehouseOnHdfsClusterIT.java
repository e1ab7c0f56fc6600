package com.trending.silver;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.gold.GoldTable;
import com.trending.gold.ReferenceModel;
import com.trending.gold.SparkReader;
import com.trending.gold.TrendRow;
import com.trending.testing.LocalHdfs;
import com.trending.testing.LocalKafkaBroker;
import com.trending.testing.LocalSparkCluster;
import com.trending.testing.SparkSql;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The lakehouse on HDFS with both pipelines on a real Spark standalone cluster (master, worker and
 * executors as separate JVMs on 127.0.0.1), submitted with {@code runners/spark/submit.sh} and the
 * shaded jar, {@code LAKEHOUSE_PATH=hdfs://…} in the environment as a user sets it: a bounded
 * ingestion of the corpus from a real Kafka broker, then a Gold recompute ({@code
 * --streaming=false}), on Parquet and on Delta. Every table is read back with Spark SQL from its
 * {@code hdfs://} path: Silver and dead letters exactly the corpus, Gold exactly the reference
 * model of the corpus's events.
 */
public class LakehouseOnHdfsClusterIT {

  @ClassRule public static final LocalSparkCluster SPARK = new LocalSparkCluster();
  @ClassRule public static final LocalHdfs HDFS = new LocalHdfs();
  @ClassRule public static final LocalKafkaBroker KAFKA = new LocalKafkaBroker();
  // Driver logs only; the lakehouse is on HDFS.
  @Rule public final TemporaryFolder tmp = new TemporaryFolder(new File("target"));

  private static final IngestCorpus CORPUS = IngestCorpus.create(11, 600, 250, 120);

  @Test(timeout = 600_000)
  public void ingestionAndGoldOnTheClusterWithTheLakehouseOnHdfs() throws Exception {
    CORPUS.topics.forEach((topic, messages) -> KAFKA.produce(topic, messages.messages));
    List<StorageFormat> formats = List.of(StorageFormat.PARQUET, StorageFormat.DELTA);
    // The two lakehouses side by side: the cluster runs two applications at once (2 cores each).
    long start = System.nanoTime();
    List<LocalSparkCluster.Job> silver = new ArrayList<>();
    for (StorageFormat format : formats) {
      silver.add(
          SPARK.submit(
              "kafka-to-silver",
              env(format),
              log(format, "silver"),
              "--maxRecords=" + CORPUS.totalMessages(),
              "--consumerGroup=hdfs-cluster-" + name(format)));
    }
    for (LocalSparkCluster.Job job : silver) {
      job.assertSucceeds(300);
      assertThat(job.log(), containsString("Silver finished:"));
    }
    long ingested = System.nanoTime();
    List<LocalSparkCluster.Job> gold = new ArrayList<>();
    for (StorageFormat format : formats) {
      gold.add(
          SPARK.submit("trending-to-gold", env(format), log(format, "gold"), "--streaming=false"));
    }
    for (LocalSparkCluster.Job job : gold) {
      job.assertSucceeds(300);
    }
    System.out.printf(
        "On the cluster, lakehouses on %s: %,d messages ingested in %d s, Gold recomputed in %d"
            + " s%n",
        HDFS.lakehousePath(),
        CORPUS.totalMessages(),
        (ingested - start) / 1_000_000_000L,
        (System.nanoTime() - ingested) / 1_000_000_000L);

    List<ReferenceModel.Event> views = events(Lakehouse.VIEWS);
    List<ReferenceModel.Event> clicks = events(Lakehouse.CLICKS);
    for (StorageFormat format : formats) {
      CORPUS.assertHeldBy(root(format), format);
      Lakehouse lakehouse = Lakehouse.at(root(format), format);
      assertGold(lakehouse.gold(Lakehouse.TRENDING_1H), ReferenceModel.oneHour(views, clicks));
      assertGold(
          lakehouse.gold(Lakehouse.TRENDING_24H), ReferenceModel.twentyFourHours(views, clicks));
    }
  }

  private static String name(StorageFormat format) {
    return format.name().toLowerCase(Locale.ROOT);
  }

  private static String root(StorageFormat format) {
    return HDFS.lakehousePath() + "/cluster-" + name(format);
  }

  /**
   * The environment a user sets for submit.sh: the lakehouse on HDFS, the broker, the contract's
   * rating bounds.
   */
  private static Map<String, String> env(StorageFormat format) {
    return Map.of(
        "LAKEHOUSE_PATH",
        root(format),
        "STORAGE_FORMAT",
        name(format),
        "KAFKA_BOOTSTRAP_SERVERS",
        KAFKA.bootstrapServers(),
        "KAFKA_STARTING_OFFSETS",
        "earliest",
        "MIN_RATING",
        "0.5",
        "MAX_RATING",
        "5.0");
  }

  private Path log(StorageFormat format, String job) {
    return tmp.getRoot().toPath().resolve(name(format) + "-" + job + ".log");
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

  /** Spark SQL and the product's own reader both see exactly {@code expected}. */
  private static void assertGold(Table table, List<TrendRow> expected) throws Exception {
    List<TrendRow> read = new ArrayList<>();
    for (Row r : SparkSql.read(table).collectAsList()) {
      read.add(SparkReader.toTrendRow(r));
    }
    assertFalse(table + " has rows", expected.isEmpty());
    assertEquals(table + " row count (Spark SQL)", expected.size(), read.size());
    assertEquals(table + " rows (Spark SQL)", new HashSet<>(expected), new HashSet<>(read));
    assertEquals(
        table + " rows (GoldTable.read)",
        new HashSet<>(expected),
        new HashSet<>(GoldTable.read(table)));
  }
}
