package com.trending.common;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Opens the data files a table's log commits. Every reader of the lakehouse (Gold, deduplication,
 * the viewer) goes through here, for two reasons:
 *
 * <ul>
 *   <li>Committed files are named by URIs ({@code file:///data/lake%20house/…}). Hadoop's {@code new
 *       Path(String)} takes such a string for a path and its escapes literally (it looks for a
 *       folder named {@code lake%20house}); {@link #hadoopPath} parses it as the URI it is.
 *   <li>A committed file that cannot be read (missing, empty, not Parquet, damaged) holds rows the
 *       table promises, so skipping it would silently change every result computed from the table.
 *       The read fails instead, with an {@link IllegalStateException} that names the file and the
 *       table and says what to do, rather than a bare Parquet stack trace. Files in a table's folder
 *       that no commit names are never opened at all.
 * </ul>
 */
public final class CommittedFiles {
  private CommittedFiles() {}

  /** The Hadoop path of a committed file's URI. */
  public static org.apache.hadoop.fs.Path hadoopPath(String file) {
    return new org.apache.hadoop.fs.Path(URI.create(file));
  }

  /** The local path of a committed file's URI ({@code file:}). */
  public static Path localPath(String file) {
    return Path.of(URI.create(file));
  }

  /**
   * Reads every record of the committed Parquet file {@code file} of {@code table} (with the
   * projection {@code conf} may request) and hands each to {@code action}. Errors of {@code action}
   * pass through unchanged; errors of the file fail as {@link #unreadable}.
   */
  public static void forEachRecord(
      String file, String table, Configuration conf, Consumer<GenericRecord> action) {
    ParquetReader<GenericRecord> reader;
    try {
      reader = AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(hadoopPath(file), conf))
          .withDataModel(GenericData.get())
          .withConf(conf)
          .build();
    } catch (IOException | RuntimeException e) {
      throw unreadable(file, table, e);
    }
    try (reader) {
      while (true) {
        GenericRecord record;
        try {
          record = reader.read();
        } catch (IOException | RuntimeException e) {
          throw unreadable(file, table, e);
        }
        if (record == null) {
          return;
        }
        action.accept(record);
      }
    } catch (IOException e) {
      throw unreadable(file, table, e);
    }
  }

  /** The number of rows of a committed Parquet file, from its footer. */
  public static long rowCount(String file, String table, Configuration conf) {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(hadoopPath(file), conf))) {
      return reader.getRecordCount();
    } catch (IOException | RuntimeException e) {
      throw unreadable(file, table, e);
    }
  }

  /**
   * The error of a committed file that cannot be read: {@code Cannot read <file> committed to
   * <table>: <cause>; <what to do>}.
   */
  public static IllegalStateException unreadable(String file, String table, Exception cause) {
    String why = cause instanceof FileNotFoundException || cause instanceof java.nio.file.NoSuchFileException
        ? "the file does not exist"
        : String.valueOf(cause.getMessage() == null ? cause : cause.getMessage());
    return new IllegalStateException("Cannot read " + describe(file) + " committed to " + table + ": " + why
        + "; the file is part of the table, so the job stops rather than skip its rows: restore it from a"
        + " backup, or take it out of the table (README, \"Damaged and foreign files\").", cause);
  }

  /** A {@code file:} URI as its local path, for messages (spaces as spaces); anything else as it is. */
  public static String describe(String uri) {
    try {
      return localPath(uri).toString();
    } catch (RuntimeException e) {
      return uri;
    }
  }
}
