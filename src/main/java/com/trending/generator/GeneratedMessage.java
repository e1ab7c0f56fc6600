package com.trending.generator;

import com.trending.common.DeadLetterReason;

/**
 * One message the generator sends, with what it is meant to be: a valid event (possibly late), an
 * exact re-send of an earlier valid message, or a malformed message and the dead-letter reason the
 * pipeline must give it. Equality compares {@code key} and {@code value} by reference, as for any
 * array.
 *
 * @param key the Kafka key (the user id as text), or null
 * @param value the Kafka value, exactly as sent
 * @param reason for {@link Kind#MALFORMED}: the reason the pipeline must give; null otherwise
 * @param late a valid event (or its duplicate) whose event time is hours behind the traffic around
 *     it
 * @param eventTimeMillis the event time the message was made for (also for malformed ones)
 */
public record GeneratedMessage(
    String topic,
    byte[] key,
    byte[] value,
    Kind kind,
    DeadLetterReason reason,
    boolean late,
    long eventTimeMillis) {

  /** What the message is meant to be. */
  public enum Kind {
    VALID,
    DUPLICATE,
    MALFORMED
  }

  GeneratedMessage asDuplicate() {
    return new GeneratedMessage(topic, key, value, Kind.DUPLICATE, null, late, eventTimeMillis);
  }
}
