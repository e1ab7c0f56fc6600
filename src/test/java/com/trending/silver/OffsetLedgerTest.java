package com.trending.silver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.trending.common.Storage;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The ledger's files through a batch's life, and the plan of a batch. */
public class OffsetLedgerTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final TopicPartition V0 = new TopicPartition("events_views", 0);
  private static final TopicPartition V1 = new TopicPartition("events_views", 1);
  private static final TopicPartition C0 = new TopicPartition("events_clicks", 0);

  @Test
  public void aBatchIsPendingThenWrittenThenCommitted() throws Exception {
    OffsetLedger ledger = OffsetLedger.open(tmp.getRoot().getPath());
    assertNull(ledger.pending());
    assertEquals(0, ledger.lastBatch());
    BatchPlan plan = new BatchPlan(1, "b000001-x", Map.of(V0, 0L, V1, 0L), Map.of(V0, 10L, V1, 4L));

    ledger.begin(plan);
    OffsetLedger.Pending pending = ledger.pending();
    assertEquals(1, pending.batch());
    assertEquals("b000001-x", pending.runId());
    assertEquals(Map.of(V0, 10L, V1, 4L), pending.to());
    assertNull("no manifest while writing", pending.files());

    // Table folders are absolute paths: keys, never JSON Pointers.
    Map<String, List<String>> manifest =
        Map.of(
            "/lake/silver/events_views",
                List.of(
                    "file:/lake/silver/events_views/event_date=2025-12-17/part-b000001-x-0.parquet"),
            "/lake/silver/_deadletter/events_views", List.of());
    ledger.written(plan, manifest);
    assertEquals(manifest, ledger.pending().files());

    ledger.commit(plan);
    assertNull(ledger.pending());
    assertEquals(1, ledger.lastBatch());
    assertEquals(Map.of(V0, 10L, V1, 4L), ledger.offsets());

    // A later batch that takes only some partitions keeps the others' offsets.
    ledger.commit(new BatchPlan(2, "b000002-y", Map.of(C0, 0L), Map.of(C0, 7L)));
    assertEquals(Map.of(V0, 10L, V1, 4L, C0, 7L), ledger.offsets());
    assertEquals(2, OffsetLedger.open(tmp.getRoot().getPath()).lastBatch());
    assertEquals("the id stays", ledger.id(), OffsetLedger.open(tmp.getRoot().getPath()).id());
    org.junit.Assert.assertNotEquals(
        "a new ledger has a new id",
        ledger.id(),
        OffsetLedger.open(tmp.newFolder("other").getPath()).id());
  }

  @Test
  public void aPlanSharesItsLimitBetweenThePartitionsWithMessagesWaiting() {
    List<TopicPartition> partitions = List.of(V0, V1, C0);
    Map<TopicPartition, Long> positions = Map.of(V0, 100L, V1, 0L, C0, 50L);
    Map<TopicPartition, Long> ends = Map.of(V0, 200L, V1, 3L, C0, 50L);

    BatchPlan plan = BatchPlan.of(5, "run", partitions, positions, ends, 60);
    assertEquals(60, plan.total());
    assertEquals(
        "all of the small partition, the rest from the other",
        Map.of(V0, 157L, V1, 3L, C0, 50L),
        plan.to());
    assertEquals(
        List.of(
            new ReadKafkaRanges.Range("events_views", 0, 100, 157),
            new ReadKafkaRanges.Range("events_views", 1, 0, 3)),
        plan.rangesFor("events_views"));
    assertEquals(List.of(), plan.rangesFor("events_clicks"));

    BatchPlan all = BatchPlan.of(6, "run", partitions, positions, ends, Long.MAX_VALUE);
    assertEquals(103, all.total());
    assertEquals(ends, all.to());
  }

  @Test
  public void deletingARunsFilesTakesThemAndBeamsTemporaryFoldersOnly() throws Exception {
    Path dir = tmp.newFolder("events_views").toPath();
    Path ours =
        touch(dir.resolve("event_date=2025-12-17/part-b000003-x-00000-of-00001.snappy.parquet"));
    Path committed =
        touch(dir.resolve("event_date=2025-12-17/part-b000002-w-00000-of-00001.snappy.parquet"));
    Path log = touch(dir.resolve("_spark_metadata/2"));
    touch(dir.resolve(".temp-beam-1a2b/part-b000003-x-00000"));
    touch(dir.resolve("event_date=2025-12-17/.temp-beam-3c4d/shard/part-b000001-v-00000"));
    Table table =
        new Table(dir.toString(), StorageFormat.PARQUET, "events_views", true, Storage.local());

    assertEquals(
        "files of the run (Beam's temporary files not counted)",
        1,
        OffsetLedger.deleteRunFiles("b000003-x", List.of(table)));
    assertFalse(Files.exists(ours));
    assertFalse(Files.exists(dir.resolve(".temp-beam-1a2b")));
    assertFalse(Files.exists(dir.resolve("event_date=2025-12-17/.temp-beam-3c4d")));
    assertTrue(Files.exists(committed));
    assertTrue(Files.exists(log));
  }

  @Test
  public void aBeamTemporaryFolderEndsWithTheNameThatHoldsTheMarker() {
    assertEquals(
        "/lake/t/.temp-beam-1a2b",
        OffsetLedger.beamTempFolder("/lake/t", "/lake/t/.temp-beam-1a2b/x/part-0"));
    assertEquals(
        "/lake/t/event_date=2025-12-17/.temp-beam-1a2b",
        OffsetLedger.beamTempFolder(
            "/lake/t", "/lake/t/event_date=2025-12-17/.temp-beam-1a2b/part-0"));
    assertEquals(
        "the file's own name",
        "/lake/t/p/x.temp-beam-1a2b",
        OffsetLedger.beamTempFolder("/lake/t", "/lake/t/p/x.temp-beam-1a2b"));
    assertEquals(
        "Windows paths",
        "C:\\lake\\t\\.temp-beam-1a2b",
        OffsetLedger.beamTempFolder("C:\\lake\\t", "C:\\lake\\t\\.temp-beam-1a2b\\part-0"));
    assertNull(
        OffsetLedger.beamTempFolder("/lake/t", "/lake/t/event_date=2025-12-17/part-0.parquet"));
    assertNull(
        "only what lies below the table counts",
        OffsetLedger.beamTempFolder(
            "/lake/.temp-beam-1a2b/t", "/lake/.temp-beam-1a2b/t/part-0.parquet"));
  }

  private static Path touch(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, "x");
  }
}
