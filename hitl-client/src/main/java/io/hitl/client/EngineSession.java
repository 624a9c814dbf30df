package io.hitl.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An engine session for cancel-on-disconnect as the gateway shows it (docs/guards.md#cancel-on-disconnect): open
 * while its heartbeats arrive within its timeout; lapsed (its pending requests cancelled, ENGINE_DISCONNECTED) or
 * closed otherwise. Typed accessors over the JSON view.
 */
public record EngineSession(JsonObject json) {

  public UUID id() {
    return UUID.fromString(json.getString("id"));
  }

  /** {@code open}, {@code lapsed} or {@code closed}. */
  public String state() {
    return json.getString("state");
  }

  public boolean open() {
    return "open".equals(state());
  }

  public int heartbeatTimeoutSeconds() {
    return json.getInteger("heartbeat_timeout_seconds");
  }

  /** When the session lapses unless a heartbeat arrives first (null once it has ended). */
  public Instant lapsesAt() {
    return instant("lapses_at");
  }

  public Instant lapsedAt() {
    return instant("lapsed_at");
  }

  public Instant closedAt() {
    return instant("closed_at");
  }

  /** The requests its lapse (or a close that asked for it) cancelled. */
  public List<UUID> cancelled() {
    JsonArray ids = json.getJsonArray("cancelled");
    return ids == null ? List.of() : ids.stream().map(o -> UUID.fromString(String.valueOf(o))).toList();
  }

  private Instant instant(String key) {
    String v = json.getString(key);
    return v == null ? null : Instant.parse(v);
  }
}
