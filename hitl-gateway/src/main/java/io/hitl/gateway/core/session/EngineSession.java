package io.hitl.gateway.core.session;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * An engine's session for cancel-on-disconnect: who opened it, its heartbeat timeout, when it was last
 * heard from, and when it lapsed (null while open) with how many pending requests that cancelled.
 */
public record EngineSession(UUID id, String owner, int timeoutSeconds, Instant openedAt, Instant lastSeenAt,
    Instant lapsedAt, int cancelled) {

  /** The moment the session lapses unless a heartbeat comes first. */
  public Instant deadline() {
    return lastSeenAt.plus(Duration.ofSeconds(timeoutSeconds));
  }

  public boolean open() {
    return lapsedAt == null;
  }

  /** True when an open session has gone without a heartbeat for longer than its timeout at {@code now}. */
  public boolean dueAt(Instant now) {
    return open() && now.isAfter(deadline());
  }

  public EngineSession heardAt(Instant at) {
    return new EngineSession(id, owner, timeoutSeconds, openedAt, at, lapsedAt, cancelled);
  }

  public EngineSession lapsed(Instant at, int n) {
    return new EngineSession(id, owner, timeoutSeconds, openedAt, lastSeenAt, at, n);
  }
}
