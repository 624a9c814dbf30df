package io.hitl.client;

import java.util.Locale;

/** What an approver decides. */
public enum Decision {
  APPROVE, REJECT;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
