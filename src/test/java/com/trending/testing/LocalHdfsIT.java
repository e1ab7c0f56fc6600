package com.trending.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.ClassRule;
import org.junit.Test;

/** Starts the HDFS of scripts/hdfs-start.sh through {@link LocalHdfs} and uses it. */
public class LocalHdfsIT {

  @ClassRule public static final LocalHdfs HDFS = new LocalHdfs();

  @Test
  public void startScriptPrintsTheNameNodeAndTheLakehousePathLast() throws IOException {
    assertThat(HDFS.uri(), startsWith("hdfs://127.0.0.1:"));
    assertEquals(HDFS.uri() + "/lakehouse", HDFS.lakehousePath());
    List<String> lines = Arrays.asList(HDFS.startScriptOutput().strip().split("\n"));
    assertEquals("HDFS_NAMENODE=" + HDFS.uri(), lines.get(lines.size() - 2));
    assertEquals("LAKEHOUSE_PATH=" + HDFS.lakehousePath(), lines.get(lines.size() - 1));
    try (FileSystem fs = HDFS.fileSystem()) {
      assertTrue(
          "/lakehouse made by the start script",
          fs.getFileStatus(new Path("/lakehouse")).isDirectory());
    }
  }

  @Test
  public void writeListReadRenameDeleteThroughHadoopFileSystem() throws IOException {
    Path base = new Path(HDFS.lakehousePath() + "/roundtrip");
    try (FileSystem fs = HDFS.fileSystem()) {
      assertEquals("hdfs", fs.getScheme());
      write(fs, new Path(base, "dir/a.txt"), "hello");
      write(fs, new Path(base, "dir/sub/b.txt"), "world!");

      // Listed right after the write.
      Set<String> names =
          Arrays.stream(fs.listStatus(new Path(base, "dir")))
              .map(s -> s.getPath().getName() + (s.isDirectory() ? "/" : ""))
              .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(Set.of("a.txt", "sub/"), names);
      assertEquals(List.of("dir/a.txt", "dir/sub/b.txt"), listFiles(fs, base));
      assertEquals("hello", read(fs, new Path(base, "dir/a.txt")));

      // create(overwrite=false) on an existing file fails: the NameNode decides atomically.
      assertThrows(
          FileAlreadyExistsException.class,
          () -> fs.create(new Path(base, "dir/a.txt"), false).close());
      assertEquals("hello", read(fs, new Path(base, "dir/a.txt")));

      // rename: a file, then a whole folder (one NameNode operation each).
      assertTrue(fs.rename(new Path(base, "dir/a.txt"), new Path(base, "dir/a2.txt")));
      assertFalse(fs.exists(new Path(base, "dir/a.txt")));
      assertEquals("hello", read(fs, new Path(base, "dir/a2.txt")));
      // HDFS does not rename onto an existing file.
      write(fs, new Path(base, "dir/c.txt"), "c");
      assertFalse(fs.rename(new Path(base, "dir/c.txt"), new Path(base, "dir/a2.txt")));
      assertEquals("hello", read(fs, new Path(base, "dir/a2.txt")));
      assertTrue(fs.rename(new Path(base, "dir"), new Path(base, "moved")));
      assertEquals(List.of("moved/a2.txt", "moved/c.txt", "moved/sub/b.txt"), listFiles(fs, base));
      assertEquals("world!", read(fs, new Path(base, "moved/sub/b.txt")));

      assertTrue(fs.delete(base, true));
      assertFalse(fs.exists(base));
    }
  }

  @Test
  public void aBiggerFileSpansSeveralBlocks() throws IOException {
    Path file = new Path(HDFS.lakehousePath() + "/big.bin");
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(data);
    try (FileSystem fs = HDFS.fileSystem()) {
      // 1 MB blocks: the file has 4 of them, all on the one DataNode.
      try (OutputStream out = fs.create(file, true, 4096, (short) 1, 1024 * 1024)) {
        out.write(data);
      }
      assertEquals(4, fs.getFileBlockLocations(file, 0, data.length).length);
      try (InputStream in = fs.open(file)) {
        assertArrayEquals(data, in.readAllBytes());
      }
      fs.delete(file, false);
    }
  }

  @Test
  public void dataSurvivesARestart() throws Exception {
    Path file = new Path(HDFS.lakehousePath() + "/restart/kept.txt");
    try (FileSystem fs = HDFS.fileSystem()) {
      write(fs, file, "kept");
    }
    HDFS.restart();
    assertTrue(HDFS.isRunning());
    assertThat(HDFS.startScriptOutput(), containsString("existing file system"));
    try (FileSystem fs = HDFS.fileSystem()) {
      assertEquals("kept", read(fs, file));
      fs.delete(file.getParent(), true);
    }
  }

  @Test
  public void sparkWritesAndReadsParquetOnHdfs() {
    SparkSession spark = SparkSql.session();
    String table = HDFS.lakehousePath() + "/spark/events";
    Dataset<Row> df =
        spark.sql("SELECT id, CONCAT('event-', id) AS name, id % 3 AS bucket FROM range(0, 1000)");
    df.write().mode("overwrite").partitionBy("bucket").parquet(table);

    Dataset<Row> back = spark.read().parquet(table);
    assertEquals(1000, back.count());
    assertEquals(3, back.select("bucket").distinct().count());
    assertEquals("event-999", back.where("id = 999").first().getAs("name"));
    assertThat(back.inputFiles()[0], startsWith(HDFS.uri() + "/lakehouse/spark/events/bucket="));
    assertThat(back.inputFiles()[0], endsWith(".parquet"));
  }

  // ---------------------------------------------------------------------------------------------

  private static void write(FileSystem fs, Path path, String text) throws IOException {
    try (OutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String read(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Files under base, as paths relative to it, sorted. */
  static List<String> listFiles(FileSystem fs, Path base) throws IOException {
    String prefix = fs.makeQualified(base).toString() + "/";
    List<String> files = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(base, true);
    while (it.hasNext()) {
      FileStatus status = it.next();
      String path = status.getPath().toString();
      assertThat(path, startsWith(prefix));
      files.add(path.substring(prefix.length()));
    }
    files.sort(null);
    return files;
  }
}
