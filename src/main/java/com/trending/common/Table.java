package com.trending.common;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One lakehouse table as workers see it: its folder, format, schema and store. Serializable, so a
 * transform can carry it and open the table's log where it runs.
 *
 * @param dir the table's folder: an absolute local path or a Hadoop path ({@code hdfs://…})
 * @param format how commits are recorded
 * @param schemaName the table's Avro schema in {@code schemas/avro/} (the Parquet file columns)
 * @param partitionedByEventDate whether files lie under Hive-style {@code event_date=YYYY-MM-DD/}
 * @param storage the store the folder is on
 */
public record Table(
    String dir,
    StorageFormat format,
    String schemaName,
    boolean partitionedByEventDate,
    Storage storage)
    implements Serializable {

  public static final String PARTITION_COLUMN = "event_date";

  /** The folder of a table on the local disk (tests, tools); fails for HDFS and S3. */
  public Path path() {
    if (storage.kind() != Storage.Kind.LOCAL) {
      throw new UnsupportedOperationException(dir + " is not on the local disk");
    }
    return Path.of(dir);
  }

  /** {@code dir/name}. */
  public String child(String name) {
    return storage.child(dir, name);
  }

  /** The table's transaction log. */
  public TableLog log() {
    return switch (format) {
      case PARQUET -> new SparkFileSinkLog(this);
      case DELTA -> new DeltaTableLog(this);
    };
  }

  @Override
  public String toString() {
    return dir + " (" + format.name().toLowerCase(Locale.ROOT) + ")";
  }
}
