package io.hitl.gateway.core.guard;

import java.util.Locale;

/** Who locked a ticker out: an admin, or a system process reacting to news or enforcing a cooldown. */
public enum LockoutSource {
  MANUAL, NEWS_SHOCK, COOLDOWN;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static LockoutSource parse(String s) {
    for (LockoutSource l : values()) {
      if (l.json().equals(s)) {
        return l;
      }
    }
    return null;
  }
}
