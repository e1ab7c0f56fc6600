package com.trending.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.rules.ExternalResource;

/**
 * A real Flink 1.19 session cluster for tests: a JobManager and a TaskManager, each its own JVM on
 * 127.0.0.1, started with the scripts users run ({@code runners/flink/cluster-start.sh}, on free
 * ports), and pipelines run with {@code runners/flink/submit.sh} and the shaded jar, as separate
 * client JVMs that submit their jobs over REST.
 *
 * <p>{@link #before()} also builds the shaded jar ({@code mvn -Pflink-runner package}) into {@code
 * target/flink-app}, so that the build that runs the tests keeps its own {@code target/classes};
 * about a minute the first time, nothing while the sources are unchanged. The Flink jars come from
 * Maven into {@code .local/flink/jars} on first use.
 */
public class LocalFlinkCluster extends ExternalResource {
  private static final long START_TIMEOUT_SECONDS = 900; // a first jar download and build included

  private final Path repoRoot = Scripts.repoRoot();
  private final Map<String, String> env = new HashMap<>();
  private final List<Job> jobs = new CopyOnWriteArrayList<>(); // the shutdown hook reads it too
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int restPort;
  private Thread shutdownHook;

  @Override
  protected void before() throws Throwable {
    int[] ports = Scripts.freePorts(2);
    restPort = ports[0];
    env.put("FLINK_REST_PORT", Integer.toString(ports[0]));
    env.put("FLINK_RPC_PORT", Integer.toString(ports[1]));
    env.put("FLINK_APP_BUILD_DIR", repoRoot.resolve("target").resolve("flink-app").toString());
    // A restarted job waits 2 s before asking for slots again (the TaskManager may be back).
    env.put("FLINK_RESTART_DELAY", "2");
    check(Scripts.run("LocalFlinkCluster", "runners/flink/submit.sh", env, START_TIMEOUT_SECONDS, "build"));
    shutdownHook = new Thread(this::stop, "stop-local-flink-" + ports[0]);
    Runtime.getRuntime().addShutdownHook(shutdownHook); // also if the test JVM is killed
    try {
      check(Scripts.run("LocalFlinkCluster", "runners/flink/cluster-start.sh", env, START_TIMEOUT_SECONDS));
    } catch (Throwable e) {
      after(); // JUnit does not call after() when before() fails; a half-started cluster must go
      throw e;
    }
  }

  @Override
  protected void after() {
    Scripts.removeShutdownHook(shutdownHook);
    shutdownHook = null;
    stop();
  }

