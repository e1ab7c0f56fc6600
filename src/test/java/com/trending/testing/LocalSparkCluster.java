package com.trending.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.rules.ExternalResource;

/**
 * A real Spark standalone cluster for tests: a master and a worker, each its own JVM on 127.0.0.1,
 * started with the scripts users run ({@code runners/spark/cluster-start.sh}, on free ports), and
 * jobs submitted with {@code runners/spark/submit.sh} and the shaded jar, as separate driver JVMs.
 *
 * <p>{@link #before()} also builds the shaded jar ({@code mvn -Pspark-runner package}) into {@code
 * target/spark-app}, so that the build that runs the tests keeps its own {@code target/classes};
 * about a minute the first time, nothing while the sources are unchanged. The Spark jars come from
 * Maven into {@code .local/spark/jars} on first use.
 */
public class LocalSparkCluster extends ExternalResource {
  private static final long START_TIMEOUT_SECONDS = 900; // a first jar download and build included

  private final Path repoRoot = Scripts.repoRoot();
  private final Map<String, String> env = new HashMap<>();
  private final List<Job> jobs = new CopyOnWriteArrayList<>(); // the shutdown hook reads it too
  private String masterUrl;
  private Thread shutdownHook;

  @Override
  protected void before() throws Throwable {
    int[] ports = Scripts.freePorts(3);
    env.put("SPARK_MASTER_PORT", Integer.toString(ports[0]));
    env.put("SPARK_MASTER_WEBUI_PORT", Integer.toString(ports[1]));
    env.put("SPARK_WORKER_WEBUI_PORT", Integer.toString(ports[2]));
    env.put("SPARK_APP_BUILD_DIR", repoRoot.resolve("target").resolve("spark-app").toString());
    masterUrl = "spark://127.0.0.1:" + ports[0];
    env.put("SPARK_MASTER_URL", masterUrl);
    check(Scripts.run("LocalSparkCluster", "runners/spark/submit.sh", env, START_TIMEOUT_SECONDS, "build"));
    shutdownHook = new Thread(this::stop, "stop-local-spark-" + ports[0]);
    Runtime.getRuntime().addShutdownHook(shutdownHook); // also if the test JVM is killed
    try {
      check(Scripts.run("LocalSparkCluster", "runners/spark/cluster-start.sh", env, START_TIMEOUT_SECONDS));
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
          Scripts.run("LocalSparkCluster", "runners/spark/cluster-stop.sh", env, 120, "--purge");
      if (result.exitCode != 0) {
        System.err.println("[LocalSparkCluster] cluster-stop.sh failed:\n" + result.output);
      }
    } catch (IOException e) {
      System.err.println("[LocalSparkCluster] could not stop the cluster: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void check(Scripts.Result result) {
    if (result.exitCode != 0) {
      throw new IllegalStateException("exit " + result.exitCode + ":\n" + result.output);
    }
  }

  /** {@code spark://127.0.0.1:<port>}. */
  public String masterUrl() {
    return masterUrl;
  }

  /**
   * Submits {@code pipeline} ({@code kafka-to-silver} or {@code trending-to-gold}) with {@code
   * submit.sh}, the job's environment (LAKEHOUSE_PATH, KAFKA_...) and options; its output goes to
   * {@code log}.
   */
  public Job submit(String pipeline, Map<String, String> jobEnv, Path log, String... options)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        "bash", repoRoot.resolve("runners/spark/submit.sh").toString(), pipeline));
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

  /** A submitted driver JVM ({@code submit.sh} execs it, so the process is the driver). */
  public static final class Job {
    private final String name;
    private final Process process;
    private final Path log;

    Job(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    /** Waits for the driver to exit; fails with the end of its log if it takes too long. */
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

    /** SIGTERM, as a cluster manager or Ctrl+C stops a driver. */
    public void terminate() {
      process.destroy();
    }

    /** SIGKILL: the driver dies mid-work, with no chance to clean up. */
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
