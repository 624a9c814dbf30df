package io.hitl.gateway.core;

import java.util.Locale;

/** Roles carried in the token's `roles` claim. Admin may do everything. */
public enum Role {
  SUBMITTER, APPROVER, VIEWER, ADMIN;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String s) {
    for (Role r : values()) {
      if (r.json().equals(s)) {
        return r;
      }
    }
    return null;
  }
}
