package io.hitl.gateway.core;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The timeout settings of one request, stored in its policy snapshot: what happens at the deadline,
 * the escalation notice, reminders and escalation levels. Zero for a number of seconds means "off".
 */
public record TimeoutPolicy(
  TimeoutAction action,
  int timeoutSeconds,
  int escalateBeforeSeconds,
  int reminderIntervalSeconds,
  int maxEscalationLevel,
  int escalationExtensionSeconds,
  List<String> escalationTargets) {

  public static final int MIN_REMINDER_SECONDS = 10;
  public static final int MAX_LEVEL = 10;
  public static final int MAX_TARGETS = 20;
  public static final int MAX_TARGET_LENGTH = 128;

  public TimeoutPolicy {
    escalationTargets = List.copyOf(escalationTargets);
  }

  /** Bounds of durations in seconds, from configuration (HITL_TIMEOUT_MIN_SECONDS / _MAX_SECONDS). */
  public record Bounds(int minSeconds, int maxSeconds) {
  }

  /**
   * The settings of a new request: each timeout key of the create body overrides the default, within
   * bounds; every bad value is a SEC-010 naming its field. A default escalation notice that does not fit
   * inside this request's timeout is dropped rather than refused.
   */
  public static TimeoutPolicy resolve(Map<String, Object> body, int timeoutSeconds, TimeoutPolicy defaults,
      Bounds bounds) {
    Map<String, String> errors = new LinkedHashMap<>();
    TimeoutAction action = defaults.action();
    Object a = body.get(PolicyKeys.TIMEOUT_ACTION);
    if (a != null) {
      action = a instanceof String ? TimeoutAction.parse((String) a) : null;
      if (action == null) {
        errors.put(PolicyKeys.TIMEOUT_ACTION, "must be reject, approve or escalate");
      }
    }
    int before = defaults.escalateBeforeSeconds() < timeoutSeconds ? defaults.escalateBeforeSeconds() : 0;
    if (body.get(PolicyKeys.ESCALATE_BEFORE_SECONDS) != null) {
      before = whole(body, PolicyKeys.ESCALATE_BEFORE_SECONDS, 0, timeoutSeconds - 1,
        "must be between 0 (no notice) and " + (timeoutSeconds - 1) + " (less than the timeout)", errors);
    }
    int reminder = defaults.reminderIntervalSeconds();
    if (body.get(PolicyKeys.REMINDER_INTERVAL_SECONDS) != null) {
      reminder = whole(body, PolicyKeys.REMINDER_INTERVAL_SECONDS, 0, bounds.maxSeconds(),
        "must be 0 (no reminders) or between " + MIN_REMINDER_SECONDS + " and " + bounds.maxSeconds(), errors);
      if (reminder > 0 && reminder < MIN_REMINDER_SECONDS) {
        errors.putIfAbsent(PolicyKeys.REMINDER_INTERVAL_SECONDS,
          "must be 0 (no reminders) or between " + MIN_REMINDER_SECONDS + " and " + bounds.maxSeconds());
      }
    }
    int maxLevel = defaults.maxEscalationLevel();
    if (body.get(PolicyKeys.MAX_ESCALATION_LEVEL) != null) {
      maxLevel = whole(body, PolicyKeys.MAX_ESCALATION_LEVEL, 1, MAX_LEVEL,
        "must be a whole number between 1 and " + MAX_LEVEL, errors);
    }
    int extension = defaults.escalationExtensionSeconds();
    if (body.get(PolicyKeys.ESCALATION_EXTENSION_SECONDS) != null) {
      extension = whole(body, PolicyKeys.ESCALATION_EXTENSION_SECONDS, bounds.minSeconds(), bounds.maxSeconds(),
        "must be between " + bounds.minSeconds() + " and " + bounds.maxSeconds(), errors);
    }
    List<String> targets = defaults.escalationTargets();
    if (body.get(PolicyKeys.ESCALATION_TARGETS) != null) {
      targets = targets(body.get(PolicyKeys.ESCALATION_TARGETS), errors);
    }
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    return new TimeoutPolicy(action, timeoutSeconds, before, reminder, maxLevel, extension, targets);
  }

  /** The settings a stored request was created with; keys missing from older snapshots fall back to the defaults. */
  public static TimeoutPolicy fromSnapshot(Map<String, Object> policy, TimeoutPolicy defaults) {
    if (policy == null) {
      return defaults;
    }
    Object a = policy.get(PolicyKeys.TIMEOUT_ACTION);
    TimeoutAction action = a instanceof String ? TimeoutAction.parse((String) a) : null;
    Object t = policy.get(PolicyKeys.ESCALATION_TARGETS);
    List<String> targets = defaults.escalationTargets();
    if (t instanceof List) {
      targets = new ArrayList<>();
      for (Object o : (List<?>) t) {
        targets.add(String.valueOf(o));
      }
    }
    return new TimeoutPolicy(action == null ? defaults.action() : action,
      number(policy, PolicyKeys.TIMEOUT_SECONDS, defaults.timeoutSeconds()),
      number(policy, PolicyKeys.ESCALATE_BEFORE_SECONDS, defaults.escalateBeforeSeconds()),
      number(policy, PolicyKeys.REMINDER_INTERVAL_SECONDS, defaults.reminderIntervalSeconds()),
      number(policy, PolicyKeys.MAX_ESCALATION_LEVEL, defaults.maxEscalationLevel()),
      number(policy, PolicyKeys.ESCALATION_EXTENSION_SECONDS, defaults.escalationExtensionSeconds()),
      targets);
  }

  /** The snapshot entries, as stored in the approval's policy column. */
  public Map<String, Object> toSnapshot() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(PolicyKeys.TIMEOUT_SECONDS, timeoutSeconds);
    m.put(PolicyKeys.TIMEOUT_ACTION, action.json());
    m.put(PolicyKeys.ESCALATE_BEFORE_SECONDS, escalateBeforeSeconds);
    m.put(PolicyKeys.REMINDER_INTERVAL_SECONDS, reminderIntervalSeconds);
    m.put(PolicyKeys.MAX_ESCALATION_LEVEL, maxEscalationLevel);
    m.put(PolicyKeys.ESCALATION_EXTENSION_SECONDS, escalationExtensionSeconds);
    m.put(PolicyKeys.ESCALATION_TARGETS, new ArrayList<>(escalationTargets));
    return m;
  }

  /** policy_hash: SHA-256 of the snapshot's canonical JSON. */
  public static String hash(Map<String, Object> snapshot) {
    return Hashing.sha256Hex(CanonicalJson.write(snapshot));
  }

  private static int number(Map<String, Object> policy, String key, int def) {
    Object v = policy.get(key);
    return v instanceof Number ? ((Number) v).intValue() : def;
  }

  private static int whole(Map<String, Object> body, String key, int min, int max, String message,
      Map<String, String> errors) {
    Object v = body.get(key);
    if (!(v instanceof Integer || v instanceof Long || v instanceof BigInteger)) {
      errors.put(key, "must be a whole number");
      return 0;
    }
    BigInteger n = v instanceof BigInteger ? (BigInteger) v : BigInteger.valueOf(((Number) v).longValue());
    if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
      errors.put(key, message);
      return 0;
    }
    return n.intValue();
  }

  private static List<String> targets(Object v, Map<String, String> errors) {
    String message = "must be a list of at most " + MAX_TARGETS + " names of 1-" + MAX_TARGET_LENGTH
      + " characters";
    if (!(v instanceof List) || ((List<?>) v).size() > MAX_TARGETS) {
      errors.put(PolicyKeys.ESCALATION_TARGETS, message);
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) v) {
      String s = o instanceof String ? ((String) o).strip() : null;
      if (s == null || s.isEmpty() || s.length() > MAX_TARGET_LENGTH || RequestValidator.hasControl(s)) {
        errors.put(PolicyKeys.ESCALATION_TARGETS, message);
        return List.of();
      }
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }
}
