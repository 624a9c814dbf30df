package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.PolicyKeys;
import io.hitl.gateway.core.TimeoutPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a policy document decides for a new request: the matching policy, the request's timeout settings
 * (policy over the settings' defaults, request body over the policy unless the policy forbids it), the
 * notification channels, an auto-approve rule, and the snapshot the request keeps.
 */
public final class PolicyRules {
  public static final String BUILT_IN_DESCRIPTION = "Built-in policy from the gateway settings: no policy document "
    + "has been saved yet";

  /** The document in force: its version (0 for the built-in one), its hash, and the parsed document. */
  public record Active(int version, String hash, PolicyDocument document) {
  }

  /** The outcome of matching one request. */
  public record Resolution(Policy policy, int index, Facts facts, TimeoutPolicy timeouts, List<String> channels,
      Policy.AutoApprove autoApprove, Map<String, Object> snapshot) {
    public int requiredApprovals() {
      return policy.requiredApprovals();
    }
  }

  private PolicyRules() {
  }

  /**
   * Version 0, in force until the first PUT: a default that keeps the settings' behaviour (anyone with the
   * approver role, self-approval per HITL_ALLOW_SELF_APPROVAL, the settings' timeouts).
   */
  public static Active builtIn(PolicyParser.Limits limits, boolean selfApprovalAllowed) {
    Map<String, Object> fallback = new LinkedHashMap<>();
    fallback.put("self_approval", selfApprovalAllowed ? "allow" : "forbid");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("description", BUILT_IN_DESCRIPTION);
    doc.put("policies", List.of());
    doc.put("default", fallback);
    PolicyDocument d = PolicyParser.parse(doc, limits);
    return new Active(0, d.hash(), d);
  }

  /**
   * Matches a request (type and validated context) and resolves its settings. {@code body} is the create
   * body, whose timeout keys override the policy's unless the policy sets allow_timeout_overrides false;
   * {@code requestTimeout} is its validated timeout_seconds (null when absent).
   */
  public static Resolution resolve(Active active, String type, Map<String, Object> context, Integer requestTimeout,
      Map<String, Object> body, PolicyParser.Limits limits) {
    Facts facts = Facts.of(type, context);
    PolicyDocument.Matched matched = active.document().match(facts);
    Policy p = matched.policy();
    if (!p.allowTimeoutOverrides()) {
      Map<String, String> errors = new LinkedHashMap<>();
      List<String> keys = new ArrayList<>();
      keys.add(PolicyKeys.TIMEOUT_SECONDS);
      keys.addAll(PolicyKeys.TIMEOUT_OVERRIDES);
      for (String k : keys) {
        if (body.get(k) != null) {
          errors.put(k, "is set by policy '" + p.name() + "' and may not be overridden");
        }
      }
      if (!errors.isEmpty()) {
        throw GatewayException.invalid(errors);
      }
    }
    Object t = p.timeouts().get(PolicyKeys.TIMEOUT_SECONDS);
    int policyTimeout = t instanceof Number ? ((Number) t).intValue() : limits.timeoutDefaults().timeoutSeconds();
    TimeoutPolicy policyDefaults = TimeoutPolicy.resolve(p.timeouts(), policyTimeout, limits.timeoutDefaults(),
      limits.bounds());
    int timeout = requestTimeout != null ? requestTimeout : policyTimeout;
    TimeoutPolicy timeouts = TimeoutPolicy.resolve(body, timeout, policyDefaults, limits.bounds());
    List<String> channels = channels(p, facts);
    Policy.AutoApprove auto = null;
    for (Policy.AutoApprove rule : p.autoApprove()) {
      if (rule.when().matches(facts)) {
        auto = rule;
        break;
      }
    }
    Map<String, Object> snapshot = timeouts.toSnapshot();
    snapshot.putAll(PolicySnapshot.write(p, active.version(), active.hash(), channels));
    return new Resolution(p, matched.index(), facts, timeouts, channels, auto, snapshot);
  }

  /** The first channel rule whose condition holds (none: no channel); null when the policy names no channels. */
  static List<String> channels(Policy p, Facts facts) {
    if (p.channels() == null) {
      return null;
    }
    for (Policy.ChannelRule rule : p.channels()) {
      if (rule.when() == null || rule.when().matches(facts)) {
        return rule.send();
      }
    }
    return List.of();
  }
}
