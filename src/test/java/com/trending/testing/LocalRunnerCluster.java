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
 * A runner's cluster for tests, run with the scripts users run from {@code runners/<runner>/}:
 * {@link #before()} builds the shaded jar ({@code submit.sh build}) and starts the cluster ({@code
 * cluster-start.sh}, with the settings the subclass puts into {@link #env}, such as free ports);
 * {@link #submit} runs a pipeline with {@code submit.sh} as a JVM of its own; {@link #after()}
 * kills the jobs still running and stops the cluster ({@code cluster-stop.sh --purge}), as does a
 * shutdown hook if the test JVM is killed first.
 */
public abstract class LocalRunnerCluster extends ExternalResource {
  private static final long START_TIMEOUT_SECONDS = 900; // a first jar download and build included

  protected final Path repoRoot = Scripts.repoRoot();

  /** The scripts' environment (and the jobs'): what {@link #configure()} puts in. */
  protected final Map<String, String> env = new HashMap<>();

  private final String name;
  private final String runner;
  private final List<Job> jobs = new CopyOnWriteArrayList<>(); // the shutdown hook reads it too
  private Thread shutdownHook;

  /**
   * @param name what the scripts' output is tagged with ({@code LocalSparkCluster})
   * @param runner the folder of the scripts under {@code runners/} ({@code spark})
   */
  protected LocalRunnerCluster(String name, String runner) {
    this.name = name;
    this.runner = runner;
  }

  /**
   * Puts this cluster's settings into {@link #env}: free ports, the jar's build folder, ...;
   * returns the port that tells this cluster apart (it names the shutdown hook).
   */
  protected abstract int configure() throws IOException;

  @Override
  protected void before() throws Throwable {
    int port = configure();
    runScript("submit.sh", START_TIMEOUT_SECONDS, "build");
    shutdownHook = new Thread(this::stop, "stop-local-" + runner + "-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook); // also if the test JVM is killed
    try {
      runScript("cluster-start.sh", START_TIMEOUT_SECONDS);
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
      Scripts.Result result = Scripts.run(name, script("cluster-stop.sh"), env, 120, "--purge");
      if (result.exitCode != 0) {
        System.err.println("[" + name + "] cluster-stop.sh failed:\n" + result.output);
      }
    } catch (IOException e) {
      System.err.println("[" + name + "] could not stop the cluster: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs {@code runners/<runner>/<script> args} with {@link #env}; fails if it exits with an error.
   */
  protected void runScript(String script, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    Scripts.Result result = Scripts.run(name, script(script), env, timeoutSeconds, args);
    if (result.exitCode != 0) {
      throw new IllegalStateException("exit " + result.exitCode + ":\n" + result.output);
    }
  }

  private String script(String script) {
    return "runners/" + runner + "/" + script;
  }

  /**
   * Runs {@code pipeline} ({@code kafka-to-silver} or {@code trending-to-gold}) with {@code
   * submit.sh}, the job's environment (LAKEHOUSE_PATH, KAFKA_...) and options; its output goes to
   * {@code log}.
   */
  public Job submit(String pipeline, Map<String, String> jobEnv, Path log, String... options)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of("bash", repoRoot.resolve(script("submit.sh")).toString(), pipeline));
    command.addAll(List.of(options));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(repoRoot.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    pb.environment().putAll(jobEnv);
    Job job = new Job(pipeline, pb.start(), log);
    jobs.add(job);
    return job;
  }

  /**
   * The JVM of a submitted pipeline: {@code submit.sh} execs it, so the process is the Spark
   * driver, or the Flink client.
   */
  public static final class Job {
    private final String name;
    private final Process process;
    private final Path log;

    Job(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    /** Waits for the JVM to exit; fails with the end of its log if it takes too long. */
    public int awaitExit(long timeoutSeconds) throws InterruptedException {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        kill();
        throw new AssertionError(
            name + " still running after " + timeoutSeconds + " s; log:\n" + tail());
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

    /** SIGTERM, as a cluster manager or Ctrl+C stops a driver or client. */
    public void terminate() {
      process.destroy();
    }

    /** SIGKILL: the JVM dies mid-work, with no chance to clean up. */
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
