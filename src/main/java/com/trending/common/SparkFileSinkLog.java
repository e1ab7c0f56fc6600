package com.trending.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Parquet table's commit log in the format of Spark's own streaming file sink, kept in {@code
 * <table>/_spark_metadata}: {@code spark.read.parquet(table)} (and Structured Streaming's file
 * source) then lists exactly the committed files, with no option on the reader's side.
 *
 * <p>Layout (as Spark's {@code FileStreamSinkLog} writes it): one file per commit, named by its
 * batch id {@code 0, 1, 2, …}; its first line {@code v1}, then one JSON object per data file
 * ({@code path, size, isDir, modificationTime, blockReplication, blockSize, action:"add"}). Every
 * {@value #COMPACT_INTERVAL}th batch ({@code (id + 1) % 10 == 0}, Spark's default interval) is a
 * compaction, {@code <id>.compact}, holding every file committed so far, so a reader opens at most
 * ten small files whatever the table's age. Batch files older than the previous compaction are
 * deleted. A commit is written put-if-absent ({@link Storage#createIfAbsent}: a hard link on the
 * local disk, a rename without overwrite on HDFS, a conditional PUT on S3): two writers cannot both
 * commit one batch id.
 *
 * <p>The log only adds: {@link #replace} is not available (Gold's Parquet tables are replaced by an
 * atomic rename instead, see {@code GoldTable}).
 */
final class SparkFileSinkLog implements TableLog {
  static final String DIR = "_spark_metadata";
  static final int COMPACT_INTERVAL = 10;
  private static final String COMPACT = ".compact";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Table table;
  private final Storage storage;
  private final String log;

  SparkFileSinkLog(Table table) {
    this.table = table;
    this.storage = table.storage();
    this.log = table.child(DIR);
  }

  @Override
  public List<String> files() {
    long latest = latestBatch();
    return latest < 0 ? List.of() : List.copyOf(new TreeSet<>(filesUpTo(latest)));
  }

  @Override
  public boolean append(String appId, long version, List<String> files) {
    if (files.isEmpty()) {
      return true;
    }
    long latest = latestBatch();
    Set<String> committed = latest < 0 ? Set.of() : filesUpTo(latest);
    // Run ids are unique, so a file already in the log means this very commit already happened.
    if (files.stream().anyMatch(committed::contains)) {
      return false;
    }
    long batch = latest + 1;
    List<String> entries = new ArrayList<>();
    if (isCompaction(batch)) {
      committed.forEach(f -> entries.add(entry(f)));
    }
    files.forEach(f -> entries.add(entry(f)));
    write(batch, entries);
    if (isCompaction(batch)) {
      deleteBatchesBefore(batch - COMPACT_INTERVAL + 1);
    }
    return true;
  }

  @Override
  public void replace(List<String> files) {
    throw new UnsupportedOperationException("A Parquet commit log only adds files");
  }

  /** The highest batch id in the log, -1 when there is none. */
  private long latestBatch() {
    return storage.list(log).stream().mapToLong(e -> batchId(e.name())).max().orElse(-1);
  }

  /** Every file committed in batches 0..latest: the last compaction, then the batches after it. */
  private Set<String> filesUpTo(long latest) {
    long start = Math.max(0, (latest + 1) / COMPACT_INTERVAL * COMPACT_INTERVAL - 1);
    Set<String> files = new LinkedHashSet<>();
    for (long batch = start; batch <= latest; batch++) {
      String file = batchFile(batch);
      try (BufferedReader in =
          new BufferedReader(
              new StringReader(new String(storage.read(file), StandardCharsets.UTF_8)))) {
        String version = in.readLine();
        if (!"v1".equals(version)) {
          throw new IllegalStateException(file + ": unsupported log version " + version);
        }
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (!line.isBlank()) {
            JsonNode node = JSON.readTree(line);
            if ("add".equals(node.path("action").asText("add"))) {
              files.add(node.get("path").asText());
            }
          }
        }
      } catch (FileNotFoundException e) {
        throw new IllegalStateException(
            "The commit log of "
                + table.dir()
                + " misses "
                + file
                + " (batches "
                + start
                + ".."
                + latest
                + " are needed)",
            e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  private String entry(String file) {
    Storage.Entry stat = storage.stat(storage.location(file));
    if (stat == null) {
      throw new UncheckedIOException(
          new FileNotFoundException("Cannot commit " + file + ": it does not exist"));
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("path", file);
    node.put("size", stat.size());
    node.put("isDir", false);
    node.put("modificationTime", stat.modifiedMillis());
    node.put("blockReplication", 1);
    node.put("blockSize", 33_554_432L);
    node.put("action", "add");
    return node.toString();
  }

  private void write(long batch, List<String> entries) {
    String target = batchFile(batch);
    StringBuilder text = new StringBuilder("v1");
    entries.forEach(e -> text.append('\n').append(e));
    storage.mkdirs(log);
    if (!storage.createIfAbsent(target, text.toString().getBytes(StandardCharsets.UTF_8))) {
      throw new IllegalStateException("Another writer committed " + target + " concurrently");
    }
  }

  private void deleteBatchesBefore(long first) {
    for (Storage.Entry e : storage.list(log)) {
      long id = batchId(e.name());
      if (id >= 0 && id < first) {
        storage.delete(e.location());
      }
    }
  }

  private String batchFile(long batch) {
    return storage.child(log, isCompaction(batch) ? batch + COMPACT : Long.toString(batch));
  }

  private static boolean isCompaction(long batch) {
    return (batch + 1) % COMPACT_INTERVAL == 0;
  }

  /** The batch id a log file name stands for, -1 for anything else (temporary files). */
  private static long batchId(String name) {
    String id = name.endsWith(COMPACT) ? name.substring(0, name.length() - COMPACT.length()) : name;
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
