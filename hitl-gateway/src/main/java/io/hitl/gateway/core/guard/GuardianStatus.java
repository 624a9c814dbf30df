package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.RequestValidator;
import java.util.Locale;
import java.util.Map;

/** What a Guardian reports: LOCKED or UNLOCKED, and why. */
public record GuardianStatus(boolean locked, String reason) {
  public static final int MAX_REASON = 500;

  /** Parses `{"state": "LOCKED"|"UNLOCKED", "reason": "..."}`; anything else is SEC-010. */
  public static GuardianStatus parse(Map<String, Object> body) {
    Object state = body.get("state");
    if (!(state instanceof String)) {
      throw GatewayException.invalid(Map.of("state", "must be LOCKED or UNLOCKED"));
    }
    boolean locked;
    switch (((String) state).trim().toUpperCase(Locale.ROOT)) {
      case GuardianState.LOCKED:
        locked = true;
        break;
      case GuardianState.UNLOCKED:
        locked = false;
        break;
      default:
        throw GatewayException.invalid(Map.of("state", "must be LOCKED or UNLOCKED"));
    }
    return new GuardianStatus(locked, RequestValidator.optionalText(body.get("reason"), "reason", MAX_REASON));
  }
}
