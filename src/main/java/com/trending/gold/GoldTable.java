package com.trending.gold;

import com.trending.common.CommittedFiles;
import com.trending.common.Schemas;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

/**
 * One Gold table on disk, rows ordered by window then trend_score descending, ranked within each
 * window, replaced whole by each refresh.
 *
 * <p>Delta: each refresh writes a new Parquet file and commits one Delta transaction that adds it
 * and removes the previous one, so readers see the old or the new version and time travel
 * ({@code versionAsOf}) reaches earlier ones. Files removed more than {@link #DELTA_FILE_RETENTION}
 * ago are deleted (as Delta's VACUUM would), so time travel reaches that far back.
 *
 * <p>Parquet: a folder holding a single Parquet file, {@value #FILE_NAME}.
 *
 * <p>A rewrite writes the whole table to a hidden temporary file in the same folder (readers such
 * as Spark ignore names starting with '.') and renames it over the table file. The rename is
 * atomic, so a reader opens either the old or the new table, never a partial, missing or doubled
 * one; a reader that has the old file open keeps reading the old contents. Spark SQL lists the
 * folder, takes the schema from {@value #SCHEMA_FILE_NAME}, then opens the data file afresh.
 * Limit: a Spark task that read the footer of one version and reopens the file for its row groups
 * a few milliseconds later, just as a rewrite lands, fails (and Spark retries the task); it never
 * returns rows of two versions.
 */
public final class GoldTable {
  public static final String FILE_NAME = "part-00000.parquet";
  /**
   * A Parquet summary file with the schema and no rows, written once and never changed. Spark SQL
   * infers the schema from it instead of from the data file, so that its schema step never reads
   * a data file whose length changed since Spark listed the folder.
   */
  public static final String SCHEMA_FILE_NAME = "_common_metadata";
  private static final String TEMP_PREFIX = ".rewrite-";

  /** Window ascending, then trend_score descending, then movie_id ascending. */
  public static final Comparator<TrendRow> ORDER =
      Comparator.comparingLong(TrendRow::windowEnd)
          .thenComparing(Comparator.comparingDouble(TrendRow::trendScore).reversed())
          .thenComparingInt(TrendRow::movieId);

  /** How long a Delta Gold table keeps the files of replaced versions, for time travel. */
  public static final java.time.Duration DELTA_FILE_RETENTION = java.time.Duration.ofHours(1);

  private GoldTable() {}

  /** Replaces {@code table} with {@code rows}, atomically for readers. */
  public static void rewrite(Table table, Collection<TrendRow> rows) throws IOException {
    if (table.format() == StorageFormat.PARQUET) {
      rewrite(table.path(), rows);
      return;
    }
    Path dir = table.path();
    Files.createDirectories(dir);
    // Invisible until the commit names it; a crash before that leaves a file the sweep removes.
    Path file = dir.resolve("part-" + UUID.randomUUID() + ".snappy.parquet");
    write(file, ranked(rows));
    table.log().replace(List.of(file.toUri().toString()));
    deleteExpiredFiles(dir, file);
  }

  /** The rows of {@code table}, empty if it has not been written yet. */
  public static List<TrendRow> read(Table table) throws IOException {
    if (table.format() == StorageFormat.PARQUET) {
      return read(table.path());
    }
    List<TrendRow> rows = new ArrayList<>();
    for (String file : table.log().files()) {
      readFile(file, table.toString(), rows);
    }
    return rows;
  }

  /** Changes whenever the table is replaced: its committed file (Delta) or its file's time (Parquet). */
  public static String version(Table table) throws IOException {
    if (table.format() == StorageFormat.DELTA) {
      return String.join(",", table.log().files());
    }
    Path file = table.path().resolve(FILE_NAME);
    return Files.exists(file) ? Files.getLastModifiedTime(file).toString() : "";
  }

