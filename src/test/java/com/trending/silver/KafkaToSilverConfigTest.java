package com.trending.silver;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.trending.common.Lakehouse;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Bad configuration fails before any work starts, with a message that says what to fix. */
public class KafkaToSilverConfigTest {

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private KafkaToSilverOptions options(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    if (all.stream().noneMatch(a -> a.startsWith("--lakehousePath="))) {
      all.add("--lakehousePath=" + tmp.getRoot());
    }
    all.add("--kafkaBootstrapServers=127.0.0.1:" + closedPort());
    return PipelineOptionsFactory.fromArgs(all.toArray(new String[0]))
        .as(KafkaToSilverOptions.class);
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void assertFails(String expected, KafkaToSilverOptions options) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KafkaToSilver.run(options));
    assertThat(e.getMessage(), containsString(expected));
  }

  /**
   * {@code --help} prints the options and exits at once, in its own JVM: Beam's help exits the JVM
   * from the parse, and a stop hook registered before it waited five minutes for a batch that never
   * started.
   */
  @Test
  public void helpPrintsTheOptionsAndExits() throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty(
                    "surefire.test.class.path", System.getProperty("java.class.path")),
                KafkaToSilver.class.getName(),
                "--help"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return e.toString();
              }
            });
    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    process.destroyForcibly();
    assertTrue("kafka-to-silver --help still running after 60 s", exited);
    assertEquals(output.get(), 0, process.exitValue());
    assertThat(output.get(), containsString(KafkaToSilverOptions.class.getName()));
  }

  @Test
  public void unknownStorageFormat() throws Exception {
    assertFails("Unknown STORAGE_FORMAT 'orc'", options("--storageFormat=orc"));
  }

  @Test
  public void minRatingAboveMaxRating() throws Exception {
    assertFails(
        "MIN_RATING (4.0) is greater than MAX_RATING (2.0)",
        options("--minRating=4", "--maxRating=2"));
  }

  @Test
  public void unknownStartingOffsets() throws Exception {
    assertFails(
        "KAFKA_STARTING_OFFSETS must be 'earliest' or 'latest'",
        options("--kafkaStartingOffsets=beginning"));
  }

  @Test
  public void unwritableLakehouse() throws Exception {
    File file = tmp.newFile("not-a-folder");
    assertFails("Cannot write to the lakehouse", options("--lakehousePath=" + file + "/lakehouse"));
  }

  @Test
  public void unreachableBrokers() throws Exception {
    assertFails("Cannot reach Kafka at 127.0.0.1:", options("--maxRecords=1"));
  }

  @Test
  public void streamingFalseTakesWhatIsThereAndExits() {
    assertEquals(true, KafkaToSilver.parse(new String[] {"--streaming=false"}).getAvailableNow());
    assertEquals(
        false,
        KafkaToSilver.parse(new String[] {"--streaming=false", "--maxRecords=5"})
            .getAvailableNow());
    assertEquals(false, KafkaToSilver.parse(new String[] {"--streaming=true"}).getAvailableNow());
    assertEquals(false, KafkaToSilver.parse(new String[] {}).getAvailableNow());
  }

  @Test
  public void sparkCachesSerializedUnlessTold() {
    assertEquals(
        "MEMORY_ONLY_SER",
        KafkaToSilver.parse(new String[] {"--runner=SparkRunner"})
            .as(SparkPipelineOptions.class)
            .getStorageLevel());
    assertEquals(
        "MEMORY_AND_DISK",
        KafkaToSilver.parse(new String[] {"--runner=SparkRunner", "--storageLevel=MEMORY_AND_DISK"})
            .as(SparkPipelineOptions.class)
            .getStorageLevel());
  }

  @Test
  public void directRunsOnOneThreadUnlessTold() {
    assertEquals(
        1,
        KafkaToSilver.parse(new String[] {"--runner=DirectRunner"})
            .as(DirectOptions.class)
            .getTargetParallelism());
    assertEquals(
        4,
        KafkaToSilver.parse(new String[] {"--runner=DirectRunner", "--targetParallelism=4"})
            .as(DirectOptions.class)
            .getTargetParallelism());
  }

  @Test
  public void checkpointDirDefaultsToTheLakehouseOnEveryRunner() {
    Path root = tmp.getRoot().toPath();
    for (String runner : new String[] {"DirectRunner", "SparkRunner"}) {
      KafkaToSilverOptions options =
          KafkaToSilver.parse(
              new String[] {"--runner=" + runner, "--lakehousePath=" + root, "--consumerGroup=g1"});
      assertEquals(
          runner,
          root.resolve("_checkpoints/kafka-to-silver/g1").toString(),
          KafkaToSilver.checkpointDir(options, Lakehouse.at(root.toString())));
    }
    KafkaToSilverOptions given =
        KafkaToSilver.parse(
            new String[] {
              "--runner=SparkRunner",
              "--lakehousePath=" + root,
              "--checkpointDir=" + root.resolve("cp")
            });
    assertEquals(
        root.resolve("cp").toString(),
        KafkaToSilver.checkpointDir(given, Lakehouse.at(root.toString())));
  }

  @Test
  public void checkpointDirWithoutAFolderIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> KafkaToSilver.parse(new String[] {"--checkpointDir", "/x"}));
    assertThat(e.getMessage(), containsString("--checkpointDir needs a folder"));
  }

  @Test
  public void checkpointDirOnAnUnknownStoreIsRefused() throws Exception {
    assertFails("the scheme 'gs' is not supported", options("--offsetsDir=gs://bucket/cp"));
  }
}
