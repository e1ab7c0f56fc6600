package com.trending.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** A benchmark's {@code --name=value} arguments over its defaults; an unknown name is an error. */
public final class BenchArgs {
  private BenchArgs() {}

  /**
   * @param defaults every known name with its default, in the order the usage lists them
   */
  public static Map<String, String> parse(Map<String, String> defaults, String[] args) {
    Map<String, String> values = new LinkedHashMap<>(defaults);
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      if (!values.containsKey(kv[0]) || kv.length != 2) {
        throw new IllegalArgumentException(
            "Unknown argument " + arg + "; known: " + values.keySet());
      }
      values.put(kv[0], kv[1]);
    }
    return values;
  }
}
