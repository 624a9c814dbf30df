package io.hitl.client;

import java.util.Locale;

/** Roles of the token's {@code roles} claim, and of a message signed with the cluster secret. */
public enum Role {
  SUBMITTER, APPROVER, VIEWER, ADMIN;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
