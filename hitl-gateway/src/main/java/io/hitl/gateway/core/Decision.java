package io.hitl.gateway.core;

import java.util.Locale;

public enum Decision {
  APPROVE, REJECT;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Decision parse(String s) {
    if (s == null) {
      return null;
    }
    switch (s.toLowerCase(Locale.ROOT)) {
      case "approve":
      case "approved":
        return APPROVE;
      case "reject":
      case "rejected":
        return REJECT;
      default:
        return null;
    }
  }
}
