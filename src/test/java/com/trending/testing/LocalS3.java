package com.trending.testing;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A real S3-compatible server (S3Proxy 4.1.0, filesystem backend) for tests, started with the very
 * same script developers use ({@code scripts/s3-start.sh}), in its own JVM.
 *
 * <pre>
 * &#64;ClassRule public static final LocalS3 S3 = new LocalS3();
 * ...
 * options.setLakehousePath(S3.lakehousePath());           // s3a://lakehouse/lakehouse
 * Configuration conf = S3.hadoopConfiguration();          // endpoint, keys, path style, no TLS
 * S3.applyTo(SparkSql.session().sparkContext().hadoopConfiguration());
 * S3.putIfAbsent("log/00000.json", bytes);                // 200, or 412 if the key exists
 * </pre>
 *
 * <p>{@link #before()} picks a free port on 127.0.0.1, runs the start script with {@code S3_PORT},
 * {@code S3_BUCKET} and {@code S3_STATE_DIR=target/s3-servers/<...>} (random credentials made by
 * the script); the script returns once the bucket exists and an authenticated conditional write
 * works. {@link #after()} runs {@code scripts/s3-stop.sh --purge}, so objects and credentials go
 * away. A JVM shutdown hook stops it too if the test JVM exits without {@code after()} (the
 * lifecycle is {@link LocalServer}'s). {@link #startScriptOutput()} holds the secret key.
 *
 * <p>The {@code s3a://} scheme needs {@code org.apache.hadoop:hadoop-aws} on the classpath (see
 * scripts/s3/README.md); this class does not: the {@code fs.s3a.*} settings are plain strings, and
 * {@link #request} talks S3 itself (AWS Signature V4 over java.net.http), e.g. for conditional
 * PUTs, which Hadoop 3.3's S3A cannot send.
 *
 * <p>The settings are per bucket ({@code fs.s3a.bucket.<bucket>.*}), so they can be added to a
 * shared configuration (Spark's) without touching other buckets. Hadoop caches FileSystem objects
 * by scheme and bucket: two LocalS3 with the same bucket name in one JVM would share the first
 * one's cached client; give them different buckets ({@link #LocalS3(String)}).
 *
 * <p>The first run ever copies S3Proxy's jars from Maven into {@code .local/s3/lib} (~57 MB).
 * Afterwards a start takes ~3-4 s.
 */
public class LocalS3 extends LocalServer {

  /** The bucket of the no-argument constructor, as in scripts/s3-start.sh. */
  public static final String DEFAULT_BUCKET = "lakehouse";

  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

  private final String bucket;
  private Map<String, String> clientEnv; // what the start script printed last (client.env)
  private HttpClient http;

  /** A server with the bucket {@value #DEFAULT_BUCKET}. */
  public LocalS3() {
    this(DEFAULT_BUCKET);
  }

  /** A server with the given bucket (S3 rules: 3-63 characters a-z 0-9 -). */
  public LocalS3(String bucket) {
    super("LocalS3", "s3", "s3-servers", "s3", "S3Proxy", "S3 server not started", 1);
    this.bucket = bucket;
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle (see LocalServer)

  /**
   * Reads what the start script wrote to client.env, after every (re)start: the clients' settings
   * (endpoint, credentials) are the script's, not this class's.
   */
  @Override
  protected void started() throws IOException {
    clientEnv = readClientEnv();
    if (http == null) {
      http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }
  }

  @Override
  protected void stopped() {
    clientEnv = null;
    http = null;
  }

  // ---------------------------------------------------------------------------------------------
  // Accessors

  /** {@code http://127.0.0.1:<port>} (AWS_ENDPOINT_URL, fs.s3a.endpoint). */
  public String endpoint() {
    return env("S3_ENDPOINT");
  }

  public String accessKey() {
    return env("AWS_ACCESS_KEY_ID");
  }

  public String secretKey() {
    return env("AWS_SECRET_ACCESS_KEY");
  }

  public String region() {
    return env("AWS_REGION");
  }

  public String bucket() {
    return bucket;
  }

  /** {@code s3a://<bucket>}. */
  public String uri() {
    requireStarted();
    return "s3a://" + bucket;
  }

  /** {@code s3a://<bucket>/lakehouse} (LAKEHOUSE_PATH of the start script). */
  public String lakehousePath() {
    return env("LAKEHOUSE_PATH");
  }

  /** The lines the start script printed last, as a map (S3_ENDPOINT, AWS_*, LAKEHOUSE_PATH...). */
  public Map<String, String> clientEnvironment() {
    requireStarted();
    return new LinkedHashMap<>(clientEnv);
  }

  private String env(String name) {
    requireStarted();
    String value = clientEnv.get(name);
    if (value == null) {
      throw new IllegalStateException("the start script printed no " + name);
    }
    return value;
  }

  // ---------------------------------------------------------------------------------------------
  // Hadoop S3A

  /**
   * The S3A settings for this server, per bucket ({@code fs.s3a.bucket.<bucket>.*}): endpoint,
   * region, path-style access, no TLS, the static access/secret key, and short retries (a test
   * should fail fast rather than retry for minutes).
   */
  public Map<String, String> s3aSettings() {
    String prefix = "fs.s3a.bucket." + bucket + ".";
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(prefix + "endpoint", endpoint());
    settings.put(prefix + "endpoint.region", region());
    settings.put(prefix + "path.style.access", "true");
    settings.put(prefix + "connection.ssl.enabled", "false");
    settings.put(
        prefix + "aws.credentials.provider",
        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    settings.put(prefix + "access.key", accessKey());
    settings.put(prefix + "secret.key", secretKey());
    settings.put(prefix + "attempts.maximum", "3");
    settings.put(prefix + "retry.limit", "3");
    settings.put(prefix + "connection.establish.timeout", "5000");
    settings.put(prefix + "connection.timeout", "30000");
    return settings;
  }

  /** The same settings for a Spark configuration ({@code spark.hadoop.} in front). */
  public Map<String, String> sparkSettings() {
    Map<String, String> spark = new LinkedHashMap<>();
    s3aSettings().forEach((key, value) -> spark.put("spark.hadoop." + key, value));
    return spark;
  }

  /** Adds {@link #s3aSettings()} to an existing configuration (e.g. Spark's); returns it. */
  public Configuration applyTo(Configuration conf) {
    s3aSettings().forEach(conf::set);
    return conf;
  }

  /** A client configuration for this server: the defaults plus {@link #s3aSettings()}. */
  public Configuration hadoopConfiguration() {
    return applyTo(new Configuration());
  }

  /**
   * A new (uncached) S3A client of the bucket; close it after use. Needs hadoop-aws on the
   * classpath ({@code No FileSystem for scheme "s3a"} otherwise).
   */
  public FileSystem fileSystem() {
    try {
      return FileSystem.newInstance(URI.create(uri()), hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make an S3A client of " + uri(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Plain S3 requests (AWS Signature V4), without an SDK

  /** Status, headers and body of an S3 answer. */
  public static final class Response {
    public final int status;
    public final Map<String, List<String>> headers;
    public final byte[] body;

    Response(int status, Map<String, List<String>> headers, byte[] body) {
      this.status = status;
      this.headers = headers;
      this.body = body;
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "HTTP " + status + (body.length == 0 ? "" : ": " + bodyText());
    }
  }

  /**
   * One signed request on the bucket: {@code method} on {@code /<bucket>/<key>} (key "" for the
   * bucket itself), with query parameters, body (null: none) and extra headers (signed too, e.g.
   * {@code If-None-Match}).
   */
  public Response request(
      String method,
      String key,
      Map<String, String> query,
      byte[] body,
      Map<String, String> headers) {
    requireStarted();
    byte[] payload = body == null ? new byte[0] : body;
    String path = "/" + bucket + (key.isEmpty() ? "" : "/" + encodePath(key));
    StringBuilder canonicalQuery = new StringBuilder();
    new TreeMap<>(query)
        .forEach(
            (name, value) -> {
              if (canonicalQuery.length() > 0) {
                canonicalQuery.append('&');
              }
              canonicalQuery.append(encode(name)).append('=').append(encode(value));
            });
    String amzDate = ZonedDateTime.now(ZoneOffset.UTC).format(AMZ_DATE);
    String date = amzDate.substring(0, 8);
    String payloadHash = body == null ? EMPTY_SHA256 : hex(sha256(payload));
    URI target =
        URI.create(endpoint() + path + (canonicalQuery.length() == 0 ? "" : "?" + canonicalQuery));

    TreeMap<String, String> signed = new TreeMap<>();
    signed.put("host", target.getHost() + ":" + target.getPort());
    signed.put("x-amz-content-sha256", payloadHash);
    signed.put("x-amz-date", amzDate);
    headers.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), value.trim()));
    StringBuilder canonicalHeaders = new StringBuilder();
    signed.forEach(
        (name, value) -> canonicalHeaders.append(name).append(':').append(value).append('\n'));
    String signedHeaders = String.join(";", signed.keySet());
    String canonicalRequest =
        method
            + "\n"
            + path
            + "\n"
            + canonicalQuery
            + "\n"
            + canonicalHeaders
            + "\n"
            + signedHeaders
            + "\n"
            + payloadHash;
    String scope = date + "/" + region() + "/s3/aws4_request";
    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] signingKey = hmac(("AWS4" + secretKey()).getBytes(StandardCharsets.UTF_8), date);
    signingKey = hmac(signingKey, region());
    signingKey = hmac(signingKey, "s3");
    signingKey = hmac(signingKey, "aws4_request");
    String signature = hex(hmac(signingKey, stringToSign));

    HttpRequest.Builder builder =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(payload))
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential="
                    + accessKey()
                    + "/"
                    + scope
                    + ", SignedHeaders="
                    + signedHeaders
                    + ", Signature="
                    + signature);
    signed.forEach(
        (name, value) -> {
          if (!name.equals("host")) {
            builder.header(name, value);
          }
        });
    if (body != null && !signed.containsKey("content-type")) {
      builder.header("Content-Type", "application/octet-stream");
    }
    try {
      HttpResponse<byte[]> response =
          http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + target + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + method + " " + target, e);
    }
  }

  /**
   * PUT with {@code If-None-Match: *}: creates the object only if the key does not exist. Returns
   * the HTTP status: 200 (created) or 412 (the key exists; the object is left as it was).
   */
  public int putIfAbsent(String key, byte[] data) {
    Response response = request("PUT", key, Map.of(), data, Map.of("If-None-Match", "*"));
    if (response.status != 200 && response.status != 412) {
      throw new IllegalStateException("PUT " + key + ": " + response);
    }
    return response.status;
  }

  /** A plain PUT (overwrites). */
  public void putObject(String key, byte[] data) {
    Response response = request("PUT", key, Map.of(), data, Map.of());
    if (response.status != 200) {
      throw new IllegalStateException("PUT " + key + ": " + response);
    }
  }

  /** The object's bytes, or null if there is no such key. */
  public byte[] getObject(String key) {
    Response response = request("GET", key, Map.of(), null, Map.of());
    if (response.status == 404) {
      return null;
    }
    if (response.status != 200) {
      throw new IllegalStateException("GET " + key + ": " + response);
    }
    return response.body;
  }

  public void deleteObject(String key) {
    Response response = request("DELETE", key, Map.of(), null, Map.of());
    if (response.status != 204 && response.status != 200) {
      throw new IllegalStateException("DELETE " + key + ": " + response);
    }
  }

  /** Keys under a prefix (ListObjectsV2, up to 1000). */
  public List<String> listKeys(String prefix) {
    Response response =
        request("GET", "", Map.of("list-type", "2", "prefix", prefix), null, Map.of());
    if (response.status != 200) {
      throw new IllegalStateException("LIST " + prefix + ": " + response);
    }
    List<String> keys = new ArrayList<>();
    Matcher m = Pattern.compile("<Key>([^<]*)</Key>").matcher(response.bodyText());
    while (m.find()) {
      keys.add(
          m.group(1)
              .replace("&amp;", "&")
              .replace("&lt;", "<")
              .replace("&gt;", ">")
              .replace("&quot;", "\"")
              .replace("&apos;", "'"));
    }
    return keys;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private Map<String, String> readClientEnv() throws IOException {
    Properties props = new Properties();
    try (Reader in =
        Files.newBufferedReader(stateDir().resolve("client.env"), StandardCharsets.UTF_8)) {
      props.load(in);
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : props.stringPropertyNames()) {
      env.put(name, props.getProperty(name));
    }
    return env;
  }

  /** The environment of s3-start.sh and s3-stop.sh for this server. */
  @Override
  protected Map<String, String> scriptEnvironment() {
    return Map.of(
        "S3_PORT",
        Integer.toString(port()),
        "S3_BUCKET",
        bucket,
        "S3_STATE_DIR",
        stateDir().toString(),
        // Not the developer's shell settings: the script's own random credentials.
        "S3_ACCESS_KEY",
        "",
        "S3_SECRET_KEY",
        "");
  }

  /** URI-encodes each segment of an object key (AWS style: space %20, '/' kept, '~' kept). */
  private static String encodePath(String key) {
    List<String> segments = new ArrayList<>();
    for (String segment : key.split("/", -1)) {
      segments.add(encode(segment));
    }
    return String.join("/", segments);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }

  /** For log messages (no secrets). */
  @Override
  public String toString() {
    Map<String, String> env = clientEnv;
    return "LocalS3{"
        + (env == null ? "stopped" : env.get("S3_ENDPOINT"))
        + (env != null && !isRunning() ? " (stopped, data kept)" : "")
        + ", bucket="
        + bucket
        + ", state="
        + stateDir()
        + "}";
  }
}
