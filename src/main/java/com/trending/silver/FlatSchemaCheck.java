package com.trending.silver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A quick proof that a message passes its topic's JSON Schema, for schemas made of flat properties
 * with simple rules (the topics' schemas are). It answers "valid" only when the full validator
 * would, and "not proven" otherwise: the caller then asks the full validator, which gives the
 * verdict and the error messages. So only its "valid" needs to be right, and every check below is
 * at least as strict as the keyword it stands for.
 *
 * <p>Why: the full validator walks a generic tree of keyword validators and builds a path object
 * per property, about a third of the time it takes to validate a message; valid messages are nearly
 * all messages.
 *
 * <p>Understood keywords: at the root {@code type: object}, {@code required}, {@code properties};
 * per property {@code type} (string, integer, number, boolean, null, or a list of them), {@code
 * pattern} (read as the full validator reads it: {@link Pattern}, found anywhere unless anchored),
 * {@code const} and {@code enum} of strings, {@code minLength}, {@code maxLength}, {@code minimum}
 * and {@code maximum} with whole bounds; annotations ({@code title}, {@code description}, …) are
 * ignored. A schema with any other keyword gets no quick check ({@link #of} returns null).
 */
final class FlatSchemaCheck {

  private static final Set<String> ANNOTATIONS =
      Set.of("$schema", "$id", "$comment", "title", "description", "default", "examples");

  private final String[] required;
  private final List<Property> properties;
  private final String[] names; // of the properties, in the schema's order
  private final int[] requiredIndexes; // in names; -1 for a required field that is no property

  private FlatSchemaCheck(String[] required, List<Property> properties) {
    this.required = required;
    this.properties = properties;
    this.names = properties.stream().map(p -> p.name).toArray(String[]::new);
    List<String> named = List.of(names);
    this.requiredIndexes = new int[required.length];
    for (int i = 0; i < required.length; i++) {
      requiredIndexes[i] = named.indexOf(required[i]);
    }
  }

  /** The quick check of {@code schema}, or null if it uses a keyword this class does not read. */
  static FlatSchemaCheck of(JsonNode schema) {
    List<String> required = new ArrayList<>();
    List<Property> properties = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> keyword = it.next();
      JsonNode value = keyword.getValue();
      switch (keyword.getKey()) {
        case "type":
          if (!value.isTextual() || !value.textValue().equals("object")) {
            return null;
          }
          break;
        case "required":
          for (JsonNode name : value) {
            if (!name.isTextual()) {
              return null;
            }
            required.add(name.textValue());
          }
          break;
        case "properties":
          for (Iterator<Map.Entry<String, JsonNode>> p = value.fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> property = p.next();
            Property rules = Property.of(property.getKey(), property.getValue());
            if (rules == null) {
              return null;
            }
            properties.add(rules);
          }
          break;
        default:
          if (!ANNOTATIONS.contains(keyword.getKey())) {
            return null;
          }
      }
    }
    return new FlatSchemaCheck(required.toArray(String[]::new), properties);
  }

  /** True if {@code message} (a JSON object) is proven to pass the schema. */
  boolean proves(JsonNode message) {
    for (String name : required) {
      if (!message.has(name)) {
        return false;
      }
    }
    for (Property property : properties) {
      JsonNode value = message.get(property.name);
      if (value != null && !property.accepts(value)) {
        return false;
      }
    }
    return true;
  }

  /** The schema's properties, in its order: the order of {@link #proves(JsonNode[])}'s values. */
  String[] names() {
    return names.clone();
  }

  /**
   * True if a message whose fields are all properties of the schema is proven to pass it; {@code
   * values[i]} is the value of property {@code names()[i]}, null if the message lacks it.
   */
  boolean proves(JsonNode[] values) {
    for (int i : requiredIndexes) {
      if (i < 0 || values[i] == null) {
        return false;
      }
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null && !properties.get(i).accepts(values[i])) {
        return false;
      }
    }
    return true;
  }

  /** One property's rules. Not thread-safe: a validator belongs to one thread at a time. */
  private static final class Property {
    final String name;
    boolean string;
    boolean integer;
    boolean number;
    boolean bool;
    boolean nul;
    boolean anyType = true;
    Matcher pattern;
    FixedShape shape; // the pattern without a regex engine, when it is a fixed shape
    List<String> allowed; // const or enum
    int minLength = -1;
    int maxLength = -1;
    Long minimum;
    Long maximum;

    private Property(String name) {
      this.name = name;
    }

    static Property of(String name, JsonNode schema) {
      if (!schema.isObject()) {
        return null;
      }
      Property p = new Property(name);
      for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> keyword = it.next();
        JsonNode value = keyword.getValue();
        switch (keyword.getKey()) {
          case "type":
            p.anyType = false;
            for (JsonNode type : value.isArray() ? value : List.of(value)) {
              if (!type.isTextual() || !p.allowType(type.textValue())) {
                return null;
              }
            }
            break;
          case "pattern":
            if (!value.isTextual()) {
              return null;
            }
            p.pattern = Pattern.compile(value.textValue()).matcher("");
            p.shape = FixedShape.of(value.textValue());
            break;
          case "const":
          case "enum":
            List<String> allowed = new ArrayList<>();
            for (JsonNode v : keyword.getKey().equals("const") ? List.of(value) : value) {
              if (!v.isTextual()) {
                return null;
              }
              allowed.add(v.textValue());
            }
            p.allowed = allowed;
            break;
          case "minLength":
            p.minLength = length(value);
            if (p.minLength < 0) {
              return null;
            }
            break;
          case "maxLength":
            p.maxLength = length(value);
            if (p.maxLength < 0) {
              return null;
            }
            break;
          case "minimum":
            p.minimum = bound(value);
            if (p.minimum == null) {
              return null;
            }
            break;
          case "maximum":
            p.maximum = bound(value);
            if (p.maximum == null) {
              return null;
            }
            break;
          default:
            if (!ANNOTATIONS.contains(keyword.getKey())) {
              return null;
            }
        }
      }
      return p;
    }

    /** A length keyword's value, or -1 if it is not a whole number from 0. */
    private static int length(JsonNode value) {
      return value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 0
          ? value.intValue()
          : -1;
    }

    /** A bound's value, or null if it is not a whole number (other bounds are not read here). */
    private static Long bound(JsonNode value) {
      return value.isIntegralNumber() && value.canConvertToLong() ? value.longValue() : null;
    }

    private boolean allowType(String type) {
      switch (type) {
        case "string":
          return string = true;
        case "integer":
          return integer = true;
        case "number":
          return number = true;
        case "boolean":
          return bool = true;
        case "null":
          return nul = true;
        default:
          return false;
      }
    }

    boolean accepts(JsonNode value) {
      boolean typed =
          anyType
              || (string && value.isTextual())
              // a whole number written 1.0 is left to the full validator
              || (integer && value.isIntegralNumber())
              || (number && value.isNumber())
              || (bool && value.isBoolean())
              || (nul && value.isNull());
      if (!typed) {
        return false;
      }
      if (value.isTextual()) {
        String text = value.textValue();
        if (allowed != null && !allowed.contains(text)) {
          return false;
        }
        // UTF-16 units are at least as many as code points, which the schema counts.
        if (maxLength >= 0 && text.length() > maxLength) {
          return false;
        }
        if (minLength >= 0 && text.codePointCount(0, text.length()) < minLength) {
          return false;
        }
        if (shape != null ? !shape.matches(text) : pattern != null && !pattern.reset(text).find()) {
          return false;
        }
      } else if (allowed != null) {
        return false; // a const or enum of strings: only a string can match
      }
      if (value.isNumber() && (minimum != null || maximum != null)) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
          return false;
        }
        long v = value.longValue();
        return (minimum == null || v >= minimum) && (maximum == null || v <= maximum);
      }
      return true;
    }
  }

  /**
   * An anchored pattern that is a fixed sequence of character classes and letters, digits, {@code
   * -}, {@code _} or {@code :}, each class or character once or {@code {n}} times ({@code
   * ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-...$}, a UUID's), checked without a regex engine: the text has
   * the shape's length and each character is one its position allows. A text the regex would also
   * accept with a line terminator after it is refused here, which only sends it to the full
   * validator. The topics' UUID patterns took ~5% of a bulk ingestion's CPU in {@link Matcher}.
   */
  static final class FixedShape {
    private final boolean[][] allowed; // per position, per ASCII character

    private FixedShape(boolean[][] allowed) {
      this.allowed = allowed;
    }

    /** The shape of {@code regex}, or null when it is not one this class reads. */
    static FixedShape of(String regex) {
      int end = regex.length() - 1;
      if (end < 1 || regex.charAt(0) != '^' || regex.charAt(end) != '$') {
        return null;
      }
      List<boolean[]> positions = new ArrayList<>();
      int i = 1;
      while (i < end) {
        boolean[] set = new boolean[128];
        char c = regex.charAt(i);
        if (c == '[') {
          int close = regex.indexOf(']', i);
          if (close < 0 || close >= end || close == i + 1) {
            return null;
          }
          for (int j = i + 1; j < close; j++) {
            char from = regex.charAt(j);
            char to = from;
            if (j + 2 < close && regex.charAt(j + 1) == '-') {
              to = regex.charAt(j + 2);
              j += 2;
            }
            if (!isLetterOrDigit(from) || !isLetterOrDigit(to) || to < from) {
              return null;
            }
            for (char x = from; x <= to; x++) {
              set[x] = true;
            }
          }
          i = close + 1;
        } else if (isLetterOrDigit(c) || c == '-' || c == '_' || c == ':') {
          set[c] = true;
          i++;
        } else {
          return null;
        }
        int count = 1;
        if (i < end && regex.charAt(i) == '{') {
          int close = regex.indexOf('}', i);
          if (close < 0 || close >= end || close - i < 2 || close - i > 3) {
            return null;
          }
          for (int j = i + 1; j < close; j++) {
            if (regex.charAt(j) < '0' || regex.charAt(j) > '9') {
              return null;
            }
          }
          count = Integer.parseInt(regex.substring(i + 1, close));
          if (count == 0) {
            return null;
          }
          i = close + 1;
        }
        for (int k = 0; k < count; k++) {
          positions.add(set);
        }
      }
      return positions.isEmpty() ? null : new FixedShape(positions.toArray(boolean[][]::new));
    }

    private static boolean isLetterOrDigit(char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    boolean matches(String text) {
      if (text.length() != allowed.length) {
        return false;
      }
      for (int i = 0; i < allowed.length; i++) {
        char c = text.charAt(i);
        if (c >= 128 || !allowed[i][c]) {
          return false;
        }
      }
      return true;
    }
  }
}
