package io.hitl.gateway.core.policy;

import java.util.List;
import java.util.Map;

/**
 * A validated policy document: policies in document order and the default. Matching is total and
 * deterministic: the first policy whose predicates all hold, otherwise the default.
 */
public record PolicyDocument(List<Policy> policies, Policy fallback, Map<String, Object> normalized, String hash) {

  public PolicyDocument {
    policies = List.copyOf(policies);
  }

  /** The policy a request with these facts gets, and its index in `policies` (-1 for the default). */
  public record Matched(Policy policy, int index) {
  }

  public Matched match(Facts facts) {
    for (int i = 0; i < policies.size(); i++) {
      if (policies.get(i).match().matches(facts)) {
        return new Matched(policies.get(i), i);
      }
    }
    return new Matched(fallback, -1);
  }
}
