package com.trending.common;

import java.util.Locale;

/** The contract's {@code STORAGE_FORMAT}: how a table's committed files are recorded. */
public enum StorageFormat {
  /**
   * Plain Parquet files plus the commit log Spark's own file sink keeps in {@code
   * <table>/_spark_metadata}, which {@code spark.read.parquet(table)} honours.
   */
  PARQUET,
  /**
   * A Delta Lake table: Parquet files plus {@code <table>/_delta_log}, committed with Delta Kernel.
   */
  DELTA;

  /** Parses {@code STORAGE_FORMAT} / {@code --storageFormat}, with an error a user can act on. */
  public static StorageFormat parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "parquet" -> PARQUET;
      case "delta" -> DELTA;
      default ->
          throw new IllegalArgumentException(
              "Unknown STORAGE_FORMAT '"
                  + value
                  + "': set STORAGE_FORMAT (or --storageFormat) to 'parquet' or 'delta'.");
    };
  }
}
