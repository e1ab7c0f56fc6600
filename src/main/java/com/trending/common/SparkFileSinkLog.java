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
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>A table's log either only adds (Silver: {@link #append}) or only replaces (Gold: {@link
 * #replace}, each commit a compaction listing the whole table); a log written both ways is refused
 * as incomplete by the next reader.
 */
final class SparkFileSinkLog implements TableLog {
  static final String DIR = "_spark_metadata";
  static final int COMPACT_INTERVAL = 10;
  private static final String COMPACT = ".compact";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The entries of the compactions this process has read, by location: a streaming ingestion reads
   * its tables' logs several times a batch, and parsing a compaction that lists every file of a big
   * table (100-250 ms for 38,525 files) is then most of a commit. A compaction is written once and
   * never changed; its size and modification time tell it from a later one at the same place (a
   * table dropped and created again).
   */
  private static final Map<String, Compaction> COMPACTIONS =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Compaction> eldest) {
              return size() > 16;
            }
          });

  private record Compaction(long size, long modifiedMillis, Map<String, String> entries) {}

  private final Table table;
  private final Storage storage;
  private final String log;
  private final Map<String, Storage.Entry> listed = new HashMap<>(); // the last listing of the log

  SparkFileSinkLog(Table table) {
    this.table = table;
    this.storage = table.storage();
    this.log = table.child(DIR);
  }

  @Override
  public List<String> files() {
    return List.copyOf(new TreeSet<>(entries(latestBatch()).keySet()));
  }

  /** The latest batch id: one listing of the log folder, which keeps its latest batches only. */
  @Override
  public long version() {
    Batch latest = latestBatch();
    return latest == null ? -1 : latest.id();
  }

  @Override
  public boolean append(String appId, long version, List<String> files) {
    if (files.isEmpty()) {
      return true;
    }
    Batch latest = latestBatch();
    Map<String, String> committed = entries(latest);
    // Run ids are unique, so a file already in the log means this very commit already happened.
    if (files.stream().anyMatch(committed::containsKey)) {
      return false;
    }
    long batch = latest == null ? 0 : latest.id() + 1;
    List<String> entries = new ArrayList<>();
    if (isCompaction(batch)) {
      entries.addAll(committed.values());
    }
    files.forEach(f -> entries.add(entry(f)));
    write(new Batch(batch, isCompaction(batch)), entries);
    if (isCompaction(batch)) {
      deleteBatchesBefore(batch - COMPACT_INTERVAL + 1);
    }
    return true;
  }

  /**
   * Commits {@code files} as the whole table: the next batch is a compaction listing exactly them
   * (the entries of files already committed are carried over, not looked up again). Spark derives
   * the compaction interval from the two latest compactions, one apart here, and so reads only the
   * latest batch. The {@value #COMPACT_INTERVAL} latest batches are kept for readers that listed
   * the log just before this commit.
   */
  @Override
  public void replace(List<String> files) {
    Batch latest = latestBatch();
    Map<String, String> committed = entries(latest);
    List<String> entries = new ArrayList<>();
    for (String f : new TreeSet<>(files)) {
      String carried = committed.get(f);
      entries.add(carried != null ? carried : entry(f));
    }
    long batch = latest == null ? 0 : latest.id() + 1;
    write(new Batch(batch, true), entries);
    deleteBatchesBefore(batch - COMPACT_INTERVAL + 1);
  }

  /** A commit of the log: its batch id, and whether it is a compaction ({@code <id>.compact}). */
  private record Batch(long id, boolean compact) {}

  /** The latest batch of the log, null when there is none. */
  private Batch latestBatch() {
    Batch latest = null;
    listed.clear();
    for (Storage.Entry e : storage.list(log)) {
      listed.put(e.location(), e);
      long id = batchId(e.name());
      if (id >= 0 && (latest == null || id > latest.id())) {
        latest = new Batch(id, e.name().endsWith(COMPACT));
      }
    }
    return latest;
  }

  /**
   * Every file committed up to {@code latest}, in commit order, with its log entry: the latest
   * compaction (the latest batch itself, when it is one), then the batches after it.
   */
  private Map<String, String> entries(Batch latest) {
    Map<String, String> entries = new LinkedHashMap<>();
    if (latest == null) {
      return entries;
    }
    long start =
        latest.compact()
            ? latest.id()
            : Math.max(0, (latest.id() + 1) / COMPACT_INTERVAL * COMPACT_INTERVAL - 1);
    for (long batch = start; batch <= latest.id(); batch++) {
      String file =
          batchFile(batch == latest.id() ? latest : new Batch(batch, isCompaction(batch)));
      Storage.Entry stat = listed.get(file);
      Compaction cached = stat == null ? null : COMPACTIONS.get(file);
      if (cached != null
          && cached.size() == stat.size()
          && cached.modifiedMillis() == stat.modifiedMillis()) {
        entries.putAll(cached.entries());
        continue;
      }
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
              entries.put(node.get("path").asText(), line);
            }
          }
        }
        if (stat != null && file.endsWith(COMPACT)) {
          COMPACTIONS.put(
              file,
              new Compaction(
                  stat.size(),
                  stat.modifiedMillis(),
                  Collections.unmodifiableMap(new LinkedHashMap<>(entries))));
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
                + latest.id()
                + " are needed)",
            e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return entries;
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

  private void write(Batch batch, List<String> entries) {
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

  private String batchFile(Batch batch) {
    return storage.child(log, batch.compact() ? batch.id() + COMPACT : Long.toString(batch.id()));
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
