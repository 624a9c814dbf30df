package io.hitl.gateway.core.pretrade;

import java.time.Instant;
import java.util.UUID;

/**
 * A kill switch scoped to one venue, strategy, account, desk or symbol: who engaged it, why and when,
 * how many pending requests engaging it rejected, and who lifted it, why and when (null while engaged).
 */
public record ScopedSwitch(UUID id, Scope scope, String reason, String setBy, Instant setAt, long rejected,
    Instant liftedAt, String liftedBy, String liftReason) {

  public boolean engaged() {
    return liftedAt == null;
  }

  public ScopedSwitch withRejected(long n) {
    return new ScopedSwitch(id, scope, reason, setBy, setAt, n, liftedAt, liftedBy, liftReason);
  }

  public ScopedSwitch lifted(Instant at, String by, String why) {
    return new ScopedSwitch(id, scope, reason, setBy, setAt, rejected, at, by, why);
  }
}
