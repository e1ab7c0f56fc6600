package com.trending.common;

import java.util.Locale;

/**
 * Why a message did not become a Silver row: the {@code error_reason} vocabulary of the data
 * contract. When a message breaks several rules, the reason that comes first here wins; the {@code
 * error_detail} column lists every broken rule.
 */
public enum DeadLetterReason {
  /** Not UTF-8, not parseable JSON, or not a JSON object. */
  INVALID_JSON,
  /** A required field is absent or null. */
  MISSING_REQUIRED_FIELD,
  /** {@code event_type} does not match the topic. */
  INVALID_EVENT_TYPE,
  /** A field of the wrong type or out of its schema's range (e.g. user_id not a 32-bit int). */
  SCHEMA_VALIDATION_FAILED,
  /** {@code event_ts} is not an ISO-8601 instant. */
  INVALID_TIMESTAMP,
  /** {@code rating} outside MIN_RATING..MAX_RATING or not a multiple of 0.5. */
  INVALID_RATING_VALUE;

  /** The code written to {@code error_reason}, e.g. {@code invalid_json}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
