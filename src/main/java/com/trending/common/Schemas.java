package com.trending.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;

/**
 * Loads the schema files of {@code schemas/} (packaged on the classpath under {@code schemas/}).
 * Code never repeats a schema field by field.
 */
public final class Schemas {
  private Schemas() {}

  /** The Avro schema of a lakehouse table, e.g. {@code avro("events_views")}. */
  public static Schema avro(String name) {
    return new Schema.Parser().parse(text("schemas/avro/" + name + ".avsc"));
  }

  /** The JSON Schema text that events of {@code topic} must follow. */
  public static String jsonSchema(String topic) {
    return text("schemas/json/" + topic + ".schema.json");
  }

  /** A classpath resource as UTF-8 text. */
  public static String text(String resource) {
    try (InputStream in = Schemas.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Schema resource not found on the classpath: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
