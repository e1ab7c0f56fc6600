package com.trending.common;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The client properties file: what it may set, what reaches the clients, what logs show. */
public class KafkaClientSettingsTest {

  @Rule public TemporaryFolder folder = new TemporaryFolder();

  private static final String SECRET = "s3cr3t-Pa55";

  private Path file(String... lines) throws IOException {
    Path file = folder.newFile().toPath();
    Files.writeString(file, String.join("\n", lines));
    return file;
  }

  @Test
  public void fileSettingsReachTheClientAndThePipelineKeepsItsOwn() throws IOException {
    Path file =
        file(
            "security.protocol=SASL_SSL",
            "sasl.mechanism=SCRAM-SHA-512",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"u\" password=\""
                + SECRET
                + "\";",
            "ssl.truststore.password=" + SECRET,
            "fetch.max.bytes=1048576",
            "client.id=ingest-7");
    KafkaClientSettings settings = KafkaClientSettings.load("127.0.0.1:9092", file.toString());
    Map<String, Object> config =
        settings.config(Map.of("client.id", "mine", "max.poll.records", 5000));
    assertEquals("127.0.0.1:9092", config.get("bootstrap.servers"));
    assertEquals("SASL_SSL", config.get("security.protocol"));
    assertEquals("1048576", config.get("fetch.max.bytes"));
    assertEquals("mine", config.get("client.id"));
    assertEquals(5000, config.get("max.poll.records"));
    assertTrue(settings.isSecured());
    assertTrue(config.get("sasl.jaas.config").toString().contains(SECRET));
  }

  @Test
  public void secretsNeverShowInLogsOrInTheSerializedForm() throws IOException {
    KafkaClientSettings settings =
        KafkaClientSettings.load(
            "b:9092",
            file(
                    "security.protocol=SSL",
                    "ssl.keystore.password=" + SECRET,
                    "ssl.key.password=" + SECRET,
                    "ssl.keystore.key=" + SECRET,
                    "sasl.jaas.config=x password=\"" + SECRET + "\";",
                    "sasl.oauthbearer.token.endpoint.url=https://idp/token")
                .toString());
    String shown = settings.describe() + " " + settings;
    assertFalse(shown, shown.contains(SECRET));
    assertTrue(shown, shown.contains("ssl.keystore.password=[hidden]"));
    assertTrue(shown, shown.contains("security.protocol=SSL"));
    // The settings travel to workers inside the pipeline: they must serialize.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(settings);
    }
    assertTrue(bytes.size() > 0);
  }

  @Test
  public void noFileMeansPlainSettings() {
    KafkaClientSettings settings = KafkaClientSettings.load("b:9092", " ");
    assertEquals(Map.of("bootstrap.servers", "b:9092"), settings.config(Map.of()));
    assertFalse(settings.isSecured());
    assertEquals("b:9092", settings.describe());
  }

  @Test
  public void badFilesFailWithWhatToDo() throws IOException {
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> KafkaClientSettings.load("b:9092", folder.getRoot() + "/nope.properties"));
    assertTrue(
        missing.getMessage(),
        missing.getMessage().contains("nope.properties")
            && missing.getMessage().contains("KAFKA_CLIENT_PROPERTIES"));
    for (String reserved :
        new String[] {
          "bootstrap.servers=x:1",
          "isolation.level=read_uncommitted",
          "enable.auto.commit=true",
          "group.id=g",
          "value.deserializer=x"
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> KafkaClientSettings.load("b:9092", file(reserved).toString()));
      assertTrue(
          e.getMessage(), e.getMessage().contains(reserved.substring(0, reserved.indexOf('='))));
    }
    Path binary = folder.newFile().toPath();
    Files.write(binary, "a=\\u12".getBytes(StandardCharsets.UTF_8)); // a malformed \\u escape
    assertThrows(
        IllegalArgumentException.class,
        () -> KafkaClientSettings.load("b:9092", binary.toString()));
  }
}
