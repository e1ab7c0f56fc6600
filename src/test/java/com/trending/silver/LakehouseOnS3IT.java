package com.trending.silver;

import com.trending.testing.LocalS3;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.ClassRule;

/**
 * {@link LakehouseOnStoreIT} on the S3-compatible server of scripts/s3-start.sh, configured as a
 * user would: the AWS variables the start script prints.
 */
public class LakehouseOnS3IT extends LakehouseOnStoreIT {

  @ClassRule public static final LocalS3 S3 = new LocalS3("lakehouse-it");

  @Override
  protected String lakehouse(String name) {
    return S3.lakehousePath() + "/" + name;
  }

  @Override
  protected Map<String, String> storeEnvironment() {
    return S3.clientEnvironment();
  }

  @Override
  protected void configureSparkReader(Configuration conf) {
    S3.applyTo(conf);
  }
}
