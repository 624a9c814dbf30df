package io.hitl.client;

import java.util.Locale;

/** The state of an approval request; every state but PENDING is final. */
public enum ApprovalStatus {
  PENDING, APPROVED, REJECTED, EXPIRED, CANCELLED;

  public boolean terminal() {
    return this != PENDING;
  }

  /** Lower case, as the API shows it. */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ApprovalStatus parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
