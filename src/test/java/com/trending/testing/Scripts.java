package com.trending.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the repository's own scripts from tests, the way a developer would: the test fixtures start
 * brokers and clusters with the documented scripts rather than with code of their own.
 */
public final class Scripts {
  private Scripts() {}

  /** Exit code and combined output of a finished script. */
  public static final class Result {
    public final int exitCode;
    public final String output;

    Result(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  /**
   * Runs {@code bash <repo>/<script> args} with extra environment, echoing its output with {@code
   * [tag]} in front, and waits for it (killing it after {@code timeoutSeconds}). For scripts that
   * start daemons: they must send the daemons' output to files, so that the script's own output
   * ends when it exits.
   */
  public static Result run(
      String tag, String script, Map<String, String> env, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(repoRoot().resolve(script).toString());
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(repoRoot().toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process process = pb.start();
    process.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  System.out.println("[" + tag + "] " + line);
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // process killed; output is incomplete
              }
            },
            tag + "-output");
    reader.setDaemon(true);
    reader.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly); // e.g. a Maven build
      process.destroyForcibly();
      reader.join(5_000);
      synchronized (output) {
        return new Result(-1, output + "\n(timed out after " + timeoutSeconds + " s)");
      }
    }
    reader.join(5_000);
    synchronized (output) {
      return new Result(process.exitValue(), output.toString());
    }
  }

  /**
   * Removes a fixture's JVM shutdown hook once the fixture has stopped normally; does nothing when
   * the JVM is already shutting down (then the hook itself is running, or about to).
   */
  public static void removeShutdownHook(Thread hook) {
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook does the work
    }
  }

  /** Ports that are free on 127.0.0.1 right now (all held open together so they differ). */
  public static int[] freePorts(int count) throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, loopback);
        socket.setReuseAddress(true);
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  /**
   * The repository root: the system property {@code trending.repo.root} if set, else the first
   * folder, walking up from the working directory, that holds pom.xml and scripts/kafka-start.sh.
   */
  public static Path repoRoot() {
    String override = System.getProperty("trending.repo.root");
    if (override != null && !override.isBlank()) {
      return Paths.get(override).toAbsolutePath().normalize();
    }
    Path start = Paths.get("").toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml"))
          && Files.isRegularFile(dir.resolve("scripts").resolve("kafka-start.sh"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (pom.xml + scripts/kafka-start.sh) above " + start);
  }

  /** Deletes a folder and everything in it; reports (does not throw) what it could not delete. */
  public static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("[Scripts] could not delete " + dir + ": " + e);
    }
  }
}
