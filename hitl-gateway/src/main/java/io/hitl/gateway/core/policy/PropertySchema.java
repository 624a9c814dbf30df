package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.Decimals;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The JSON Schema subset an edit policy validates one edited value with: type (number, integer, string,
 * boolean), minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern, enum, and
 * errorMessage, which replaces every message of this property. Numbers may be JSON numbers or decimal
 * strings, as everywhere in the API, and are kept as decimal strings.
 */
public final class PropertySchema {
  public static final Set<String> KEYWORDS = Set.of("type", "description", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "enum", "errorMessage");
  private static final Set<String> TYPES = Set.of("number", "integer", "string", "boolean");
  private static final int MAX_PATTERN = 200;
  private static final int MAX_ENUM = 100;

  private final String type;
  private final BigDecimal minimum;
  private final BigDecimal maximum;
  private final BigDecimal exclusiveMinimum;
  private final BigDecimal exclusiveMaximum;
  private final Integer minLength;
  private final Integer maxLength;
  private final Pattern pattern;
  private final List<Object> enumValues;
  private final String errorMessage;
  private final Map<String, Object> normalized;

  private PropertySchema(Map<String, Object> m, PolicyErrors e, String path) {
    Map<String, Object> n = new LinkedHashMap<>();
    for (String k : m.keySet()) {
      if (!KEYWORDS.contains(k)) {
        e.add(path + "." + k, "is not a supported schema keyword (" + String.join(", ", new java.util.TreeSet<>(KEYWORDS))
          + ")");
      }
    }
    Object t = m.get("type");
    if (t != null && !(t instanceof String && TYPES.contains(t))) {
      e.add(path + ".type", "must be number, integer, string or boolean");
      t = null;
    }
    type = (String) t;
    putIf(n, "type", type);
    if (m.get("description") != null) {
      putIf(n, "description", e.text(m.get("description"), path + ".description", 500));
    }
    minimum = bound(m, "minimum", path, e, n);
    maximum = bound(m, "maximum", path, e, n);
    exclusiveMinimum = bound(m, "exclusiveMinimum", path, e, n);
    exclusiveMaximum = bound(m, "exclusiveMaximum", path, e, n);
    minLength = length(m, "minLength", path, e, n);
    maxLength = length(m, "maxLength", path, e, n);
    Pattern p = null;
    if (m.get("pattern") != null) {
      Object v = m.get("pattern");
      if (!(v instanceof String) || ((String) v).length() > MAX_PATTERN) {
        e.add(path + ".pattern", "must be a regular expression of at most " + MAX_PATTERN + " characters");
      } else {
        try {
          p = Pattern.compile((String) v);
          n.put("pattern", v);
        } catch (PatternSyntaxException ex) {
          e.add(path + ".pattern", "is not a valid regular expression");
        }
      }
    }
    pattern = p;
    List<Object> en = null;
    if (m.get("enum") != null) {
      Object v = m.get("enum");
      if (!(v instanceof List) || ((List<?>) v).isEmpty() || ((List<?>) v).size() > MAX_ENUM) {
        e.add(path + ".enum", "must be a list of 1-" + MAX_ENUM + " strings, numbers or booleans");
      } else {
        en = new ArrayList<>();
        for (Object o : (List<?>) v) {
          Object c = o instanceof String || o instanceof Boolean ? o : o instanceof Number ? Decimals.parse(o) : null;
          if (c == null) {
            e.add(path + ".enum", "must be a list of 1-" + MAX_ENUM + " strings, numbers or booleans");
            en = null;
            break;
          }
          en.add(c instanceof BigDecimal ? Decimals.text((BigDecimal) c) : c);
        }
        if (en != null) {
          n.put("enum", en);
        }
      }
    }
    enumValues = en;
    errorMessage = m.get("errorMessage") == null ? null : e.text(m.get("errorMessage"), path + ".errorMessage", 200);
    putIf(n, "errorMessage", errorMessage);
    normalized = n;
  }

