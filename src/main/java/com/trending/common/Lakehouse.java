package com.trending.common;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The lakehouse layout of the data contract: one place that knows every table's folder, format and
 * schema, and the names of the contract's topics, which the Silver tables carry.
 */
public final class Lakehouse {

  public static final String VIEWS = "events_views";
  public static final String CLICKS = "events_clicks";
  public static final String RATINGS = "events_ratings";

  /**
   * The contract's Kafka topics, in the order every summary lists them. A topic's Silver table and
   * dead-letter table carry its name.
   */
  public static final List<String> TOPICS = List.of(VIEWS, CLICKS, RATINGS);

  public static final String TRENDING_1H = "trending_now_1h";
  public static final String TRENDING_24H = "trending_now_24h";

  private final String root;
  private final StorageFormat format;
  private final Storage storage;

  private Lakehouse(String root, StorageFormat format, Storage storage) {
    this.root = root;
    this.format = format;
    this.storage = storage;
  }

  /** The Parquet lakehouse at {@code path}; see {@link #at(String, StorageFormat)}. */
  public static Lakehouse at(String path) {
    return at(path, StorageFormat.PARQUET);
  }

  /**
   * The lakehouse at {@code path}: a local folder (made absolute, so that every worker sees the
   * same one), {@code hdfs://namenode:port/path} or {@code s3a://bucket/path}, its store configured
   * from the environment (see {@link Storage}).
   *
   * @throws IllegalArgumentException for a location this product cannot write to
   */
  public static Lakehouse at(String path, StorageFormat format) {
    return new Lakehouse(Storage.normalize(path), format, Storage.forLocation(path));
  }

  /** The root: an absolute local path or a Hadoop path ({@code hdfs://…}, {@code s3a://…}). */
  public String root() {
    return root;
  }

  public StorageFormat format() {
    return format;
  }

  public Storage storage() {
    return storage;
  }

  /** {@code silver}: the folder of every Silver and dead-letter table. */
  public String silverFolder() {
    return location("silver");
  }

  /** {@code silver/<table>}, partitioned by {@code event_date=YYYY-MM-DD}. */
  public String silverTable(String table) {
    return location("silver", table);
  }

  /** {@code silver/_deadletter/<topic>}. */
  public String deadLetterTable(String topic) {
    return location("silver", "_deadletter", topic);
  }

  /** {@code gold/<table>}. */
  public String goldTable(String table) {
    return location("gold", table);
  }

  /** The Silver table of {@code topic}. */
  public Table silver(String topic) {
    return new Table(silverTable(topic), format, topic, true, storage);
  }

  /** The dead-letter table of {@code topic}. */
  public Table deadLetters(String topic) {
    return new Table(deadLetterTable(topic), format, "deadletter", false, storage);
  }

  /** The Gold table {@code name} ({@link #TRENDING_1H} or {@link #TRENDING_24H}). */
  public Table gold(String name) {
    return new Table(goldTable(name), format, "trending", false, storage);
  }

  /** {@code _checkpoints/<job>}: whatever a job needs to resume. */
  public String checkpoints(String job) {
    return location("_checkpoints", job);
  }

  /**
   * {@code _checkpoints/<job>/<name>} for a name the job does not choose, such as a Kafka consumer
   * group ({@code KAFKA_GROUP_ID} may hold any character: {@code ../../etc}, {@code a/b}, {@code
   * C:\x}, nothing at all). {@code name} becomes one folder name (see {@link #folderName}), so the
   * result is always a child of {@code _checkpoints/<job>}, and two names never share a folder.
   *
   * @throws IllegalArgumentException if {@code name} is not valid Unicode (a lone surrogate)
   */
  public String checkpoints(String job, String name) {
    return storage.child(checkpoints(job), folderName(name));
  }

  /** {@code root/names[0]/names[1]/…}. */
  private String location(String... names) {
    String location = root;
    for (String name : names) {
      location = storage.child(location, name);
    }
    return location;
  }

  private static final Pattern WINDOWS_DEVICE =
      Pattern.compile("(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\\..*)?");

