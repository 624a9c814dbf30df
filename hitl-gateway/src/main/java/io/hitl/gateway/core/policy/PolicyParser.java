package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.CanonicalJson;
import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.PolicyKeys;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.RiskLevel;
import io.hitl.gateway.core.TimeoutPolicy;
import io.hitl.gateway.core.pretrade.PretradePolicy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Validates a policy document and writes its normalized form (the form stored, hashed and returned).
 * Every problem is a SEC-010 field error named by its path, all reported at once.
 */
public final class PolicyParser {
  public static final int MAX_POLICIES = 100;
  public static final int MAX_LIST = 100;
  public static final int MAX_RULES = 10;
  public static final int MAX_EDIT_KEYS = 50;
  public static final int MAX_DIFF_CHARS = 100_000;
  public static final int MAX_COOLDOWN_SECONDS = 86_400;
  public static final int MAX_PER_LINEAGE = 100;
  public static final String DEFAULT_NAME = "default";
  public static final Set<String> CHANNELS = Set.of("slack", "discord", "webhook");
  public static final Set<String> TRADING_MODES = Set.of("paper", "live", "disabled");
  /** Context keys that say what is being approved; changing them would approve something else. */
  public static final Set<String> NOT_EDITABLE = Set.of("ticker", "action", "risk_level", "trades", "batch",
    "trade_count", "notional", "trading_mode");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
  private static final Pattern TICKER = Pattern.compile("[A-Z0-9][A-Z0-9._:/-]{0,31}");
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final Set<String> DOCUMENT_FIELDS = Set.of("description", "policies", "default");
  private static final Set<String> MATCH_FIELDS = Set.of("types", "risk_levels", "trading_modes", "tickers",
    "strategies", "notional_min", "notional_max");
  private static final Set<String> POLICY_FIELDS;
  private static final Set<String> TIMEOUT_FIELDS;

  static {
    Set<String> t = new LinkedHashSet<>();
    t.add(PolicyKeys.TIMEOUT_SECONDS);
    t.addAll(PolicyKeys.TIMEOUT_OVERRIDES);
    TIMEOUT_FIELDS = Set.copyOf(t);
    Set<String> p = new LinkedHashSet<>(List.of("name", "description", "match", "required_approvals", "approvers",
      "super_approvers", "self_approval", "allow_timeout_overrides", "channels", "auto_approve", "acknowledgements",
      "edits", "re_request", "limits"));
    p.addAll(t);
    POLICY_FIELDS = Set.copyOf(p);
  }

  /** What a document is checked against: the timeout settings and re-request defaults of this gateway. */
  public record Limits(TimeoutPolicy timeoutDefaults, TimeoutPolicy.Bounds bounds, Policy.ReRequest reRequest) {
  }

  private PolicyParser() {
  }

  /** The validated document; SEC-010 with every field error otherwise. */
  public static PolicyDocument parse(Object document, Limits limits) {
    PolicyErrors e = new PolicyErrors();
    if (!(document instanceof Map)) {
      e.add("document", "must be a JSON object with policies and default");
      e.throwIfAny();
    }
    Map<String, Object> doc = map(document);
    unknown(doc, DOCUMENT_FIELDS, "", e);
    Map<String, Object> normalized = new LinkedHashMap<>();
    if (doc.get("description") != null) {
      normalized.put("description", e.text(doc.get("description"), "description", 2000));
    }
    List<Policy> policies = new ArrayList<>();
    List<Object> normalizedPolicies = new ArrayList<>();
    Object list = doc.get("policies");
    if (list != null && !(list instanceof List && ((List<?>) list).size() <= MAX_POLICIES)) {
      e.add("policies", "must be a list of at most " + MAX_POLICIES + " policies");
    } else if (list != null) {
      Set<String> names = new TreeSet<>();
      List<?> items = (List<?>) list;
      for (int i = 0; i < items.size(); i++) {
        Map<String, Object> out = new LinkedHashMap<>();
        Policy p = policy(items.get(i), "policies[" + i + "]", false, limits, e, out);
        if (p != null && !names.add(p.name())) {
          e.add("policies[" + i + "].name", "must be unique ('" + p.name() + "' is used twice)");
        }
        policies.add(p);
        normalizedPolicies.add(out);
      }
    }
    normalized.put("policies", normalizedPolicies);
    Map<String, Object> fallbackOut = new LinkedHashMap<>();
    Policy fallback = null;
    if (doc.get("default") == null) {
      e.add("default", "is required: the policy of every request no other policy matches");
    } else {
      fallback = policy(doc.get("default"), "default", true, limits, e, fallbackOut);
    }
    normalized.put("default", fallbackOut);
    e.throwIfAny();
    return new PolicyDocument(policies, fallback, normalized, Hashing.sha256Hex(CanonicalJson.write(normalized)));
  }

