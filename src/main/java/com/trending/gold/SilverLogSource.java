package com.trending.gold;

import com.trending.common.CommittedFiles;
import com.trending.common.Table;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Streaming read of one Silver table: each file the table's log commits, once, as one element
 * holding its events ({@link FileEvents}), under an <b>event-time watermark</b>; {@link
 * EmitEventsFn} then emits each event's {@code movie_id} stamped with its {@code event_ts}.
 *
 * <p>The watermark is the latest event time of the Silver data read up to the previous look at the
 * log, as the seed's Spark job takes the latest event time of its previous micro-batch: each Gold
 * table's allowed lateness (2 h, 26 h) is then measured from the events themselves, not from the
 * wall clock. An ingestion outage of any length stops the watermark with the data, and what arrives
 * afterwards is on time. A file's element carries the file's earliest event time, which holds the
 * watermark downstream until its events are out, so no event of a file is late because of another
 * event of the same look at the log. Events dated more than {@code futureBound} ahead of the wall
 * clock when read (a device with a wrong clock) are dropped and counted ({@code
 * droppedFutureEvents}): they would otherwise hold window state until that date or, through the
 * watermark, make every real event late.
 *
 * <p>An {@link UnboundedSource} (rather than a splittable DoFn) because the Spark runner runs only
 * those in streaming; one reader per table, so that its watermark covers every file; one element
 * per file, so that a runner's cost per source element (the Direct runner's bundles, the checkpoint
 * of each) is paid per file, not per event. The checkpoint records the files read and the
 * watermark, so a runner that rebuilds the reader from it (Spark does so for each micro-batch)
 * neither skips nor repeats a file.
 *
 * <p>The checkpoint forgets the files of closed days: a day of Silver ({@code event_date}) is
 * closed once the watermark is more than the horizon (the 24-hour table's window and lateness, 50
 * h) past its end, when every Gold window its events fall in is final. Its files are no longer
 * read, so the checkpoint holds the files of the last three days or so however long the job runs. A
 * file committed to a day after it closed (events more than two days late) is not read at all, so
 * its events, which every table would drop, are not counted in {@code droppedLateEvents*}.
 */
class SilverLogSource extends UnboundedSource<SilverLogSource.FileEvents, SilverLogSource.Mark> {
  /**
   * How long a reader with nothing to emit waits, once, before saying so (never past its next look
   * at the log). The Direct runner asks again at once, and its scheduler loops without pause
   * between asks: on one worker thread (Gold's streaming default there) this wait is what paces it.
   * Short, because the steps of a refresh queue behind it on that thread: with 100 ms the 1-hour
   * table committed 0.4-0.8 s after each refresh moment, with 25-50 ms 0.3-0.5 s; an idle job takes
   * 0.05-0.07 cores instead of 0.04.
   */
  static final Duration IDLE_WAIT = Duration.millis(50);

  private static final Pattern PARTITION =
      Pattern.compile("/" + Table.PARTITION_COLUMN + "=(\\d{4}-\\d{2}-\\d{2})/");

  private final Table table;
  private final Duration pollPeriod;
  private final Duration futureBound;
  private final Duration horizon;
  private final CommittedFiles.Reader files;

  /**
   * @param horizon how far behind the watermark an event still counts in some Gold window (the
   *     longest table's window plus its allowed lateness): a day of Silver wholly behind it is
   *     closed
   */
  SilverLogSource(
      Table table, Duration pollPeriod, Duration futureBound, Duration horizon, Schema projection) {
    this.table = table;
    this.pollPeriod = pollPeriod;
    this.futureBound = futureBound;
    this.horizon = horizon;
    this.files = CommittedFiles.reader(table.storage(), projection);
  }

  /** The events of one committed file, and the watermark when it was read. */
  static final class FileEvents implements Serializable {
    final int[] movies;
    final long[] times;
    final long watermark;
    final long future;

    FileEvents(int[] movies, long[] times, long watermark, long future) {
      this.movies = movies;
      this.times = times;
      this.watermark = watermark;
      this.future = future;
    }

