package com.trending.silver;

import static org.junit.Assert.assertEquals;

import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.testing.LocalKafkaBroker;
import com.trending.testing.SparkSql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Row;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Kafka → Silver on topics that grow while the tests run (a broker of their own, so that the fixed
 * corpus of {@link KafkaToSilverIT} stays exact): {@code latest} starting offsets and continuous
 * ingestion.
 */
public class KafkaToSilverLiveIT {

  @ClassRule public static final LocalKafkaBroker KAFKA = new LocalKafkaBroker();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /**
   * A fresh lakehouse with {@code latest} starts at the end of each partition and remembers that
   * position at once: what arrives before the next run is not skipped.
   */
  @Test
  public void latestStartsAtTheEndAndRemembersWhere() throws IOException {
    Path lakehouse = tmp.newFolder("latest").toPath();
    KafkaToSilverOptions first = options(lakehouse, "it-latest", 1);
    first.setMaxRecords(null);
    first.setMaxReadTimeSeconds(0L);
    first.setKafkaStartingOffsets("latest");
    assertEquals(0, Lakehouse.TOPICS.stream().mapToLong(KafkaToSilver.run(first)::read).sum());

    String id = "11111111-2222-3333-4444-555555555555";
    KAFKA.produceStrings(
        Lakehouse.CLICKS,
        List.of(
            "{\"event_id\":\""
                + id
                + "\",\"event_type\":\"click\","
                + "\"event_ts\":\"2025-12-20T08:00:00Z\",\"user_id\":7,\"movie_id\":8}"));
    KafkaToSilverOptions second = options(lakehouse, "it-latest", 1);
    second.setKafkaStartingOffsets("latest");
    IngestSummary summary = KafkaToSilver.run(second);
    assertEquals(1, summary.silverRows(Lakehouse.CLICKS));
    List<Row> rows =
        SparkSql.session()
            .read()
            .parquet(Lakehouse.at(lakehouse.toString()).silverTable(Lakehouse.CLICKS).toString())
            .select("event_id", "event_date")
            .collectAsList();
    assertEquals(1, rows.size());
    assertEquals(id, rows.get(0).getString(0));
    assertEquals(LocalDate.parse("2025-12-20"), rows.get(0).getDate(1).toLocalDate());
  }

  /**
   * Without bounds the job keeps running: messages produced while it runs land in Silver, on both
   * formats.
   */
  @Test
  public void unboundedRunIngestsMessagesAsTheyArrive() throws Exception {
    for (StorageFormat format : StorageFormat.values()) {
      unboundedRunIngestsMessagesAsTheyArrive(format);
    }
  }

  private void unboundedRunIngestsMessagesAsTheyArrive(StorageFormat format) throws Exception {
    Path lakehouse = tmp.newFolder("unbounded-" + format).toPath();
    KafkaToSilverOptions options =
        options(lakehouse, "it-unbounded-" + format, 1, "--storageFormat=" + format);
    options.setMaxRecords(null);
    options.setKafkaStartingOffsets("latest");
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<IngestSummary> job =
        CompletableFuture.supplyAsync(() -> KafkaToSilver.run(options, stop::get));

    Path checkpoint =
        lakehouse.resolve("_checkpoints/kafka-to-silver/it-unbounded-" + format + "/offsets.json");
    long deadline = System.currentTimeMillis() + 120_000;
    while (!Files.exists(checkpoint) && System.currentTimeMillis() < deadline) {
      Thread.sleep(200); // the job has fixed its start offsets
    }
    List<String> ids = new ArrayList<>();
    for (int wave = 0; wave < 2; wave++) {
      List<String> messages = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String id = String.format("00000000-0000-0000-%04d-%012d", format.ordinal() * 10 + wave, i);
        ids.add(id);
        messages.add(
            "{\"event_id\":\""
                + id
                + "\",\"event_type\":\"rating\",\"event_ts\":\"2025-12-21T08:00:00Z\","
                + "\"user_id\":7,\"movie_id\":8,\"rating\":3.5}");
      }
      KAFKA.produceStrings(Lakehouse.RATINGS, messages);
      com.trending.common.Table table =
          Lakehouse.at(lakehouse.toString(), format).silver(Lakehouse.RATINGS);
      int expected = ids.size();
      while (table.log().files().size() < wave + 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      assertEquals("wave " + wave + " landed", expected, SparkSql.read(table).count());
    }
    stop.set(true);
    IngestSummary summary = job.get(120, TimeUnit.SECONDS);
    assertEquals(ids.size(), summary.silverRows(Lakehouse.RATINGS));
  }

  private static KafkaToSilverOptions options(
      Path lakehouse, String group, long maxRecords, String... extra) {
    return IngestCorpus.options(KAFKA.bootstrapServers(), lakehouse, group, maxRecords, extra);
  }
}
