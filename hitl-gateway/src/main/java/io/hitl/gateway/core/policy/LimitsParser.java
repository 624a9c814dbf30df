package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.pretrade.Limits;
import io.hitl.gateway.core.pretrade.PretradePolicy;
import io.hitl.gateway.core.pretrade.RollingCap;
import io.hitl.gateway.core.pretrade.ScopeKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code limits} object of a policy: max_quantity, max_notional, price_collar_pct,
 * duplicate_window_seconds, rolling caps and the override approvers. Strict like the rest of the
 * document: unknown fields, wrong types and out-of-range values are field errors named by path.
 */
public final class LimitsParser {
  public static final int MAX_ROLLING = 10;
  public static final int MAX_WINDOW_SECONDS = 86_400;
  public static final int MAX_ORDERS = 1_000_000;
  public static final int DEFAULT_MAX_RAISE_SECONDS = 3_600;
  public static final BigDecimal MAX_COLLAR_PCT = BigDecimal.valueOf(100);
  private static final Set<String> FIELDS = Set.of("max_quantity", "max_notional", "price_collar_pct",
    "duplicate_window_seconds", "rolling", "override");
  private static final Set<String> ROLLING_FIELDS = Set.of("per", "window_seconds", "max_notional", "max_orders");
  private static final Set<String> OVERRIDE_FIELDS = Set.of("approvers", "required_approvals", "max_raise_seconds");

  private LimitsParser() {
  }

  /** The pre-trade policy at {@code path}; null after errors. The normalized form goes to {@code out}. */
  public static PretradePolicy parse(Object v, String path, PolicyErrors e, Map<String, Object> out) {
    if (!(v instanceof Map)) {
      e.add(path, "must be an object of limits (" + String.join(", ", new TreeSet<>(FIELDS)) + ")");
      return null;
    }
    Map<String, Object> m = map(v);
    unknown(m, FIELDS, path + ".", e);
    int before = e.all().size();
    BigDecimal maxQuantity = positive(m.get("max_quantity"), path + ".max_quantity", e, out, "max_quantity");
    BigDecimal maxNotional = positive(m.get("max_notional"), path + ".max_notional", e, out, "max_notional");
    BigDecimal collar = null;
    if (m.get("price_collar_pct") != null) {
      BigDecimal c = decimal(m.get("price_collar_pct"));
      if (c == null || c.signum() <= 0 || c.compareTo(MAX_COLLAR_PCT) > 0) {
        e.add(path + ".price_collar_pct", "must be a decimal above 0 and at most 100 (percent of the mid)");
      } else {
        collar = Decimals.scaled(c);
        out.put("price_collar_pct", Decimals.text(c));
      }
    }
    Duration duplicates = null;
    if (m.get("duplicate_window_seconds") != null) {
      int s = whole(m.get("duplicate_window_seconds"), path + ".duplicate_window_seconds", 1, MAX_WINDOW_SECONDS, e);
      duplicates = Duration.ofSeconds(s);
      out.put("duplicate_window_seconds", s);
    }
    List<RollingCap> rolling = rolling(m.get("rolling"), path + ".rolling", e, out);
    Limits limits = new Limits(maxQuantity, maxNotional, collar, duplicates, rolling);
    if (limits.isEmpty() && e.all().size() == before) {
      e.add(path, "must declare at least one limit");
    }
    List<String> users = List.of();
    List<String> roles = List.of();
    int required = 1;
    int maxRaise = DEFAULT_MAX_RAISE_SECONDS;
    if (m.get("override") != null) {
      Object o = m.get("override");
      if (!(o instanceof Map)) {
        e.add(path + ".override", "must be an object with approvers, required_approvals, max_raise_seconds");
      } else {
        Map<String, Object> om = map(o);
        unknown(om, OVERRIDE_FIELDS, path + ".override.", e);
        Map<String, Object> oo = new LinkedHashMap<>();
        Object a = om.get("approvers");
        if (!(a instanceof Map)) {
          e.add(path + ".override.approvers", "is required: an object with users and/or roles");
        } else {
          Map<String, Object> am = map(a);
          unknown(am, Set.of("users", "roles"), path + ".override.approvers.", e);
          users = PolicyParser.principals(am.get("users"), path + ".override.approvers.users", e);
          roles = PolicyParser.roles(am.get("roles"), path + ".override.approvers.roles", e);
          if (users.isEmpty() && roles.isEmpty()) {
            e.add(path + ".override.approvers", "must name at least one user or role");
          }
          Map<String, Object> ao = new LinkedHashMap<>();
          ao.put("users", users);
          ao.put("roles", roles);
          oo.put("approvers", ao);
        }
        if (om.get("required_approvals") != null) {
          required = whole(om.get("required_approvals"), path + ".override.required_approvals", 1,
            Policy.MAX_REQUIRED_APPROVALS, e);
          if (roles.isEmpty() && !users.isEmpty() && required > users.size()) {
            e.add(path + ".override.required_approvals", "can never be reached: only " + users.size()
              + " people may approve an override");
          }
        }
        oo.put("required_approvals", required);
        if (om.get("max_raise_seconds") != null) {
          maxRaise = whole(om.get("max_raise_seconds"), path + ".override.max_raise_seconds", 0, MAX_WINDOW_SECONDS, e);
        }
        oo.put("max_raise_seconds", maxRaise);
        out.put("override", oo);
      }
    }
    if (e.all().size() > before) {
      return null;
    }
    return new PretradePolicy(limits, users, roles, required, Duration.ofSeconds(maxRaise), out);
  }

