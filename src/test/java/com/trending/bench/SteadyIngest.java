package com.trending.bench;

import com.trending.silver.IngestSummary;
import com.trending.silver.KafkaToSilver;
import com.trending.silver.KafkaToSilverOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Kafka → Silver PASSES times over the same messages in one JVM: the last pass is the rate of a job
 * that has been running for a while (its classes loaded, the JIT done with the pipeline), which a
 * cold run of a million messages never reaches on two cores. On Spark local[2] the JIT compilers
 * still took 4.2 of the 14.6 CPU seconds of a second pass (over 4,000 compilations), and a third
 * pass took 6.0 s where the second took 8.1-9.1 s; passes after the third took the same as it. The
 * product's own code and options ({@link KafkaToSilver#parse}, {@link KafkaToSilver#run}); each
 * pass has its own lakehouse ({@code LAKEHOUSE-pass1}, …, the last into LAKEHOUSE, as {@link
 * NativeSparkIngest} does) and consumer group, and reads from the earliest offsets. Kept with the
 * benchmarks. Prints each pass and, last, {@code steady: N messages in S s (R messages/s)} and the
 * last pass's summary.
 *
 * <pre>java … SteadyIngest LAKEHOUSE GROUP PASSES [kafka-to-silver options]</pre>
 */
public final class SteadyIngest {
  private SteadyIngest() {}

  public static void main(String[] args) {
    PipelineOptionsFactory.register(KafkaToSilverOptions.class);
    String lakehouse = args[0];
    int passes = Integer.parseInt(args[2]);
    if (passes < 2) {
      throw new IllegalArgumentException("PASSES must be at least 2, not " + passes);
    }
    List<String> options = Arrays.asList(args).subList(3, args.length);
    IngestSummary last = null;
    for (int pass = 1; pass <= passes; pass++) {
      List<String> passArgs = new ArrayList<>(options);
      passArgs.add("--lakehousePath=" + (pass == passes ? lakehouse : lakehouse + "-pass" + pass));
      passArgs.add("--consumerGroup=" + args[1] + "-pass" + pass);
      long start = System.nanoTime();
      IngestSummary summary =
          KafkaToSilver.run(KafkaToSilver.parse(passArgs.toArray(new String[0])));
      double seconds = (System.nanoTime() - start) / 1e9;
      long messages = 0;
      for (String topic : com.trending.common.Lakehouse.TOPICS) {
        messages += summary.read(topic);
      }
      System.out.printf(
          "%s: %d messages in %.2f s (%.0f messages/s)%n",
          pass == passes ? "steady" : "pass " + pass, messages, seconds, messages / seconds);
      last = summary;
    }
    System.out.println("Kafka → Silver finished:");
    System.out.println(last.describe());
    System.exit(0);
  }
}
