package com.trending.silver;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import com.trending.common.Storage;
import com.trending.testing.LocalHdfs;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.ClassRule;
import org.junit.Test;

/** {@link LakehouseOnStoreIT} on the single-node HDFS of scripts/hdfs-start.sh. */
public class LakehouseOnHdfsIT extends LakehouseOnStoreIT {

  @ClassRule public static final LocalHdfs HDFS = new LocalHdfs();

  @Override
  protected String lakehouse(String name) {
    return HDFS.lakehousePath() + "/" + name;
  }

  @Override
  protected Map<String, String> storeEnvironment() {
    return Map.of();
  }

  @Override
  protected void configureSparkReader(Configuration conf) {
    // hdfs://host:port paths need nothing more
  }

  /**
   * A batch's files get their final names at once, so a task that a runner retries (a Spark
   * executor lost mid-write) writes the name its first attempt left open, whose HDFS lease that
   * attempt's client still holds for up to a minute. HDFS lets a create that overwrites take the
   * file from its holder: the retry replaces the unfinished file at once, neither waiting for the
   * lease nor failing the batch.
   */
  @Test
  public void aRetriedWriteReplacesTheFileItsDeadAttemptLeftOpen() throws Exception {
    String location = lakehouse("retried-write") + "/event_date=2025-12-17/part-r1-00000.parquet";
    byte[] rows = "the retried attempt's rows".getBytes(StandardCharsets.UTF_8);
    try (FileSystem deadAttempt = HDFS.fileSystem()) {
      FSDataOutputStream unfinished = deadAttempt.create(new Path(location), true);
      unfinished.write("half a file".getBytes(StandardCharsets.UTF_8));
      unfinished.hflush(); // on the DataNode, the lease held: as an attempt that died mid-write

      Storage storage = Storage.forLocation(location);
      long start = System.nanoTime();
      try (OutputStream retry = storage.create(location)) {
        retry.write(rows);
      }
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      assertTrue("the retry waited " + seconds + " s for the dead attempt's lease", seconds < 20);
      assertArrayEquals(rows, storage.read(location));
    }
  }
}
