package io.hitl.gateway.core.guard;

import java.time.Duration;
import java.time.Instant;

/**
 * One node's view of the Guardian status endpoint: what each poll result asks for. An endpoint that
 * has not answered usefully for longer than the grace period counts as LOCKED (fail closed); the
 * clock starts at the last good answer, or at start-up when there has been none.
 */
public final class GuardianWatch {
  public enum Kind { LOCK, UNLOCK, FAIL_CLOSED, NONE }

  public record Action(Kind kind, String reason) {
  }

  private final Duration grace;
  private final Instant started;
  private Instant lastContact;
  private Instant failingSince;
  private String lastError;

  public GuardianWatch(Duration grace, Instant started) {
    this.grace = grace;
    this.started = started;
  }

  public synchronized Action answered(GuardianStatus status, Instant now) {
    lastContact = now;
    failingSince = null;
    lastError = null;
    return status.locked()
      ? new Action(Kind.LOCK, status.reason() == null ? "Guardian reports LOCKED" : status.reason())
      : new Action(Kind.UNLOCK, status.reason() == null ? "Guardian reports UNLOCKED" : status.reason());
  }

  public synchronized Action failed(String error, Instant now) {
    if (failingSince == null) {
      failingSince = now;
    }
    lastError = error;
    Instant since = lastContact != null ? lastContact : started;
    long silent = Duration.between(since, now).toSeconds();
    if (Duration.between(since, now).compareTo(grace) <= 0) {
      return new Action(Kind.NONE, null);
    }
    return new Action(Kind.FAIL_CLOSED, "Guardian endpoint unreachable for " + silent + " s (grace "
      + grace.toSeconds() + " s), failing closed: " + error);
  }

  public synchronized Instant lastContact() {
    return lastContact;
  }

  public synchronized Instant failingSince() {
    return failingSince;
  }

  public synchronized String lastError() {
    return lastError;
  }
}
