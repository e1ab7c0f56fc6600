package com.trending.silver;

import static org.junit.Assert.assertEquals;

import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.gold.GoldTable;
import com.trending.gold.TrendRow;
import com.trending.gold.TrendingToGold;
import com.trending.gold.TrendingToGoldOptions;
import com.trending.testing.LocalKafkaBroker;
import com.trending.testing.SparkSql;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.spark.sql.Row;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Both pipelines, for real, on a lakehouse whose path holds what Beam, Hadoop and Spark take for
 * glob or URI syntax ({@code lake house [1] *? {a,b} %20 #x}), in both formats: Kafka → Silver from
 * a broker (its ledger, lock and commit protocol under that path), the corpus read back exactly by
 * Spark SQL or delta-spark, then the Gold batch recompute, which must count every Silver event.
 */
public class HostileLakehousePathKafkaIT {

  @ClassRule public static final LocalKafkaBroker KAFKA = new LocalKafkaBroker();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final IngestCorpus CORPUS = IngestCorpus.create(17, 600, 200, 100);

  @BeforeClass
  public static void produceCorpus() {
    CORPUS.topics.forEach((topic, messages) -> KAFKA.produce(topic, messages.messages));
  }

  @Test
  public void bothPipelinesRunOnALakehouseUnderAHostilePath() throws Exception {
    for (StorageFormat format : StorageFormat.values()) {
      String name = format.name().toLowerCase(Locale.ROOT);
      Path root = tmp.getRoot().toPath().resolve("lake house [1] *? {a,b} %20 #x").resolve(name);
      KafkaToSilver.run(
          IngestCorpus.options(
              KAFKA.bootstrapServers(),
              root,
              "hostile-" + name,
              CORPUS.totalMessages(),
              "--storageFormat=" + name));
      CORPUS.assertHeldBy(root, format);

      TrendingToGoldOptions options =
          PipelineOptionsFactory.fromArgs(
                  "--lakehousePath=" + root,
                  "--storageFormat=" + name,
                  "--streaming=false",
                  "--runner=DirectRunner")
              .as(TrendingToGoldOptions.class);
      assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));
      Lakehouse lakehouse = Lakehouse.at(root.toString(), format);
      long views = CORPUS.topics.get(Lakehouse.VIEWS).silver.size();
      long clicks = CORPUS.topics.get(Lakehouse.CLICKS).silver.size();
      // Every event is in one 1-hour window and in 24 of the 24-hour windows sliding by the hour.
      assertCounts(lakehouse.gold(Lakehouse.TRENDING_1H), views, clicks);
      assertCounts(lakehouse.gold(Lakehouse.TRENDING_24H), 24 * views, 24 * clicks);
      System.out.printf("%s: both pipelines exact on '%s'%n", format, root);
    }
  }

  /** The table's views and clicks add up, and Spark SQL reads the rows the pipeline reads. */
  private static void assertCounts(Table table, long views, long clicks) throws Exception {
    List<TrendRow> rows = GoldTable.read(table);
    assertEquals(table + " views", views, rows.stream().mapToLong(TrendRow::views).sum());
    assertEquals(table + " clicks", clicks, rows.stream().mapToLong(TrendRow::clicks).sum());
    HashSet<TrendRow> spark = new HashSet<>();
    for (Row r : SparkSql.read(table).collectAsList()) {
      spark.add(
          new TrendRow(
              r.getTimestamp(r.fieldIndex("window_ts")).getTime(),
              r.getInt(r.fieldIndex("movie_id")),
              r.getLong(r.fieldIndex("views")),
              r.getLong(r.fieldIndex("clicks"))));
    }
    assertEquals(table + " read by Spark", new HashSet<>(rows), spark);
  }
}