  private static List<RollingCap> rolling(Object v, String path, PolicyErrors e, Map<String, Object> out) {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List) || ((List<?>) v).isEmpty() || ((List<?>) v).size() > MAX_ROLLING) {
      e.add(path, "must be a list of 1-" + MAX_ROLLING + " rolling caps");
      return List.of();
    }
    List<RollingCap> caps = new ArrayList<>();
    List<Object> normalized = new ArrayList<>();
    List<?> items = (List<?>) v;
    for (int i = 0; i < items.size(); i++) {
      String p = path + "[" + i + "]";
      if (!(items.get(i) instanceof Map)) {
        e.add(p, "must be an object with per, window_seconds, max_notional and/or max_orders");
        continue;
      }
      Map<String, Object> m = map(items.get(i));
      unknown(m, ROLLING_FIELDS, p + ".", e);
      Map<String, Object> o = new LinkedHashMap<>();
      ScopeKind per = m.get("per") instanceof String ? ScopeKind.parse((String) m.get("per")) : null;
      if (per != ScopeKind.STRATEGY && per != ScopeKind.ACCOUNT) {
        e.add(p + ".per", "must be strategy or account");
        per = null;
      } else {
        o.put("per", per.json());
      }
      Integer window = null;
      if (m.get("window_seconds") == null) {
        e.add(p + ".window_seconds", "is required");
      } else {
        window = whole(m.get("window_seconds"), p + ".window_seconds", 1, MAX_WINDOW_SECONDS, e);
        o.put("window_seconds", window);
      }
      BigDecimal notional = positive(m.get("max_notional"), p + ".max_notional", e, o, "max_notional");
      Integer orders = null;
      if (m.get("max_orders") != null) {
        orders = whole(m.get("max_orders"), p + ".max_orders", 1, MAX_ORDERS, e);
        o.put("max_orders", orders);
      }
      if (m.get("max_notional") == null && m.get("max_orders") == null) {
        e.add(p, "must cap max_notional and/or max_orders");
      } else if (per != null && window != null && (notional != null || orders != null)) {
        RollingCap cap = new RollingCap(per, Duration.ofSeconds(window), notional, orders);
        if (caps.stream().anyMatch(c -> c.per() == cap.per() && c.window().equals(cap.window()))) {
          e.add(p, "repeats the window of an earlier cap with the same per; put both figures in one cap");
        }
        caps.add(cap);
      }
      normalized.add(o);
    }
    out.put("rolling", normalized);
    return caps;
  }

  private static BigDecimal positive(Object v, String path, PolicyErrors e, Map<String, Object> out, String key) {
    if (v == null) {
      return null;
    }
    BigDecimal d = decimal(v);
    if (d == null || d.signum() <= 0 || !Decimals.fits(d) || Decimals.scaled(d).signum() == 0) {
      e.add(path, "must be a decimal number above 0 and less than " + Decimals.MAX_EXCLUSIVE.toPlainString());
      return null;
    }
    out.put(key, Decimals.text(d));
    return Decimals.scaled(d);
  }

  private static BigDecimal decimal(Object v) {
    return v instanceof Boolean ? null : Decimals.parse(v);
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
