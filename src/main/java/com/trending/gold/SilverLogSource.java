package com.trending.gold;

import com.trending.common.CommittedFiles;
import com.trending.common.Table;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroReadSupport;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Streaming read of one Silver table: the {@code movie_id} of each event of each file the table's
 * log commits, once, stamped with its {@code event_ts}, under an <b>event-time watermark</b>.
 *
 * <p>The watermark is the latest event time of the Silver data read up to the previous look at the
 * log, as the seed's Spark job takes the latest event time of its previous micro-batch: each
 * Gold table's allowed lateness (2 h, 26 h) is then measured from the events themselves, not from
 * the wall clock. An ingestion outage of any length stops the watermark with the data, and what
 * arrives afterwards is on time. Events dated more than {@code futureBound} ahead of the wall
 * clock when read (a device with a wrong clock) are dropped and counted
 * ({@code droppedFutureEvents}): they would otherwise hold window state until that date, or, through
 * the watermark, make every real event late.
 *
 * <p>An {@link UnboundedSource} (rather than a splittable DoFn) because the Spark runner runs only
 * those in streaming; one reader per table, so that its watermark covers every file. The checkpoint
 * records the files read, the position within the file being read and the watermark, so a runner
 * that rebuilds the reader from it (Spark does so for each micro-batch) neither skips nor repeats
 * an event.
 */
class SilverLogSource extends UnboundedSource<Integer, SilverLogSource.Mark> {

  private final Table table;
  private final Duration pollPeriod;
  private final Duration futureBound;
  private final String projectionJson;
  private final Duration shortSize;
  private final Duration shortLateness;
  private final Duration longSize;
  private final Duration longLateness;

  SilverLogSource(
      Table table,
      Duration pollPeriod,
      Duration futureBound,
      Schema projection,
      Duration shortSize,
      Duration shortLateness,
      Duration longSize,
      Duration longLateness) {
    this.table = table;
    this.pollPeriod = pollPeriod;
    this.futureBound = futureBound;
    this.projectionJson = projection.toString();
    this.shortSize = shortSize;
    this.shortLateness = shortLateness;
    this.longSize = longSize;
    this.longLateness = longLateness;
  }

  /** Where a reader stands: files done, the file in progress and how far, the watermark. */
  static final class Mark implements UnboundedSource.CheckpointMark, Serializable {
    final TreeSet<String> done;
    final String current;
    final long emittedOfCurrent;
    final long watermark;
    final long maxSeen;

    Mark(TreeSet<String> done, String current, long emittedOfCurrent, long watermark, long maxSeen) {
      this.done = done;
      this.current = current;
      this.emittedOfCurrent = emittedOfCurrent;
      this.watermark = watermark;
      this.maxSeen = maxSeen;
    }

    @Override
    public void finalizeCheckpoint() {
      // Nothing to acknowledge: the log is read, never consumed.
    }
  }

