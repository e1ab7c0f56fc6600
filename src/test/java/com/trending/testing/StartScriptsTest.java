package com.trending.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The start scripts take their settings from the environment: {@code --help} prints what they do
 * and a stray argument is refused, both before anything is fetched or started.
 */
public class StartScriptsTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final String[] START_SCRIPTS = {
    "scripts/kafka-start.sh",
    "scripts/hdfs-start.sh",
    "scripts/s3-start.sh",
    "runners/spark/cluster-start.sh",
    "runners/flink/cluster-start.sh"
  };

  @Test
  public void helpPrintsTheHeaderAndAStrayArgumentStartsNothing() throws Exception {
    for (String script : START_SCRIPTS) {
      Path state = tmp.newFolder().toPath().resolve("state");
      // Every state folder setting of the five scripts, so that a start would leave a trace here.
      Map<String, String> env =
          Map.of(
              "KAFKA_STATE_DIR", state.toString(),
              "HDFS_STATE_DIR", state.toString(),
              "S3_STATE_DIR", state.toString(),
              "SPARK_LOCAL_HOME", state.toString(),
              "FLINK_LOCAL_HOME", state.toString());

      Scripts.Result help = Scripts.run("help", script, env, 60, "--help");
      assertEquals(script + " --help: " + help.output, 0, help.exitCode);
      assertTrue(script + " --help: " + help.output, help.output.startsWith("Starts a local"));

      Scripts.Result stray = Scripts.run("stray", script, env, 60, "--port=1");
      assertEquals(script + " --port=1: " + stray.output, 2, stray.exitCode);
      assertTrue(script + ": " + stray.output, stray.output.contains("unknown argument: --port=1"));
      assertFalse(script + " made " + state, Files.exists(state));
    }
  }
}
