package com.trending.common;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every Kafka client of the project reaches the brokers: the bootstrap servers, plus any client
 * property (security, SASL, TLS, client id, fetch sizes...) from the properties file named by
 * {@code KAFKA_CLIENT_PROPERTIES} (or {@code --kafkaClientProperties}), as Kafka's own tools take
 * it with {@code --command-config}.
 *
 * <p>The file is read once, where the job starts; its settings then travel with the pipeline to the
 * workers (Spark executors need no copy of it). Files it names, such as {@code
 * ssl.truststore.location}, must exist at the same path on every worker, or be given inline ({@code
 * ssl.truststore.type=PEM} with {@code ssl.truststore.certificates}).
 *
 * <p>Secrets stay out of sight: {@link #toString()} and {@link #describe()} show every value whose
 * key names a password, key, secret, token or JAAS configuration as {@code [hidden]}, and the
 * pipeline options hold only the file's path.
 */
public final class KafkaClientSettings implements Serializable {

  /** Settings each client sets itself: the file must not change what the pipeline relies on. */
  private static final Set<String> RESERVED =
      Set.of(
          CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
          "group.id",
          "enable.auto.commit",
          "isolation.level",
          "auto.offset.reset",
          "key.deserializer",
          "value.deserializer",
          "key.serializer",
          "value.serializer");

  private static final Pattern SECRET =
      Pattern.compile(
          "(?i).*(password|secret|jaas|token|credential|user\\.info|keystore\\.key|private).*");

  private final String bootstrapServers;
  private final String source;
  private final TreeMap<String, String> properties;

  private KafkaClientSettings(
      String bootstrapServers, String source, Map<String, String> properties) {
    this.bootstrapServers = bootstrapServers;
    this.source = source;
    this.properties = new TreeMap<>(properties);
  }

  /** Plain connection to {@code bootstrapServers}, no extra property. */
  public static KafkaClientSettings plain(String bootstrapServers) {
    return new KafkaClientSettings(bootstrapServers, null, Map.of());
  }

  /**
   * The settings for {@code bootstrapServers} with the properties in {@code propertiesFile} (none
   * when it is null or blank). Fails with {@link IllegalArgumentException} when the file cannot be
   * read or sets what the pipeline sets itself.
   */
  public static KafkaClientSettings load(String bootstrapServers, String propertiesFile) {
    if (propertiesFile == null || propertiesFile.isBlank()) {
      return plain(bootstrapServers);
    }
    Path path = Path.of(propertiesFile.trim()).toAbsolutePath();
    Properties file = new Properties();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      file.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot read the Kafka client properties at "
              + path
              + " ("
              + e.getClass().getSimpleName()
              + "): set KAFKA_CLIENT_PROPERTIES (or"
              + " --kafkaClientProperties) to a readable Java properties file.");
    }
    Map<String, String> properties = new HashMap<>();
    for (String key : file.stringPropertyNames()) {
      if (RESERVED.contains(key)) {
        throw new IllegalArgumentException(
            "The Kafka client properties at "
                + path
                + " set '"
                + key
                + "', which the pipeline sets itself"
                + (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                    ? ": give the brokers with KAFKA_BOOTSTRAP_SERVERS (or"
                        + " --kafkaBootstrapServers)."
                    : ": remove it from the file."));
      }
      properties.put(key, file.getProperty(key).trim());
    }
    return new KafkaClientSettings(bootstrapServers, path.toString(), properties);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * A client configuration: the bootstrap servers, the file's properties, then {@code own} (what
   * this client needs, which the file cannot change).
   */
  public Map<String, Object> config(Map<String, Object> own) {
    Map<String, Object> config = new HashMap<>(properties);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.putAll(own);
    return config;
  }

  /** As {@link #config(Map)}, as {@link Properties} for the clients that take those. */
  public Properties properties(Map<String, Object> own) {
    Properties props = new Properties();
    props.putAll(config(own));
    return props;
  }

  /** True when the file asks for more than a plaintext connection. */
  public boolean isSecured() {
    return !properties
        .getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
        .equalsIgnoreCase("PLAINTEXT");
  }

  /** For logs: the brokers and each property, secrets hidden. */
  public String describe() {
    if (source == null) {
      return bootstrapServers;
    }
    Map<String, String> shown = new TreeMap<>();
    properties.forEach(
        (key, value) -> shown.put(key, SECRET.matcher(key).matches() ? "[hidden]" : value));
    return bootstrapServers + " with " + source + " " + shown;
  }

  /** The keys of the file's properties (values may be secret). */
  public Set<String> keys() {
    return Collections.unmodifiableSet(properties.keySet());
  }

  @Override
  public String toString() {
    return describe();
  }
}