  private synchronized void stop() {
    jobs.forEach(Job::kill);
    jobs.clear();
    try {
      Scripts.Result result =
          Scripts.run("LocalFlinkCluster", "runners/flink/cluster-stop.sh", env, 120, "--purge");
      if (result.exitCode != 0) {
        System.err.println("[LocalFlinkCluster] cluster-stop.sh failed:\n" + result.output);
      }
    } catch (IOException e) {
      System.err.println("[LocalFlinkCluster] could not stop the cluster: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void check(Scripts.Result result) {
    if (result.exitCode != 0) {
      throw new IllegalStateException("exit " + result.exitCode + ":\n" + result.output);
    }
  }

  /** {@code 127.0.0.1:<REST port>}, what {@code --flinkMaster} takes. */
  public String master() {
    return "127.0.0.1:" + restPort;
  }

  /** The cluster's folder: config, pid files, {@code jobmanager.log}, {@code taskmanager.log}. */
  public Path stateDir() {
    return repoRoot.resolve(".local").resolve("flink").resolve("cluster-" + restPort);
  }

  /** The JobManager's log so far. */
  public String jobManagerLog() throws IOException {
    return Files.readString(stateDir().resolve("jobmanager.log"), StandardCharsets.UTF_8);
  }

  /** SIGKILL to the TaskManager JVM: every task on it dies mid-work. Returns its pid. */
  public long killTaskManager() throws Exception {
    long pid = Long.parseLong(Files.readString(stateDir().resolve("taskmanager.pid")).trim());
    ProcessHandle tm = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no TaskManager " + pid));
    tm.destroyForcibly();
    tm.onExit().get(30, TimeUnit.SECONDS);
    return pid;
  }

  /** Starts a TaskManager again (cluster-start.sh keeps the running JobManager), until registered. */
  public void restartTaskManager() throws Exception {
    check(Scripts.run("LocalFlinkCluster", "runners/flink/cluster-start.sh", env, 120));
  }

  /** The jobs the JobManager knows, as (name, state) pairs; over its REST API. */
  public List<String[]> jobsOverview() throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://" + master() + "/jobs/overview"))
            .timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    List<String[]> jobs = new ArrayList<>();
    Matcher m = Pattern.compile("\"jid\":\"([0-9a-f]+)\",\"name\":\"([^\"]*)\",\"start-time\":[0-9-]+,"
        + "\"end-time\":[0-9-]+,\"duration\":[0-9-]+,\"state\":\"([A-Z_]+)\"").matcher(response.body());
    while (m.find()) {
      jobs.add(new String[] {m.group(1), m.group(2), m.group(3)});
    }
    return jobs;
  }

  /**
   * Cancels every job that has not ended (a streaming client that is stopped leaves its job
   * running), and waits until they have; returns how many were cancelled.
   */
  public int cancelRunningJobs() throws IOException, InterruptedException {
    List<String> cancelled = new ArrayList<>();
    for (String[] job : jobsOverview()) {
      if (!ENDED.contains(job[2])) {
        http.send(HttpRequest.newBuilder(URI.create("http://" + master() + "/jobs/" + job[0] + "?mode=cancel"))
                .timeout(Duration.ofSeconds(10)).method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        cancelled.add(job[0]);
      }
    }
    long deadline = System.currentTimeMillis() + 60_000;
    while (jobsOverview().stream().anyMatch(j -> cancelled.contains(j[0]) && !ENDED.contains(j[2]))) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("jobs " + cancelled + " still not cancelled after 60 s");
      }
      Thread.sleep(200);
    }
    return cancelled.size();
  }

  private static final List<String> ENDED = List.of("FINISHED", "CANCELED", "FAILED");

  /**
   * Runs {@code pipeline} ({@code kafka-to-silver} or {@code trending-to-gold}) with {@code
   * submit.sh}, the job's environment (LAKEHOUSE_PATH, KAFKA_...) and options; its output goes to
   * {@code log}.
   */
  public Job submit(String pipeline, Map<String, String> jobEnv, Path log, String... options)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        "bash", repoRoot.resolve("runners/flink/submit.sh").toString(), pipeline));
    command.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(repoRoot.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    pb.environment().putAll(jobEnv);
    Job job = new Job(pipeline, pb.start(), log);
    jobs.add(job);
    return job;
  }

  /** A client JVM ({@code submit.sh} execs it, so the process is the client). */
  public static final class Job {
    private final String name;
    private final Process process;
    private final Path log;

    Job(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    /** Waits for the client to exit; fails with the end of its log if it takes too long. */
    public int awaitExit(long timeoutSeconds) throws InterruptedException {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        kill();
        throw new AssertionError(name + " still running after " + timeoutSeconds + " s; log:\n" + tail());
      }
      return process.exitValue();
    }

    /** Runs to completion and asserts exit code 0. */
    public void assertSucceeds(long timeoutSeconds) throws InterruptedException {
      int exit = awaitExit(timeoutSeconds);
      if (exit != 0) {
        throw new AssertionError(name + " exited with " + exit + "; log:\n" + tail());
      }
    }

    /** SIGTERM, as Ctrl+C stops a client. */
    public void terminate() {
      process.destroy();
    }

    /** SIGKILL: the client dies mid-work, with no chance to clean up. */
    public void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    public boolean isAlive() {
      return process.isAlive();
    }

    public String log() throws IOException {
      return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The last 60 lines of the log, for failure messages. */
    public String tail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }
  }
}
