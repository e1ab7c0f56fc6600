package com.trending.silver;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.trending.common.StorageFormat;
import com.trending.testing.LocalKafkaBroker;
import com.trending.testing.SparkSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Ingestion from a secured cluster: the local broker with a SASL_SSL listener (TLS with a
 * self-signed certificate, a SCRAM-SHA-512 user), reached through {@code --kafkaClientProperties}
 * on the Direct and the Spark runner; and the clear errors for a wrong password or a missing file.
 */
public class KafkaSecuredIT {

  @ClassRule public static final LocalKafkaBroker KAFKA = LocalKafkaBroker.saslSsl();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final IngestCorpus CORPUS = IngestCorpus.create(7, 300, 100, 60);

  @BeforeClass
  public static void produceCorpus() {
    CORPUS.topics.forEach((topic, messages) -> KAFKA.produce(topic, messages.messages));
  }

  @Test
  public void ingestsFromASaslSslClusterOnDirectAndSpark() throws Exception {
    Path direct = tmp.newFolder("direct").toPath();
    KafkaToSilverOptions options = secured(direct, "secured-direct", "--storageFormat=delta");
    KafkaToSilver.run(options);
    CORPUS.assertHeldBy(direct, StorageFormat.DELTA);

    // Only the file's path is in the options, whatever shows or ships them.
    String shown = options.toString() + new ObjectMapper().writeValueAsString(options);
    assertTrue(shown.contains(KAFKA.clientPropertiesFile().toString()));
    assertFalse("no password in the options", shown.contains(password()));

    Path spark = tmp.newFolder("spark").toPath();
    KafkaToSilver.run(secured(spark, "secured-spark", SparkSql.beamSparkRunnerArgs()));
    CORPUS.assertHeldBy(spark, StorageFormat.PARQUET);
  }

  @Test
  public void aWrongPasswordFailsAtOnceAndSaysWhy() throws Exception {
    Path wrong = tmp.newFile("wrong.properties").toPath();
    Files.writeString(
        wrong,
        Files.readString(KAFKA.clientPropertiesFile())
            .replace("password=\"" + password() + "\"", "password=\"not-the-password\""));
    KafkaToSilverOptions options = secured(tmp.newFolder("wrong").toPath(), "secured-wrong");
    options.setKafkaClientProperties(wrong.toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KafkaToSilver.run(options));
    System.out.println("Wrong password: " + e.getMessage());
    assertTrue(
        e.getMessage(), e.getMessage().contains("refused") && e.getMessage().contains("[hidden]"));
    assertFalse(e.getMessage(), e.getMessage().contains("not-the-password"));
  }

  @Test
  public void noSecuritySettingsCannotReachTheSecuredListener() throws Exception {
    KafkaToSilverOptions options = secured(tmp.newFolder("plain").toPath(), "secured-plain");
    options.setKafkaClientProperties(null);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KafkaToSilver.run(options));
    assertTrue(
        e.getMessage(),
        e.getMessage().contains("Cannot reach Kafka")
            && e.getMessage().contains("KAFKA_CLIENT_PROPERTIES"));

    options.setKafkaClientProperties(tmp.getRoot() + "/missing.properties");
    e = assertThrows(IllegalArgumentException.class, () -> KafkaToSilver.run(options));
    assertTrue(e.getMessage(), e.getMessage().contains("missing.properties"));
  }

  private static KafkaToSilverOptions secured(Path lakehouse, String group, String... extra) {
    List<String> args = new ArrayList<>(List.of(extra));
    args.add("--kafkaClientProperties=" + KAFKA.clientPropertiesFile());
    return IngestCorpus.options(
        KAFKA.bootstrapServers(),
        lakehouse,
        group,
        CORPUS.totalMessages(),
        args.toArray(new String[0]));
  }

  /** The SCRAM password the start script made, from the client settings it wrote. */
  private static String password() {
    Properties props = KAFKA.clientProperties();
    Matcher m =
        Pattern.compile("password=\"([^\"]+)\"").matcher(props.getProperty("sasl.jaas.config"));
    assertTrue(m.find());
    return m.group(1);
  }
}
