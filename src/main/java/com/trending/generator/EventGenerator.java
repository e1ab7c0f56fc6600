package com.trending.generator;

import com.trending.common.DeadLetterReason;
import com.trending.common.KafkaClientSettings;
import com.trending.common.Lakehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Sends realistic movie traffic to the contract topics ({@code events_views}, {@code
 * events_clicks}, {@code events_ratings}) of a Kafka broker, with faults of every kind the Kafka →
 * Silver pipeline must handle; prints progress and a summary of exactly what it sent, and writes
 * that summary as JSON with {@code --summaryFile}.
 *
 * <p>Two modes: backfill ({@code --hours=48} of event time ending now, sent as fast as the broker
 * takes it) and live ({@code --live --rate=R}: event time = now, paced, until Ctrl+C or {@code
 * --events}). The messages come from {@link MessageSource} (no Kafka there, so they can be checked
 * in unit tests); this class only produces them. {@code --help} lists the options ({@link
 * GeneratorOptions}).
 *
 * <p>Exit codes: 0 all messages acknowledged; 1 a send failed or the broker is not reachable; 2 bad
 * options.
 */
public final class EventGenerator {

  private EventGenerator() {}

  public static void main(String[] args) {
    GeneratorOptions options;
    try {
      options = new GeneratorOptions(); // its defaults read the environment
    } catch (IllegalArgumentException e) {
      System.err.println("generate-events: " + e.getMessage());
      System.exit(2);
      return;
    }
    CommandLine cli = GeneratorOptions.commandLine(options);
    // picocli prints the usage on --help (exit 0) and a bad option with the usage (exit 2).
    cli.setExecutionStrategy(
        parsed -> {
          Integer help = CommandLine.executeHelpRequest(parsed);
          if (help != null) {
            return help;
          }
          try {
            options.validate();
          } catch (IllegalArgumentException e) {
            throw new ParameterException(cli, e.getMessage());
          }
          try {
            return run(options);
          } catch (IllegalArgumentException e) {
            System.err.println("generate-events: " + e.getMessage());
            return 2;
          }
        });
    System.exit(cli.execute(args));
  }

