package com.trending.generator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.trending.common.DeadLetterReason;
import com.trending.common.Lakehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the generator sent, counted the way the Kafka → Silver pipeline must find it: per topic, the
 * unique valid events (= Silver rows, also per event date), the exact duplicates (dropped by the
 * pipeline), the late events (among the valid ones) and the malformed messages per dead-letter
 * reason (= dead-letter rows).
 *
 * <p>JSON form ({@link #toJson}): {@code {"events_views": {"messages", "valid_unique",
 * "valid_unique_by_date": {date: n}, "duplicates", "late", "dead_letters": {reason: n}}, ...,
 * "totals": {same without by-date}, "messages_sent": n, "run": {...}}}; every reason is listed,
 * with 0 where none was sent.
 */
public final class GeneratorSummary {

  private static final class TopicCounts {
    long messages;
    long valid;
    long duplicates;
    long late;
    final long[] deadLetters = new long[DeadLetterReason.values().length];
    final Map<String, Long> validByDate = new TreeMap<>();
  }

  private final Map<String, TopicCounts> topics = new LinkedHashMap<>();
  private long messages;

  public GeneratorSummary() {
    for (String topic : Lakehouse.TOPICS) {
      topics.put(topic, new TopicCounts());
    }
  }

  public synchronized void record(GeneratedMessage m) {
    TopicCounts c = topics.get(m.topic());
    messages++;
    c.messages++;
    switch (m.kind()) {
      case VALID:
        c.valid++;
        if (m.late()) {
          c.late++;
        }
        String date =
            Instant.ofEpochMilli(m.eventTimeMillis())
                .atZone(ZoneOffset.UTC)
                .toLocalDate()
                .toString();
        c.validByDate.merge(date, 1L, Long::sum);
        break;
      case DUPLICATE:
        c.duplicates++;
        break;
      default:
        c.deadLetters[m.reason().ordinal()]++;
    }
  }

  public synchronized long messages() {
    return messages;
  }

  public synchronized long validUnique(String topic) {
    return topics.get(topic).valid;
  }

  public synchronized long duplicates(String topic) {
    return topics.get(topic).duplicates;
  }

  public synchronized long late(String topic) {
    return topics.get(topic).late;
  }

  public synchronized long deadLetters(String topic, DeadLetterReason reason) {
    return topics.get(topic).deadLetters[reason.ordinal()];
  }

  public synchronized long deadLetters(DeadLetterReason reason) {
    long n = 0;
    for (TopicCounts c : topics.values()) {
      n += c.deadLetters[reason.ordinal()];
    }
    return n;
  }

  /** An aligned table for a person. */
  public synchronized String describe() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "  %-16s %10s %12s %10s %8s %12s%n",
            "topic", "messages", "valid_unique", "duplicates", "late", "dead_letters"));
    long[] total = new long[5];
    for (Map.Entry<String, TopicCounts> e : topics.entrySet()) {
      TopicCounts c = e.getValue();
      long dead = sum(c.deadLetters);
      out.append(
          String.format(
              "  %-16s %10d %12d %10d %8d %12d%n",
              e.getKey(), c.messages, c.valid, c.duplicates, c.late, dead));
      total[0] += c.messages;
      total[1] += c.valid;
      total[2] += c.duplicates;
      total[3] += c.late;
      total[4] += dead;
    }
    out.append(
        String.format(
            "  %-16s %10d %12d %10d %8d %12d%n",
            "total", total[0], total[1], total[2], total[3], total[4]));
    out.append("  dead letters by reason:");
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      out.append(' ').append(reason.code()).append('=').append(deadLetters(reason));
    }
    return out.toString();
  }

  /** The summary as JSON; {@code run} holds the run's parameters (mode, seed, times, rate). */
  public synchronized String toJson(Map<String, Object> run) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    long valid = 0;
    long duplicates = 0;
    long late = 0;
    long[] dead = new long[DeadLetterReason.values().length];
    for (Map.Entry<String, TopicCounts> e : topics.entrySet()) {
      TopicCounts c = e.getValue();
      ObjectNode t = root.putObject(e.getKey());
      t.put("messages", c.messages);
      t.put("valid_unique", c.valid);
      ObjectNode byDate = t.putObject("valid_unique_by_date");
      c.validByDate.forEach(byDate::put);
      t.put("duplicates", c.duplicates);
      t.put("late", c.late);
      ObjectNode d = t.putObject("dead_letters");
      for (DeadLetterReason reason : DeadLetterReason.values()) {
        d.put(reason.code(), c.deadLetters[reason.ordinal()]);
        dead[reason.ordinal()] += c.deadLetters[reason.ordinal()];
      }
      valid += c.valid;
      duplicates += c.duplicates;
      late += c.late;
    }
    ObjectNode totals = root.putObject("totals");
    totals.put("messages", messages);
    totals.put("valid_unique", valid);
    totals.put("duplicates", duplicates);
    totals.put("late", late);
    totals.put("dead_letters_total", sum(dead));
    ObjectNode d = totals.putObject("dead_letters");
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      d.put(reason.code(), dead[reason.ordinal()]);
    }
    root.put("messages_sent", messages);
    root.set("run", mapper.valueToTree(run));
    try {
      return mapper.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public void writeJson(Path file, Map<String, Object> run) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson(run) + "\n");
  }

  private static long sum(long[] values) {
    long n = 0;
    for (long v : values) {
      n += v;
    }
    return n;
  }
}
