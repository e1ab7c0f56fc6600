package com.trending.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A real single-node HDFS (NameNode + DataNode, Hadoop 3.3.4) for tests, started with the very same
 * script developers use ({@code scripts/hdfs-start.sh}), in its own JVM.
 *
 * <pre>
 * &#64;ClassRule public static final LocalHdfs HDFS = new LocalHdfs();
 * ...
 * options.setLakehousePath(HDFS.lakehousePath());        // hdfs://127.0.0.1:&lt;port&gt;/lakehouse
 * try (FileSystem fs = HDFS.fileSystem()) { ... }
 * </pre>
 *
 * <p>{@link #before()} picks two free ports on 127.0.0.1 (NameNode RPC and HTTP), runs the start
 * script with {@code HDFS_PORT}, {@code HDFS_HTTP_PORT} and {@code
 * HDFS_STATE_DIR=target/hdfs-clusters/<...>}; the script returns once the NameNode is out of safe
 * mode, {@code /lakehouse} exists and a write works. {@link #after()} runs {@code
 * scripts/hdfs-stop.sh --purge} with the same environment, so the file system goes away. A JVM
 * shutdown hook stops it too if the test JVM exits without {@code after()} (the lifecycle is {@link
 * LocalServer}'s).
 *
 * <p>Permissions are off: any user may write anywhere. {@link #stopKeepingData()} and {@link
 * #restart()} stop the HDFS process and start it again on the same ports with the same file system.
 *
 * <p>The first run ever copies the Hadoop jars from Maven into {@code .local/hdfs/lib} (~85 MB,
 * needs Maven Central or a warm ~/.m2). Afterwards a start takes ~5-8 s on 2 cores.
 */
public class LocalHdfs extends LocalServer {

  public LocalHdfs() {
    super(
        "LocalHdfs",
        "hdfs",
        "hdfs-clusters",
        "hdfs",
        "HDFS",
        "HDFS not started",
        2); // NameNode RPC and HTTP
  }

  // ---------------------------------------------------------------------------------------------
  // Accessors

  /** {@code hdfs://127.0.0.1:<port>}: the NameNode, i.e. fs.defaultFS of a client. */
  public String uri() {
    requireStarted();
    return "hdfs://127.0.0.1:" + port();
  }

  /** {@code hdfs://127.0.0.1:<port>/lakehouse}, the folder the start script makes. */
  public String lakehousePath() {
    return uri() + "/lakehouse";
  }

  /** Port of the NameNode's web UI and WebHDFS ({@code http://127.0.0.1:<httpPort>}). */
  public int httpPort() {
    return port(1);
  }

  /**
   * A client configuration for this HDFS: the defaults plus {@code fs.defaultFS} (an hdfs:// path
   * with host and port needs nothing else). A new object each call.
   */
  public Configuration hadoopConfiguration() {
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", uri());
    return conf;
  }

  /**
   * A new (uncached) client of this HDFS; close it after use. Not from Hadoop's FileSystem cache,
   * so closing it does not close the instance other code got from {@code FileSystem.get}.
   */
  public FileSystem fileSystem() {
    try {
      return FileSystem.newInstance(URI.create(uri()), hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to " + uri(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  /** The environment of hdfs-start.sh and hdfs-stop.sh for this cluster. */
  @Override
  protected Map<String, String> scriptEnvironment() {
    return Map.of(
        "HDFS_PORT", Integer.toString(port()),
        "HDFS_HTTP_PORT", Integer.toString(httpPort()),
        "HDFS_STATE_DIR", stateDir().toString());
  }

  /** For log messages. */
  @Override
  public String toString() {
    boolean started = isStarted();
    return "LocalHdfs{"
        + (started ? "hdfs://127.0.0.1:" + port() : "stopped")
        + (started && !isRunning() ? " (stopped, data kept)" : "")
        + ", state="
        + stateDir()
        + "}";
  }
}
