package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.TimeoutAction;
import io.hitl.gateway.core.TimeoutPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Documents and limits for the pure policy tests. */
final class PolicyFixtures {
  static final PolicyParser.Limits LIMITS = new PolicyParser.Limits(
    new TimeoutPolicy(TimeoutAction.REJECT, 300, 0, 0, 2, 300, List.of()), new TimeoutPolicy.Bounds(1, 86_400),
    new Policy.ReRequest(60, 3));

  private PolicyFixtures() {
  }

  /** {"policies": [...], "default": fallback}. */
  @SafeVarargs
  static Map<String, Object> doc(Map<String, Object> fallback, Map<String, Object>... policies) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("policies", new ArrayList<>(List.of(policies)));
    d.put("default", fallback);
    return d;
  }

  /** A mutable map of alternating keys and values. */
  static Map<String, Object> m(Object... kv) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.put((String) kv[i], kv[i + 1]);
    }
    return out;
  }

  static PolicyDocument parse(Map<String, Object> doc) {
    return PolicyParser.parse(doc, LIMITS);
  }
}