  private static Policy policy(Object v, String path, boolean isDefault, Limits limits, PolicyErrors e,
      Map<String, Object> out) {
    if (!(v instanceof Map)) {
      e.add(path, "must be a JSON object");
      return null;
    }
    Map<String, Object> m = map(v);
    unknown(m, POLICY_FIELDS, path + ".", e);
    int before = e.all().size();
    String name = DEFAULT_NAME;
    if (isDefault) {
      if (m.get("name") != null && !DEFAULT_NAME.equals(m.get("name"))) {
        e.add(path + ".name", "must be 'default' or absent");
      }
    } else {
      Object n = m.get("name");
      if (!(n instanceof String) || !NAME.matcher((String) n).matches() || DEFAULT_NAME.equals(n)) {
        e.add(path + ".name", "is required: 1-64 letters, digits or . _ - (not 'default')");
      } else {
        name = (String) n;
      }
    }
    out.put("name", name);
    if (m.get("description") != null) {
      out.put("description", e.text(m.get("description"), path + ".description", 500));
    }
    Match match = Match.ANY;
    if (isDefault) {
      if (m.get("match") != null) {
        e.add(path + ".match", "is not allowed: the default matches every request no other policy matches");
      }
    } else {
      Map<String, Object> mo = new LinkedHashMap<>();
      match = match(m.get("match"), path + ".match", e, mo);
      if (match != null && match.isAny()) {
        e.add(path + ".match", "must constrain at least one of " + String.join(", ", new TreeSet<>(MATCH_FIELDS))
          + " (the default is the catch-all)");
      }
      out.put("match", mo);
    }
    int required = 1;
    if (m.get("required_approvals") != null) {
      required = whole(m.get("required_approvals"), path + ".required_approvals", 1, Policy.MAX_REQUIRED_APPROVALS, e);
      out.put("required_approvals", required);
    }
    List<String> users = List.of();
    List<String> roles = List.of();
    if (m.get("approvers") != null) {
      Object a = m.get("approvers");
      if (!(a instanceof Map)) {
        e.add(path + ".approvers", "must be an object with users and/or roles");
      } else {
        Map<String, Object> am = map(a);
        unknown(am, Set.of("users", "roles"), path + ".approvers.", e);
        users = principals(am.get("users"), path + ".approvers.users", e);
        roles = roles(am.get("roles"), path + ".approvers.roles", e);
        Map<String, Object> ao = new LinkedHashMap<>();
        ao.put("users", users);
        ao.put("roles", roles);
        out.put("approvers", ao);
      }
    }
    List<String> supers = List.of();
    if (m.get("super_approvers") != null) {
      supers = principals(m.get("super_approvers"), path + ".super_approvers", e);
      out.put("super_approvers", supers);
    }
    if (roles.isEmpty() && !users.isEmpty()) {
      Set<String> eligible = new LinkedHashSet<>(users);
      eligible.addAll(supers);
      if (required > eligible.size()) {
        e.add(path + ".required_approvals", "can never be reached: only " + eligible.size()
          + " people may approve");
      }
    }
    SelfApproval self = SelfApproval.FORBID;
    if (m.get("self_approval") != null) {
      self = SelfApproval.parse(m.get("self_approval"));
      if (self == null) {
        e.add(path + ".self_approval", "must be forbid, allow or allow_with_reason");
        self = SelfApproval.FORBID;
      }
      out.put("self_approval", self.json());
    }
    Map<String, Object> timeouts = timeouts(m, path, limits, e, out);
    boolean overrides = true;
    if (m.get("allow_timeout_overrides") != null) {
      if (!(m.get("allow_timeout_overrides") instanceof Boolean)) {
        e.add(path + ".allow_timeout_overrides", "must be true or false");
      } else {
        overrides = (Boolean) m.get("allow_timeout_overrides");
        out.put("allow_timeout_overrides", overrides);
      }
    }
    List<Policy.ChannelRule> channels = null;
    if (m.get("channels") != null) {
      List<Object> co = new ArrayList<>();
      channels = channels(m.get("channels"), path + ".channels", e, co);
      out.put("channels", co);
    }
    List<Policy.AutoApprove> auto = List.of();
    if (m.get("auto_approve") != null) {
      List<Object> ao = new ArrayList<>();
      auto = autoApprove(m.get("auto_approve"), path + ".auto_approve", e, ao);
      out.put("auto_approve", ao);
    }
    List<Policy.Persona> personas = List.of();
    if (m.get("acknowledgements") != null) {
      List<Object> po = new ArrayList<>();
      personas = personas(m.get("acknowledgements"), path + ".acknowledgements", e, po);
      out.put("acknowledgements", po);
    }
    Policy.EditPolicy edits = null;
    if (m.get("edits") != null) {
      Map<String, Object> eo = new LinkedHashMap<>();
      edits = edits(m.get("edits"), path + ".edits", e, eo);
      out.put("edits", eo);
    }
    Policy.ReRequest reRequest = limits.reRequest();
    if (m.get("re_request") != null) {
      Map<String, Object> ro = new LinkedHashMap<>();
      reRequest = reRequest(m.get("re_request"), path + ".re_request", limits.reRequest(), e, ro);
      out.put("re_request", ro);
    }
    PretradePolicy pretrade = null;
    if (m.get("limits") != null) {
      Map<String, Object> lo = new LinkedHashMap<>();
      pretrade = LimitsParser.parse(m.get("limits"), path + ".limits", e, lo);
      out.put("limits", lo);
    }
    if (e.all().size() > before) {
      return null;
    }
    return new Policy(name, match, required, users, roles, supers, self, timeouts, overrides, channels, auto,
      personas, edits, reRequest, pretrade);
  }

