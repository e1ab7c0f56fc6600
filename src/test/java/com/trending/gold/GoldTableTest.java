package com.trending.gold;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.trending.common.CommittedFiles;
import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A Gold table laid out by day: what a streaming refresh rewrites, and what it leaves in place. */
public class GoldTableTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final long HOUR = ReferenceModel.HOUR;
  private static final long DAY = 24 * HOUR;
  private static final long START = Instant.parse("2025-12-17T00:00:00Z").toEpochMilli();

  /** Three days of rows; a refresh of the last day swaps that day's file and no other. */
  @Test
  public void aRefreshRewritesOnlyTheDaysItsRowsFallIn() throws Exception {
    for (StorageFormat format : StorageFormat.values()) {
      Table gold = table(format);
      List<TrendRow> rows = new ArrayList<>();
      for (int day = 0; day < 3; day++) {
        rows.add(new TrendRow(START + day * DAY + HOUR, 1, 2, 0));
        rows.add(new TrendRow(START + day * DAY + 2 * HOUR, 2, 1, 1));
      }
      GoldTable.rewrite(gold, rows);
      List<String> before = gold.log().files();
      assertEquals(format + ": one file per day", 3, before.size());

      Map<String, Map<Long, TrendRow>> cache = new HashMap<>();
      TrendRow later = new TrendRow(START + 2 * DAY + HOUR, 1, 5, 1);
      TrendRow added = new TrendRow(START + 2 * DAY + 3 * HOUR, 7, 0, 1);
      long written = GoldTable.merge(gold, List.of(later, added), cache);

      assertEquals(format + ": the day's rows rewritten", 3, written);
      List<String> after = gold.log().files();
      assertEquals(
          format + ": the two other days' files kept", before.subList(0, 2), after.subList(0, 2));
      assertFalse(format + ": the day's file replaced", after.contains(before.get(2)));
      List<TrendRow> expected = new ArrayList<>(rows);
      expected.set(4, later);
      expected.add(added);
      TrendingToGoldTest.assertTable(gold, expected);
      assertEquals(
          format + ": the written day is cached",
          List.of(GoldTable.name(after.get(2))),
          List.copyOf(cache.keySet()));

      // An older pane of a row (lower counts) does not undo the later one.
      GoldTable.merge(gold, List.of(new TrendRow(START + 2 * DAY + HOUR, 1, 3, 0)), cache);
      TrendingToGoldTest.assertTable(gold, expected);
    }
  }

  /**
   * The empty table is one empty file (readers infer the schema from it), gone with the first row.
   */
  @Test
  public void anEmptyTableIsOneEmptyFileUntilTheFirstRow() throws Exception {
    for (StorageFormat format : StorageFormat.values()) {
      Table gold = table(format);
      GoldTable.rewrite(gold, List.of());
      assertEquals(1, gold.log().files().size());
      assertEquals(List.of(), GoldTable.read(gold));
      TrendRow row = new TrendRow(START + HOUR, 1, 1, 0);
      GoldTable.merge(gold, List.of(row), new HashMap<>());
      TrendingToGoldTest.assertTable(gold, List.of(row));
    }
  }

  /**
   * A Parquet table as the release before the log wrote it (one file, replaced in place): read as
   * it is, laid out by day at the first refresh, the old file no longer part of the table.
   */
  @Test
  public void aSingleFileParquetTableIsLaidOutByDayAtTheFirstRefresh() throws Exception {
    Table gold = table(StorageFormat.PARQUET);
    List<TrendRow> rows =
        List.of(new TrendRow(START + HOUR, 1, 2, 0), new TrendRow(START + DAY + HOUR, 2, 1, 0));
    GoldTable.rewrite(gold, List.of(rows.get(0)));
    Path file = CommittedFiles.localPath(gold.log().files().get(0));
    deleteTree(gold.path().resolve("_spark_metadata"));
    Files.move(file, gold.path().resolve(GoldTable.LEGACY_FILE_NAME));
    assertEquals(List.of(rows.get(0)), GoldTable.read(gold));

    GoldTable.merge(gold, List.of(rows.get(1)), new HashMap<>());

    TrendingToGoldTest.assertTable(gold, rows);
  }

  /** A Parquet Gold log keeps its ten latest commits, each a compaction listing the whole table. */
  @Test
  public void theParquetLogOfAGoldTableStaysShort() throws Exception {
    Table gold = table(StorageFormat.PARQUET);
    Map<String, Map<Long, TrendRow>> cache = new HashMap<>();
    List<TrendRow> rows = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      TrendRow row = new TrendRow(START + i * HOUR, i, 1, 0);
      rows.add(row);
      GoldTable.merge(gold, List.of(row), cache);
    }
    TrendingToGoldTest.assertTable(gold, rows);
    try (Stream<Path> log = Files.list(gold.path().resolve("_spark_metadata"))) {
      List<String> names = log.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(names.toString(), 10, names.size());
      assertTrue(names.toString(), names.stream().allMatch(n -> n.endsWith(".compact")));
      assertTrue(names.toString(), names.contains("24.compact"));
    }
  }

  /**
   * A day's file written long ago and replaced by a late event's refresh stays for the retention
   * counted from its replacement: a reader that listed the previous version a moment before can
   * still read it.
   */
  @Test
  public void aReplacedFileIsKeptForTheRetentionAfterItLeftTheTable() throws Exception {
    long longAgo = System.currentTimeMillis() - GoldTable.FILE_RETENTION.toMillis() - 60_000;
    for (StorageFormat format : StorageFormat.values()) {
      Table gold = table(format);
      Map<String, Map<Long, TrendRow>> cache = new HashMap<>();
      GoldTable.rewrite(gold, List.of(new TrendRow(START + HOUR, 1, 1, 0)));
      Path first = CommittedFiles.localPath(gold.log().files().get(0));
      Files.setLastModifiedTime(first, FileTime.fromMillis(longAgo));

      GoldTable.merge(gold, List.of(new TrendRow(START + HOUR, 1, 2, 0)), cache);
      Path second = CommittedFiles.localPath(gold.log().files().get(0));
      GoldTable.merge(gold, List.of(new TrendRow(START + HOUR, 1, 3, 0)), cache);
      assertTrue(format + ": replaced now, kept", Files.exists(first));
      assertTrue(format + ": replaced now, kept", Files.exists(second));

      Path marker = gold.path().resolve(GoldTable.RETIRED).resolve(first.getFileName());
      Files.setLastModifiedTime(marker, FileTime.fromMillis(longAgo));
      GoldTable.merge(gold, List.of(new TrendRow(START + HOUR, 1, 4, 0)), cache);
      assertFalse(format + ": replaced over an hour ago, deleted", Files.exists(first));
      assertFalse(format + ": its marker with it", Files.exists(marker));
      assertTrue(format + ": replaced a moment ago, kept", Files.exists(second));
      TrendingToGoldTest.assertTable(gold, List.of(new TrendRow(START + HOUR, 1, 4, 0)));
    }
  }

  private Table table(StorageFormat format) throws Exception {
    Lakehouse lakehouse = Lakehouse.at(tmp.newFolder().toString(), format);
    Table gold = lakehouse.gold(Lakehouse.TRENDING_1H);
    gold.log().create();
    return gold;
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }
  }
}
