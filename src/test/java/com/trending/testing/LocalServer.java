package com.trending.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.rules.ExternalResource;

/**
 * The lifecycle shared by the test fixtures that run a real server with the repository's own
 * scripts ({@link LocalKafkaBroker}, {@link LocalHdfs}, {@link LocalS3}): {@code
 * scripts/<name>-start.sh} and {@code scripts/<name>-stop.sh [--purge]}, run with the server's
 * environment ({@link #scriptEnvironment()}).
 *
 * <p>{@link #before()} picks free ports on 127.0.0.1 and a new state folder under {@code
 * target/<stateParent>/}, and runs the start script; {@link #after()} runs the stop script with
 * {@code --purge}, so the state goes away. A JVM shutdown hook stops the server too if the test JVM
 * exits without {@code after()}: a server outlives the JVM that started it (it runs in its own
 * session), and a forgotten one would hold its ports and memory until someone kills it.
 *
 * <p>The ports are free when picked but nothing holds them until the server binds them, so a
 * parallel test (or anything else) may take one first: the start scripts then fail with "already in
 * use", and the start is tried again with new ports and a new state folder (a restart, which must
 * keep its ports, waits a little and tries the same ones again).
 *
 * <p>{@link #stopKeepingData()} and {@link #restart()} stop the server process and start it again
 * on the same ports with the same state folder. Subclasses add the server's settings and client
 * helpers, and react to a (re)start or stop through {@link #started()}, {@link #stopping()} and
 * {@link #stopped()}.
 */
public abstract class LocalServer extends ExternalResource {

  private static final long SCRIPT_TIMEOUT_SECONDS = 300; // includes a first-time jar download
  private static final int START_ATTEMPTS = 3;

  private final String tag;
  private final String scriptName;
  private final String stateParent;
  private final String stateDirPrefix;
  private final String serverName;
  private final String notStartedMessage;
  private final Path repoRoot;
  private final int[] ports;
  private Path stateDir;
  private boolean started;
  private boolean running;
  private String startOutput = "";
  private Thread shutdownHook;

  /**
   * @param tag in front of the scripts' echoed output and of messages, e.g. {@code LocalHdfs}
   * @param scriptName {@code hdfs} for {@code scripts/hdfs-start.sh} and {@code hdfs-stop.sh}
   * @param stateParent folder under {@code target/} for the state folders, e.g. {@code
   *     hdfs-clusters}
   * @param stateDirPrefix start of a state folder's name (the first port follows), e.g. {@code
   *     hdfs}
   * @param serverName the server in messages, e.g. {@code HDFS} ("could not stop HDFS")
   * @param notStartedMessage what the accessors throw before a start, e.g. "HDFS not started"
   * @param portCount how many ports the server needs; {@link #port(int)} has them
   */
  protected LocalServer(
      String tag,
      String scriptName,
      String stateParent,
      String stateDirPrefix,
      String serverName,
      String notStartedMessage,
      int portCount) {
    this.tag = tag;
    this.scriptName = scriptName;
    this.stateParent = stateParent;
    this.stateDirPrefix = stateDirPrefix;
    this.serverName = serverName;
    this.notStartedMessage = notStartedMessage;
    this.repoRoot = Scripts.repoRoot();
    this.ports = new int[portCount];
  }

  // ---------------------------------------------------------------------------------------------
  // What a subclass provides

  /**
   * The environment of both scripts: ports ({@link #port(int)}), state folder ({@link #stateDir()})
   * and the server's settings. Also the place to blank out settings a developer's shell may have
   * exported, so that tests get the scripts' defaults.
   */
  protected abstract Map<String, String> scriptEnvironment();

  /**
   * Called after each successful start and restart, before the server counts as running (e.g. to
   * read what the start script wrote for clients). An exception fails the start.
   */
  protected void started() throws IOException {}

  /** Called before the stop script runs (with or without --purge), e.g. to close clients. */
  protected void stopping() {}

  /**
   * Called when the server and its state are gone (after {@link #stop()}), e.g. to drop clients.
   */
  protected void stopped() {}

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

