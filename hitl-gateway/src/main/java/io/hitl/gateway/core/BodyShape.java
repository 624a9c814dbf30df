package io.hitl.gateway.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON types of the fields a route knows, checked before anything acts on the body: a text field given as
 * a number or an object is refused rather than turned into text. Null or absent fields are left to the rules
 * that say whether they are required.
 */
public final class BodyShape {
  /** The JSON type a field must have when present. */
  public enum Kind {
    TEXT("must be a string"),
    OBJECT("must be a JSON object"),
    LIST("must be a JSON array"),
    DECIMAL("must be a number or a decimal string"),
    BOOLEAN("must be true or false");

    private final String rule;

    Kind(String rule) {
      this.rule = rule;
    }

    boolean admits(Object v) {
      switch (this) {
        case TEXT:
          return v instanceof String;
        case OBJECT:
          return v instanceof Map;
        case LIST:
          return v instanceof List;
        case DECIMAL:
          return v instanceof String || v instanceof Integer || v instanceof Long || v instanceof BigInteger
            || v instanceof BigDecimal;
        default:
          return v instanceof Boolean;
      }
    }
  }

  public static final BodyShape ANY = new BodyShape(Map.of(), false);

  private final Map<String, Kind> fields;
  private final boolean closed;

  private BodyShape(Map<String, Kind> fields, boolean closed) {
    this.fields = fields;
    this.closed = closed;
  }

  /** A shape whose named fields are all text. */
  public static BodyShape texts(String... names) {
    return ANY.with(Kind.TEXT, names);
  }

  /** This shape with {@code names} of kind {@code kind} too. */
  public BodyShape with(Kind kind, String... names) {
    Map<String, Kind> more = new LinkedHashMap<>(fields);
    for (String n : names) {
      more.put(n, kind);
    }
    return new BodyShape(Map.copyOf(more), closed);
  }

  /** This shape refusing any field it does not name, for bodies the edge reads whole. */
  public BodyShape closed() {
    return new BodyShape(fields, true);
  }

  /** The kind a field must have, or null when the shape leaves it to later rules. */
  public Kind kindOf(String field) {
    return fields.get(field);
  }

  /** Refuses, with one error per field, every known field present with the wrong JSON type. */
  public void check(Map<String, ?> body) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (closed) {
      body.keySet().stream().filter(k -> !fields.containsKey(k)).limit(10)
        .forEach(k -> errors.put(k.length() > 64 ? k.substring(0, 64) : k, "unknown field"));
    }
    fields.forEach((name, kind) -> {
      Object v = body.get(name);
      if (v != null && !kind.admits(v)) {
        errors.put(name, kind.rule);
      }
    });
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(new java.util.TreeMap<>(errors));
    }
  }
}
