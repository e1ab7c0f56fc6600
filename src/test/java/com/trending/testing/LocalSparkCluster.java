package com.trending.testing;

import java.io.IOException;

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
public class LocalSparkCluster extends LocalRunnerCluster {
  private String masterUrl;

  public LocalSparkCluster() {
    super("LocalSparkCluster", "spark");
  }

  @Override
  protected int configure() throws IOException {
    int[] ports = Scripts.freePorts(3);
    env.put("SPARK_MASTER_PORT", Integer.toString(ports[0]));
    env.put("SPARK_MASTER_WEBUI_PORT", Integer.toString(ports[1]));
    env.put("SPARK_WORKER_WEBUI_PORT", Integer.toString(ports[2]));
    env.put("SPARK_APP_BUILD_DIR", repoRoot.resolve("target").resolve("spark-app").toString());
    masterUrl = "spark://127.0.0.1:" + ports[0];
    env.put("SPARK_MASTER_URL", masterUrl);
    return ports[0];
  }

  /** {@code spark://127.0.0.1:<port>}. */
  public String masterUrl() {
    return masterUrl;
  }
}
