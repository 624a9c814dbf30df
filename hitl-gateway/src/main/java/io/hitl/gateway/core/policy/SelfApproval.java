package io.hitl.gateway.core.policy;

import java.util.Locale;

/** Whether the requester may approve their own request (SPEC §5 rule 3). */
public enum SelfApproval {
  /** Refused with SEC-091. */
  FORBID,
  /** Counted like any other approval. */
  ALLOW,
  /** Break-glass: counted only with a reason, and broadcast as a `self_approval` event. */
  ALLOW_WITH_REASON;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named by {@code s}, or null. */
  public static SelfApproval parse(Object s) {
    if (!(s instanceof String)) {
      return null;
    }
    for (SelfApproval m : values()) {
      if (m.json().equals(((String) s).trim().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    return null;
  }
}