  /** The predicates at {@code path}; the normalized form goes to {@code out}. */
  public static Match match(Object v, String path, PolicyErrors e, Map<String, Object> out) {
    if (!(v instanceof Map)) {
      e.add(path, "must be an object of predicates (" + String.join(", ", new TreeSet<>(MATCH_FIELDS)) + ")");
      return null;
    }
    Map<String, Object> m = map(v);
    unknown(m, MATCH_FIELDS, path + ".", e);
    Set<String> types = names(m, "types", path, e, out, s -> s, s -> TYPE.matcher(s).matches(),
      "must be a list of approval types such as TRADE_EXECUTION");
    Set<String> risks = names(m, "risk_levels", path, e, out, s -> s.toUpperCase(Locale.ROOT), PolicyParser::riskLevel,
      "must be a list of LOW, MEDIUM, HIGH, CRITICAL");
    Set<String> modes = names(m, "trading_modes", path, e, out, s -> s.toLowerCase(Locale.ROOT), TRADING_MODES::contains,
      "must be a list of paper, live, disabled");
    Set<String> tickers = names(m, "tickers", path, e, out, s -> s.toUpperCase(Locale.ROOT),
      s -> TICKER.matcher(s).matches(), "must be a list of tickers (1-32 letters, digits or . _ : / -)");
    Set<String> strategies = names(m, "strategies", path, e, out, s -> s, s -> s.length() <= RequestValidator.MAX_STRATEGY,
      "must be a list of strategy names of at most " + RequestValidator.MAX_STRATEGY + " characters");
    BigDecimal min = notional(m.get("notional_min"), path + ".notional_min", e, out, "notional_min");
    BigDecimal max = notional(m.get("notional_max"), path + ".notional_max", e, out, "notional_max");
    if (min != null && max != null && min.compareTo(max) >= 0) {
      e.add(path + ".notional_max", "must be greater than notional_min");
    }
    return new Match(types, risks, modes, tickers, strategies, min, max);
  }

