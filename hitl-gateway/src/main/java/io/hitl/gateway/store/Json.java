package io.hitl.gateway.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions between Vert.x JSON/SQL values and the plain Java values the core uses. */
public final class Json {
  private Json() {
  }

  @SuppressWarnings("unchecked")
  public static Object plain(Object v) {
    if (v instanceof JsonObject) {
      return plainMap(((JsonObject) v).getMap());
    }
    if (v instanceof Map) {
      return plainMap((Map<String, Object>) v);
    }
    if (v instanceof JsonArray) {
      return plainList(((JsonArray) v).getList());
    }
    if (v instanceof List) {
      return plainList((List<Object>) v);
    }
    return v;
  }

  public static Map<String, Object> plainMap(Map<String, Object> m) {
    if (m == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, val) -> out.put(k, plain(val)));
    return out;
  }

  private static List<Object> plainList(List<Object> l) {
    List<Object> out = new ArrayList<>(l.size());
    l.forEach(o -> out.add(plain(o)));
    return out;
  }

  public static Map<String, Object> plainMap(JsonObject o) {
    return o == null ? null : plainMap(o.getMap());
  }

  public static JsonObject json(Map<String, Object> m) {
    return m == null ? null : new JsonObject(m);
  }

  public static OffsetDateTime odt(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }

  public static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
