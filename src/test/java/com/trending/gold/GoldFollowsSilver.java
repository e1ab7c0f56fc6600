package com.trending.gold;

import java.nio.file.Path;
import java.util.List;

/**
 * {@link StreamingHarness} for tests outside this package (the Flink cluster IT): a streaming
 * TrendingToGold started by the caller must catch up with the reference model, then again after new
 * Silver files land (and rolled-back ones come and go).
 */
public final class GoldFollowsSilver {
  private GoldFollowsSilver() {}

  /** A streaming TrendingToGold job started by the caller. */
  public interface Running {
    /** False once the job has ended by itself (a failure: streaming jobs run until stopped). */
    boolean isAlive();

    /** What to show when Gold does not catch up (e.g. the end of the job's log). */
    String describe();

    void stop() throws Exception;
  }

  /** Starts TrendingToGold in streaming with these arguments (lakehouse and timing included). */
  public interface Starter {
    Running start(List<String> args) throws Exception;
  }

  /** Writes Silver under {@code root}, starts the job and checks Gold as it follows Silver. */
  public static void run(Path root, long timeoutMillis, Starter starter) throws Exception {
    StreamingHarness.run(
        root,
        timeoutMillis,
        args -> {
          Running running = starter.start(args);
          return new StreamingHarness.Job() {
            @Override
            public boolean isAlive() {
              return running.isAlive();
            }

            @Override
            public String describe() {
              return running.describe();
            }

            @Override
            public void stop() throws Exception {
              running.stop();
            }
          };
        });
  }
}
