package com.trending.common;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Reads the Parquet data files a table's log commits, on any {@link Storage} ({@link #reader}).
 * Every reader of the lakehouse (Gold, deduplication, the viewer) goes through here, for two
 * reasons:
 *
 * <ul>
 *   <li>Committed files are named by URIs ({@code file:///data/lake%20house/…}). Hadoop's {@code
 *       new Path(String)} takes such a string for a path and its escapes literally (it looks for a
 *       folder named {@code lake%20house}); {@link #hadoopPath} parses it as the URI it is.
 *   <li>A committed file that cannot be read (missing, empty, not Parquet, damaged) holds rows the
 *       table promises, so skipping it would silently change every result computed from the table.
 *       The read fails instead, with an {@link IllegalStateException} that names the file and the
 *       table and says what to do, rather than a bare Parquet stack trace. Files in a table's
 *       folder that no commit names are never opened at all.
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

  /** Reads committed Parquet files on {@code storage}, every column. */
  public static Reader reader(Storage storage) {
    return new Reader(storage, null);
  }

  /** Reads committed Parquet files on {@code storage}, only the columns of {@code projection}. */
  public static Reader reader(Storage storage, Schema projection) {
    return new Reader(storage, projection.toString());
  }

  /**
   * Reads the records of committed Parquet files on one store (local disk, HDFS or S3, with its
   * Hadoop settings), every column or those of a projection. Errors of a file fail as {@link
   * #unreadable}; errors of the caller's action pass through unchanged. Serializable, so that a
   * {@code DoFn} or a source can hold one; its Hadoop configuration is made on first use.
   */
  public static final class Reader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Storage storage;
    private final String projectionJson; // null: every column
    private transient Configuration conf;

    private Reader(Storage storage, String projectionJson) {
      this.storage = storage;
      this.projectionJson = projectionJson;
    }

    /** Hands each record of the committed file {@code file} of {@code table} to {@code action}. */
    public void forEachRecord(String file, String table, Consumer<GenericRecord> action) {
      Configuration conf = conf();
      read(() -> HadoopInputFile.fromPath(hadoopPath(file), conf), conf, file, table, action);
    }

    /**
     * Hands each record of a Parquet file read whole into memory ({@link Storage#read}) to {@code
     * action}; {@code file} names it in errors.
     */
    public void forEachRecord(
        byte[] parquet, String file, String table, Consumer<GenericRecord> action) {
      read(() -> new BytesInputFile(parquet), conf(), file, table, action);
    }

    /** The number of rows of a committed Parquet file, from its footer. */
    public long rowCount(String file, String table) {
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromPath(hadoopPath(file), conf()))) {
        return reader.getRecordCount();
      } catch (IOException | RuntimeException e) {
        throw unreadable(file, table, e);
      }
    }

    /**
     * The bloom filters of {@code column} in the committed Parquet file {@code file}, one per row
     * group, read from the file's end without its rows; null if a row group has none.
     */
    public List<BloomFilter> bloomFilters(String file, String table, String column) {
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromPath(hadoopPath(file), conf()))) {
        List<BloomFilter> filters = new ArrayList<>();
        for (BlockMetaData rowGroup : reader.getRowGroups()) {
          BloomFilter filter = null;
          for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
            if (chunk.getPath().toDotString().equals(column)) {
              filter = reader.readBloomFilter(chunk);
            }
          }
          if (filter == null) {
            return null;
          }
          filters.add(filter);
        }
        return filters;
      } catch (IOException | RuntimeException e) {
        throw unreadable(file, table, e);
      }
    }

    private synchronized Configuration conf() {
      if (conf == null) {
        Configuration c = new Configuration(storage.hadoopConf());
        if (projectionJson != null) {
          AvroReadSupport.setRequestedProjection(c, new Schema.Parser().parse(projectionJson));
        }
        conf = c;
      }
      return conf;
    }
  }

  /** Opens a Parquet input. */
  private interface InputOpener {
    InputFile open() throws IOException;
  }

  private static void read(
      InputOpener input,
      Configuration conf,
      String file,
      String table,
      Consumer<GenericRecord> action) {
    ParquetReader<GenericRecord> reader;
    try {
      reader =
          AvroParquetReader.<GenericRecord>builder(input.open())
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

  /**
   * The error of a committed file that cannot be read: {@code Cannot read <file> committed to
   * <table>: <cause>; <what to do>}.
   */
  public static IllegalStateException unreadable(String file, String table, Exception cause) {
    String why =
        cause instanceof FileNotFoundException || cause instanceof NoSuchFileException
            ? "the file does not exist"
            : String.valueOf(cause.getMessage() == null ? cause : cause.getMessage());
    return new IllegalStateException(
        "Cannot read "
            + describe(file)
            + " committed to "
            + table
            + ": "
            + why
            + "; the file is part of the table, so the job stops rather than skip its rows: restore"
            + " it from a backup, or take it out of the table (README, \"Damaged and foreign"
            + " files\").",
        cause);
  }

  /**
   * A {@code file:} URI as its local path, for messages (spaces as spaces); anything else as it is.
   */
  public static String describe(String uri) {
    try {
      return localPath(uri).toString();
    } catch (RuntimeException e) {
      return uri;
    }
  }

  /** A Parquet input over a file's bytes in memory. */
  private record BytesInputFile(byte[] bytes) implements InputFile {
    @Override
    public long getLength() {
      return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
      return new BytesStream(bytes);
    }
  }

  /** Parquet's stream over a byte array stream, which can go to any position. */
  private static final class BytesStream extends DelegatingSeekableInputStream {
    BytesStream(byte[] bytes) {
      super(new Bytes(bytes));
    }

    @Override
    public long getPos() {
      return ((Bytes) getStream()).position();
    }

    @Override
    public void seek(long newPos) {
      ((Bytes) getStream()).seek(newPos);
    }
  }

  private static final class Bytes extends ByteArrayInputStream {
    Bytes(byte[] bytes) {
      super(bytes);
    }

    long position() {
      return pos;
    }

    void seek(long newPos) {
      pos = (int) Math.min(newPos, count);
    }
  }
}
