package com.trending.common;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import com.trending.silver.KafkaToSilver;
import java.util.Properties;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** {@link RunnerDefaults#sparkSettings}: what a Spark job sets before its context starts. */
public class RunnerDefaultsTest {
  private static final String COMPRESS = "spark.shuffle.compress";
  private Properties saved;

  @Before
  public void save() {
    saved = (Properties) System.getProperties().clone();
    System.clearProperty(COMPRESS);
    System.clearProperty("spark.master");
  }

  @After
  public void restore() {
    System.setProperties(saved);
  }

  private static void parse(String... args) {
    KafkaToSilver.parse(args);
  }

  @Test
  public void aLocalMasterShufflesUncompressed() {
    parse("--runner=SparkRunner", "--sparkMaster=local[2]");
    assertEquals("false", System.getProperty(COMPRESS));
  }

  @Test
  public void aClusterKeepsSparksCompression() {
    parse("--runner=SparkRunner", "--sparkMaster=spark://127.0.0.1:7077");
    assertNull(System.getProperty(COMPRESS));
  }

  @Test
  public void sparkSubmitsMasterCountsOverTheOption() {
    System.setProperty("spark.master", "spark://127.0.0.1:7077");
    parse("--runner=SparkRunner"); // the option's default is local[4]
    assertNull(System.getProperty(COMPRESS));
  }

  @Test
  public void aGivenSettingIsKept() {
    System.setProperty(COMPRESS, "true");
    parse("--runner=SparkRunner", "--sparkMaster=local[2]");
    assertEquals("true", System.getProperty(COMPRESS));
  }
}
