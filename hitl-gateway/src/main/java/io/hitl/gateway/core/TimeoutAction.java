package io.hitl.gateway.core;

import java.util.Locale;

/** What happens to a request still pending at its deadline (SPEC §4). */
public enum TimeoutAction {
  /** EXPIRED, reason HITL_TIMEOUT, channel system. */
  REJECT,
  /** APPROVED, reason HITL_TIMEOUT_AUTO_APPROVE, channel system. */
  APPROVE,
  /** Stays PENDING one level up with a later deadline; past the last level it is rejected like REJECT. */
  ESCALATE;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The action named by {@code s} (case-insensitive), or null. */
  public static TimeoutAction parse(String s) {
    if (s == null) {
      return null;
    }
    for (TimeoutAction a : values()) {
      if (a.json().equalsIgnoreCase(s.trim())) {
        return a;
      }
    }
    return null;
  }
}
