package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.PolicyKeys;
import io.hitl.gateway.core.pretrade.PretradePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The policy part of an approval's `policy` snapshot: written once at creation, read by every later
 * decision (snapshot isolation). Snapshots written before policies existed lack these keys; they read
 * as the settings' behaviour (anyone may approve, self-approval per HITL_ALLOW_SELF_APPROVAL, every
 * configured channel, no acknowledgements, no edits).
 */
public final class PolicySnapshot {
  private PolicySnapshot() {
  }

  /** The entries a matched policy adds to the snapshot. */
  public static Map<String, Object> write(Policy p, int version, String documentHash, List<String> channels) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(PolicyKeys.POLICY_NAME, p.name());
    m.put(PolicyKeys.POLICY_VERSION, version);
    m.put(PolicyKeys.POLICY_DOCUMENT_HASH, documentHash);
    m.put(PolicyKeys.REQUIRED_APPROVALS, p.requiredApprovals());
    Map<String, Object> approvers = new LinkedHashMap<>();
    approvers.put("users", new ArrayList<>(p.approverUsers()));
    approvers.put("roles", new ArrayList<>(p.approverRoles()));
    m.put(PolicyKeys.APPROVERS, approvers);
    m.put(PolicyKeys.SUPER_APPROVERS, new ArrayList<>(p.superApprovers()));
    m.put(PolicyKeys.SELF_APPROVAL, p.selfApproval().json());
    if (channels != null) {
      m.put(PolicyKeys.CHANNELS, new ArrayList<>(channels));
    }
    List<Object> personas = new ArrayList<>();
    for (Policy.Persona persona : p.acknowledgements()) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("persona", persona.name());
      pm.put("users", new ArrayList<>(persona.users()));
      pm.put("roles", new ArrayList<>(persona.roles()));
      personas.add(pm);
    }
    m.put(PolicyKeys.ACKNOWLEDGEMENTS, personas);
    if (p.edits() != null) {
      m.put(PolicyKeys.EDITS, edits(p.edits()));
    }
    Map<String, Object> re = new LinkedHashMap<>();
    re.put("cooldown_seconds", p.reRequest().cooldownSeconds());
    re.put("max_per_lineage", p.reRequest().maxPerLineage());
    m.put(PolicyKeys.RE_REQUEST, re);
    if (p.pretrade() != null) {
      m.put(PolicyKeys.LIMITS, new LinkedHashMap<>(p.pretrade().normalized()));
    }
    return m;
  }

  /** The pre-trade limits this request was checked against, or null when its policy declared none. */
  public static PretradePolicy pretrade(Map<String, Object> snapshot) {
    Object v = snapshot == null ? null : snapshot.get(PolicyKeys.LIMITS);
    if (v == null) {
      return null;
    }
    PolicyErrors e = new PolicyErrors();
    PretradePolicy p = LimitsParser.parse(v, PolicyKeys.LIMITS, e, new LinkedHashMap<>());
    return e.isEmpty() ? p : null;
  }

  /**
   * Who may decide this request: the desk-wide allowlist {@code fence} (HITL_ALLOWED_OPERATORS) and the
   * snapshot's approvers, super-approvers and self-approval mode.
   */
  public static DecisionRules.Operators operators(Map<String, Object> snapshot, Set<String> fence,
      boolean selfApprovalAllowed) {
    SelfApproval self = snapshot == null ? null : SelfApproval.parse(snapshot.get(PolicyKeys.SELF_APPROVAL));
    if (self == null) {
      self = selfApprovalAllowed ? SelfApproval.ALLOW : SelfApproval.FORBID;
    }
    Map<String, Object> approvers = snapshot == null ? null : map(snapshot.get(PolicyKeys.APPROVERS));
    return new DecisionRules.Operators(fence,
      strings(approvers == null ? null : approvers.get("users")),
      strings(approvers == null ? null : approvers.get("roles")),
      strings(snapshot == null ? null : snapshot.get(PolicyKeys.SUPER_APPROVERS)), self);
  }

  public static List<Policy.Persona> acknowledgements(Map<String, Object> snapshot) {
    Object v = snapshot == null ? null : snapshot.get(PolicyKeys.ACKNOWLEDGEMENTS);
    if (!(v instanceof List) || ((List<?>) v).isEmpty()) {
      return List.of();
    }
    PolicyErrors e = new PolicyErrors();
    List<Policy.Persona> personas = PolicyParser.personas(v, PolicyKeys.ACKNOWLEDGEMENTS, e, new ArrayList<>());
    return e.isEmpty() ? personas : List.of();
  }

  /** The personas still to acknowledge, in policy order. */
  public static List<String> missing(Map<String, Object> snapshot, Set<String> acknowledged) {
    List<String> missing = new ArrayList<>();
    for (Policy.Persona p : acknowledgements(snapshot)) {
      if (!acknowledged.contains(p.name())) {
        missing.add(p.name());
      }
    }
    return missing;
  }

  /** The edit policy, or null when this request's policy allows no edits. */
  public static Policy.EditPolicy edits(Map<String, Object> snapshot) {
    Object v = snapshot == null ? null : snapshot.get(PolicyKeys.EDITS);
    if (v == null) {
      return null;
    }
    PolicyErrors e = new PolicyErrors();
    Policy.EditPolicy edits = PolicyParser.edits(v, PolicyKeys.EDITS, e, new LinkedHashMap<>());
    return e.isEmpty() ? edits : null;
  }

  public static Policy.ReRequest reRequest(Map<String, Object> snapshot, Policy.ReRequest defaults) {
    Object v = snapshot == null ? null : snapshot.get(PolicyKeys.RE_REQUEST);
    if (v == null) {
      return defaults;
    }
    return PolicyParser.reRequest(v, PolicyKeys.RE_REQUEST, defaults, new PolicyErrors(), new LinkedHashMap<>());
  }

  /** The notification channels named by the snapshot, or null for "every configured channel". */
  public static List<String> channels(Map<String, Object> snapshot) {
    Object v = snapshot == null ? null : snapshot.get(PolicyKeys.CHANNELS);
    return v instanceof List ? List.copyOf(strings(v)) : null;
  }

  public static String name(Map<String, Object> snapshot) {
    Object v = snapshot == null ? null : snapshot.get(PolicyKeys.POLICY_NAME);
    return v instanceof String ? (String) v : null;
  }

  public static Integer version(Map<String, Object> snapshot) {
    Object v = snapshot == null ? null : snapshot.get(PolicyKeys.POLICY_VERSION);
    return v instanceof Number ? ((Number) v).intValue() : null;
  }

  private static Map<String, Object> edits(Policy.EditPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("allowed", new ArrayList<>(p.allowed()));
    if (!p.schema().isEmpty()) {
      Map<String, Object> props = new LinkedHashMap<>();
      for (String k : p.allowed()) {
        if (p.schema().containsKey(k)) {
          props.put(k, p.schema().get(k).normalized());
        }
      }
      Map<String, Object> schema = new LinkedHashMap<>();
      schema.put("type", "object");
      schema.put("properties", props);
      m.put("schema", schema);
    }
    m.put("max_diff_chars", p.maxDiffChars());
    if (!p.decreaseOnly().isEmpty()) {
      m.put("decrease_only", new ArrayList<>(p.decreaseOnly()));
    }
    if (!p.tightenOnly().isEmpty()) {
      m.put("tighten_only", new ArrayList<>(p.tightenOnly()));
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v) {
    return v instanceof Map ? (Map<String, Object>) v : null;
  }

  private static Set<String> strings(Object v) {
    Set<String> out = new LinkedHashSet<>();
    if (v instanceof List) {
      for (Object o : (List<?>) v) {
        if (o instanceof String) {
          out.add((String) o);
        }
      }
    }
    return out;
  }
}