  /** The acknowledgements at {@code path}: a persona name (tickable by the role of that name) or {persona, users, roles}. */
  public static List<Policy.Persona> personas(Object v, String path, PolicyErrors e, List<Object> out) {
    if (!(v instanceof List) || ((List<?>) v).size() > MAX_RULES) {
      e.add(path, "must be a list of at most " + MAX_RULES + " personas");
      return List.of();
    }
    List<Policy.Persona> personas = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    List<?> items = (List<?>) v;
    for (int i = 0; i < items.size(); i++) {
      String at = path + "[" + i + "]";
      Object item = items.get(i);
      String name;
      List<String> users = List.of();
      List<String> roles;
      if (item instanceof String) {
        name = (String) item;
        roles = List.of(name);
      } else if (item instanceof Map) {
        Map<String, Object> pm = map(item);
        unknown(pm, Set.of("persona", "users", "roles"), at + ".", e);
        name = pm.get("persona") instanceof String ? (String) pm.get("persona") : null;
        users = principals(pm.get("users"), at + ".users", e);
        roles = roles(pm.get("roles"), at + ".roles", e);
        if (users.isEmpty() && roles.isEmpty()) {
          e.add(at, "must name the users and/or roles who may acknowledge");
        }
      } else {
        e.add(at, "must be a persona name or {persona, users, roles}");
        continue;
      }
      if (name == null || !ROLE.matcher(name).matches()) {
        e.add(at + (item instanceof Map ? ".persona" : ""), "must be a persona name of 1-64 letters, digits or . _ : -");
        continue;
      }
      if (!seen.add(name)) {
        e.add(at, "names persona '" + name + "' twice");
        continue;
      }
      Map<String, Object> po = new LinkedHashMap<>();
      po.put("persona", name);
      po.put("users", users);
      po.put("roles", roles);
      out.add(po);
      personas.add(new Policy.Persona(name, users, roles));
    }
    return personas;
  }

