package com.trending.gold;

import com.trending.common.LakehouseOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.StreamingOptions;

/** Options of {@link TrendingToGold}; defaults are the data contract's. */
public interface TrendingToGoldOptions extends LakehouseOptions, StreamingOptions {

  @Description("Size of the short fixed windows (trending_now_1h), in minutes.")
  @Default.Integer(60)
  Integer getShortWindowMinutes();

  void setShortWindowMinutes(Integer value);

  @Description("Size of the long sliding windows (trending_now_24h), in minutes.")
  @Default.Integer(24 * 60)
  Integer getLongWindowMinutes();

  void setLongWindowMinutes(Integer value);

  @Description(
      "Slide of the long windows, and size of the slices both tables are summed from, in minutes.")
  @Default.Integer(60)
  Integer getSlideMinutes();

  void setSlideMinutes(Integer value);

  @Description("Allowed lateness of trending_now_1h, in minutes.")
  @Default.Integer(120)
  Integer getShortAllowedLatenessMinutes();

  void setShortAllowedLatenessMinutes(Integer value);

  @Description("Allowed lateness of trending_now_24h, in minutes.")
  @Default.Integer(26 * 60)
  Integer getLongAllowedLatenessMinutes();

  void setLongAllowedLatenessMinutes(Integer value);

  @Description(
      "Streaming: how often Gold is refreshed (and windows fire early or late), in seconds.")
  @Default.Integer(5)
  Integer getTriggerPeriodSeconds();

  void setTriggerPeriodSeconds(Integer value);

  @Description(
      "Events dated more than this many minutes ahead of the clock when read are dropped (and"
          + " counted as droppedFutureEvents): a device with a wrong clock must not hold window"
          + " state until that date nor move the event-time watermark.")
  @Default.Integer(24 * 60)
  Integer getMaxFutureMinutes();

  void setMaxFutureMinutes(Integer value);

  @Description(
      "Streaming: how often the Silver tables' logs are looked at for new commits, in seconds"
          + " (fractions allowed). A look costs a listing of each log's newest entries; the"
          + " committed files are read only when a new commit is there.")
  @Default.Double(0.25)
  Double getSilverPollSeconds();

  void setSilverPollSeconds(Double value);

  @Description(
      "Movie shards: every grouping of Gold is keyed by movie_id modulo this number. Default: "
          + ComputeTrending.BATCH_SHARDS
          + " in batch (spreads a recompute over the workers), "
          + ComputeTrending.STREAMING_SHARDS
          + " in streaming (each refresh fires every shard of every window that changed, and the"
          + " Direct and Spark runners pay per shard fired).")
  Integer getMovieShards();

  void setMovieShards(Integer value);
}
