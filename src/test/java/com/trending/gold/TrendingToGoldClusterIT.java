package com.trending.gold;

import com.trending.testing.LocalSparkCluster;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Streaming Silver → Gold submitted to a real Spark standalone cluster with the shaded jar: Gold
 * catches up with the reference model, then again after new Silver files land.
 */
public class TrendingToGoldClusterIT {
  @ClassRule public static final LocalSparkCluster SPARK = new LocalSparkCluster();
  // Under target/ rather than /tmp: executors may still be finishing a file when the folder is
  // deleted, and whatever stays behind is then build output.
  @Rule public final TemporaryFolder tmp = new TemporaryFolder(new File("target"));

  @Test(timeout = 900_000)
  public void goldFollowsGrowingSilverOnTheCluster() throws Exception {
    Path root = tmp.getRoot().toPath().resolve("lakehouse");
    Path log = tmp.getRoot().toPath().resolve("trending-to-gold.log");
    StreamingHarness.run(
        root,
        420_000,
        args -> {
          List<String> options = new ArrayList<>(args);
          options.add(
              "--batchIntervalMillis=15000"); // each micro-batch takes ~12 s here, whatever its
          // data
          LocalSparkCluster.Job job =
              SPARK.submit(
                  "trending-to-gold",
                  Map.of("LAKEHOUSE_PATH", root.toString()),
                  log,
                  options.toArray(new String[0]));
          return new StreamingHarness.Job() {
            @Override
            public boolean isAlive() {
              return job.isAlive();
            }

            @Override
            public String describe() {
              return "driver log:\n" + job.tail();
            }

            @Override
            public void stop() throws Exception {
              job.terminate();
              job.awaitExit(180);
            }
          };
        });
  }
}