    long min() {
      return Arrays.stream(times).min().orElse(watermark);
    }

    long max() {
      return Arrays.stream(times).max().orElse(watermark);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FileEvents f
          && Arrays.equals(movies, f.movies)
          && Arrays.equals(times, f.times)
          && watermark == f.watermark
          && future == f.future;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(times) * 31 + Long.hashCode(watermark);
    }
  }

  /** Where a reader stands: the files read, the watermark, the latest event time read. */
  static final class Mark implements UnboundedSource.CheckpointMark, Serializable {
    final TreeSet<String> done;
    final long watermark;
    final long maxSeen;

    Mark(TreeSet<String> done, long watermark, long maxSeen) {
      this.done = done;
      this.watermark = watermark;
      this.maxSeen = maxSeen;
    }

    @Override
    public void finalizeCheckpoint() {
      // Nothing to acknowledge: the log is read, never consumed.
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Mark m
          && done.equals(m.done)
          && watermark == m.watermark
          && maxSeen == m.maxSeen;
    }

    @Override
    public int hashCode() {
      return done.hashCode() * 31 + Long.hashCode(watermark);
    }
  }

  @Override
  public List<SilverLogSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this); // one reader: its watermark must cover every file of the table
  }

  @Override
  public UnboundedReader<FileEvents> createReader(PipelineOptions options, Mark mark) {
    return new Reader(this, mark);
  }

  @Override
  public Coder<Mark> getCheckpointMarkCoder() {
    return SerializableCoder.of(Mark.class);
  }

  @Override
  public Coder<FileEvents> getOutputCoder() {
    return SerializableCoder.of(FileEvents.class);
  }

  /** Reads the new files of the log one after the other, two columns each. */
  static class Reader extends UnboundedSource.UnboundedReader<FileEvents> {
    private final SilverLogSource source;
    private final TreeSet<String> done;
    private final Deque<String> queue = new ArrayDeque<>();
    private FileEvents current;
    private long watermark;
    private long maxSeen;
    private long lastPoll;
    private boolean waited;
    private long seenVersion = Long.MIN_VALUE; // the log's version at the last look, if any

    Reader(SilverLogSource source, Mark mark) {
      this.source = source;
      this.done = mark == null ? new TreeSet<>() : new TreeSet<>(mark.done);
      this.watermark =
          mark == null ? BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis() : mark.watermark;
      this.maxSeen = mark == null ? BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis() : mark.maxSeen;
    }

    @Override
    public boolean start() throws IOException {
      return advance();
    }

    @Override
    public boolean advance() throws IOException {
      while (true) {
        if (!queue.isEmpty()) {
          String file = queue.poll();
          current = read(file);
          done.add(file);
          if (current.times.length > 0) {
            maxSeen = Math.max(maxSeen, current.max());
          }
          return true;
        }
        current = null;
        // Everything found at the previous look at the log is out: the watermark moves up to it.
        watermark = Math.max(watermark, maxSeen);
        long now = System.currentTimeMillis();
        long untilPoll = lastPoll + source.pollPeriod.getMillis() - now;
        if (untilPoll > 0) {
          if (waited) {
            waited = false;
            return false;
          }
          waited = true;
          sleep(Math.min(untilPoll, IDLE_WAIT.getMillis()));
          continue;
        }
        waited = false;
        lastPoll = now;
        String firstOpenDay = firstOpenDay();
        done.removeIf(file -> isClosed(file, firstOpenDay));
        long version = source.table.log().version();
        if (version != seenVersion) { // else nothing was committed since the last look
          for (String file : source.table.log().files()) {
            if (!done.contains(file) && !isClosed(file, firstOpenDay)) {
              queue.add(file);
            }
          }
          seenVersion = version;
        }
        if (queue.isEmpty()) {
          return false;
        }
      }
    }

    private static void sleep(long millis) throws IOException {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Interrupted while waiting for the Silver log");
      }
    }

    /**
     * The earliest {@code event_date} some of whose events a Gold window still takes: every event
     * of an earlier day is older than the watermark minus the horizon.
     */
    private String firstOpenDay() {
      long cutoff = watermark - source.horizon.getMillis();
      if (cutoff < 0) {
        return "";
      }
      return LocalDate.ofInstant(java.time.Instant.ofEpochMilli(cutoff), ZoneOffset.UTC).toString();
    }

    /** Whether a file belongs to a closed day (one in a folder {@code event_date=} before it). */
    private static boolean isClosed(String file, String firstOpenDay) {
      Matcher day = PARTITION.matcher(file);
      return day.find() && day.group(1).compareTo(firstOpenDay) < 0;
    }

    /** One committed file's events, those too far in the future left out and counted. */
    private FileEvents read(String file) {
      long futureLimit = System.currentTimeMillis() + source.futureBound.getMillis();
      int[][] movies = {new int[1024]};
      long[][] times = {new long[1024]};
      int[] n = {0};
      long[] future = {0};
      source.files.forEachRecord(
          file,
          source.table.toString(),
          r -> {
            long ts = ReadSilver.eventTime(r.get("event_ts")).getMillis();
            if (ts > futureLimit) {
              future[0]++;
              return;
            }
            if (n[0] == movies[0].length) {
              movies[0] = Arrays.copyOf(movies[0], n[0] * 2);
              times[0] = Arrays.copyOf(times[0], n[0] * 2);
            }
            movies[0][n[0]] = (Integer) r.get("movie_id");
            times[0][n[0]] = ts;
            n[0]++;
          });
      return new FileEvents(
          Arrays.copyOf(movies[0], n[0]), Arrays.copyOf(times[0], n[0]), watermark, future[0]);
    }

    @Override
    public FileEvents getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    /**
     * The file's earliest event: it holds the watermark downstream until the file's events are out.
     */
    @Override
    public Instant getCurrentTimestamp() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return new Instant(Math.max(current.min(), BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()));
    }

    @Override
    public Instant getWatermark() {
      return new Instant(watermark);
    }

    @Override
    public Mark getCheckpointMark() {
      return new Mark(new TreeSet<>(done), watermark, maxSeen);
    }

    @Override
    public SilverLogSource getCurrentSource() {
      return source;
    }

    @Override
    public void close() {}
  }

  /**
   * Emits each event of a file with its event time, counting those the Gold tables will drop as too
   * late: an event whose last window ended more than a table's lateness before the watermark the
   * file was read under. Every event's time is at or after its file's element timestamp.
   */
  static class EmitEventsFn extends DoFn<FileEvents, Integer> {
    private final long shortDrop;
    private final long longDrop;
    private final Counter files = Metrics.counter(ReadSilver.class, "silverFilesRead");
    private final Counter events = Metrics.counter(ReadSilver.class, "silverEventsRead");
    private final Counter tooLateShort = Metrics.counter(ReadSilver.class, "droppedLateEvents1h");
    private final Counter tooLateLong = Metrics.counter(ReadSilver.class, "droppedLateEvents24h");
    private final Counter future = Metrics.counter(ReadSilver.class, "droppedFutureEvents");

    EmitEventsFn(TrendWindows windows) {
      this.shortDrop = windows.shortTable().horizon().getMillis();
      this.longDrop = windows.longTable().horizon().getMillis();
    }

    @ProcessElement
    public void process(@Element FileEvents file, OutputReceiver<Integer> out) {
      long[] late = tooLate(file, shortDrop, longDrop);
      tooLateShort.inc(late[0]);
      tooLateLong.inc(late[1]);
      files.inc();
      events.inc(file.times.length + file.future);
      future.inc(file.future);
      for (int i = 0; i < file.times.length; i++) {
        out.outputWithTimestamp(file.movies[i], new Instant(file.times[i]));
      }
    }

    /** How many of the file's events each table will drop: {1 h table, 24 h table}. */
    static long[] tooLate(FileEvents file, long shortDrop, long longDrop) {
      long[] late = new long[2];
      for (long ts : file.times) {
        late[0] += ts < file.watermark - shortDrop ? 1 : 0;
        late[1] += ts < file.watermark - longDrop ? 1 : 0;
      }
      return late;
    }
  }
}
