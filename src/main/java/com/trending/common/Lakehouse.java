package com.trending.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

/** The lakehouse layout of the data contract: one place that knows every table's folder. */
public final class Lakehouse {

  public static final String VIEWS = "events_views";
  public static final String CLICKS = "events_clicks";
  public static final String RATINGS = "events_ratings";
  public static final String TRENDING_1H = "trending_now_1h";
  public static final String TRENDING_24H = "trending_now_24h";

  private final Path root;

  private Lakehouse(Path root) {
    this.root = root;
  }

  /** The lakehouse at {@code path}, made absolute so that every worker sees the same folder. */
  public static Lakehouse at(String path) {
    return new Lakehouse(Paths.get(path).toAbsolutePath().normalize());
  }

  public Path root() {
    return root;
  }

  /** {@code silver/<table>}, partitioned by {@code event_date=YYYY-MM-DD}. */
  public Path silverTable(String table) {
    return root.resolve("silver").resolve(table);
  }

  /** {@code silver/_deadletter/<topic>}. */
  public Path deadLetterTable(String topic) {
    return root.resolve("silver").resolve("_deadletter").resolve(topic);
  }

  /** {@code gold/<table>}. */
  public Path goldTable(String table) {
    return root.resolve("gold").resolve(table);
  }

  /** {@code _checkpoints/<job>}: whatever a job needs to resume. */
  public Path checkpoints(String job) {
    return root.resolve("_checkpoints").resolve(job);
  }

  /**
   * The finished Parquet files of a table, sorted: see {@link #isDataFile}. This is the set Spark SQL
   * reads.
   */
  public static List<String> dataFiles(Path table) {
    if (!Files.isDirectory(table)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(table)) {
      return files
          .map(Path::toString)
          .filter(file -> isDataFile(table.toString(), file))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * True for a finished data file of the table in {@code tableDir}: a name ending in
   * {@code .parquet}, and nothing on its path below the table starting with {@code .} or {@code _}
   * (writers' temporary files and folders, metadata).
   */
  public static boolean isDataFile(String tableDir, String file) {
    String root = tableDir.endsWith("/") ? tableDir : tableDir + "/";
    if (!file.startsWith(root) || !file.endsWith(".parquet")) {
      return false;
    }
    for (String part : file.substring(root.length()).split("/")) {
      if (part.isEmpty() || part.startsWith(".") || part.startsWith("_")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks the options every pipeline shares and that the lakehouse root can be written, so that a
   * run fails at once with a message a user can act on rather than deep inside a worker.
   */
  public static Lakehouse validate(LakehouseOptions options) {
    String format = options.getStorageFormat() == null ? "" : options.getStorageFormat().trim();
    if (format.equalsIgnoreCase("delta")) {
      throw new IllegalArgumentException(
          "STORAGE_FORMAT=delta is not supported yet: use STORAGE_FORMAT=parquet (the default).");
    }
    if (!format.equalsIgnoreCase("parquet")) {
      throw new IllegalArgumentException(
          "Unknown STORAGE_FORMAT '" + options.getStorageFormat()
              + "': set STORAGE_FORMAT (or --storageFormat) to 'parquet'.");
    }
    Lakehouse lakehouse = at(options.getLakehousePath());
    try {
      Files.createDirectories(lakehouse.root());
      Path probe = Files.createTempFile(lakehouse.root(), ".write-check-", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException(
          "Cannot write to the lakehouse at " + lakehouse.root() + " (" + e
              + "): set LAKEHOUSE_PATH (or --lakehousePath) to a writable folder.");
    }
    return lakehouse;
  }
}