  /** The edit policy at {@code path}; the normalized form (with max_diff_chars filled in) goes to {@code out}. */
  public static Policy.EditPolicy edits(Object v, String path, PolicyErrors e, Map<String, Object> out) {
    if (!(v instanceof Map)) {
      e.add(path, "must be an object with allowed, schema, max_diff_chars, decrease_only, tighten_only");
      return null;
    }
    Map<String, Object> m = map(v);
    unknown(m, Set.of("allowed", "schema", "max_diff_chars", "decrease_only", "tighten_only"), path + ".", e);
    List<String> allowed = new ArrayList<>();
    Object a = m.get("allowed");
    if (!(a instanceof List) || ((List<?>) a).isEmpty() || ((List<?>) a).size() > MAX_EDIT_KEYS) {
      e.add(path + ".allowed", "must list 1-" + MAX_EDIT_KEYS + " context keys an approver may change");
    } else {
      for (Object k : (List<?>) a) {
        if (!(k instanceof String) || !KEY.matcher((String) k).matches()) {
          e.add(path + ".allowed", "must list context keys (letters, digits, _)");
        } else if (NOT_EDITABLE.contains(k)) {
          e.add(path + ".allowed", "must not include '" + k + "': it says what is being approved");
        } else if (!allowed.contains(k)) {
          allowed.add((String) k);
        }
      }
    }
    out.put("allowed", allowed);
    Map<String, PropertySchema> schemas = new LinkedHashMap<>();
    if (m.get("schema") != null) {
      Object s = m.get("schema");
      Map<String, Object> so = new LinkedHashMap<>();
      if (!(s instanceof Map)) {
        e.add(path + ".schema", "must be a JSON Schema object with properties");
      } else {
        Map<String, Object> sm = map(s);
        unknown(sm, Set.of("type", "properties"), path + ".schema.", e);
        if (sm.get("type") != null && !"object".equals(sm.get("type"))) {
          e.add(path + ".schema.type", "must be object");
        }
        Object props = sm.get("properties");
        if (!(props instanceof Map)) {
          e.add(path + ".schema.properties", "must be an object of one schema per allowed key");
        } else {
          Map<String, Object> po = new LinkedHashMap<>();
          for (Map.Entry<String, Object> p : map(props).entrySet()) {
            String at = path + ".schema.properties." + p.getKey();
            if (!allowed.contains(p.getKey())) {
              e.add(at, "is not in allowed");
              continue;
            }
            PropertySchema ps = PropertySchema.parse(p.getValue(), at, e);
            if (ps != null) {
              schemas.put(p.getKey(), ps);
              po.put(p.getKey(), ps.normalized());
            }
          }
          so.put("type", "object");
          so.put("properties", po);
        }
      }
      out.put("schema", so);
    }
    int maxDiff = Policy.EditPolicy.DEFAULT_MAX_DIFF_CHARS;
    if (m.get("max_diff_chars") != null) {
      maxDiff = whole(m.get("max_diff_chars"), path + ".max_diff_chars", 1, MAX_DIFF_CHARS, e);
    }
    out.put("max_diff_chars", maxDiff);
    List<String> decrease = subset(m.get("decrease_only"), allowed, path + ".decrease_only", e);
    List<String> tighten = subset(m.get("tighten_only"), allowed, path + ".tighten_only", e);
    if (!decrease.isEmpty()) {
      out.put("decrease_only", decrease);
    }
    if (!tighten.isEmpty()) {
      out.put("tighten_only", tighten);
    }
    return new Policy.EditPolicy(allowed, schemas, maxDiff, decrease, tighten);
  }

  /** The re-request rule at {@code path}; fields not given take the defaults. */
  public static Policy.ReRequest reRequest(Object v, String path, Policy.ReRequest defaults, PolicyErrors e,
      Map<String, Object> out) {
    if (!(v instanceof Map)) {
      e.add(path, "must be an object with cooldown_seconds and/or max_per_lineage");
      return defaults;
    }
    Map<String, Object> m = map(v);
    unknown(m, Set.of("cooldown_seconds", "max_per_lineage"), path + ".", e);
    int cooldown = defaults.cooldownSeconds();
    int max = defaults.maxPerLineage();
    if (m.get("cooldown_seconds") != null) {
      cooldown = whole(m.get("cooldown_seconds"), path + ".cooldown_seconds", 0, MAX_COOLDOWN_SECONDS, e);
      out.put("cooldown_seconds", cooldown);
    }
    if (m.get("max_per_lineage") != null) {
      max = whole(m.get("max_per_lineage"), path + ".max_per_lineage", 0, MAX_PER_LINEAGE, e);
      out.put("max_per_lineage", max);
    }
    return new Policy.ReRequest(cooldown, max);
  }

