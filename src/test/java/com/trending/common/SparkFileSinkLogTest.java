package com.trending.common;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The Parquet table log: what it lists after many commits, and after a table is made anew. */
public class SparkFileSinkLogTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static List<String> commit(Table table, String prefix, int batches) throws IOException {
    List<String> all = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      Path file = table.path().resolve("event_date=2025-12-17").resolve(prefix + b + ".parquet");
      Files.createDirectories(file.getParent());
      Files.write(file, new byte[] {1});
      String uri = file.toUri().toString();
      table.log().append("test", b, List.of(uri));
      all.add(uri);
    }
    return all.stream().sorted().toList();
  }

  @Test
  public void listsEveryCommittedFileAcrossCompactionsAndForgetsADroppedTable() throws Exception {
    Table table = Lakehouse.at(tmp.getRoot().getPath(), StorageFormat.PARQUET).silver("views");
    List<String> first = commit(table, "part-a-", 25); // compactions at batches 9 and 19
    assertEquals(first, table.log().files());
    assertEquals(first, table.log().files()); // read again, the compaction as this process knows it
    assertEquals(24, table.log().version());

    // The table dropped and made again at the same place: batch 9's compaction is another file.
    try (Stream<Path> all = Files.walk(table.path())) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    List<String> second = commit(table, "part-b-", 12);
    Path compaction = table.path().resolve(SparkFileSinkLog.DIR).resolve("9.compact");
    // Even were it written within the same millisecond as the first one.
    Files.setLastModifiedTime(
        compaction, FileTime.fromMillis(Files.getLastModifiedTime(compaction).toMillis() + 1_000));
    assertEquals(second, table.log().files());
    assertEquals(11, table.log().version());
  }
}
