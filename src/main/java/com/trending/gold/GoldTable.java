package com.trending.gold;

import com.trending.common.CommittedFiles;
import com.trending.common.Schemas;
import com.trending.common.Storage;
import com.trending.common.StorageFormat;
import com.trending.common.StreamOutputFile;
import com.trending.common.Table;
import com.trending.common.TableLog;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * One Gold table: one Parquet file per day of window ends, rows ordered by window then trend_score
 * descending, ranked within each window, on any store (see {@link Storage}), committed through the
 * table's log ({@link TableLog}) so that readers see one whole version of the table at a time.
 *
 * <p>A streaming refresh ({@link #merge}) rewrites only the days its changed rows fall in and
 * leaves the files of the other days in place, in one commit that swaps the days' files: a refresh
 * costs the days it touches (today, and yesterday for late events), not the table's age. A batch
 * recompute ({@link #rewrite}) replaces every file. Readers still see one table, replaced whole on
 * each update (the contract's "complete" output): {@code spark.read.format("delta")} through the
 * Delta log (each refresh one transaction that removes the days' old files and adds the new ones),
 * {@code spark.read.parquet} through {@code _spark_metadata} (each refresh a compaction of Spark's
 * file-sink log listing the table's files, which Spark then reads instead of listing the folder).
 *
 * <p>Data files are never changed once written: a reader that listed an older version reads it
 * whole. Files no longer in the table are deleted {@link #FILE_RETENTION} after they left it (as
 * Delta's VACUUM would), so time travel ({@code versionAsOf}) and slow readers reach that far back;
 * so are files that a crash left behind uncommitted.
 */
public final class GoldTable {
  /**
   * The single file of a Parquet Gold table written before Gold had a commit log: read while the
   * log is empty, replaced by the first refresh.
   */
  public static final String LEGACY_FILE_NAME = "part-00000.parquet";

  /** Window ascending, then trend_score descending, then movie_id ascending. */
  public static final Comparator<TrendRow> ORDER =
      Comparator.comparingLong(TrendRow::windowEnd)
          .thenComparing(Comparator.comparingDouble(TrendRow::trendScore).reversed())
          .thenComparingInt(TrendRow::movieId);

  /** How long files of replaced versions are kept, for time travel and slow readers. */
  public static final Duration FILE_RETENTION = Duration.ofHours(1);

  /**
   * The day a table without rows is filed under: one empty file keeps the schema for readers that
   * infer it from the data files ({@code spark.read.parquet}).
   */
  private static final String NO_DAY = "empty";

  /**
   * The folder of markers that time the files that left the table (see {@link #commit}); a name
   * starting with {@code _} is hidden from Spark's and Delta's readers.
   */
  static final String RETIRED = "_retired";

  /** {@code part-<day>-<unique>.snappy.parquet}, the day {@code yyyy-MM-dd} or {@value #NO_DAY}. */
  private static final Pattern DAY_FILE =
      Pattern.compile("part-(\\d{4}-\\d{2}-\\d{2}|" + NO_DAY + ")-[^/]*\\.parquet");

  private GoldTable() {}

  /** Replaces {@code table} with {@code rows}, atomically for readers. */
  public static void rewrite(Table table, Collection<TrendRow> rows) throws IOException {
    Map<String, Map<Long, TrendRow>> days = byDay(rows);
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, Map<Long, TrendRow>> day : days.entrySet()) {
      files.add(writeDay(table, day.getKey(), day.getValue().values()));
    }
    if (files.isEmpty()) {
      files.add(writeDay(table, NO_DAY, List.of()));
    }
    commit(table, files);
  }

  /**
   * Merges changed rows into {@code table} (each row's latest counts win, see {@link
   * TrendRow#latest}): the days they fall in are rewritten, the other days' files stay, one commit.
   * {@code cache} holds the rows of the files the previous merge wrote, so that the day being
   * refreshed is not read back each time; this call replaces its content. Returns the number of
   * rows written.
   */
  public static long merge(
      Table table, Collection<TrendRow> changes, Map<String, Map<Long, TrendRow>> cache)
      throws IOException {
    List<String> live = table.log().files();
    boolean laidOutByDay =
        live.stream().allMatch(f -> day(f) != null)
            && !(live.isEmpty() && table.storage().exists(table.child(LEGACY_FILE_NAME)));
    if (!laidOutByDay) {
      // Written by an earlier release, as one file: laid out by day, once.
      Map<Long, TrendRow> all = new HashMap<>();
      read(table).forEach(row -> all.put(row.key(), row));
      changes.forEach(row -> all.merge(row.key(), row, TrendRow::latest));
      rewrite(table, all.values());
      cache.clear();
      return all.size();
    }
    Map<String, String> fileOfDay = new HashMap<>();
    live.forEach(file -> fileOfDay.put(day(file), file));
    List<String> next = new ArrayList<>(live);
    Map<String, Map<Long, TrendRow>> written = new HashMap<>();
    long rows = 0;
    for (Map.Entry<String, Map<Long, TrendRow>> day : byDay(changes).entrySet()) {
      String old = fileOfDay.get(day.getKey());
      Map<Long, TrendRow> merged = new HashMap<>();
      if (old != null) {
        Map<Long, TrendRow> cached = cache.get(name(old));
        if (cached != null) {
          merged.putAll(cached);
        } else {
          readFile(table, old, row -> merged.put(row.key(), row));
        }
        next.remove(old);
      }
      day.getValue().values().forEach(row -> merged.merge(row.key(), row, TrendRow::latest));
      String file = writeDay(table, day.getKey(), merged.values());
      next.add(file);
      written.put(name(file), merged);
      rows += merged.size();
    }
    if (written.isEmpty()) {
      return 0;
    }
    String empty = fileOfDay.get(NO_DAY);
    if (empty != null) {
      next.remove(empty);
    }
    commit(table, next);
    cache.clear();
    cache.putAll(written);
    return rows;
  }

  /**
   * The rows of {@code table} in table order, empty if it has not been written yet. A file that
   * cannot be read fails with an error naming it and the table (see {@link CommittedFiles}): a
   * streaming refresh merges into the table it reads, so reading it as empty would drop every
   * closed window.
   */
  public static List<TrendRow> read(Table table) throws IOException {
    List<TrendRow> rows = new ArrayList<>();
    List<String> files = table.log().files();
    if (files.isEmpty() && table.format() == StorageFormat.PARQUET) {
      readLegacyFile(table, rows::add);
    }
    for (String file : files) {
      readFile(table, file, rows::add);
    }
    return rows;
  }

  /** Changes whenever the table is replaced: its committed files. */
  public static String version(Table table) {
    List<String> files = table.log().files();
    if (files.isEmpty() && table.format() == StorageFormat.PARQUET) {
      Storage.Entry file = table.storage().stat(table.child(LEGACY_FILE_NAME));
      return file == null ? "" : file.modifiedMillis() + "/" + file.size();
    }
    return String.join(",", files);
  }

  /** The UTC day of a window end: the file a row is kept in. */
  static String day(long windowEnd) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(windowEnd), ZoneOffset.UTC).toString();
  }

  /** The day a data file holds, null for a file not laid out by day. */
  private static String day(String file) {
    Matcher m = DAY_FILE.matcher(name(file));
    return m.matches() ? m.group(1) : null;
  }

  /** A file's name, the last segment of its URI (the same whichever form of URI names it). */
  static String name(String file) {
    return file.substring(file.lastIndexOf('/') + 1);
  }

  private static Map<String, Map<Long, TrendRow>> byDay(Collection<TrendRow> rows) {
    Map<String, Map<Long, TrendRow>> days = new TreeMap<>();
    for (TrendRow row : rows) {
      days.computeIfAbsent(day(row.windowEnd()), d -> new HashMap<>())
          .merge(row.key(), row, TrendRow::latest);
    }
    return days;
  }

  /** Writes one day's rows to a new file, invisible until a commit names it; returns its URI. */
  private static String writeDay(Table table, String day, Collection<TrendRow> rows)
      throws IOException {
    Storage storage = table.storage();
    storage.mkdirs(table.dir());
    String file = table.child("part-" + day + "-" + UUID.randomUUID() + ".snappy.parquet");
    try (OutputStream out = storage.create(file)) {
      write(out, ranked(rows));
    }
    return storage.uri(file);
  }

  /**
   * Makes {@code files} the table in one commit, then deletes the files that left the table more
   * than {@link #FILE_RETENTION} ago.
   *
   * <p>The clock starts when a file leaves the table, not when it was written (a day's file can be
   * live for weeks, then replaced by a late event's refresh, and a reader may have listed it a
   * second before). Neither a file's own modification time nor Spark's file-sink log records that
   * moment, so the first commit that finds a data file outside the table leaves an empty marker of
   * the same name in {@value #RETIRED}; the file goes {@link #FILE_RETENTION} after its marker was
   * written. Files a crash left behind uncommitted are found the same way.
   */
  private static void commit(Table table, List<String> files) {
    table.log().replace(files);
    Set<String> live = new HashSet<>();
    files.forEach(f -> live.add(name(f)));
    Storage storage = table.storage();
    String retired = table.child(RETIRED);
    Map<String, Storage.Entry> markers = new HashMap<>();
    storage.list(retired).forEach(m -> markers.put(m.name(), m));
    long cutoff = System.currentTimeMillis() - FILE_RETENTION.toMillis();
    for (Storage.Entry f : storage.list(table.dir())) {
      if (f.isDirectory()
          || !f.name().startsWith("part-")
          || !f.name().endsWith(".parquet")
          || live.contains(f.name())) {
        continue;
      }
      Storage.Entry marker = markers.remove(f.name());
      if (marker == null) {
        storage.mkdirs(retired);
        storage.replace(storage.child(retired, f.name()), new byte[0]);
      } else if (marker.modifiedMillis() < cutoff) {
        storage.delete(f.location());
        storage.delete(marker.location());
      }
    }
    // Markers of files deleted by hand, or of a file that came back into the table.
    markers.values().forEach(m -> storage.delete(m.location()));
  }

  private static void readFile(Table table, String file, Consumer<TrendRow> rows) {
    CommittedFiles.reader(table.storage())
        .forEachRecord(file, table.toString(), r -> rows.accept(row(r)));
  }

  /**
   * The single file of a Parquet table written before Gold had a log, read whole in one read (one
   * GET on S3): that release replaced it in place.
   */
  private static void readLegacyFile(Table table, Consumer<TrendRow> rows) throws IOException {
    String file = table.child(LEGACY_FILE_NAME);
    byte[] bytes;
    try {
      bytes = table.storage().read(file);
    } catch (FileNotFoundException e) {
      return;
    }
    String uri = table.storage().uri(file);
    try {
      CommittedFiles.reader(table.storage())
          .forEachRecord(bytes, uri, table.toString(), r -> rows.accept(row(r)));
    } catch (RuntimeException e) {
      // A record that is not a Gold row (a Parquet file of another schema): unreadable as well.
      throw e instanceof IllegalStateException
          ? e
          : CommittedFiles.unreadable(uri, table.toString(), e);
    }
  }

  public static Schema schema() {
    return Schemas.avro("trending");
  }

  /** The rows in table order, each as a Gold record with its rank in its window. */
  public static List<GenericRecord> ranked(Collection<TrendRow> rows) {
    List<TrendRow> sorted = new ArrayList<>(rows);
    sorted.sort(ORDER);
    Schema schema = schema();
    List<GenericRecord> out = new ArrayList<>(sorted.size());
    long window = Long.MIN_VALUE;
    int rank = 0;
    for (TrendRow row : sorted) {
      if (row.windowEnd() != window) {
        window = row.windowEnd();
        rank = 0;
      }
      rank++;
      GenericRecord r = new GenericData.Record(schema);
      r.put("window_ts", row.windowEnd());
      r.put("movie_id", row.movieId());
      r.put("views", row.views());
      r.put("clicks", row.clicks());
      r.put("trend_score", row.trendScore());
      r.put("rank", rank);
      out.add(r);
    }
    return out;
  }

  private static void write(OutputStream out, List<GenericRecord> records) throws IOException {
    try (ParquetWriter<GenericRecord> writer = StreamOutputFile.snappyWriter(out, schema())) {
      for (GenericRecord r : records) {
        writer.write(r);
      }
    }
  }

  private static TrendRow row(GenericRecord r) {
    return new TrendRow(
        (Long) r.get("window_ts"),
        (Integer) r.get("movie_id"),
        (Long) r.get("views"),
        (Long) r.get("clicks"));
  }

  /**
   * Deletes hidden temporary files that a crashed rewrite may have left behind (none on S3, where a
   * rewrite is one PUT).
   */
  public static void removeLeftovers(Table table) {
    for (Storage.Entry f : table.storage().list(table.dir())) {
      if (!f.isDirectory() && f.name().startsWith(".") && f.name().endsWith(".tmp")) {
        table.storage().delete(f.location());
      }
    }
  }
}
