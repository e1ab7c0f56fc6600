package com.trending.common;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * One lakehouse table as workers see it: its folder, format and schema. Serializable, so a
 * transform can carry it and open the table's log where it runs.
 *
 * @param dir absolute folder of the table
 * @param format how commits are recorded
 * @param schemaName the table's Avro schema in {@code schemas/avro/} (the Parquet file columns)
 * @param partitionedByEventDate whether files lie under Hive-style {@code event_date=YYYY-MM-DD/}
 */
public record Table(String dir, StorageFormat format, String schemaName, boolean partitionedByEventDate)
    implements Serializable {

  public static final String PARTITION_COLUMN = "event_date";

  public Path path() {
    return Path.of(dir);
  }

  /** The table's transaction log. */
  public TableLog log() {
    return switch (format) {
      case PARQUET -> new SparkFileSinkLog(path());
      case DELTA -> new DeltaTableLog(this);
    };
  }

  @Override
  public String toString() {
    return dir + " (" + format.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
