package com.trending.gold;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.trending.common.CommittedFiles;
import com.trending.common.Lakehouse;
import com.trending.common.Schemas;
import com.trending.common.Storage;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.gold.ReferenceModel.Event;
import com.trending.silver.DeduplicateEvents;
import com.trending.silver.SilverEvent;
import com.trending.viewer.ShowTrending;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Hostile files in table folders, on both formats. A file that no commit names (dropped by hand,
 * empty, not Parquet, or a stray copy of real data) is never opened by Gold, deduplication or the
 * viewer. A committed file that is empty, cut short or gone fails each of them with an error that
 * names the file and the table, never a silent skip.
 */
public class DamagedFilesTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String DAY = "event_date=2025-12-17";

  /** What disk damage or a careless hand can do to a committed file. */
  enum Damage {
    EMPTY,
    CUT_SHORT,
    GONE;

    void applyTo(Path file) throws Exception {
      switch (this) {
        case EMPTY -> Files.write(file, new byte[0]);
        case CUT_SHORT -> {
          byte[] bytes = Files.readAllBytes(file);
          Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        }
        case GONE -> Files.delete(file);
      }
    }
  }

  /** A lakehouse with Silver views and clicks committed, and the events they hold. */
  private static final class Silver {
    final Path root;
    final Lakehouse lakehouse;
    final List<Event> views;
    final List<Event> clicks;

    Silver(Path root, StorageFormat format) throws Exception {
      this.root = root;
      this.lakehouse = Lakehouse.at(root.toString(), format);
      Random random = new Random(11);
      views = ReferenceModel.randomEvents(random, 2000, 30, ComputeTrendingTest.START, 30);
      clicks = ReferenceModel.randomEvents(random, 500, 30, ComputeTrendingTest.START, 30);
      SilverFiles.write(lakehouse.silver(Lakehouse.VIEWS), views, "part", 300);
      SilverFiles.write(lakehouse.silver(Lakehouse.CLICKS), clicks, "part", 300);
    }

    Table table() {
      return lakehouse.silver(Lakehouse.VIEWS);
    }

    /** The first committed views file of {@link #DAY}. */
    String committedFile() {
      return table().log().files().stream()
          .filter(f -> f.contains("/" + DAY + "/"))
          .findFirst()
          .orElseThrow();
    }

    PipelineResult.State recomputeGold() throws Exception {
      return TrendingToGold.run(
          PipelineOptionsFactory.fromArgs(
                  "--lakehousePath=" + root,
                  "--storageFormat=" + lakehouse.format().name().toLowerCase(Locale.ROOT),
                  "--streaming=false",
                  "--runner=DirectRunner")
              .as(TrendingToGoldOptions.class));
    }

    void assertGoldEqualsModel() throws Exception {
      assertEquals(
          new HashSet<>(ReferenceModel.oneHour(views, clicks)),
          new HashSet<>(GoldTable.read(lakehouse.gold(Lakehouse.TRENDING_1H))));
      assertEquals(
          new HashSet<>(ReferenceModel.twentyFourHours(views, clicks)),
          new HashSet<>(GoldTable.read(lakehouse.gold(Lakehouse.TRENDING_24H))));
    }
  }

  @Test
  public void uncommittedFilesAreIgnoredByEveryReaderOnParquet() throws Exception {
    uncommittedFilesAreIgnoredByEveryReader(StorageFormat.PARQUET);
  }

  @Test
  public void uncommittedFilesAreIgnoredByEveryReaderOnDelta() throws Exception {
    uncommittedFilesAreIgnoredByEveryReader(StorageFormat.DELTA);
  }

  private void uncommittedFilesAreIgnoredByEveryReader(StorageFormat format) throws Exception {
    Silver silver = new Silver(tmp.newFolder().toPath(), format);
    Table table = silver.table();
    Path day = table.path().resolve(DAY);
    String committed = silver.committedFile();
    GenericRecord inSilver = firstRecord(committed);
    // Foreign files: empty, not Parquet, a copy of committed rows, and valid rows of a new event.
    Files.write(day.resolve("part-empty.snappy.parquet"), new byte[0]);
    Files.write(
        day.resolve("part-garbage.parquet"), "not parquet".getBytes(StandardCharsets.UTF_8));
    Files.write(table.path().resolve("part-at-the-root.parquet"), new byte[0]);
    Files.copy(CommittedFiles.localPath(committed), day.resolve("part-copy.snappy.parquet"));
    String foreign =
        SilverFiles.writeUncommitted(
                table,
                List.of(new Event(7, (Long) inSilver.get("event_ts"))),
                "dropped-by-hand",
                10)
            .get(0);
    GenericRecord notInSilver = firstRecord(foreign);
    Files.write(
        Files.createDirectories(Path.of(silver.lakehouse.goldTable(Lakehouse.TRENDING_1H)))
            .resolve("part-foreign.parquet"),
        new byte[0]);

    assertEquals(PipelineResult.State.DONE, silver.recomputeGold());
    silver.assertGoldEqualsModel();

    // Deduplication knows the committed event and not the one only a foreign file holds.
    deduplicate(
        silver.lakehouse, List.of(inSilver, notInSilver), notInSilver.get("event_id").toString());

    String view = show(silver.lakehouse);
    assertTrue(
        view,
        view.contains(
            String.format("silver/%-15s %,12d rows", Lakehouse.VIEWS, silver.views.size())));
    assertTrue(
        view,
        view.contains(
            String.format("silver/%-15s %,12d rows", Lakehouse.CLICKS, silver.clicks.size())));
  }

  @Test
  public void damagedCommittedSilverFileStopsEveryReaderWithItsName() throws Exception {
    for (StorageFormat format : StorageFormat.values()) {
      for (Damage damage : Damage.values()) {
        String what = format + "/" + damage;
        Silver silver = new Silver(tmp.newFolder().toPath(), format);
        Table table = silver.table();
        String file = silver.committedFile();
        GenericRecord event = firstRecord(file);
        damage.applyTo(CommittedFiles.localPath(file));

        try {
          silver.recomputeGold();
          fail(what + ": Gold was computed without a committed file");
        } catch (Exception e) {
          assertNamesFile(what + " Gold", e, file, table.dir());
        }
        try {
          deduplicate(silver.lakehouse, List.of(event));
          fail(what + ": deduplication ran without a committed file");
        } catch (Exception e) {
          assertNamesFile(what + " dedup", e, file, table.dir());
        }
        assertNamesFile(
            what + " viewer",
            assertThrows(IllegalStateException.class, () -> show(silver.lakehouse)),
            file,
            table.dir());
      }
    }
  }

  /**
   * A damaged Gold file: readers (the viewer, a streaming refresh that merges into it) stop and
   * name it; a batch recompute, which never reads Gold, rebuilds it.
   */
  @Test
  public void damagedGoldFileIsNamedByReadersAndRebuiltByABatchRecompute() throws Exception {
    for (StorageFormat format : StorageFormat.values()) {
      Silver silver = new Silver(tmp.newFolder().toPath(), format);
      assertEquals(PipelineResult.State.DONE, silver.recomputeGold());
      Table gold = silver.lakehouse.gold(Lakehouse.TRENDING_1H);
      String file = gold.log().files().get(0);
      Damage.EMPTY.applyTo(CommittedFiles.localPath(file));

      assertNamesFile(
          format + " read",
          assertThrows(IllegalStateException.class, () -> GoldTable.read(gold)),
          file,
          gold.dir());
      assertNamesFile(
          format + " viewer",
          assertThrows(IllegalStateException.class, () -> show(silver.lakehouse)),
          file,
          gold.dir());
      assertEquals(PipelineResult.State.DONE, silver.recomputeGold());
      silver.assertGoldEqualsModel();
    }
  }

  /** Deduplicates {@code events} against Silver's committed files; asserts the ids it keeps. */
  private static void deduplicate(Lakehouse lakehouse, List<GenericRecord> events, String... kept) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PAssert.that(
            p.apply(
                    Create.of(
                            List.of(
                                events.stream()
                                    .map(new SilverEvent.Rows(Lakehouse.VIEWS)::of)
                                    .toList()))
                        .withCoder(ListCoder.of(SilverEvent.Coder.of())))
                .apply(
                    new DeduplicateEvents(
                            Map.of(
                                Lakehouse.VIEWS, lakehouse.silver(Lakehouse.VIEWS).log().files()),
                            lakehouse.storage(),
                            4)
                        .fromEvents())
                .apply(
                    "Ids",
                    FlatMapElements.into(TypeDescriptors.strings())
                        .via(
                            bucket ->
                                bucket.getValue().stream().map(SilverEvent::eventId).toList())))
        .containsInAnyOrder(kept);
    p.run().waitUntilFinish();
  }

  /** What the viewer prints. */
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

  private static GenericRecord firstRecord(String file) {
    List<GenericRecord> records = new ArrayList<>();
    CommittedFiles.reader(Storage.local())
        .forEachRecord(
            file,
            "test",
            r -> {
              if (records.isEmpty()) {
                GenericRecord copy = new GenericData.Record(Schemas.avro(Lakehouse.VIEWS));
                copy.put("event_id", r.get("event_id").toString());
                copy.put("event_ts", r.get("event_ts"));
                copy.put("user_id", r.get("user_id"));
                copy.put("movie_id", r.get("movie_id"));
                records.add(copy);
              }
            });
    return records.get(0);
  }

  /**
   * Somewhere in {@code e}'s causes: "Cannot read <file> committed to <table…>: …", with the file
   * as a local path.
   */
  static void assertNamesFile(String what, Throwable e, String file, String tableDir) {
    String expected = "Cannot read " + CommittedFiles.localPath(file) + " committed to ";
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalStateException
          && t.getMessage() != null
          && t.getMessage().startsWith(expected)) {
        assertTrue(what + ": " + t.getMessage(), t.getMessage().contains(tableDir));
        System.out.println(what + ": " + t.getMessage());
        return;
      }
    }
    throw new AssertionError(what + ": no error names " + file, e);
  }
}
