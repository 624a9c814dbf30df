package io.hitl.gateway.core.pretrade;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pre-trade part of a policy: its limits, who may approve an order that breaches them (override
 * approvers, users and roles) and how many, and the longest temporary raise of a limit an override
 * may grant. {@code normalized} is the form kept in the policy document and the request's snapshot.
 */
public record PretradePolicy(Limits limits, List<String> overrideUsers, List<String> overrideRoles,
    int overrideRequiredApprovals, Duration maxRaise, Map<String, Object> normalized) {

  public PretradePolicy {
    overrideUsers = List.copyOf(overrideUsers);
    overrideRoles = List.copyOf(overrideRoles);
    normalized = Collections.unmodifiableMap(new LinkedHashMap<>(normalized));
  }

  /** True when some override approver is named, so a breach can become an override request instead of a refusal. */
  public boolean overridable() {
    return !overrideUsers.isEmpty() || !overrideRoles.isEmpty();
  }
}
