package com.trending.bench;

import com.trending.silver.IngestSummary;
import com.trending.silver.KafkaToSilver;
import com.trending.silver.KafkaToSilverOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Kafka → Silver twice over the same messages in one JVM: the second pass is the rate of a job that
 * has been running for a while (its classes loaded, the JIT done with the pipeline), which a cold
 * run of a million messages never reaches on two cores. The product's own code and options ({@link
 * KafkaToSilver#parse}, {@link KafkaToSilver#run}); each pass has its own lakehouse and consumer
 * group and reads from the earliest offsets. Kept with the benchmarks. Prints both passes and,
 * last, {@code steady: N messages in S s (R messages/s)} and the second pass's summary.
 *
 * <pre>java … SteadyIngest LAKEHOUSE_1 LAKEHOUSE_2 GROUP [kafka-to-silver options]</pre>
 */
public final class SteadyIngest {
  private SteadyIngest() {}

  public static void main(String[] args) {
    PipelineOptionsFactory.register(KafkaToSilverOptions.class);
    List<String> options = Arrays.asList(args).subList(3, args.length);
    IngestSummary second = null;
    for (int pass = 1; pass <= 2; pass++) {
      List<String> passArgs = new ArrayList<>(options);
      passArgs.add("--lakehousePath=" + args[pass - 1]);
      passArgs.add("--consumerGroup=" + args[2] + "-pass" + pass);
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
          pass == 1 ? "first pass" : "steady", messages, seconds, messages / seconds);
      second = summary;
    }
    System.out.println("Kafka → Silver finished:");
    System.out.println(second.describe());
    System.exit(0);
  }
}
