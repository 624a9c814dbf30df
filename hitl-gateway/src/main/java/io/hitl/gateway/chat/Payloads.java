package io.hitl.gateway.chat;

import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.StrictJson;
import java.util.List;
import java.util.Map;

/** JSON reading for the pure parsers: objects as maps, and null-safe walks into them. */
final class Payloads {
  private Payloads() {
  }

  /** One JSON object read as strictly as an API body (valid UTF-8, nothing after it, no duplicate keys). */
  static Map<String, Object> object(byte[] json) {
    try {
      return StrictJson.object(json, "json");
    } catch (GatewayException e) {
      Object errors = e.extensions().get("errors");
      Object why = errors instanceof Map ? ((Map<?, ?>) errors).values().iterator().next() : "is not valid JSON";
      throw new IllegalArgumentException(String.valueOf(why));
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

  /** The text at a path, null when absent; a value of another type is refused rather than turned into text. */
  static String text(Map<String, Object> m, String... path) {
    Object v = at(m, path);
    if (v != null && !(v instanceof String)) {
      throw new IllegalArgumentException(String.join(".", path) + " must be a string");
    }
    return (String) v;
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
