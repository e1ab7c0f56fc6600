package com.trending.generator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The generator's messages for tests of other packages: valid, duplicated and malformed. */
public final class SampleMessages {
  private SampleMessages() {}

  /** {@code events} messages of a 48-hour backfill ending at {@code end}, reproducible by seed. */
  public static List<GeneratedMessage> of(long events, long seed, Instant end) {
    GeneratorOptions options = GeneratorOptions.parse("--events=" + events, "--seed=" + seed);
    MessageSource source = new MessageSource(options, seed, end, end::toEpochMilli);
    List<GeneratedMessage> messages = new ArrayList<>();
    while (source.hasNext()) {
      messages.add(source.next());
    }
    return messages;
  }
}
