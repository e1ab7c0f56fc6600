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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
public class LocalFlinkCluster extends LocalRunnerCluster {
  private static final List<String> ENDED = List.of("FINISHED", "CANCELED", "FAILED");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int restPort;

  public LocalFlinkCluster() {
    super("LocalFlinkCluster", "flink");
  }

  @Override
  protected int configure() throws IOException {
    int[] ports = Scripts.freePorts(2);
    restPort = ports[0];
    env.put("FLINK_REST_PORT", Integer.toString(ports[0]));
    env.put("FLINK_RPC_PORT", Integer.toString(ports[1]));
    env.put("FLINK_APP_BUILD_DIR", repoRoot.resolve("target").resolve("flink-app").toString());
    // A restarted job waits 2 s before asking for slots again (the TaskManager may be back).
    env.put("FLINK_RESTART_DELAY", "2");
    return ports[0];
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
    ProcessHandle tm =
        ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no TaskManager " + pid));
    tm.destroyForcibly();
    tm.onExit().get(30, TimeUnit.SECONDS);
    return pid;
  }

  /**
   * Starts a TaskManager again (cluster-start.sh keeps the running JobManager), until registered.
   */
  public void restartTaskManager() throws Exception {
    runScript("cluster-start.sh", 120);
  }

  /** The jobs the JobManager knows, as (name, state) pairs; over its REST API. */
  public List<String[]> jobsOverview() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + master() + "/jobs/overview"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    List<String[]> jobs = new ArrayList<>();
    Matcher m =
        Pattern.compile(
                "\"jid\":\"([0-9a-f]+)\",\"name\":\"([^\"]*)\",\"start-time\":[0-9-]+,"
                    + "\"end-time\":[0-9-]+,\"duration\":[0-9-]+,\"state\":\"([A-Z_]+)\"")
            .matcher(response.body());
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
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + master() + "/jobs/" + job[0] + "?mode=cancel"))
                .timeout(Duration.ofSeconds(10))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
        cancelled.add(job[0]);
      }
    }
    long deadline = System.currentTimeMillis() + 60_000;
    while (jobsOverview().stream()
        .anyMatch(j -> cancelled.contains(j[0]) && !ENDED.contains(j[2]))) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("jobs " + cancelled + " still not cancelled after 60 s");
      }
      Thread.sleep(200);
    }
    return cancelled.size();
  }
}