  /** The schema at {@code path}; errors go to {@code e} (the result is then unusable). */
  public static PropertySchema parse(Object v, String path, PolicyErrors e) {
    if (!(v instanceof Map)) {
      e.add(path, "must be a JSON object (a JSON Schema of one property)");
      return null;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    return new PropertySchema(m, e, path);
  }

  public Map<String, Object> normalized() {
    return normalized;
  }

  /** Null when {@code value} satisfies the schema; otherwise the message (errorMessage when given). */
  public String check(Object value) {
    String problem = problem(value);
    return problem == null ? null : errorMessage != null ? errorMessage : problem;
  }

  /** The value as stored: numbers as decimal strings, everything else as given. */
  public Object normalize(Object value) {
    if (("number".equals(type) || "integer".equals(type)) && !(value instanceof Boolean)) {
      BigDecimal d = Decimals.parse(value);
      return d == null ? value : Decimals.text(d);
    }
    return value;
  }

  private String problem(Object value) {
    if (value == null) {
      return "must not be null";
    }
    BigDecimal number = value instanceof Boolean ? null : Decimals.parse(value);
    if ("number".equals(type) || "integer".equals(type)) {
      if (number == null || !Decimals.fits(number)) {
        return "must be a number";
      }
      if ("integer".equals(type) && number.stripTrailingZeros().scale() > 0) {
        return "must be a whole number";
      }
    } else if ("string".equals(type) && !(value instanceof String)) {
      return "must be a string";
    } else if ("boolean".equals(type) && !(value instanceof Boolean)) {
      return "must be true or false";
    }
    if (number != null && !(value instanceof String && "string".equals(type))) {
      if (minimum != null && number.compareTo(minimum) < 0) {
        return "must be at least " + minimum.toPlainString();
      }
      if (maximum != null && number.compareTo(maximum) > 0) {
        return "must be at most " + maximum.toPlainString();
      }
      if (exclusiveMinimum != null && number.compareTo(exclusiveMinimum) <= 0) {
        return "must be greater than " + exclusiveMinimum.toPlainString();
      }
      if (exclusiveMaximum != null && number.compareTo(exclusiveMaximum) >= 0) {
        return "must be less than " + exclusiveMaximum.toPlainString();
      }
    }
    if (value instanceof String) {
      String s = (String) value;
      if (minLength != null && s.length() < minLength) {
        return "must be at least " + minLength + " characters";
      }
      if (maxLength != null && s.length() > maxLength) {
        return "must be at most " + maxLength + " characters";
      }
      if (pattern != null && !pattern.matcher(s).matches()) {
        return "must match " + pattern.pattern();
      }
    }
    if (enumValues != null && !inEnum(value, number)) {
      return "must be one of " + enumValues;
    }
    return null;
  }

  private boolean inEnum(Object value, BigDecimal number) {
    for (Object o : enumValues) {
      if (o.equals(value)) {
        return true;
      }
      if (number != null && o instanceof String && !(value instanceof String && "string".equals(type))) {
        BigDecimal d = Decimals.parse(o);
        if (d != null && d.compareTo(number) == 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static BigDecimal bound(Map<String, Object> m, String key, String path, PolicyErrors e,
      Map<String, Object> n) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    BigDecimal d = v instanceof Boolean ? null : Decimals.parse(v);
    if (d == null || !Decimals.fits(d)) {
      e.add(path + "." + key, "must be a number");
      return null;
    }
    n.put(key, Decimals.text(d));
    return d;
  }

  private static Integer length(Map<String, Object> m, String key, String path, PolicyErrors e,
      Map<String, Object> n) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Integer || v instanceof Long || v instanceof BigInteger) || ((Number) v).longValue() < 0
        || ((Number) v).longValue() > 100_000) {
      e.add(path + "." + key, "must be a whole number between 0 and 100000");
      return null;
    }
    n.put(key, ((Number) v).intValue());
    return ((Number) v).intValue();
  }

  private static void putIf(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
