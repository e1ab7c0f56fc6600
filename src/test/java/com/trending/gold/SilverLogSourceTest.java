package com.trending.gold;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.trending.common.Lakehouse;
import com.trending.common.StorageFormat;
import com.trending.common.Table;
import com.trending.gold.ReferenceModel.Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The streaming Silver read: each committed file once, an event-time watermark that follows the
 * data (not the wall clock), late and future events counted, and a checkpoint that resumes without
 * a gap or a repeat. On both table formats.
 */
public class SilverLogSourceTest {

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final Instant T0 = Instant.parse("2025-12-17T10:00:00Z");
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;

  private long late1h;
  private long late24h;
  private long future;

  private Table table(StorageFormat format) throws Exception {
    Table table =
        Lakehouse.at(tmp.newFolder(format.name()).toString(), format).silver(Lakehouse.VIEWS);
    table.log().create();
    return table;
  }

  private static SilverLogSource source(Table table) {
    return new SilverLogSource(
        table,
        Duration.ZERO,
        Duration.standardDays(1),
        Duration.standardHours(50),
        ReadSilver.projection(com.trending.common.Schemas.avro(Lakehouse.VIEWS)));
  }

  private static Event at(int movie, long offsetMillis) {
    return new Event(movie, T0.getMillis() + offsetMillis);
  }

  /**
   * Every event the reader has now, as "movie@offset-minutes", counting late (as EmitEventsFn does
   * for each table) and future events; each file's element timestamp is its earliest event.
   */
  private List<String> drain(UnboundedReader<SilverLogSource.FileEvents> reader, boolean started)
      throws Exception {
    List<String> out = new ArrayList<>();
    boolean more = started ? reader.advance() : reader.start();
    while (more) {
      SilverLogSource.FileEvents file = reader.getCurrent();
      long[] late = SilverLogSource.EmitEventsFn.tooLate(file, 3 * HOUR, 50 * HOUR);
      late1h += late[0];
      late24h += late[1];
      future += file.future;
      for (int i = 0; i < file.times.length; i++) {
        assertTrue(
            "no event before its file's timestamp",
            file.times[i] >= reader.getCurrentTimestamp().getMillis());
        out.add(file.movies[i] + "@" + (file.times[i] - T0.getMillis()) / MINUTE);
      }
      more = reader.advance();
    }
    Collections.sort(
        out,
        Comparator.comparingInt((String e) -> Integer.parseInt(e.substring(e.indexOf('@') + 1))));
    return out;
  }

  @Test
  public void watermarkFollowsTheEventsAndAnOutageOfAnyLengthLosesNothing() throws Exception {
    for (StorageFormat format : StorageFormat.values()) {
      watermarkFollowsTheEvents(format);
    }
  }