  /** Deletes the data files other than {@code live} (the one just committed) older than the retention. */
  private static void deleteExpiredFiles(Path dir, Path live) throws IOException {
    long cutoff = System.currentTimeMillis() - DELTA_FILE_RETENTION.toMillis();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "part-*.parquet")) {
      for (Path f : files) {
        if (!f.equals(live) && Files.getLastModifiedTime(f).toMillis() < cutoff) {
          Files.deleteIfExists(f);
        }
      }
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

  /** Replaces the table in {@code dir} with {@code rows}, atomically. */
  public static void rewrite(Path dir, Collection<TrendRow> rows) throws IOException {
    Files.createDirectories(dir);
    if (!Files.exists(dir.resolve(SCHEMA_FILE_NAME))) {
      writeAtomically(dir, SCHEMA_FILE_NAME, List.of());
    }
    writeAtomically(dir, FILE_NAME, ranked(rows));
  }

  private static void write(Path file, List<GenericRecord> records) throws IOException {
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(new NioOutputFile(file))
            .withSchema(schema())
            .withDataModel(GenericData.get())
            .withConf(new Configuration(false))
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .build()) {
      for (GenericRecord r : records) {
        writer.write(r);
      }
    }
  }

  private static void writeAtomically(Path dir, String name, List<GenericRecord> records) throws IOException {
    Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID() + ".tmp");
    try {
      write(temp, records);
      try {
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("The file system of " + dir + " cannot rename atomically", e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * The rows of the table in {@code dir}, or an empty list if it has not been written yet. The
   * file is opened once and every byte (its length, footer and row groups) read from that one
   * open file: a rewrite renamed over it meanwhile leaves this read on the version it opened. (A
   * reader that takes the length, then opens by name, can get the old length and the new file.)
   */
  public static List<TrendRow> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    List<TrendRow> rows = new ArrayList<>();
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return rows;
    }
    try (channel;
        ParquetReader<GenericRecord> reader =
            AvroParquetReader.<GenericRecord>builder(new OpenInputFile(channel))
                .withDataModel(GenericData.get())
                .build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        rows.add(row(r));
      }
    } catch (IOException | RuntimeException e) {
      throw CommittedFiles.unreadable(file.toUri().toString(), dir + " (parquet)", e);
    }
    return rows;
  }

  private static TrendRow row(GenericRecord r) {
    return new TrendRow(
        (Long) r.get("window_ts"), (Integer) r.get("movie_id"), (Long) r.get("views"), (Long) r.get("clicks"));
  }

  /** A Parquet input over one open file: positional reads, so streams share it safely. */
  static final class OpenInputFile implements InputFile {
    private final FileChannel channel;

    OpenInputFile(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public long getLength() throws IOException {
      return channel.size();
    }

    @Override
    public SeekableInputStream newStream() {
      return new SeekableInputStream() {
        private long pos;

        @Override
        public long getPos() {
          return pos;
        }

        @Override
        public void seek(long newPos) {
          pos = newPos;
        }

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void readFully(byte[] bytes) throws IOException {
          readFully(ByteBuffer.wrap(bytes));
        }

        @Override
        public void readFully(byte[] bytes, int start, int len) throws IOException {
          readFully(ByteBuffer.wrap(bytes, start, len));
        }

        @Override
        public int read(ByteBuffer buf) throws IOException {
          int n = channel.read(buf, pos);
          if (n > 0) {
            pos += n;
          }
          return n;
        }

        @Override
        public void readFully(ByteBuffer buf) throws IOException {
          while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
              throw new EOFException("end of file at " + pos);
            }
            pos += n;
          }
        }

        @Override
        public void close() {
          // the channel belongs to the caller
        }
      };
    }
  }

  /**
   * Adds the rows of one file of the table to {@code rows}. A file that cannot be read fails with
   * an error naming it and the table (see {@link CommittedFiles}): a streaming refresh merges into
   * the table it reads, so reading it as empty would drop every closed window.
   */
  private static void readFile(String file, String table, List<TrendRow> rows) {
    CommittedFiles.forEachRecord(file, table, new Configuration(), r -> rows.add(row(r)));
  }

  /** Deletes temporary files that a crashed rewrite may have left behind. */
  public static void removeLeftovers(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
  }

  /** A Parquet output file on the local file system, without Hadoop's checksum side files. */
  static final class NioOutputFile implements OutputFile {
    private final Path path;

    NioOutputFile(Path path) {
      this.path = path;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
      return open(StandardOpenOption.CREATE_NEW);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
      return open(StandardOpenOption.CREATE);
    }

    private PositionOutputStream open(StandardOpenOption mode) throws IOException {
      OutputStream out =
          new java.io.BufferedOutputStream(
              Files.newOutputStream(path, mode, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
              1 << 16);
      return new PositionOutputStream() {
        private long pos;

        @Override
        public long getPos() {
          return pos;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          pos += len;
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }
}
