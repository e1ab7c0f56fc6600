package com.trending.generator;

import com.trending.silver.DeadLetterReason;

/**
 * One message the generator sends, with what it is meant to be: a valid event (possibly late), an
 * exact re-send of an earlier valid message, or a malformed message and the dead-letter reason
 * the pipeline must give it.
 */
public final class GeneratedMessage {

  /** What the message is meant to be. */
  public enum Kind {
    VALID,
    DUPLICATE,
    MALFORMED
  }

  private final String topic;
  private final byte[] key;
  private final byte[] value;
  private final Kind kind;
  private final DeadLetterReason reason;
  private final boolean late;
  private final long eventTimeMillis;

  GeneratedMessage(String topic, byte[] key, byte[] value, Kind kind, DeadLetterReason reason,
      boolean late, long eventTimeMillis) {
    this.topic = topic;
    this.key = key;
    this.value = value;
    this.kind = kind;
    this.reason = reason;
    this.late = late;
    this.eventTimeMillis = eventTimeMillis;
  }

  GeneratedMessage asDuplicate() {
    return new GeneratedMessage(topic, key, value, Kind.DUPLICATE, null, late, eventTimeMillis);
  }

  public String topic() {
    return topic;
  }

  /** The Kafka key (the user id as text), or null. */
  public byte[] key() {
    return key;
  }

  /** The Kafka value, exactly as sent. */
  public byte[] value() {
    return value;
  }

  public Kind kind() {
    return kind;
  }

  /** For {@link Kind#MALFORMED}: the reason the pipeline must give; null otherwise. */
  public DeadLetterReason reason() {
    return reason;
  }

  /** A valid event (or its duplicate) whose event time is hours behind the traffic around it. */
  public boolean isLate() {
    return late;
  }

  /** The event time the message was made for (also for malformed ones). */
  public long eventTimeMillis() {
    return eventTimeMillis;
  }
}
