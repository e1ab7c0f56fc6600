package com.trending.silver;

import com.trending.testing.LocalHdfs;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.ClassRule;

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
}
