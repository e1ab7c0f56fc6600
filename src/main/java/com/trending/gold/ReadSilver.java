package com.trending.gold;

import com.trending.common.CommittedFiles;
import com.trending.common.RunnerDefaults;
import com.trending.common.Schemas;
import com.trending.common.Table;
import com.trending.common.TableLog;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * One Silver table in; the {@code movie_id} of every event out, with the event's {@code event_ts}
 * as element timestamp.
 *
 * <p>The files read are those the table's log has committed (see {@link TableLog}), never a listing
 * of its folder: a batch that ingestion is still writing, or that a crash left behind and the
 * restart rolls back, is never counted. Only the two columns needed are read from the files. Events
 * dated more than {@code futureBound} ahead of the clock when read are dropped and counted ({@code
 * droppedFutureEvents}), in batch as in streaming: a device with a wrong clock must not put a
 * window of 2099 at the top of "trending now".
 *
 * <p>Batch: every committed file, spread over the workers. Streaming: {@link SilverLogSource},
 * which follows the log and gives the stream its event-time watermark.
 */
public class ReadSilver extends PTransform<PBegin, PCollection<Integer>> {
  private final Table table;
  private final Duration futureBound;
  private final SilverLogSource streaming;
  private final SilverLogSource.EmitEventsFn emitEvents;

  /** Batch: every committed file of the table, once. */
  public static ReadSilver once(Table table, Duration futureBound) {
    return new ReadSilver(table, futureBound, null, null);
  }

  /**
   * Streaming: reads the table's log every {@code pollPeriod} and each newly committed file once,
   * under an event-time watermark. The tables' windows serve the counts of events that arrive too
   * late for a table ({@code droppedLateEvents1h}, {@code droppedLateEvents24h}).
   */
  public static ReadSilver watching(
      Table table, Duration pollPeriod, Duration futureBound, TrendWindows windows) {
    return new ReadSilver(
        table,
        futureBound,
        new SilverLogSource(
            table,
            pollPeriod,
            futureBound,
            windows.longTable().horizon().isLongerThan(windows.shortTable().horizon())
                ? windows.longTable().horizon()
                : windows.shortTable().horizon(),
            projection(Schemas.avro(table.schemaName()))),
        new SilverLogSource.EmitEventsFn(windows));
  }

  private ReadSilver(
      Table table,
      Duration futureBound,
      SilverLogSource streaming,
      SilverLogSource.EmitEventsFn emitEvents) {
    this.table = table;
    this.futureBound = futureBound;
    this.streaming = streaming;
    this.emitEvents = emitEvents;
  }

  @Override
  public PCollection<Integer> expand(PBegin begin) {
    if (streaming != null) {
      return begin
          .apply("FollowTableLog", Read.from(streaming))
          .apply("EmitEvents", ParDo.of(emitEvents))
          .setCoder(VarIntCoder.of());
    }
    Schema projection = projection(Schemas.avro(table.schemaName()));
    return begin
        .apply("CommittedFiles", Create.of(table.log().files()).withCoder(StringUtf8Coder.of()))
        .apply("SpreadFiles", Reshuffle.viaRandomKey())
        .apply("ReadEvents", ParDo.of(new ReadEventsFn(table, projection, futureBound)))
        .setCoder(VarIntCoder.of());
  }

  /** The Silver schema cut down to the two columns the trending computation uses. */
  static Schema projection(Schema silver) {
    List<Schema.Field> fields = new ArrayList<>();
    for (String name : new String[] {"event_ts", "movie_id"}) {
      Schema.Field f = silver.getField(name);
      fields.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal()));
    }
    return Schema.createRecord(
        silver.getName(), silver.getDoc(), silver.getNamespace(), false, fields);
  }

  /**
   * Reads the two needed columns of one committed Parquet file and emits each event's movie id with
   * its event time as timestamp. A committed file that cannot be read fails the run with an error
   * naming it (see {@link CommittedFiles}): its events cannot be left out of Gold silently.
   */
  static class ReadEventsFn extends DoFn<String, Integer> {
    private final String table;
    private final CommittedFiles.Reader files;
    private final Duration futureBound;
    private final Counter events = Metrics.counter(ReadSilver.class, "silverEventsRead");
    private final Counter future = Metrics.counter(ReadSilver.class, "droppedFutureEvents");

    ReadEventsFn(Table table, Schema projection, Duration futureBound) {
      this.table = table.toString();
      this.files = CommittedFiles.reader(table.storage(), projection);
      this.futureBound = futureBound;
    }

    @ProcessElement
    public void process(@Element String file, OutputReceiver<Integer> out) {
      long futureLimit = System.currentTimeMillis() + futureBound.getMillis();
      long[] n = {0};
      files.forEachRecord(
          file,
          table,
          r -> {
            Instant ts = eventTime(r.get("event_ts"));
            n[0]++;
            if (ts.getMillis() > futureLimit) {
              future.inc();
            } else {
              out.outputWithTimestamp((Integer) r.get("movie_id"), ts);
            }
          });
      events.inc(n[0]);
    }

    @Override
    @SuppressWarnings("deprecation")
    public Duration getAllowedTimestampSkew() {
      return RunnerDefaults.ANY_TIMESTAMP_SKEW;
    }
  }

  static Instant eventTime(Object ts) {
    if (ts instanceof java.time.Instant) {
      return Instant.ofEpochMilli(((java.time.Instant) ts).toEpochMilli());
    }
    return Instant.ofEpochMilli((Long) ts);
  }
}
