package com.trending.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * Starts the S3 server of scripts/s3-start.sh through {@link LocalS3} and uses it: plain signed
 * requests always; Hadoop's S3A client and Spark only when hadoop-aws is on the test classpath
 * (skipped otherwise, see scripts/s3/README.md for the dependency).
 */
public class LocalS3IT {

  @ClassRule public static final LocalS3 S3 = new LocalS3();

  private static boolean s3aOnClasspath() {
    try {
      Class.forName("org.apache.hadoop.fs.s3a.S3AFileSystem");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static void assumeS3a() {
    assumeTrue("org.apache.hadoop:hadoop-aws is not on the test classpath", s3aOnClasspath());
  }

  // ---------------------------------------------------------------------------------------------
  // The server and its start script

  @Test
  public void startScriptPrintsWhatAShellNeeds() throws IOException {
    assertThat(S3.endpoint(), matchesPattern("http://127\\.0\\.0\\.1:\\d+"));
    assertEquals("lakehouse", S3.bucket());
    assertEquals("s3a://lakehouse/lakehouse", S3.lakehousePath());
    assertEquals("us-east-1", S3.region());
    assertThat(S3.accessKey(), matchesPattern("LOCAL[0-9A-F]{15}"));
    assertThat(S3.secretKey(), matchesPattern("[0-9a-f]{40}"));
    List<String> lines = Arrays.asList(S3.startScriptOutput().strip().split("\n"));
    assertEquals(
        List.of(
            "S3_ENDPOINT=" + S3.endpoint(),
            "S3_BUCKET=lakehouse",
            "AWS_ENDPOINT_URL=" + S3.endpoint(),
            "AWS_REGION=us-east-1",
            "AWS_ACCESS_KEY_ID=" + S3.accessKey(),
            "AWS_SECRET_ACCESS_KEY=" + S3.secretKey(),
            "LAKEHOUSE_PATH=s3a://lakehouse/lakehouse"),
        lines.subList(lines.size() - 7, lines.size()));
    // Files holding the secret are private.
    for (String file :
        List.of("secrets/secret-key", "secrets/access-key", "s3proxy.properties", "client.env")) {
      assertEquals(
          file,
          "rw-------",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(S3.stateDir().resolve(file))));
    }
    // The bucket is a folder of the filesystem backend, not readable by others.
    java.nio.file.Path bucketDir = S3.stateDir().resolve("data").resolve("lakehouse");
    assertTrue(Files.isDirectory(bucketDir));
    assertFalse(
        PosixFilePermissions.toString(Files.getPosixFilePermissions(bucketDir)).charAt(6) == 'r');
  }

  /** (A wrong secret key is refused too: the start script checks that at every start.) */
  @Test
  public void requestsWithoutASignatureAreRefused() throws Exception {
    S3.putObject("private/object.txt", utf8("secret"));
    HttpClient http = HttpClient.newHttpClient();
    for (String path :
        List.of("/", "/lakehouse", "/lakehouse?list-type=2", "/lakehouse/private/object.txt")) {
      HttpResponse<String> anonymous =
          http.send(
              HttpRequest.newBuilder(URI.create(S3.endpoint() + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals("anonymous GET " + path, 403, anonymous.statusCode());
      assertThat(anonymous.body(), not(containsString("secret")));
    }
    // Odd but harmless: S3Proxy answers an anonymous GET of a missing key with 404, not 403.
    HttpResponse<String> missing =
        http.send(
            HttpRequest.newBuilder(URI.create(S3.endpoint() + "/lakehouse/no/such/key")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(404, missing.statusCode());
    HttpResponse<String> anonymousPut =
        http.send(
            HttpRequest.newBuilder(URI.create(S3.endpoint() + "/lakehouse/anon"))
                .PUT(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, anonymousPut.statusCode());
    assertNull(S3.getObject("anon"));
    HttpResponse<String> anonymousDelete =
        http.send(
            HttpRequest.newBuilder(URI.create(S3.endpoint() + "/lakehouse/private/object.txt"))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, anonymousDelete.statusCode());
    assertEquals("secret", text(S3.getObject("private/object.txt")));
    S3.deleteObject("private/object.txt");
  }

  @Test
  public void putIfAbsentCreatesOnceAndRefusesTheSecondWriter() {
    String key = "commits/_delta_log/00000000000000000000.json";
    assertEquals(200, S3.putIfAbsent(key, utf8("first")));
    assertEquals(412, S3.putIfAbsent(key, utf8("second")));
    assertEquals("first", text(S3.getObject(key)));
    // A plain PUT overwrites, as on AWS.
    S3.putObject(key, utf8("third"));
    assertEquals("third", text(S3.getObject(key)));
    S3.deleteObject(key);
    assertNull(S3.getObject(key));
    assertEquals(200, S3.putIfAbsent(key, utf8("again")));
    S3.deleteObject(key);
  }

  @Test
  public void putIfAbsentHasExactlyOneWinnerUnderConcurrency() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int version = 0; version < 10; version++) {
        String key = "race/_log/" + version + ".json";
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
          byte[] body = utf8("writer-" + w);
          writers.add(
              pool.submit(
                  () -> {
                    go.await();
                    return S3.putIfAbsent(key, body);
                  }));
        }
        go.countDown();
        int winners = 0;
        for (Future<Integer> writer : writers) {
          int status = writer.get();
          if (status == 200) {
            winners++;
          } else {
            assertEquals(412, status);
          }
        }
        assertEquals("winners for " + key, 1, winners);
        assertThat(text(S3.getObject(key)), startsWith("writer-"));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  public void aListingRightAfterAWriteOrDeleteShowsIt() {
    for (int i = 0; i < 20; i++) {
      String key = "consistency/part-" + i + ".parquet";
      S3.putObject(key, utf8("x" + i));
      assertThat(S3.listKeys("consistency/"), hasItem(key));
      assertEquals("x" + i, text(S3.getObject(key)));
      S3.deleteObject(key);
      assertThat(S3.listKeys("consistency/"), not(hasItem(key)));
      assertNull(S3.getObject(key));
    }
  }

  @Test
  public void objectsAndCredentialsSurviveARestart() throws Exception {
    String key = "restart/kept.txt";
    S3.putObject(key, utf8("kept"));
    String secret = S3.secretKey();
    S3.restart();
    assertEquals(secret, S3.secretKey());
    assertEquals("kept", text(S3.getObject(key)));
    S3.deleteObject(key);
  }

  // ---------------------------------------------------------------------------------------------
  // Hadoop S3A (hadoop-aws) and Spark

  @Test
  public void writeListReadRenameDeleteThroughS3A() throws IOException {
    assumeS3a();
    Path base = new Path(S3.lakehousePath() + "/roundtrip");
    try (FileSystem fs = S3.fileSystem()) {
      assertEquals("s3a", fs.getScheme());
      write(fs, new Path(base, "dir/a.txt"), "hello");
      write(fs, new Path(base, "dir/sub/b.txt"), "world!");
      assertTrue(fs.getFileStatus(new Path(base, "dir/sub")).isDirectory());
      assertEquals(List.of("dir/a.txt", "dir/sub/b.txt"), LocalHdfsIT.listFiles(fs, base));
      assertEquals("hello", read(fs, new Path(base, "dir/a.txt")));
      // Objects keyed as S3A writes them.
      assertThat(S3.listKeys("lakehouse/roundtrip/"), hasItem("lakehouse/roundtrip/dir/sub/b.txt"));

      // create(overwrite=false): S3A checks with a HEAD first; not atomic, but it does refuse.
      assertThrows(
          FileAlreadyExistsException.class,
          () -> fs.create(new Path(base, "dir/a.txt"), false).close());

      // rename = copy + delete of every object (not atomic on S3).
      assertTrue(fs.rename(new Path(base, "dir/a.txt"), new Path(base, "dir/a2.txt")));
      assertFalse(fs.exists(new Path(base, "dir/a.txt")));
      assertTrue(fs.rename(new Path(base, "dir"), new Path(base, "moved")));
      assertEquals(List.of("moved/a2.txt", "moved/sub/b.txt"), LocalHdfsIT.listFiles(fs, base));
      assertEquals("world!", read(fs, new Path(base, "moved/sub/b.txt")));
      assertFalse(fs.exists(new Path(base, "dir")));

      // A multipart upload (5 MB parts) and a ranged read.
      byte[] big = new byte[11 * 1024 * 1024];
      new Random(3).nextBytes(big);
      org.apache.hadoop.conf.Configuration conf = S3.hadoopConfiguration();
      conf.set("fs.s3a.multipart.size", "5M");
      try (FileSystem multipart = FileSystem.newInstance(URI.create(S3.uri()), conf)) {
        try (OutputStream out = multipart.create(new Path(base, "big.bin"))) {
          out.write(big);
        }
        try (org.apache.hadoop.fs.FSDataInputStream in =
            multipart.open(new Path(base, "big.bin"))) {
          byte[] part = new byte[100];
          in.readFully(6_000_000, part);
          assertArrayEquals(Arrays.copyOfRange(big, 6_000_000, 6_000_100), part);
        }
      }
      assertEquals(big.length, fs.getFileStatus(new Path(base, "big.bin")).getLen());

      assertTrue(fs.delete(base, true));
      assertFalse(fs.exists(base));
      assertEquals(List.of(), S3.listKeys("lakehouse/roundtrip/"));
    }
  }

  @Test
  public void sparkWritesAndReadsParquetOnS3A() {
    assumeS3a();
    SparkSession spark = SparkSql.session();
    S3.applyTo(spark.sparkContext().hadoopConfiguration());
    String table = S3.lakehousePath() + "/spark/events";
    Dataset<Row> df =
        spark.sql("SELECT id, CONCAT('event-', id) AS name, id % 3 AS bucket FROM range(0, 1000)");
    df.write().mode("overwrite").partitionBy("bucket").parquet(table);

    Dataset<Row> back = spark.read().parquet(table);
    assertEquals(1000, back.count());
    assertEquals("event-999", back.where("id = 999").first().getAs("name"));
    assertThat(back.inputFiles()[0], startsWith("s3a://lakehouse/lakehouse/spark/events/bucket="));
    assertThat(back.inputFiles()[0], endsWith(".parquet"));
    assertThat(S3.listKeys("lakehouse/spark/events/"), hasItem("lakehouse/spark/events/_SUCCESS"));
  }

  // ---------------------------------------------------------------------------------------------

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private static void write(FileSystem fs, Path path, String text) throws IOException {
    try (OutputStream out = fs.create(path, true)) {
      out.write(utf8(text));
    }
  }

  private static String read(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
