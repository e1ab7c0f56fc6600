package com.trending.silver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.trending.common.CommittedFiles;
import com.trending.common.Lakehouse;
import com.trending.common.Storage;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The write of Kafka → Silver reports exactly the files it leaves in the tables. */
public class WriteParquetTablesTest {

  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static KafkaRecord<byte[], byte[]> record(String topic, long offset, String payload) {
    return new KafkaRecord<>(
        topic,
        0,
        offset,
        0L,
        KafkaTimestampType.CREATE_TIME,
        null,
        KV.of(null, payload.getBytes(StandardCharsets.UTF_8)));
  }

  private static String event(String type, int n, String ts) {
    return String.format(
        "{\"event_id\":\"00000000-0000-0000-0000-%012d\",\"event_type\":\"%s\",\"event_ts\":\"%s\","
            + "\"user_id\":1,\"movie_id\":2}",
        n, type, ts);
  }

  @Test
  public void reportsEveryFileItWroteAndNoOther() throws Exception {
    // A folder name that URIs escape, so that reported names and listed names must agree on it.
    Lakehouse lakehouse =
        Lakehouse.at(tmp.newFolder("lake house %20 #x").getPath(), StorageFormat.PARQUET);
    DeduplicateEvents deduplicate = new DeduplicateEvents(Map.of(), lakehouse.storage(), 2);
    PCollectionTuple parsed =
        ParseAndDeduplicateTest.parse(
            p,
            deduplicate,
            record(Lakehouse.VIEWS, 0, event("view", 1, "2025-12-17T13:30:00Z")),
            record(Lakehouse.VIEWS, 1, event("view", 2, "2025-12-18T01:00:00Z")),
            record(Lakehouse.VIEWS, 2, event("view", 3, "2025-12-18T02:00:00Z")),
            record(Lakehouse.VIEWS, 3, event("view", 5, "1969-12-31T23:30:00Z")),
            record(Lakehouse.CLICKS, 0, event("click", 4, "2025-12-18T02:00:00Z")),
            record(Lakehouse.CLICKS, 1, "{oops"));
    PCollectionList.of(
            parsed
                .get(DeduplicateEvents.NewEvents.BLOCKS)
                .apply(deduplicate)
                .apply("WriteSilver", WriteParquetTables.silver(lakehouse, "b000001-test")))
        .and(
            parsed
                .get(ParseEventsFn.DEAD_LETTERS)
                .apply(
                    "WriteDeadLetters", WriteParquetTables.deadLetters(lakehouse, "b000001-test")))
        .apply(Flatten.pCollections())
        .apply(WriteParquetTables.reportFiles());
    PipelineResult result = p.run();
    result.waitUntilFinish();

    Storage storage = lakehouse.storage();
    Map<String, List<String>> listed = new TreeMap<>();
    for (Table table : MicroBatches.tables(lakehouse)) {
      List<String> files =
          storage.listFiles(table.dir()).stream()
              .map(Storage.Entry::location)
              .filter(f -> Lakehouse.isDataFile(table.dir(), f))
              .sorted()
              .toList();
      if (!files.isEmpty()) {
        listed.put(table.dir(), files);
      }
    }
    // Views in 3 partitions, clicks in 1, one click dead letter: at least a file each.
    assertEquals(3, listed.size());
    assertTrue(listed.values().stream().mapToInt(List::size).sum() >= 5);
    Map<String, Set<String>> viewIds = new TreeMap<>(); // partition → event ids in its files
    String views = lakehouse.silverTable(Lakehouse.VIEWS);
    for (String file : listed.get(views)) {
      String partition = Path.of(file).getParent().getFileName().toString();
      CommittedFiles.reader(storage)
          .forEachRecord(
              storage.uri(file),
              views,
              row ->
                  viewIds
                      .computeIfAbsent(partition, k -> new TreeSet<>())
                      .add(row.get("event_id").toString().substring(24)));
      var index = CommittedFiles.reader(storage).bloomFilters(storage.uri(file), views, "event_id");
      CommittedFiles.reader(storage)
          .forEachRecord(
              storage.uri(file),
              views,
              row ->
                  assertTrue(
                      "the file's id index holds " + row.get("event_id"),
                      index.get(0).findHash(EventIdHashes.of(row.get("event_id").toString()))));
    }
    assertEquals(
        Map.of(
            "event_date=1969-12-31", Set.of("000000000005"),
            "event_date=2025-12-17", Set.of("000000000001"),
            "event_date=2025-12-18", Set.of("000000000002", "000000000003")),
        viewIds);
    Map<String, List<String>> reported = WriteParquetTables.reportedFiles(result, storage);
    reported.replaceAll((table, files) -> files.stream().sorted().toList());
    assertEquals(listed, reported);
  }
}