  @Override
  public List<SilverLogSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this); // one reader: its watermark must cover every file of the table
  }

  @Override
  public UnboundedReader<Integer> createReader(PipelineOptions options, Mark mark) {
    return new Reader(this, mark);
  }

  @Override
  public Coder<Mark> getCheckpointMarkCoder() {
    return SerializableCoder.of(Mark.class);
  }

  @Override
  public Coder<Integer> getOutputCoder() {
    return VarIntCoder.of();
  }

  /**
   * Reads the files of the log one after the other, each whole into memory (two columns). Positions
   * count every record of the file, emitted or dropped, so a restored reader skips exactly what
   * its predecessor had passed.
   */
  static class Reader extends UnboundedSource.UnboundedReader<Integer> {
    private final SilverLogSource source;
    private final TreeSet<String> done;
    private final Deque<String> queue = new ArrayDeque<>();
    private final Counter filesRead = Metrics.counter(ReadSilver.class, "silverFilesRead");
    private final Counter eventsRead = Metrics.counter(ReadSilver.class, "silverEventsRead");
    private final Counter tooLateShort = Metrics.counter(ReadSilver.class, "droppedLateEvents1h");
    private final Counter tooLateLong = Metrics.counter(ReadSilver.class, "droppedLateEvents24h");
    private final Counter future = Metrics.counter(ReadSilver.class, "droppedFutureEvents");
    private final long shortDrop;
    private final long longDrop;
    private Configuration conf;
    /** The file being emitted, its events ({@code size} of the arrays) and the next one's index. */
    private String current;
    private int[] movies = new int[0];
    private long[] times = new long[0];
    private int size;
    private int next;
    private int skip;
    private long futureLimit;
    private long watermark;
    private long maxSeen;
    private long lastPoll;

    Reader(SilverLogSource source, Mark mark) {
      this.source = source;
      // The last window containing an event ends at most one window size after it.
      this.shortDrop = source.shortLateness.getMillis() + source.shortSize.getMillis();
      this.longDrop = source.longLateness.getMillis() + source.longSize.getMillis();
      this.done = mark == null ? new TreeSet<>() : new TreeSet<>(mark.done);
      this.watermark = mark == null ? BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis() : mark.watermark;
      this.maxSeen = mark == null ? BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis() : mark.maxSeen;
      if (mark != null && mark.current != null) {
        queue.add(mark.current); // read again, skipping what was emitted before the checkpoint
        skip = (int) mark.emittedOfCurrent;
      }
    }

    @Override
    public boolean start() throws IOException {
      conf = new Configuration();
      AvroReadSupport.setRequestedProjection(conf, new Schema.Parser().parse(source.projectionJson));
      return advance();
    }

    @Override
    public boolean advance() throws IOException {
      while (true) {
        while (current != null && next < size) {
          long ts = times[next++];
          if (ts > futureLimit) {
            future.inc();
            continue;
          }
          if (ts < watermark - shortDrop) {
            tooLateShort.inc(); // its last 1 h window closed more than the lateness ago
          }
          if (ts < watermark - longDrop) {
            tooLateLong.inc();
          }
          maxSeen = Math.max(maxSeen, ts);
          return true;
        }
        if (current != null) {
          done.add(current);
          current = null;
        }
        if (!queue.isEmpty()) {
          open(queue.poll());
          continue;
        }
        // Everything found at the previous look at the log is out: the watermark moves up to it.
        watermark = Math.max(watermark, maxSeen);
        long now = System.currentTimeMillis();
        if (now - lastPoll < source.pollPeriod.getMillis()) {
          return false;
        }
        lastPoll = now;
        for (String file : source.table.log().files()) {
          if (!done.contains(file)) {
            queue.add(file);
          }
        }
        if (queue.isEmpty()) {
          return false;
        }
      }
    }

    /** Reads one committed file's two columns into memory. */
    private void open(String file) {
      size = 0;
      CommittedFiles.forEachRecord(file, source.table.toString(), conf, r -> {
        if (size == movies.length) {
          movies = Arrays.copyOf(movies, Math.max(1024, size * 2));
          times = Arrays.copyOf(times, movies.length);
        }
        movies[size] = (Integer) r.get("movie_id");
        times[size] = ReadSilver.eventTime(r.get("event_ts")).getMillis();
        size++;
      });
      filesRead.inc();
      eventsRead.inc(size);
      current = file;
      next = Math.min(skip, size); // after a restore: what was emitted before the checkpoint
      skip = 0;
      futureLimit = System.currentTimeMillis() + source.futureBound.getMillis();
    }

    @Override
    public Integer getCurrent() {
      if (current == null || next == 0) {
        throw new NoSuchElementException();
      }
      return movies[next - 1];
    }

    @Override
    public Instant getCurrentTimestamp() {
      if (current == null || next == 0) {
        throw new NoSuchElementException();
      }
      return new Instant(times[next - 1]);
    }

    @Override
    public Instant getWatermark() {
      return new Instant(watermark);
    }

    @Override
    public Mark getCheckpointMark() {
      return new Mark(new TreeSet<>(done), current, current == null ? 0 : next, watermark, maxSeen);
    }

    @Override
    public SilverLogSource getCurrentSource() {
      return source;
    }

    @Override
    public void close() {}
  }
}
