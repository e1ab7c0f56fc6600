package com.trending.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Test;

/**
 * The pipeline scripts build their runner's classpath from the runner's runtime dependencies only:
 * a Direct run carries neither the Spark nor the Flink runner, no run carries the tests' libraries.
 * (An earlier launcher passed a scope property the dependency plugin does not read and so ran every
 * job on the tests' classpath, twice the jars.) Without {@code JAVA_OPTS}, each runner's JVM gets
 * its collector from {@code scripts/lib/java-opens.sh}: the serial one on the Direct runner.
 */
public class LaunchScriptsIT {

  @Test
  public void eachRunnerIsLaunchedOnItsRuntimeClasspath() throws Exception {
    assertLaunch("direct-runner", "DirectOptions", "SparkPipelineOptions", "-XX:+UseSerialGC");
    assertLaunch(
        "spark-runner", "SparkPipelineOptions", "FlinkPipelineOptions", "-XX:+UseParallelGC");
  }

  /** Runs {@code kafka-to-silver.sh --help} after a fresh classpath build of the profile. */
  private static void assertLaunch(String profile, String present, String absent, String collector)
      throws Exception {
    Path root = Scripts.repoRoot();
    Files.deleteIfExists(root.resolve("target/.built-" + profile)); // builds the classpath again
    String[] args =
        profile.equals("spark-runner")
            ? new String[] {"--runner=SparkRunner", "--help"}
            : new String[] {"--help"};
    Scripts.Result help =
        Scripts.run(
            profile,
            "scripts/kafka-to-silver.sh",
            Map.of("JAVA_TOOL_OPTIONS", "-XX:+PrintCommandLineFlags"), // the JVM prints its flags
            600,
            args);
    assertEquals(help.output, 0, help.exitCode);
    assertTrue(help.output, help.output.contains("[launch] building (" + profile + ")"));
    assertTrue(help.output, help.output.contains("." + present + "\n"));
    assertFalse(help.output, help.output.contains("." + absent + "\n"));
    assertTrue(
        "no " + collector + " (JAVA_OPTS set around the test?) in " + help.output,
        help.output.contains(" " + collector + " "));

    String classpath = Files.readString(root.resolve("target/classpath-" + profile + ".txt"));
    for (String testOnly : new String[] {"junit-", "hamcrest-", "delta-spark", "flink-runtime"}) {
      assertFalse(profile + " carries " + testOnly, classpath.contains("/" + testOnly));
    }
  }
}
