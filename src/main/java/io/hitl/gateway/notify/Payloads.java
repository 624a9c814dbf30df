package io.hitl.gateway.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** JSON reading for the pure parsers: objects as maps, and null-safe walks into them. */
final class Payloads {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Payloads() {
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(byte[] json) {
    try {
      Object o = MAPPER.readValue(json, Object.class);
      if (!(o instanceof Map)) {
        throw new IllegalArgumentException("must be a JSON object");
      }
      return (Map<String, Object>) o;
    } catch (IOException e) {
      throw new IllegalArgumentException("is not valid JSON");
    }
  }

  /** The value at a path of object keys, or null when any step is missing or not an object. */
  @SuppressWarnings("unchecked")
  static Object at(Map<String, Object> m, String... path) {
    Object cur = m;
    for (String key : path) {
      if (!(cur instanceof Map)) {
        return null;
      }
      cur = ((Map<String, Object>) cur).get(key);
    }
    return cur;
  }

  static String text(Map<String, Object> m, String... path) {
    Object v = at(m, path);
    return v instanceof String ? (String) v : v instanceof Number ? String.valueOf(v) : null;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> firstOf(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v instanceof List && !((List<Object>) v).isEmpty() && ((List<Object>) v).get(0) instanceof Map) {
      return (Map<String, Object>) ((List<Object>) v).get(0);
    }
    return null;
  }
}
