package io.hitl.gateway.core.guard;

import java.time.Instant;

/** The kill-switch row as stored: one per database, so every node agrees. */
public record GuardianState(boolean locked, String reason, GuardianSource source, String changedBy,
    Instant changedAt, long blockedByGuardian, long locks) {

  public static final String LOCKED = "LOCKED";
  public static final String UNLOCKED = "UNLOCKED";

  public String stateName() {
    return locked ? LOCKED : UNLOCKED;
  }
}
