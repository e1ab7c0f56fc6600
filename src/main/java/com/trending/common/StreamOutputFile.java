package com.trending.common;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
 * A Parquet output over a stream the caller owns and closes ({@link Storage#replace}, {@link
 * Storage#create}, a Beam file sink's channel): closing the Parquet writer writes its footer and
 * flushes, and leaves the stream open.
 */
public final class StreamOutputFile implements OutputFile {
  private final OutputStream out;

  public StreamOutputFile(OutputStream out) {
    this.out = out;
  }

  /**
   * A Snappy Parquet writer of {@code schema}'s records over {@code out}; see {@link #snappy}.
   * Closing the writer writes the footer; {@code out} stays the caller's to close.
   */
  public static ParquetWriter<GenericRecord> snappyWriter(OutputStream out, Schema schema)
      throws IOException {
    return snappy(
        AvroParquetWriter.<GenericRecord>builder(new StreamOutputFile(out))
            .withSchema(schema)
            .withDataModel(GenericData.get()));
  }

  /**
   * {@code builder}'s writer, Snappy-compressed, with an empty Hadoop configuration rather than
   * Hadoop's defaults (parsed from XML for every file, a twentieth of a live Kafka → Silver batch
   * when Beam's sink did it): a Parquet writer reads none of them.
   */
  public static <T, B extends ParquetWriter.Builder<T, B>> ParquetWriter<T> snappy(B builder)
      throws IOException {
    return builder
        .withConf(new Configuration(false))
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .build();
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