  static int run(GeneratorOptions o) {
    long seed =
        o.seed != null ? o.seed : (System.nanoTime() ^ System.currentTimeMillis()) & 0xFFFF_FFFFL;
    long startMillis = System.currentTimeMillis();
    Instant now = o.now != null ? o.now : Instant.ofEpochMilli(startMillis);
    long offset = now.toEpochMilli() - startMillis;
    LongSupplier liveClock = () -> System.currentTimeMillis() + offset;
    MessageSource source = new MessageSource(o, seed, now, liveClock);
    long total = o.totalMessages();

    log(
        String.format(
            "%s to %s: %s, seed %d",
            o.live ? "live" : "backfill",
            o.bootstrapServers,
            o.live
                ? String.format(
                    "%.0f messages/s from %s, %s",
                    o.rate,
                    now.truncatedTo(ChronoUnit.SECONDS),
                    total == Long.MAX_VALUE ? "until stopped" : total + " messages")
                : String.format(
                    "%d messages, event time %s .. %s",
                    total,
                    now.minus(Duration.ofHours(o.hours)).truncatedTo(ChronoUnit.SECONDS),
                    now.truncatedTo(ChronoUnit.SECONDS)),
            seed));
    for (TrafficModel.Breakout b : source.model().breakouts()) {
      log("breakout " + b);
    }

    GeneratorSummary summary = new GeneratorSummary();
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    Callback callback =
        (metadata, exception) -> {
          if (exception == null) {
            acked.incrementAndGet();
          } else {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
          }
        };

    KafkaProducer<byte[], byte[]> producer;
    try {
      producer = new KafkaProducer<>(producerConfig(o));
    } catch (IllegalArgumentException e) {
      System.err.println("generate-events: " + e.getMessage());
      return 2;
    } catch (KafkaException e) {
      System.err.println(
          "generate-events: cannot create a Kafka producer for " + o.bootstrapServers + ": " + e);
      return 1;
    }
    try {
      for (String topic : Lakehouse.TOPICS) {
        producer.partitionsFor(topic);
      }
    } catch (KafkaException e) {
      System.err.println(
          "generate-events: the broker at "
              + o.bootstrapServers
              + " does not answer or lacks the "
              + "contract topics ("
              + e.getMessage()
              + "). Start it with scripts/kafka-start.sh, or set KAFKA_BOOTSTRAP_SERVERS /"
              + " --bootstrapServers (and KAFKA_CLIENT_PROPERTIES for a secured cluster).");
      producer.close(Duration.ZERO);
      return 1;
    }

    // Ctrl+C: stop making messages, flush what was handed to the producer, print the summary.
    Thread main = Thread.currentThread();
    CountDownLatch finished = new CountDownLatch(1);
    AtomicReference<Boolean> stop = new AtomicReference<>(false);
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              LockSupport.unpark(main);
              try {
                finished.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
              }
            },
            "generator-stop");
    Runtime.getRuntime().addShutdownHook(hook);

    long startNanos = System.nanoTime();
    long progressNanos = (long) (o.progressSeconds * 1e9);
    long nextProgress = startNanos + progressNanos;
    long lastCount = 0;
    long lastNanos = startNanos;
    long lastEventTime = 0;
    int exit = 0;
    try {
      while (!stop.get() && source.hasNext()) {
        if (o.live) {
          long due = startNanos + (long) (summary.messages() * 1e9 / o.rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
            continue;
          }
        }
        GeneratedMessage m = source.next();
        try {
          producer.send(new ProducerRecord<>(m.topic(), null, m.key(), m.value()), callback);
        } catch (KafkaException e) {
          failed.incrementAndGet();
          firstFailure.compareAndSet(null, e);
          break;
        }
        summary.record(m);
        lastEventTime = Math.max(lastEventTime, m.eventTimeMillis());
        long sent = summary.messages();
        if ((o.live || (sent & 1023) == 0) && System.nanoTime() >= nextProgress) {
          long t = System.nanoTime();
          log(
              String.format(
                  "%,d sent (%,.0f msg/s now, %,.0f avg), %,d acked%s, event time up to %s",
                  sent,
                  (sent - lastCount) / ((t - lastNanos) / 1e9),
                  sent / ((t - startNanos) / 1e9),
                  acked.get(),
                  failed.get() > 0 ? ", " + failed.get() + " FAILED" : "",
                  Instant.ofEpochMilli(lastEventTime).truncatedTo(ChronoUnit.SECONDS)));
          lastCount = sent;
          lastNanos = t;
          nextProgress = t + progressNanos;
        }
        if (failed.get() > 0) {
          break;
        }
      }
      producer.flush();
      producer.close(Duration.ofSeconds(30));
      double seconds = (System.nanoTime() - startNanos) / 1e9;

      long sent = summary.messages();
      log(
          String.format(
              "%s: %,d messages in %.1f s (%,.0f messages/s), %,d acknowledged%s",
              stop.get() ? "stopped" : "done",
              sent,
              seconds,
              sent / Math.max(seconds, 1e-9),
              acked.get(),
              failed.get() > 0 ? ", " + failed.get() + " FAILED" : ""));
      System.out.println(summary.describe());
      if (failed.get() > 0) {
        System.err.println(
            "generate-events: "
                + failed.get()
                + " message(s) were not acknowledged; first error: "
                + firstFailure.get()
                + ". The summary counts what was handed to the producer.");
        exit = 1;
      }
      if (o.summaryFile != null) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("mode", o.live ? "live" : "backfill");
        run.put("seed", seed);
        run.put("bootstrap_servers", o.bootstrapServers);
        run.put("now", now.toString());
        run.put("hours", o.hours);
        run.put("seconds", Math.round(seconds * 1000) / 1000.0);
        run.put("messages_per_second", Math.round(sent / Math.max(seconds, 1e-9)));
        run.put("acknowledged", acked.get());
        run.put("failed", failed.get());
        run.put("min_rating", o.minRating);
        run.put("max_rating", o.maxRating);
        run.put(
            "breakout_movies", source.model().breakouts().stream().map(b -> b.movieId).toArray());
        run.put(
            "reasons",
            Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::code).toArray());
        try {
          summary.writeJson(Path.of(o.summaryFile), run);
          log("summary written to " + o.summaryFile);
        } catch (IOException e) {
          System.err.println("generate-events: cannot write " + o.summaryFile + ": " + e);
          exit = 1;
        }
      }
    } finally {
      finished.countDown();
    }
    if (!stop.get()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // already shutting down
      }
    }
    return exit;
  }

  /**
   * The producer's settings: the brokers and the client properties file (security, TLS...), then
   * what the options ask for. Fails with {@link IllegalArgumentException} on an unreadable file.
   */
  static Properties producerConfig(GeneratorOptions o) {
    KafkaClientSettings kafka =
        KafkaClientSettings.load(o.bootstrapServers, o.kafkaClientProperties);
    Map<String, Object> p = new HashMap<>();
    if (!kafka.keys().contains(ProducerConfig.CLIENT_ID_CONFIG)) {
      p.put(ProducerConfig.CLIENT_ID_CONFIG, "event-generator");
    }
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    boolean all = o.acks.equals("all") || o.acks.equals("-1");
    p.put(ProducerConfig.ACKS_CONFIG, all ? "all" : o.acks);
    // Idempotence (with acks=all) keeps producer retries from writing a message twice, so the
    // summary's counts are exactly what lands in the topics.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(all));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, o.compression);
    p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(o.lingerMs));
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(o.batchSize));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L << 20));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    return kafka.properties(p);
  }

  private static void log(String message) {
    System.out.println("[generate-events] " + message);
  }
}