  /** Starts the server (called by {@link #before()}); usable directly outside JUnit rules. */
  public synchronized void start() throws IOException, InterruptedException {
    if (started) {
      return;
    }
    Path parent = repoRoot.resolve("target").resolve(stateParent);
    Files.createDirectories(parent);
    String lastOutput = "";
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int[] free = Scripts.freePorts(ports.length);
      System.arraycopy(free, 0, ports, 0, ports.length);
      stateDir = Files.createTempDirectory(parent, stateDirPrefix + "-" + port() + "-");
      Scripts.Result result = runScript(scriptName + "-start.sh");
      if (result.exitCode == 0) {
        started();
        started = true;
        running = true;
        startOutput = result.output;
        shutdownHook = new Thread(this::stopQuietly, "stop-local-" + scriptName + "-" + port());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        return;
      }
      lastOutput = result.output;
      // Clean up whatever the failed attempt left behind (a half-started JVM, state).
      runScript(scriptName + "-stop.sh", "--purge");
      Scripts.deleteRecursively(stateDir);
      if (!isPortRace(result)) {
        break;
      }
    }
    stateDir = null;
    throw new IllegalStateException(
        "scripts/" + scriptName + "-start.sh failed; its output:\n" + lastOutput);
  }

  /**
   * Stops the server process (SIGTERM, the stop script without {@code --purge}) and keeps its state
   * folder and ports for {@link #restart()}; the address stays valid (the server comes back on it).
   * Does nothing if the server is already stopped this way.
   */
  public synchronized void stopKeepingData() throws IOException, InterruptedException {
    requireStarted();
    if (!running) {
      return;
    }
    stopping();
    Scripts.Result result = runScript(scriptName + "-stop.sh");
    if (result.exitCode != 0) {
      throw new IllegalStateException(
          "scripts/" + scriptName + "-stop.sh failed; its output:\n" + result.output);
    }
    running = false;
  }

  /**
   * Starts the server again on the same ports with the same state folder; stops it first if it
   * runs. Retries for a few seconds if something else took one of the ports meanwhile (the ports
   * cannot change: clients know the address).
   */
  public synchronized void restart() throws IOException, InterruptedException {
    requireStarted();
    if (running) {
      stopKeepingData();
    }
    Scripts.Result result = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      result = runScript(scriptName + "-start.sh");
      if (result.exitCode == 0) {
        started();
        running = true;
        startOutput = result.output;
        return;
      }
      if (!isPortRace(result)) {
        break;
      }
      Thread.sleep(2_000);
    }
    throw new IllegalStateException(
        "scripts/"
            + scriptName
            + "-start.sh failed to restart "
            + serverName
            + "; its output:\n"
            + result.output);
  }

  /** True between a start (or restart) and a stop. */
  public synchronized boolean isRunning() {
    return running;
  }

  /** Stops the server and deletes its state (called by {@link #after()}); idempotent. */
  public synchronized void stop() {
    Scripts.removeShutdownHook(shutdownHook);
    shutdownHook = null;
    stopQuietly();
  }

  private synchronized void stopQuietly() {
    if (stateDir == null) {
      return;
    }
    stopping();
    try {
      Scripts.Result result = runScript(scriptName + "-stop.sh", "--purge");
      if (result.exitCode != 0) {
        System.err.println("[" + tag + "] " + scriptName + "-stop.sh failed:\n" + result.output);
      }
      Scripts.deleteRecursively(stateDir);
    } catch (IOException e) {
      System.err.println("[" + tag + "] could not stop " + serverName + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stateDir = null;
      started = false;
      running = false;
      stopped();
    }
  }

  /** True if a start script failed because one of its ports was taken (see the class comment). */
  private static boolean isPortRace(Scripts.Result result) {
    return result.output.contains("already in use");
  }

  /**
   * True between a start and {@link #stop()}, also while stopped by {@link #stopKeepingData()}: the
   * address and state folder are valid then.
   */
  protected synchronized boolean isStarted() {
    return started;
  }

  /** Throws "not started" unless {@link #isStarted()}. */
  protected void requireStarted() {
    if (stateDir == null || !started) {
      throw new IllegalStateException(notStartedMessage);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Accessors

  /** The first (main) port; 0 before the first start. */
  public int port() {
    return ports[0];
  }

  /** Port number {@code index} (0: {@link #port()}), in the order the subclass uses them. */
  protected int port(int index) {
    return ports[index];
  }

  /** The state folder (under {@code target/}); null when not started. */
  public Path stateDir() {
    return stateDir;
  }

  public Path repoRoot() {
    return repoRoot;
  }

  /** Everything the start script printed at the last (re)start. */
  public synchronized String startScriptOutput() {
    return startOutput;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  /** Runs scripts/NAME with this server's environment; echoes and returns its output. */
  private Scripts.Result runScript(String name, String... args)
      throws IOException, InterruptedException {
    return Scripts.run(tag, "scripts/" + name, scriptEnvironment(), SCRIPT_TIMEOUT_SECONDS, args);
  }
}
