package com.trending.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.rules.ExternalResource;

/**
 * A real single-node HDFS (NameNode + DataNode, Hadoop 3.3.4) for tests, started with the very
 * same script developers use ({@code scripts/hdfs-start.sh}), in its own JVM.
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
 * shutdown hook stops it too if the test JVM exits without {@code after()}.
 *
 * <p>Permissions are off: any user may write anywhere. {@link #stopKeepingData()} and {@link
 * #restart()} stop the HDFS process and start it again on the same ports with the same file
 * system.
 *
 * <p>The first run ever copies the Hadoop jars from Maven into {@code .local/hdfs/lib} (~85 MB,
 * needs Maven Central or a warm ~/.m2). Afterwards a start takes ~5-8 s on 2 cores.
 */
public class LocalHdfs extends ExternalResource {

  private static final long SCRIPT_TIMEOUT_SECONDS = 300; // includes a first-time jar download
  private static final int START_ATTEMPTS = 3;

  private final Path repoRoot;
  private int port;
  private int httpPort;
  private Path stateDir;
  private String uri;
  private boolean running;
  private String startOutput = "";
  private Thread shutdownHook;

  public LocalHdfs() {
    this.repoRoot = Scripts.repoRoot();
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  @Override
  protected void before() throws Throwable {
    start();
  }

  @Override
  protected void after() {
    stop();
  }

  /** Starts HDFS (called by {@link #before()}); usable directly outside JUnit rules. */
  public synchronized void start() throws IOException, InterruptedException {
    if (uri != null) {
      return;
    }
    Path parent = repoRoot.resolve("target").resolve("hdfs-clusters");
    Files.createDirectories(parent);
    String lastOutput = "";
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int[] ports = Scripts.freePorts(2);
      port = ports[0];
      httpPort = ports[1];
      stateDir = Files.createTempDirectory(parent, "hdfs-" + port + "-");
      Scripts.Result result = runScript("hdfs-start.sh");
      if (result.exitCode == 0) {
        uri = "hdfs://127.0.0.1:" + port;
        running = true;
        startOutput = result.output;
        shutdownHook = new Thread(this::stopQuietly, "stop-local-hdfs-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        return;
      }
      lastOutput = result.output;
      // Clean up whatever the failed attempt left behind (a half-started JVM, state).
      runScript("hdfs-stop.sh", "--purge");
      Scripts.deleteRecursively(stateDir);
      if (!result.output.contains("already in use")) {
        break;
      }
    }
    stateDir = null;
    throw new IllegalStateException("scripts/hdfs-start.sh failed; its output:\n" + lastOutput);
  }

  /**
   * Stops the HDFS process (SIGTERM, {@code scripts/hdfs-stop.sh} without {@code --purge}) and
   * keeps its state folder and ports for {@link #restart()}. Does nothing if already stopped so.
   */
  public synchronized void stopKeepingData() throws IOException, InterruptedException {
    requireStarted();
    if (!running) {
      return;
    }
    Scripts.Result result = runScript("hdfs-stop.sh");
    if (result.exitCode != 0) {
      throw new IllegalStateException("scripts/hdfs-stop.sh failed; its output:\n" + result.output);
    }
    running = false;
  }

  /**
   * Starts HDFS again on the same ports with the same file system (not formatted again); stops it
   * first if it runs. Retries for a few seconds if something else took one of the ports meanwhile.
   */
  public synchronized void restart() throws IOException, InterruptedException {
    requireStarted();
    if (running) {
      stopKeepingData();
    }
    Scripts.Result result = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      result = runScript("hdfs-start.sh");
      if (result.exitCode == 0) {
        running = true;
        startOutput = result.output;
        return;
      }
      if (!result.output.contains("already in use")) {
        break;
      }
      Thread.sleep(2_000);
    }
    throw new IllegalStateException(
        "scripts/hdfs-start.sh failed to restart HDFS; its output:\n" + result.output);
  }

  /** True between a start (or restart) and a stop. */
  public synchronized boolean isRunning() {
    return running;
  }

  /** Stops HDFS and deletes its state (called by {@link #after()}); idempotent. */
  public synchronized void stop() {
    Scripts.removeShutdownHook(shutdownHook);
    shutdownHook = null;
    stopQuietly();
  }

  private synchronized void stopQuietly() {
    if (stateDir == null) {
      return;
    }
    try {
      Scripts.Result result = runScript("hdfs-stop.sh", "--purge");
      if (result.exitCode != 0) {
        System.err.println("[LocalHdfs] hdfs-stop.sh failed:\n" + result.output);
      }
      Scripts.deleteRecursively(stateDir);
    } catch (IOException e) {
      System.err.println("[LocalHdfs] could not stop HDFS: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stateDir = null;
      uri = null;
      running = false;
    }
  }

  private void requireStarted() {
    if (stateDir == null || uri == null) {
      throw new IllegalStateException("HDFS not started");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Accessors

  /** {@code hdfs://127.0.0.1:<port>}: the NameNode, i.e. fs.defaultFS of a client. */
  public String uri() {
    if (uri == null) {
      throw new IllegalStateException("HDFS not started");
    }
    return uri;
  }

  /** {@code hdfs://127.0.0.1:<port>/lakehouse}, the folder the start script makes. */
  public String lakehousePath() {
    return uri() + "/lakehouse";
  }

  public int port() {
    return port;
  }

  /** Port of the NameNode's web UI and WebHDFS ({@code http://127.0.0.1:<httpPort>}). */
  public int httpPort() {
    return httpPort;
  }

  public Path stateDir() {
    return stateDir;
  }

  /** Everything the start script printed at the last (re)start. */
  public synchronized String startScriptOutput() {
    return startOutput;
  }

  /**
   * A client configuration for this HDFS: the defaults plus {@code fs.defaultFS} (an hdfs://
   * path with host and port needs nothing else). A new object each call.
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
      throw new UncheckedIOException("cannot connect to " + uri, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  /** Runs scripts/NAME with this cluster's environment; echoes and returns its output. */
  private Scripts.Result runScript(String name, String... args)
      throws IOException, InterruptedException {
    return Scripts.run("LocalHdfs", "scripts/" + name, Map.of(
        "HDFS_PORT", Integer.toString(port),
        "HDFS_HTTP_PORT", Integer.toString(httpPort),
        "HDFS_STATE_DIR", stateDir.toString()), SCRIPT_TIMEOUT_SECONDS, args);
  }

  /** For log messages. */
  @Override
  public String toString() {
    return "LocalHdfs{" + (uri == null ? "stopped" : uri)
        + (uri != null && !running ? " (stopped, data kept)" : "")
        + ", state=" + stateDir + "}";
  }
}
