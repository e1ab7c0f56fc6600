package com.trending.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The lakehouse layout of the data contract: one place that knows every table's folder, format
 * and schema.
 */
public final class Lakehouse {

  public static final String VIEWS = "events_views";
  public static final String CLICKS = "events_clicks";
  public static final String RATINGS = "events_ratings";
  public static final String TRENDING_1H = "trending_now_1h";
  public static final String TRENDING_24H = "trending_now_24h";

  private final Path root;
  private final StorageFormat format;

  private Lakehouse(Path root, StorageFormat format) {
    this.root = root;
    this.format = format;
  }

  /** The Parquet lakehouse at {@code path}, made absolute so that every worker sees the same folder. */
  public static Lakehouse at(String path) {
    return at(path, StorageFormat.PARQUET);
  }

  public static Lakehouse at(String path, StorageFormat format) {
    return new Lakehouse(Paths.get(path).toAbsolutePath().normalize(), format);
  }

  public Path root() {
    return root;
  }

  public StorageFormat format() {
    return format;
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

  /** The Silver table of {@code topic}. */
  public Table silver(String topic) {
    return new Table(silverTable(topic).toString(), format, topic, true);
  }

  /** The dead-letter table of {@code topic}. */
  public Table deadLetters(String topic) {
    return new Table(deadLetterTable(topic).toString(), format, "deadletter", false);
  }

  /** The Gold table {@code name} ({@link #TRENDING_1H} or {@link #TRENDING_24H}). */
  public Table gold(String name) {
    return new Table(goldTable(name).toString(), format, "trending", false);
  }

  /** {@code _checkpoints/<job>}: whatever a job needs to resume. */
  public Path checkpoints(String job) {
    return root.resolve("_checkpoints").resolve(job);
  }

  /**
   * Takes the lakehouse's lock for {@code job}: one ingestion job and one Gold job per lakehouse
   * at a time, whatever their consumer groups or checkpoint folders. Fails with
   * {@link IllegalArgumentException} when another job holds it.
   */
  public LakehouseLock lock(String job) {
    return LakehouseLock.acquire(this, job);
  }

  /**
   * True for a finished data file of the table in {@code tableDir}: a name ending in
   * {@code .parquet}, and nothing on its path below the table starting with {@code .} or {@code _}
   * (writers' temporary files and folders, logs).
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
    StorageFormat format = StorageFormat.parse(options.getStorageFormat());
    Lakehouse lakehouse = at(options.getLakehousePath(), format);
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