  private void watermarkFollowsTheEvents(StorageFormat format) throws Exception {
    Table table = table(format);
    late1h = late24h = future = 0;
    {
      SilverFiles.write(table, List.of(at(1, 0), at(2, 30 * MINUTE)), "a", 100);
      UnboundedReader<SilverLogSource.FileEvents> reader =
          source(table).createReader(PipelineOptionsFactory.create(), null);
      assertEquals(BoundedWindow.TIMESTAMP_MIN_VALUE, reader.getWatermark());
      assertEquals(List.of("1@0", "2@30"), drain(reader, false));
      assertEquals(
          "the latest event read", T0.plus(Duration.standardMinutes(30)), reader.getWatermark());

      // 3 h 10 min behind the latest event: too late for the 1 h table (window end + 2 h), not for
      // the 24 h table; counted, and still emitted (the windows drop it).
      SilverFiles.write(table, List.of(at(3, -160 * MINUTE), at(4, 60 * MINUTE)), "b", 100);
      assertEquals(List.of("3@-160", "4@60"), drain(reader, true));
      assertEquals(1, late1h);
      assertEquals(0, late24h);
      Instant beforeOutage = reader.getWatermark();
      assertEquals(T0.plus(Duration.standardHours(1)), beforeOutage);

      // An ingestion outage: nothing new, however long; the watermark waits with the data.
      for (int i = 0; i < 5; i++) {
        assertFalse(reader.advance());
        assertEquals(beforeOutage, reader.getWatermark());
      }
      // Then five hours of backlog arrive at once: none of it is late.
      List<Event> backlog = new ArrayList<>();
      for (int h = 1; h <= 5; h++) {
        backlog.add(at(10 + h, h * HOUR + 5 * MINUTE));
      }
      SilverFiles.write(table, backlog, "c", 100);
      assertEquals(List.of("11@65", "12@125", "13@185", "14@245", "15@305"), drain(reader, true));
      assertEquals("nothing of the backlog counted late", 1, late1h);
      assertEquals(T0.plus(Duration.millis(5 * HOUR + 5 * MINUTE)), reader.getWatermark());

      // An event two days ahead of the wall clock is dropped, counted, and moves nothing.
      long ahead = System.currentTimeMillis() + 2 * 24 * HOUR - T0.getMillis();
      SilverFiles.write(table, List.of(at(99, ahead), at(16, 6 * HOUR)), "d", 100);
      assertEquals(List.of("16@360"), drain(reader, true));
      assertEquals(1, future);
      assertEquals(T0.plus(Duration.standardHours(6)), reader.getWatermark());
      reader.close();
    }
  }

  /** A reader rebuilt from its checkpoint emits exactly the files its predecessor had not. */
  @Test
  public void aCheckpointResumesWithoutGapOrRepeat() throws Exception {
    Table table = table(StorageFormat.DELTA);
    SilverFiles.write(table, List.of(at(1, 0), at(2, MINUTE)), "a", 100);
    SilverLogSource source = source(table);
    UnboundedReader<SilverLogSource.FileEvents> first =
        source.createReader(PipelineOptionsFactory.create(), null);
    assertTrue(first.start());
    assertEquals(2, first.getCurrent().times.length);
    SilverLogSource.Mark mark =
        CoderUtils.clone(
            source.getCheckpointMarkCoder(), (SilverLogSource.Mark) first.getCheckpointMark());
    SilverFiles.write(table, List.of(at(3, 2 * MINUTE)), "b", 100);
    first.close();

    UnboundedReader<SilverLogSource.FileEvents> resumed =
        source.createReader(PipelineOptionsFactory.create(), mark);
    assertEquals(List.of("3@2"), drain(resumed, false));
    SilverFiles.write(table, List.of(at(4, 3 * MINUTE)), "c", 100);
    assertEquals(List.of("4@3"), drain(resumed, true));

    SilverLogSource.Mark end =
        CoderUtils.clone(
            source.getCheckpointMarkCoder(), (SilverLogSource.Mark) resumed.getCheckpointMark());
    UnboundedReader<SilverLogSource.FileEvents> again =
        source.createReader(PipelineOptionsFactory.create(), end);
    assertEquals("nothing twice", List.of(), drain(again, false));
    assertEquals(resumed.getWatermark(), again.getWatermark());
    assertEquals(T0.plus(Duration.standardMinutes(3)), again.getWatermark());
  }

