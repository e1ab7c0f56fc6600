package com.trending.common;

import java.lang.reflect.Method;
import java.util.Arrays;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;

/**
 * Sets a runner's own option to the jobs' default unless the command line gives it. The runners'
 * option interfaces are named, not imported: each is on the classpath only with its runner (the
 * runner's Maven profile). Defaults set here hold however a job is started: by the launch scripts,
 * by {@code spark-submit}, or in the JVM of a test or benchmark.
 */
public final class RunnerDefaults {
  public static final String DIRECT_OPTIONS = "org.apache.beam.runners.direct.DirectOptions";
  public static final String SPARK_OPTIONS = "org.apache.beam.runners.spark.SparkPipelineOptions";

  private RunnerDefaults() {}

  /**
   * The allowed timestamp skew of a step that stamps its outputs with their event times (its input,
   * files or groups, carries no time of its own): any timestamp a runner can hold. Not {@code
   * Long.MAX_VALUE} ms, which Beam's output check subtracts from the input's timestamp: from a
   * negative one that overflows, and the check throws and catches an exception per output (6% of a
   * Gold batch on Direct).
   */
  public static final Duration ANY_TIMESTAMP_SKEW =
      Duration.millis(
          BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis()
              - BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis());

  public static boolean isDirect(PipelineOptions options) {
    return options.getRunner().getSimpleName().equals("DirectRunner");
  }

  /** The Spark runner (or its structured streaming variant). */
  public static boolean isSpark(PipelineOptions options) {
    return options.getRunner().getSimpleName().startsWith("Spark");
  }

  /**
   * Spark settings every job on Spark needs, as system properties unless already set (a new {@code
   * SparkConf} reads them, in local mode and in a cluster's driver, which hands them to its
   * executors; {@code spark-submit} sets its properties file's the same way, before these):
   *
   * <ul>
   *   <li>{@code spark.executor.heartbeat.dropZeroAccumulatorUpdates=false}: with it on, an
   *       executor's heartbeat thread asks every accumulator of its running tasks whether it is
   *       zero, and Beam's metrics accumulator throws a NullPointerException when asked while its
   *       task is still being deserialized (the race of SPARK-20977). The thread dies of it, the
   *       executor stops heartbeating, and 120 s later the driver drops it and reruns its work: on
   *       the local cluster a Kafka → Silver batch took 44 s instead of 5 and Beam's counters
   *       counted the rerun twice. Off, the heartbeat carries zero accumulators too (a few more
   *       bytes) and never asks.
   *   <li>{@code spark.shuffle.compress=false} when the master (spark-submit's, else {@code
   *       --sparkMaster}) is local ({@code local}, {@code local[N]}, {@code local[*]}): the shuffle
   *       then never leaves this machine's disk, and LZ4 over every shuffled block only costs CPU.
   *       Kafka → Silver shuffles every event once (deduplication); on Spark local[2], with the
   *       same code and messages, five passes in one JVM, two runs each way: the steps writing the
   *       shuffle took 1.3-1.5 s of CPU for passes 3-5 instead of 2.2, and a pass 5.09 s instead of
   *       5.48 on average. A cluster's shuffle crosses the network, where compression pays: there
   *       it stays on.
   * </ul>
   */
  public static void sparkSettings(PipelineOptions options) {
    if (System.getProperty(DROP_ZERO_ACCUMULATOR_UPDATES) == null) {
      System.setProperty(DROP_ZERO_ACCUMULATOR_UPDATES, "false");
    }
    // spark-submit's --master arrives as spark.master, which the runner's context takes first.
    String master =
        System.getProperty(
            "spark.master", String.valueOf(get(options, SPARK_OPTIONS, "sparkMaster")));
    if (master.startsWith("local") && System.getProperty(SHUFFLE_COMPRESS) == null) {
      System.setProperty(SHUFFLE_COMPRESS, "false");
    }
  }

  private static final String SHUFFLE_COMPRESS = "spark.shuffle.compress";

  private static final String DROP_ZERO_ACCUMULATOR_UPDATES =
      "spark.executor.heartbeat.dropZeroAccumulatorUpdates";

  /**
   * Sets {@code --property} of {@code optionsInterface} to {@code value} unless {@code args} give
   * it.
   */
  public static void setUnlessGiven(
      PipelineOptions options,
      String[] args,
      String optionsInterface,
      String property,
      Object value) {
    if (Arrays.stream(args).anyMatch(a -> a.startsWith("--" + property))) {
      return;
    }
    String setter = "set" + Character.toUpperCase(property.charAt(0)) + property.substring(1);
    try {
      invoke(options, optionsInterface, setter, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot set --" + property + " of " + optionsInterface, e);
    }
  }

  /** The value of {@code --property} of {@code optionsInterface}, given or default. */
  public static Object get(PipelineOptions options, String optionsInterface, String property) {
    String getter = "get" + Character.toUpperCase(property.charAt(0)) + property.substring(1);
    try {
      return invoke(options, optionsInterface, getter);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot read --" + property + " of " + optionsInterface, e);
    }
  }

  private static Object invoke(
      PipelineOptions options, String optionsInterface, String name, Object... args)
      throws ReflectiveOperationException {
    Class<? extends PipelineOptions> type =
        Class.forName(optionsInterface, true, options.getRunner().getClassLoader())
            .asSubclass(PipelineOptions.class);
    for (Method method : type.getMethods()) {
      if (method.getName().equals(name) && method.getParameterCount() == args.length) {
        return method.invoke(options.as(type), args);
      }
    }
    throw new NoSuchMethodException(optionsInterface + "." + name);
  }
}
