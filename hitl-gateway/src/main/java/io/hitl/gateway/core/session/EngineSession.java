package io.hitl.gateway.core.session;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * An engine's session for cancel-on-disconnect: who opened it, its heartbeat timeout, when it was last
 * heard from, and how it ended (null while open): lapsed (no heartbeat in time) or closed by its engine, with
 * how many pending requests that cancelled.
 */
public record EngineSession(UUID id, String owner, int timeoutSeconds, Instant openedAt, Instant lastSeenAt,
    Instant lapsedAt, Instant closedAt, int cancelled) {

  public static final String OPEN = "open";
  public static final String LAPSED = "lapsed";
  public static final String CLOSED = "closed";

  /** The moment the session lapses unless a heartbeat comes first. */
  public Instant deadline() {
    return lastSeenAt.plus(Duration.ofSeconds(timeoutSeconds));
  }

  public boolean open() {
    return lapsedAt == null && closedAt == null;
  }

  /** open, lapsed or closed. */
  public String state() {
    return lapsedAt != null ? LAPSED : closedAt != null ? CLOSED : OPEN;
  }

  /** When it lapsed or was closed; null while open. */
  public Instant endedAt() {
    return lapsedAt != null ? lapsedAt : closedAt;
  }

  /** True when an open session has gone without a heartbeat for longer than its timeout at {@code now}. */
  public boolean dueAt(Instant now) {
    return open() && now.isAfter(deadline());
  }

  public EngineSession heardAt(Instant at) {
    return new EngineSession(id, owner, timeoutSeconds, openedAt, at, lapsedAt, closedAt, cancelled);
  }

  public EngineSession lapsed(Instant at, int n) {
    return new EngineSession(id, owner, timeoutSeconds, openedAt, lastSeenAt, at, null, n);
  }

  public EngineSession closed(Instant at, int n) {
    return new EngineSession(id, owner, timeoutSeconds, openedAt, lastSeenAt, null, at, n);
  }
}
