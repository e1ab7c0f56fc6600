package com.trending.common;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What {@link Storage} reads from the environment, refuses, and guarantees on the local disk. */
public class StorageTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void locationsAreLocalHdfsOrS3AndOthersAreRefusedWithAFix() {
    assertEquals(Storage.Kind.LOCAL, Storage.kindOf("lakehouse"));
    assertEquals(Storage.Kind.LOCAL, Storage.kindOf("/data/lake"));
    assertEquals(Storage.Kind.LOCAL, Storage.kindOf("file:/data/lake"));
    assertEquals(Storage.Kind.LOCAL, Storage.kindOf("C:\\data\\lake"));
    assertEquals(Storage.Kind.HDFS, Storage.kindOf("hdfs://nn:8020/lake"));
    assertEquals(Storage.Kind.S3, Storage.kindOf("s3a://bucket/lake"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> Storage.kindOf("s3://bucket/lake"))
            .getMessage(),
        containsString("write s3a://bucket/lake"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> Storage.kindOf("gs://bucket/lake"))
            .getMessage(),
        containsString("the scheme 'gs' is not supported"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> Storage.normalize("s3a:///lake"))
            .getMessage(),
        containsString("names no bucket"));
    assertEquals("hdfs://nn:8020/lake", Storage.normalize("hdfs://nn:8020/lake/"));
    assertEquals(
        tmp.getRoot().toPath().resolve("a b").toString(),
        Storage.normalize(tmp.getRoot().toPath().resolve("a b").toUri().toString()));
  }

  @Test
  public void s3SettingsComeFromTheAwsVariablesUnlessHadoopConfigurationSetsThem()
      throws Exception {
    Map<String, String> env =
        Map.of(
            "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY", "very-secret",
            "AWS_ENDPOINT_URL", "http://127.0.0.1:9090",
            "AWS_REGION", "eu-west-1");
    Map<String, String> settings = Storage.settingsFromEnvironment(Storage.Kind.S3, env);
    assertEquals("AKIDEXAMPLE", settings.get("fs.s3a.access.key"));
    assertEquals("very-secret", settings.get("fs.s3a.secret.key"));
    assertEquals("http://127.0.0.1:9090", settings.get("fs.s3a.endpoint"));
    assertEquals("true", settings.get("fs.s3a.path.style.access"));
    assertEquals("false", settings.get("fs.s3a.connection.ssl.enabled"));
    assertEquals("eu-west-1", settings.get("fs.s3a.endpoint.region"));
    assertNull("no token, no provider override", settings.get("fs.s3a.aws.credentials.provider"));

    // core-site.xml in HADOOP_CONF_DIR wins over the variables.
    Path conf = tmp.newFolder("conf").toPath();
    Files.writeString(
        conf.resolve("core-site.xml"),
        "<configuration>"
            + "<property><name>fs.s3a.access.key</name><value>FROMFILE</value></property>"
            + "<property><name>fs.s3a.path.style.access</name><value>false</value></property>"
            + "</configuration>");
    Map<String, String> withFile = new HashMap<>(env);
    withFile.put("HADOOP_CONF_DIR", conf.toString());
    settings = Storage.settingsFromEnvironment(Storage.Kind.S3, withFile);
    assertEquals("FROMFILE", settings.get("fs.s3a.access.key"));
    assertEquals("false", settings.get("fs.s3a.path.style.access"));
    assertEquals("very-secret", settings.get("fs.s3a.secret.key"));

    // HDFS takes the files only.
    assertNull(Storage.settingsFromEnvironment(Storage.Kind.HDFS, env).get("fs.s3a.secret.key"));
  }

  @Test
  public void theStoreNeverPrintsItsSettingsValues() {
    Storage.useEnvironment(
        Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "very-secret"));
    try {
      Storage s3 = Storage.forLocation("s3a://bucket/lake");
      assertThat(s3.toString(), containsString("fs.s3a.secret.key"));
      assertThat(s3.toString(), not(containsString("very-secret")));
      assertThat(s3.toString(), not(containsString("AKIDEXAMPLE")));
      assertThat(
          Lakehouse.at("s3a://bucket/lake").silver(Lakehouse.VIEWS).toString(),
          not(containsString("very-secret")));
    } finally {
      Storage.useEnvironment(null);
    }
  }

  /** Of many writers racing for one name exactly one wins, and the file holds its bytes whole. */
  @Test
  public void createIfAbsentHasOneWinnerOnTheLocalDisk() throws Exception {
    Storage local = Storage.local();
    String file = local.child(tmp.getRoot().toString(), "00000");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> tries = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        byte[] bytes = ("writer " + i + "\n").repeat(10_000).getBytes(StandardCharsets.UTF_8);
        tries.add(pool.submit(() -> local.createIfAbsent(file, bytes)));
      }
      int winners = 0;
      for (Future<Boolean> t : tries) {
        winners += t.get() ? 1 : 0;
      }
      assertEquals(1, winners);
    } finally {
      pool.shutdown();
    }
    String text = new String(local.read(file), StandardCharsets.UTF_8);
    assertEquals(1, text.lines().distinct().count());
    assertEquals(10_000, text.lines().count());
    assertEquals(
        "no temporary files left",
        List.of("00000"),
        local.list(tmp.getRoot().toString()).stream().map(Storage.Entry::name).toList());
  }

  /** Until a replace is closed, readers see the previous file; then the new one, whole. */
  @Test
  public void aReplaceIsInvisibleUntilClosed() throws Exception {
    Storage local = Storage.local();
    String file = local.child(tmp.getRoot().toString(), "offsets.json");
    local.replace(file, "v1".getBytes(StandardCharsets.UTF_8));
    OutputStream out = local.replace(file);
    out.write("v2-partial".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals("v1".getBytes(StandardCharsets.UTF_8), local.read(file));
    out.close();
    assertArrayEquals("v2-partial".getBytes(StandardCharsets.UTF_8), local.read(file));
    assertFalse(local.exists(local.child(tmp.getRoot().toString(), "missing")));
    assertTrue(local.list(local.child(tmp.getRoot().toString(), "missing")).isEmpty());
  }
}
