package com.trending.gold;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.trending.common.CommittedFiles;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.gold.ReferenceModel.Event;
import com.trending.silver.DeduplicateEvents;
import com.trending.silver.SilverEvent;
import com.trending.silver.WriteParquetTables;
import com.trending.testing.SparkSql;
import com.trending.viewer.ShowTrending;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A lakehouse whose path holds what Beam, Hadoop and Spark take for glob or URI syntax (spaces,
 * {@code [ ] * ? { } %20 #}), on both formats: Silver written by the ingestion's own transforms
 * (deduplication against committed files, then {@link WriteParquetTables}) and committed as a batch
 * commits it, a second batch that repeats events, a file no commit names, then the Gold batch
 * recompute. Gold equals the reference model; Spark SQL and delta-spark read exactly the committed
 * rows; the viewer counts them. Gold is recomputed on the Direct and on the Spark runner.
 */
public class HostileLakehousePathIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static final String HOSTILE = "lake house [1] *? {a,b} %20 #x";

  @Test
  public void parquetLakehouseUnderAHostilePath() throws Exception {
    runOn(StorageFormat.PARQUET);
  }

  @Test
  public void deltaLakehouseUnderAHostilePath() throws Exception {
    runOn(StorageFormat.DELTA);
  }

  private void runOn(StorageFormat format) throws Exception {
    String formatName = format.name().toLowerCase(Locale.ROOT);
    Path root = tmp.getRoot().toPath().resolve(HOSTILE).resolve(formatName);
    Lakehouse lakehouse = Lakehouse.at(root.toString(), format);
    Random random = new Random(7);
    List<Event> views =
        ReferenceModel.randomEvents(random, 1500, 20, ComputeTrendingTest.START, 30);
    List<Event> clicks =
        ReferenceModel.randomEvents(random, 400, 20, ComputeTrendingTest.START, 30);
    List<GenericRecord> viewRows = rows(Lakehouse.VIEWS, views);
    ingest(lakehouse, Lakehouse.VIEWS, viewRows.subList(0, 900), 1);
    ingest(lakehouse, Lakehouse.VIEWS, viewRows, 2); // 900 of them already in Silver
    ingest(lakehouse, Lakehouse.CLICKS, rows(Lakehouse.CLICKS, clicks), 1);
    Table viewsTable = lakehouse.silver(Lakehouse.VIEWS);
    Path stray =
        viewsTable.path().resolve("event_date=2025-12-17").resolve("part-stray.snappy.parquet");
    Files.copy(CommittedFiles.localPath(viewsTable.log().files().get(0)), stray);

    // Silver: the ids of every event once, read by Spark SQL (Parquet) or delta-spark.
    for (String topic : List.of(Lakehouse.VIEWS, Lakehouse.CLICKS)) {
      List<GenericRecord> expected = topic.equals(Lakehouse.VIEWS) ? viewRows : rows(topic, clicks);
      Set<String> ids = new HashSet<>();
      expected.forEach(r -> ids.add(r.get("event_id").toString()));
      List<String> read =
          SparkSql.read(lakehouse.silver(topic))
              .select("event_id")
              .as(Encoders.STRING())
              .collectAsList();
      assertEquals(format + " " + topic + " rows", expected.size(), read.size());
      assertEquals(format + " " + topic + " ids", ids, new HashSet<>(read));
    }

    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs(
                "--lakehousePath=" + root,
                "--storageFormat=" + formatName,
                "--streaming=false",
                "--runner=DirectRunner")
            .as(TrendingToGoldOptions.class);
    assertEquals(PipelineResult.State.DONE, TrendingToGold.run(options));
    assertGold(lakehouse.gold(Lakehouse.TRENDING_1H), ReferenceModel.oneHour(views, clicks));
    assertGold(
        lakehouse.gold(Lakehouse.TRENDING_24H), ReferenceModel.twentyFourHours(views, clicks));
    // The same recompute on the Spark runner (local, this JVM's Spark context).
    List<String> onSpark =
        new ArrayList<>(
            List.of(
                "--lakehousePath=" + root, "--storageFormat=" + formatName, "--streaming=false"));
    onSpark.addAll(List.of(SparkSql.beamSparkRunnerArgs()));
    assertEquals(
        PipelineResult.State.DONE,
        TrendingToGold.run(
            PipelineOptionsFactory.fromArgs(onSpark.toArray(new String[0]))
                .as(TrendingToGoldOptions.class)));
    assertGold(lakehouse.gold(Lakehouse.TRENDING_1H), ReferenceModel.oneHour(views, clicks));

    String view = show(lakehouse);
    assertTrue(
        view,
        view.contains(String.format("silver/%-15s %,12d rows", Lakehouse.VIEWS, views.size())));
    assertTrue(view, view.contains("trending_now_24h: window ending"));
    System.out.printf("%s lakehouse at '%s': Silver, Gold and the viewer exact%n", format, root);
  }

  /** Gold as the pipeline reads it and as Spark SQL (or delta-spark) does: the model's rows. */
  private static void assertGold(Table table, List<TrendRow> expected) throws Exception {
    assertEquals(
        table + " read back", new HashSet<>(expected), new HashSet<>(GoldTable.read(table)));
    List<TrendRow> read = new ArrayList<>();
    for (Row r : SparkSql.read(table).collectAsList()) {
      read.add(SparkReader.toTrendRow(r));
    }
    assertEquals(table + " read by Spark", expected.size(), read.size());
    assertEquals(table + " read by Spark", new HashSet<>(expected), new HashSet<>(read));
  }

  /** Silver rows of {@code topic}, one per event, with ids that repeat for the same position. */
  private static List<GenericRecord> rows(String topic, List<Event> events) {
    Schema schema = Schemas.avro(topic);
    List<GenericRecord> rows = new ArrayList<>();
    for (Event e : events) {
      GenericRecord r = new GenericData.Record(schema);
      r.put(
          "event_id",
          UUID.nameUUIDFromBytes((topic + rows.size()).getBytes(StandardCharsets.UTF_8))
              .toString());
      r.put("event_ts", e.ts);
      r.put("user_id", 1);
      r.put("movie_id", e.movieId);
      rows.add(r);
    }
    return rows;
  }

  /**
   * One ingestion batch of {@code rows} into the Silver table of {@code topic}: deduplicated
   * against the table's committed files and written by the ingestion's transforms, then its files
   * found and committed as Kafka → Silver finds and commits them (run id prefix, data files only,
   * URIs).
   */
  private static void ingest(
      Lakehouse lakehouse, String topic, List<GenericRecord> rows, long batch) throws Exception {
    Table table = lakehouse.silver(topic);
    table.log().create();
    String runId = String.format("b%06d-%s", batch, UUID.randomUUID());
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(
            Create.of(List.of(rows.stream().map(new SilverEvent.Rows(topic)::of).toList()))
                .withCoder(ListCoder.of(SilverEvent.Coder.of())))
        .apply(
            new DeduplicateEvents(Map.of(topic, table.log().files()), table.storage(), 4)
                .fromEvents())
        .apply(WriteParquetTables.silver(lakehouse, runId));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
    List<String> files;
    try (Stream<Path> all = Files.walk(table.path())) {
      files =
          all.filter(
                  f -> f.getFileName().toString().startsWith(WriteParquetTables.filePrefix(runId)))
              .filter(f -> Lakehouse.isDataFile(table.dir(), f.toString()))
              .map(f -> f.toUri().toString())
              .sorted()
              .toList();
    }
    assertTrue(table + ": batch " + batch + " wrote files", !files.isEmpty());
    assertTrue(table.log().append("kafka-to-silver/test", batch, files));
  }

  private static String show(Lakehouse lakehouse) throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      ShowTrending.show(lakehouse, 3, null, false);
    } finally {
      System.setOut(out);
    }
    return printed.toString(StandardCharsets.UTF_8);
  }
}