  private static Map<String, Object> timeouts(Map<String, Object> m, String path, Limits limits, PolicyErrors e,
      Map<String, Object> out) {
    Map<String, Object> given = new LinkedHashMap<>();
    for (String k : TIMEOUT_FIELDS) {
      if (m.get(k) != null) {
        given.put(k, m.get(k));
      }
    }
    if (given.isEmpty()) {
      return Map.of();
    }
    int timeout = limits.timeoutDefaults().timeoutSeconds();
    if (given.containsKey(PolicyKeys.TIMEOUT_SECONDS)) {
      int before = e.all().size();
      timeout = whole(given.get(PolicyKeys.TIMEOUT_SECONDS), path + "." + PolicyKeys.TIMEOUT_SECONDS,
        limits.bounds().minSeconds(), limits.bounds().maxSeconds(), e);
      if (e.all().size() > before) {
        return Map.of();
      }
    }
    TimeoutPolicy resolved;
    try {
      resolved = TimeoutPolicy.resolve(given, timeout, limits.timeoutDefaults(), limits.bounds());
    } catch (GatewayException ex) {
      Object errors = ex.extensions().get("errors");
      if (errors instanceof Map) {
        ((Map<?, ?>) errors).forEach((k, msg) -> e.add(path + "." + k, String.valueOf(msg)));
      }
      return Map.of();
    }
    Map<String, Object> snapshot = resolved.toSnapshot();
    Map<String, Object> kept = new LinkedHashMap<>();
    for (String k : given.keySet()) {
      kept.put(k, snapshot.get(k));
      out.put(k, snapshot.get(k));
    }
    return kept;
  }

  private static List<Policy.ChannelRule> channels(Object v, String path, PolicyErrors e, List<Object> out) {
    if (!(v instanceof List) || ((List<?>) v).size() > MAX_RULES) {
      e.add(path, "must be a list of at most " + MAX_RULES + " rules {when, send}");
      return List.of();
    }
    List<Policy.ChannelRule> rules = new ArrayList<>();
    List<?> items = (List<?>) v;
    for (int i = 0; i < items.size(); i++) {
      String at = path + "[" + i + "]";
      if (!(items.get(i) instanceof Map)) {
        e.add(at, "must be an object {when, send}");
        continue;
      }
      Map<String, Object> r = map(items.get(i));
      unknown(r, Set.of("when", "send"), at + ".", e);
      Map<String, Object> ro = new LinkedHashMap<>();
      Match when = null;
      if (r.get("when") != null) {
        Map<String, Object> wo = new LinkedHashMap<>();
        when = match(r.get("when"), at + ".when", e, wo);
        ro.put("when", wo);
      }
      List<String> send = new ArrayList<>();
      Object s = r.get("send");
      if (!(s instanceof List)) {
        e.add(at + ".send", "must be a list of " + String.join(", ", new TreeSet<>(CHANNELS)) + " (may be empty)");
      } else {
        for (Object c : (List<?>) s) {
          if (!(c instanceof String) || !CHANNELS.contains(((String) c).toLowerCase(Locale.ROOT))) {
            e.add(at + ".send", "must be a list of " + String.join(", ", new TreeSet<>(CHANNELS)) + " (may be empty)");
          } else if (!send.contains(((String) c).toLowerCase(Locale.ROOT))) {
            send.add(((String) c).toLowerCase(Locale.ROOT));
          }
        }
      }
      ro.put("send", send);
      out.add(ro);
      rules.add(new Policy.ChannelRule(when, send));
    }
    return rules;
  }