  /**
   * The checkpoint forgets the files of a day once every window of that day is final (the watermark
   * 50 h past the day's end), and a reader rebuilt from it reads none of them again; a file
   * committed to that day afterwards is not read, one committed to an open day is.
   */
  @Test
  public void theCheckpointForgetsTheFilesOfClosedDays() throws Exception {
    for (StorageFormat format : StorageFormat.values()) {
      Table table = table(format);
      SilverLogSource source = source(table);
      // T0 is 2025-12-17T10:00Z: one file on the 17th, then one each on the 18th and the 19th.
      SilverFiles.write(table, List.of(at(1, 0)), "a", 100);
      SilverFiles.write(table, List.of(at(2, 24 * HOUR)), "b", 100);
      UnboundedReader<SilverLogSource.FileEvents> reader =
          source.createReader(PipelineOptionsFactory.create(), null);
      assertEquals(List.of("1@0", "2@1440"), drain(reader, false));
      assertEquals(format + ": both days open", 2, mark(source, reader).done.size());

      // The watermark reaches the 18th 10:00 + 1 day (the 19th 10:00): the 17th ended 34 h
      // before, still within 50 h. Then the 20th 10:00: 58 h past the 17th's end, closed.
      SilverFiles.write(table, List.of(at(3, 48 * HOUR)), "c", 100);
      assertEquals(List.of("3@2880"), drain(reader, true));
      assertFalse(reader.advance()); // the next look at the log moves the watermark to the 19th
      assertEquals(format + ": the 17th still open", 3, mark(source, reader).done.size());
      SilverFiles.write(table, List.of(at(4, 72 * HOUR)), "d", 100);
      assertEquals(List.of("4@4320"), drain(reader, true));
      assertFalse(reader.advance());
      SilverLogSource.Mark mark = mark(source, reader);
      assertEquals(format + ": the 17th forgotten", 3, mark.done.size());
      assertTrue(mark.done.stream().noneMatch(f -> f.contains("event_date=2025-12-17")));

      // A reader rebuilt from that checkpoint: nothing again, and a late file of the 17th is not
      // read, while one of the 18th (still open) is.
      SilverFiles.write(table, List.of(at(5, 60 * MINUTE)), "late17", 100);
      SilverFiles.write(table, List.of(at(6, 25 * HOUR)), "late18", 100);
      UnboundedReader<SilverLogSource.FileEvents> resumed = source.createReader(null, mark);
      assertEquals(format + "", List.of("6@1500"), drain(resumed, false));
    }
  }

  /** The log's version moves with each commit and only then: the reader's cue to read the log. */
  @Test
  public void logVersionMovesWithEachCommitOnly() throws Exception {
    for (StorageFormat format : StorageFormat.values()) {
      Table table = table(format);
      long empty = table.log().version();
      SilverFiles.write(table, List.of(at(1, 0)), "a", 100);
      long first = table.log().version();
      assertTrue(format + ": " + empty + " then " + first, first > empty);
      assertEquals(format.toString(), first, table.log().version());
      SilverFiles.write(table, List.of(at(2, 0)), "b", 100);
      assertTrue(format.toString(), table.log().version() > first);
    }
  }

  /**
   * With nothing new in the log, the reader waits a moment before saying so, once per call: the
   * Direct runner asks again at once, in a loop that would otherwise keep a core busy.
   */
  @Test
  public void anIdleReaderWaitsBeforeSayingSo() throws Exception {
    Table table = table(StorageFormat.PARQUET);
    SilverLogSource source =
        new SilverLogSource(
            table,
            Duration.standardMinutes(1),
            Duration.standardDays(1),
            Duration.standardHours(50),
            ReadSilver.projection(com.trending.common.Schemas.avro(Lakehouse.VIEWS)));
    UnboundedReader<SilverLogSource.FileEvents> reader =
        source.createReader(PipelineOptionsFactory.create(), null);
    assertFalse(reader.start()); // looked at the log: empty
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      assertFalse(reader.advance());
      long waited = (System.nanoTime() - start) / 1_000_000;
      assertTrue("waited " + waited + " ms", waited >= SilverLogSource.IDLE_WAIT.getMillis() - 1);
    }
  }

  private static SilverLogSource.Mark mark(
      SilverLogSource source, UnboundedReader<SilverLogSource.FileEvents> reader) throws Exception {
    return CoderUtils.clone(
        source.getCheckpointMarkCoder(), (SilverLogSource.Mark) reader.getCheckpointMark());
  }
}
