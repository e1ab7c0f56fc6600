package com.trending.silver;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link KafkaToSilver#main} in a process of its own that stops dead at the {@code n}th time a step
 * of the commit protocol comes, printing {@code PAUSED at <step>}, so that a test can {@code kill
 * -9} it at exactly that point.
 *
 * <pre>java … PausingKafkaToSilver STEP N [KafkaToSilver options]</pre>
 */
public final class PausingKafkaToSilver {
  private PausingKafkaToSilver() {}

  public static void main(String[] args) throws Exception {
    String step = args[0];
    int n = Integer.parseInt(args[1]);
    AtomicInteger seen = new AtomicInteger();
    MicroBatches.crashPoint =
        reached -> {
          if (reached.equals(step) && seen.incrementAndGet() == n) {
            System.out.println("PAUSED at " + reached);
            System.out.flush();
            try {
              Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    KafkaToSilver.main(Arrays.copyOfRange(args, 2, args.length));
  }
}