  /**
   * {@code name} as a single folder name that every file system accepts: each UTF-8 byte of a
   * character outside {@code [A-Za-z0-9._-]} is written {@code %XX}, and so is a {@code .} at
   * either end ({@code .} and {@code ..}, hidden names; Windows drops a trailing dot) and the first
   * letter of a Windows device name ({@code nul}, {@code com1.x}). Ordinary names ({@code
   * kafka-to-silver}, {@code my_group.v2}) stay as they are, so their folders do not move; the
   * empty name is {@code %}. Different names give different folders because {@code %} is always
   * escaped: the folder name decodes back to the one name it came from. Limit: on a
   * case-insensitive file system (Windows, macOS) names that differ only in case share a folder, as
   * letters are kept to keep ordinary names' folders where they are.
   *
   * @throws IllegalArgumentException if {@code name} is not valid Unicode (a lone surrogate)
   */
  public static String folderName(String name) {
    if (name.isEmpty()) {
      return "%";
    }
    ByteBuffer utf8;
    try {
      utf8 =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(name));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("Not a valid Unicode name: '" + name + "'", e);
    }
    boolean device = WINDOWS_DEVICE.matcher(name).matches();
    StringBuilder folder = new StringBuilder();
    int length = utf8.remaining();
    for (int i = 0; i < length; i++) {
      int b = utf8.get(i) & 0xff;
      boolean plain =
          (b >= 'a' && b <= 'z')
              || (b >= 'A' && b <= 'Z')
              || (b >= '0' && b <= '9')
              || b == '_'
              || b == '-'
              || (b == '.' && i > 0 && i < length - 1);
      if (plain && !(device && i == 0)) {
        folder.append((char) b);
      } else {
        folder
            .append('%')
            .append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return folder.toString();
  }

  /**
   * Takes the lakehouse's lock for {@code job}: one ingestion job and one Gold job per lakehouse at
   * a time, whatever their consumer groups or checkpoint folders. Fails with {@link
   * IllegalArgumentException} when another job holds it.
   */
  public LakehouseLock lock(String job) {
    return LakehouseLock.acquire(this, job);
  }

  /**
   * True for a finished data file of the table in {@code tableDir}: a name ending in {@code
   * .parquet}, and nothing on its path below the table starting with {@code .} or {@code _}
   * (writers' temporary files and folders, logs). Both {@code /} and {@code \} separate folders, so
   * Windows paths ({@code C:\data\lake\silver\…}) are classified like POSIX ones, and a file of
   * {@code /lake/t2} is not taken for one of {@code /lake/t}.
   */
  public static boolean isDataFile(String tableDir, String file) {
    List<String> table = names(tableDir);
    List<String> path = names(file);
    if (!file.endsWith(".parquet")
        || path.size() <= table.size()
        || !path.subList(0, table.size()).equals(table)) {
      return false;
    }
    for (String part : path.subList(table.size(), path.size())) {
      if (part.startsWith(".") || part.startsWith("_")) {
        return false;
      }
    }
    return true;
  }

  /** The names of a path's folders and file, whichever separator it uses. */
  private static List<String> names(String path) {
    return Arrays.stream(path.split("[/\\\\]")).filter(name -> !name.isEmpty()).toList();
  }

  /**
   * Checks the options every pipeline shares and that the lakehouse root can be written, so that a
   * run fails at once with a message a user can act on rather than deep inside a worker. For a
   * lakehouse on HDFS or S3 it also hands Beam the store's Hadoop configuration, so that Beam's
   * writers reach it on every worker.
   */
  public static Lakehouse validate(LakehouseOptions options) {
    StorageFormat format = StorageFormat.parse(options.getStorageFormat());
    Lakehouse lakehouse = at(options.getLakehousePath(), format);
    Storage storage = lakehouse.storage();
    String probe = storage.child(lakehouse.root(), ".write-check-" + UUID.randomUUID() + ".tmp");
    try {
      storage.mkdirs(lakehouse.root());
      try (OutputStream out = storage.create(probe)) {
        out.write(0);
      }
      storage.delete(probe);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "Cannot write to the lakehouse at "
              + lakehouse.root()
              + " ("
              + e
              + "): set LAKEHOUSE_PATH (or --lakehousePath) to a writable folder"
              + (storage.kind() == Storage.Kind.LOCAL
                  ? "."
                  : ", and check the store's settings (README, \"Lakehouse on HDFS or S3\")."));
    }
    org.apache.hadoop.conf.Configuration beam = storage.beamConf(lakehouse.root());
    if (beam != null) {
      options
          .as(org.apache.beam.sdk.io.hdfs.HadoopFileSystemOptions.class)
          .setHdfsConfiguration(List.of(beam));
      org.apache.beam.sdk.io.FileSystems.setDefaultPipelineOptions(options);
    }
    return lakehouse;
  }
}
