package com.trending.gold;

import com.trending.common.CommittedFiles;
import com.trending.common.Schemas;
import com.trending.common.Storage;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * One Gold table, rows ordered by window then trend_score descending, ranked within each window,
 * replaced whole by each refresh, on any store (see {@link Storage}).
 *
 * <p>Delta: each refresh writes a new Parquet file and commits one Delta transaction that adds it
 * and removes the previous one, so readers see the old or the new version and time travel ({@code
 * versionAsOf}) reaches earlier ones. Files removed more than {@link #DELTA_FILE_RETENTION} ago are
 * deleted (as Delta's VACUUM would), so time travel reaches that far back.
 *
 * <p>Parquet: a folder holding a single Parquet file, {@value #FILE_NAME}, replaced with {@link
 * Storage#replace}: a hidden temporary file renamed over it on the local disk and HDFS, one PUT on
 * S3. Either way a reader opens the old or the new table, never a partial, missing or doubled one;
 * a reader that has the old file open keeps reading the old contents (local disk, HDFS). Spark SQL
 * lists the folder, takes the schema from {@value #SCHEMA_FILE_NAME}, then opens the data file
 * afresh. Limit: a Spark task that read the footer of one version and reopens the file for its row
 * groups a few milliseconds later, just as a rewrite lands, fails (and Spark retries the task); it
 * never returns rows of two versions.
 */
public final class GoldTable {
  public static final String FILE_NAME = "part-00000.parquet";

  /**
   * A Parquet summary file with the schema and no rows, written once and never changed. Spark SQL
   * infers the schema from it instead of from the data file, so that its schema step never reads a
   * data file whose length changed since Spark listed the folder.
   */
  public static final String SCHEMA_FILE_NAME = "_common_metadata";

  /** Window ascending, then trend_score descending, then movie_id ascending. */
  public static final Comparator<TrendRow> ORDER =
      Comparator.comparingLong(TrendRow::windowEnd)
          .thenComparing(Comparator.comparingDouble(TrendRow::trendScore).reversed())
          .thenComparingInt(TrendRow::movieId);

  /** How long a Delta Gold table keeps the files of replaced versions, for time travel. */
  public static final Duration DELTA_FILE_RETENTION = Duration.ofHours(1);

  private GoldTable() {}

  /** Replaces {@code table} with {@code rows}, atomically for readers. */
  public static void rewrite(Table table, Collection<TrendRow> rows) throws IOException {
    Storage storage = table.storage();
    storage.mkdirs(table.dir());
    if (table.format() == StorageFormat.PARQUET) {
      String schemaFile = table.child(SCHEMA_FILE_NAME);
      if (!storage.exists(schemaFile)) {
        try (OutputStream out = storage.replace(schemaFile)) {
          write(out, List.of());
        }
      }
      try (OutputStream out = storage.replace(table.child(FILE_NAME))) {
        write(out, ranked(rows));
      }
      return;
    }
    // Invisible until the commit names it; a crash before that leaves a file the sweep removes.
    String file = table.child("part-" + UUID.randomUUID() + ".snappy.parquet");
    try (OutputStream out = storage.create(file)) {
      write(out, ranked(rows));
    }
    table.log().replace(List.of(storage.uri(file)));
    deleteExpiredFiles(table, file);
  }

  /**
   * The rows of {@code table}, empty if it has not been written yet. A Parquet table's file is read
   * whole, in one read of one open file (one GET on S3), so a rewrite meanwhile leaves this read on
   * the version it opened. (A reader that takes the length, then opens by name, can get the old
   * length and the new file.) A file that cannot be read fails with an error naming it and the
   * table (see {@link CommittedFiles}): a streaming refresh merges into the table it reads, so
   * reading it as empty would drop every closed window.
   */
  public static List<TrendRow> read(Table table) throws IOException {
    List<TrendRow> rows = new ArrayList<>();
    CommittedFiles.Reader files = CommittedFiles.reader(table.storage());
    if (table.format() == StorageFormat.DELTA) {
      for (String file : table.log().files()) {
        files.forEachRecord(file, table.toString(), r -> rows.add(row(r)));
      }
      return rows;
    }
    String file = table.child(FILE_NAME);
    byte[] bytes;
    try {
      bytes = table.storage().read(file);
    } catch (FileNotFoundException e) {
      return rows;
    }
    String uri = table.storage().uri(file);
    try {
      files.forEachRecord(bytes, uri, table.toString(), r -> rows.add(row(r)));
    } catch (RuntimeException e) {
      // A record that is not a Gold row (a Parquet file of another schema): unreadable as well.
      throw e instanceof IllegalStateException
          ? e
          : CommittedFiles.unreadable(uri, table.toString(), e);
    }
    return rows;
  }

  /**
   * Changes whenever the table is replaced: its committed file (Delta) or its file's time and size
   * (Parquet).
   */
  public static String version(Table table) {
    if (table.format() == StorageFormat.DELTA) {
      return String.join(",", table.log().files());
    }
    Storage.Entry file = table.storage().stat(table.child(FILE_NAME));
    return file == null ? "" : file.modifiedMillis() + "/" + file.size();
  }

  /**
   * Deletes the data files other than {@code live} (the one just committed) older than the
   * retention.
   */
  private static void deleteExpiredFiles(Table table, String live) {
    long cutoff = System.currentTimeMillis() - DELTA_FILE_RETENTION.toMillis();
    String liveName = live.substring(Math.max(live.lastIndexOf('/'), live.lastIndexOf('\\')) + 1);
    for (Storage.Entry f : table.storage().list(table.dir())) {
      if (!f.isDirectory()
          && f.name().startsWith("part-")
          && f.name().endsWith(".parquet")
          && !f.name().equals(liveName)
          && f.modifiedMillis() < cutoff) {
        table.storage().delete(f.location());
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

  private static void write(OutputStream out, List<GenericRecord> records) throws IOException {
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(new StreamOutputFile(out))
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

  /**
   * A Parquet output over a stream the caller owns and closes ({@link Storage#replace}, {@link
   * Storage#create}).
   */
  static final class StreamOutputFile implements OutputFile {
    private final OutputStream out;

    StreamOutputFile(OutputStream out) {
      this.out = out;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return stream();
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return stream();
    }

    private PositionOutputStream stream() {
      OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
      return new PositionOutputStream() {
        private long pos;

        @Override
        public long getPos() {
          return pos;
        }

        @Override
        public void write(int b) throws IOException {
          buffered.write(b);
          pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          buffered.write(b, off, len);
          pos += len;
        }

        @Override
        public void flush() throws IOException {
          buffered.flush();
        }

        @Override
        public void close() throws IOException {
          buffered.flush(); // the caller closes (and so commits) the underlying stream
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