  private static List<Policy.AutoApprove> autoApprove(Object v, String path, PolicyErrors e, List<Object> out) {
    List<?> items = v instanceof Map ? List.of(v) : v instanceof List ? (List<?>) v : null;
    if (items == null || items.size() > MAX_RULES) {
      e.add(path, "must be a rule {when, reason} or a list of at most " + MAX_RULES + " rules");
      return List.of();
    }
    List<Policy.AutoApprove> rules = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String at = v instanceof Map ? path : path + "[" + i + "]";
      if (!(items.get(i) instanceof Map)) {
        e.add(at, "must be an object {when, reason}");
        continue;
      }
      Map<String, Object> r = map(items.get(i));
      unknown(r, Set.of("when", "reason"), at + ".", e);
      Map<String, Object> wo = new LinkedHashMap<>();
      Match when = match(r.get("when"), at + ".when", e, wo);
      if (when != null && when.isAny()) {
        e.add(at + ".when", "must constrain at least one predicate: auto-approving every request disables review");
      }
      String reason = e.text(r.get("reason"), at + ".reason", 200);
      Map<String, Object> ro = new LinkedHashMap<>();
      ro.put("when", wo);
      ro.put("reason", reason);
      out.add(ro);
      rules.add(new Policy.AutoApprove(when, reason));
    }
    return rules;
  }

  static List<String> principals(Object v, String path, PolicyErrors e) {
    if (v == null) {
      return List.of();
    }
    String message = "must be a list of at most " + MAX_LIST + " names of 1-128 characters";
    if (!(v instanceof List) || ((List<?>) v).size() > MAX_LIST) {
      e.add(path, message);
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) v) {
      String s = o instanceof String ? ((String) o).strip() : null;
      if (s == null || s.isEmpty() || s.length() > 128 || RequestValidator.hasControl(s)) {
        e.add(path, message);
        return List.of();
      }
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  static List<String> roles(Object v, String path, PolicyErrors e) {
    List<String> names = principals(v, path, e);
    for (String r : names) {
      if (!ROLE.matcher(r).matches()) {
        e.add(path, "must be a list of role names (1-64 letters, digits or . _ : -)");
        return List.of();
      }
    }
    return names;
  }

  private static List<String> subset(Object v, List<String> allowed, String path, PolicyErrors e) {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List)) {
      e.add(path, "must be a list of allowed keys");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) v) {
      if (!(o instanceof String) || !allowed.contains(o)) {
        e.add(path, "must be a list of keys from allowed");
        return List.of();
      }
      if (!out.contains(o)) {
        out.add((String) o);
      }
    }
    return out;
  }

  private static Set<String> names(Map<String, Object> m, String key, String path, PolicyErrors e,
      Map<String, Object> out, java.util.function.UnaryOperator<String> norm,
      java.util.function.Predicate<String> valid, String message) {
    Object v = m.get(key);
    if (v == null) {
      return Set.of();
    }
    if (!(v instanceof List) || ((List<?>) v).isEmpty() || ((List<?>) v).size() > MAX_LIST) {
      e.add(path + "." + key, message);
      return Set.of();
    }
    List<String> list = new ArrayList<>();
    for (Object o : (List<?>) v) {
      String s = o instanceof String ? norm.apply(((String) o).strip()) : null;
      if (s == null || s.isEmpty() || RequestValidator.hasControl(s) || !valid.test(s)) {
        e.add(path + "." + key, message);
        return Set.of();
      }
      if (!list.contains(s)) {
        list.add(s);
      }
    }
    out.put(key, list);
    return new LinkedHashSet<>(list);
  }

  private static BigDecimal notional(Object v, String path, PolicyErrors e, Map<String, Object> out, String key) {
    if (v == null) {
      return null;
    }
    BigDecimal d = v instanceof Boolean ? null : Decimals.parse(v);
    if (d == null || d.signum() < 0 || !Decimals.fits(d)) {
      e.add(path, "must be a decimal number of at least 0 and less than " + Decimals.MAX_EXCLUSIVE.toPlainString());
      return null;
    }
    out.put(key, Decimals.text(d));
    return Decimals.scaled(d);
  }

  private static boolean riskLevel(String s) {
    for (RiskLevel r : RiskLevel.values()) {
      if (r.name().equals(s)) {
        return true;
      }
    }
    return false;
  }

  private static int whole(Object v, String path, int min, int max, PolicyErrors e) {
    if (!(v instanceof Integer || v instanceof Long || v instanceof BigInteger)) {
      e.add(path, "must be a whole number between " + min + " and " + max);
      return min;
    }
    BigInteger n = v instanceof BigInteger ? (BigInteger) v : BigInteger.valueOf(((Number) v).longValue());
    if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
      e.add(path, "must be a whole number between " + min + " and " + max);
      return min;
    }
    return n.intValue();
  }

  private static void unknown(Map<String, Object> m, Set<String> allowed, String prefix, PolicyErrors e) {
    for (String k : new TreeSet<>(m.keySet())) {
      if (!allowed.contains(k)) {
        e.add(prefix + k, "unknown field");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v) {
    return (Map<String, Object>) v;
  }
}
