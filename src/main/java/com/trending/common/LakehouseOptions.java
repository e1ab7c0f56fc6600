package com.trending.common;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Options shared by both pipelines: where the lakehouse lives and in which format.
 *
 * <p>Each option defaults to the environment variable the data contract names, then to the
 * contract's default, so {@code LAKEHOUSE_PATH=/data/lh} and {@code --lakehousePath=/data/lh} mean
 * the same thing.
 */
public interface LakehouseOptions extends PipelineOptions {

  @Description("Lakehouse root folder (env LAKEHOUSE_PATH, default 'lakehouse').")
  @Default.InstanceFactory(LakehousePathFactory.class)
  String getLakehousePath();

  void setLakehousePath(String value);

  @Description(
      "Table format: 'parquet' (Parquet + Spark's _spark_metadata commit log) or 'delta' (Delta"
          + " Lake) (env STORAGE_FORMAT, default 'parquet').")
  @Default.InstanceFactory(StorageFormatFactory.class)
  String getStorageFormat();

  void setStorageFormat(String value);

  /** Reads an environment variable, falling back to a default when it is unset or blank. */
  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  /** Default of {@link #getLakehousePath()}. */
  class LakehousePathFactory implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env("LAKEHOUSE_PATH", "lakehouse");
    }
  }

  /** Default of {@link #getStorageFormat()}. */
  class StorageFormatFactory implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env("STORAGE_FORMAT", "parquet");
    }
  }
}
