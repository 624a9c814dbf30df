package io.hitl.gateway.core.pretrade;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Times;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Limit-override requests: an order that breaches a pre-trade limit waits for the policy's override
 * approvers, who authorise that one order ({@code once}) or raise the breached limits for a bounded time
 * ({@code raise}). A raise is kept per policy, limit and key (the rolling window's key, or the order's
 * strategy for the per-order limits) and only ever raises: {@link #apply} takes the larger of the limit
 * and every unexpired raise.
 */
public final class LimitOverride {
  /** The policy snapshot's member that marks an override request and keeps its breaches. */
  public static final String SNAPSHOT_KEY = "limit_override";
  /** The decision body's member that carries the approver's grant. */
  public static final String BODY_KEY = "override";
  public static final String ONCE = "once";
  public static final String RAISE = "raise";
  /** Journal action of one raised limit; its target is the raise's {@link Raise#target()}. */
  public static final String RAISED_ACTION = "limit_raised";
  /** Journal action of the grant that approved an override request. */
  public static final String GRANTED_ACTION = "limit_override_granted";
  /** The longest raise any policy may allow (the journal is searched this far back for raises). */
  public static final Duration MAX_RAISE = Duration.ofDays(1);
  private static final Set<String> GRANT_FIELDS = Set.of("grant", "raise_seconds", "limits");
  private static final Set<String> PER_ORDER = Set.of(Breach.MAX_QUANTITY, Breach.MAX_NOTIONAL, Breach.PRICE_COLLAR);
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private LimitOverride() {
  }

  /** A limit raised until {@code until} to {@code value}, for one policy, limit and key (window 0: a per-order limit). */
  public record Raise(String policy, String limit, String key, long windowSeconds, BigDecimal value, Instant until) {
    public String target() {
      return target(policy, limit, key, windowSeconds);
    }

    public static String target(String policy, String limit, String key, long windowSeconds) {
      return "limit:" + policy + "|" + limit + "|" + key + "|" + windowSeconds;
    }

    /** The journal payload of this raise. */
    public Map<String, Object> payload() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", policy);
      m.put("limit", limit);
      m.put("key", key);
      m.put("window_seconds", windowSeconds);
      m.put("value", Decimals.text(value));
      m.put("until", Times.format(until));
      return m;
    }

    /** The raise a journal payload records, or null when it is not one. */
    public static Raise of(Map<String, Object> p) {
      if (p == null || !(p.get("policy") instanceof String) || !(p.get("limit") instanceof String)
          || !(p.get("key") instanceof String) || !(p.get("window_seconds") instanceof Number)
          || !(p.get("until") instanceof String)) {
        return null;
      }
      BigDecimal v = Decimals.parse(p.get("value"));
      if (v == null) {
        return null;
      }
      try {
        return new Raise((String) p.get("policy"), (String) p.get("limit"), (String) p.get("key"),
          ((Number) p.get("window_seconds")).longValue(), v, Instant.parse((String) p.get("until")));
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
  }

  /** What an approver grants: {@code once}, or {@code raise} for {@code seconds} with chosen values per limit. */
  public record Grant(String kind, int seconds, Map<String, BigDecimal> values) {
    public static final Grant DEFAULT = new Grant(ONCE, 0, Map.of());

    public boolean raises() {
      return RAISE.equals(kind);
    }
  }

  /** The snapshot member of an override request: its breaches and when the check found them. */
  public static Map<String, Object> snapshot(List<Breach> breaches, Instant checkedAt) {
    List<Object> list = new ArrayList<>();
    for (Breach b : breaches) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("limit", b.limit());
      m.put("detail", b.detail());
      m.put("figures", new LinkedHashMap<>(b.figures()));
      list.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("breaches", list);
    m.put("checked_at", Times.format(checkedAt));
    return m;
  }

  /** The breaches an override request was created for; null when the request is not one. */
  @SuppressWarnings("unchecked")
  public static List<Breach> breaches(Map<String, Object> policySnapshot) {
    Object v = policySnapshot == null ? null : policySnapshot.get(SNAPSHOT_KEY);
    if (!(v instanceof Map) || !(((Map<String, Object>) v).get("breaches") instanceof List)) {
      return null;
    }
    List<Breach> out = new ArrayList<>();
    for (Object o : (List<Object>) ((Map<String, Object>) v).get("breaches")) {
      if (o instanceof Map) {
        Map<String, Object> m = (Map<String, Object>) o;
        Object figures = m.get("figures");
        out.add(new Breach(String.valueOf(m.get("limit")), String.valueOf(m.get("detail")),
          figures instanceof Map ? (Map<String, Object>) figures : Map.of()));
      }
    }
    return out;
  }

  /**
   * The grant in a decision body's {@code override} member (null: approve this order once). Shape errors
   * are SEC-010 naming the field; a raise the policy or the breaches do not allow is SEC-053.
   */
  public static Grant parse(Object body, Duration maxRaise, List<Breach> breaches, Order order) {
    if (body == null) {
      return Grant.DEFAULT;
    }
    if (!(body instanceof Map)) {
      throw GatewayException.invalid(Map.of(BODY_KEY, "must be an object: {\"grant\": \"once\"} or {\"grant\": "
        + "\"raise\", \"raise_seconds\": n, \"limits\": {...}}"));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) body;
    Map<String, String> errors = new LinkedHashMap<>();
    for (String k : new TreeSet<>(m.keySet())) {
      if (!GRANT_FIELDS.contains(k)) {
        errors.put(BODY_KEY + "." + k, "unknown field");
      }
    }
    Object kind = m.get("grant");
    if (!ONCE.equals(kind) && !RAISE.equals(kind)) {
      errors.put(BODY_KEY + ".grant", "must be once or raise");
    } else if (ONCE.equals(kind)) {
      if (m.get("raise_seconds") != null) {
        errors.put(BODY_KEY + ".raise_seconds", "goes only with grant raise");
      }
      if (m.get("limits") != null) {
        errors.put(BODY_KEY + ".limits", "goes only with grant raise");
      }
    }
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    if (ONCE.equals(kind)) {
      return Grant.DEFAULT;
    }
    Object s = m.get("raise_seconds");
    if (!(s instanceof Integer || s instanceof Long || s instanceof BigInteger)
        || new BigDecimal(s.toString()).compareTo(BigDecimal.ONE) < 0
        || new BigDecimal(s.toString()).compareTo(BigDecimal.valueOf(MAX_RAISE.toSeconds())) > 0) {
      errors.put(BODY_KEY + ".raise_seconds", "must be a whole number of seconds between 1 and "
        + MAX_RAISE.toSeconds());
    }
    Map<String, BigDecimal> values = new LinkedHashMap<>();
    Object lv = m.get("limits");
    if (lv != null && !(lv instanceof Map && !((Map<?, ?>) lv).isEmpty())) {
      errors.put(BODY_KEY + ".limits", "must be an object of breached limit names and their raised values");
    } else if (lv != null) {
      Map<?, ?> given = (Map<?, ?>) lv;
      for (String name : new TreeSet<>(given.keySet().stream().map(String::valueOf).toList())) {
        Object raw = given.get(name);
        BigDecimal d = raw instanceof Boolean ? null : Decimals.parse(raw);
        if (d == null || d.signum() <= 0 || !Decimals.fits(d)) {
          errors.put(BODY_KEY + ".limits." + name, "must be a decimal number above 0 and less than "
            + Decimals.MAX_EXCLUSIVE.toPlainString());
        } else if (Breach.ROLLING_ORDERS.equals(name) && d.stripTrailingZeros().scale() > 0) {
          errors.put(BODY_KEY + ".limits." + name, "must be a whole number of orders");
        } else {
          values.put(name, d);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    int seconds = ((Number) s).intValue();
    if (maxRaise.isZero()) {
      throw refusal("The policy allows no raise of its limits (max_raise_seconds is 0); approve with grant once");
    }
    if (seconds > maxRaise.toSeconds()) {
      throw refusal("A raise may last at most " + maxRaise.toSeconds() + " s under this policy; asked "
        + seconds + " s");
    }
    Set<String> raisable = new TreeSet<>();
    for (Breach b : breaches) {
      if (needed(b, order) != null) {
        raisable.add(b.limit());
      }
    }
    if (raisable.isEmpty()) {
      throw refusal("None of the breached limits can be raised (a duplicate order, or a figure that is unknown); "
        + "approve with grant once");
    }
    for (Map.Entry<String, BigDecimal> e : values.entrySet()) {
      if (!raisable.contains(e.getKey())) {
        throw refusal("Limit '" + e.getKey() + "' is not a breached limit that can be raised (raisable: "
          + String.join(", ", raisable) + ")");
      }
    }
    for (Breach b : breaches) {
      BigDecimal need = needed(b, order);
      BigDecimal chosen = values.get(b.limit());
      if (need != null && chosen != null && chosen.compareTo(need) < 0) {
        throw refusal("A raise of " + b.limit() + " to " + Decimals.text(chosen) + " would not admit this order, "
          + "which needs " + Decimals.text(need));
      }
    }
    return new Grant(RAISE, seconds, values);
  }

  /** The raises a grant makes: every raisable breach, to the approver's value or else to what this order needs. */
  public static List<Raise> raises(Grant grant, List<Breach> breaches, Order order, String policy, Instant now) {
    List<Raise> out = new ArrayList<>();
    if (!grant.raises()) {
      return out;
    }
    Instant until = now.plusSeconds(grant.seconds());
    for (Breach b : breaches) {
      BigDecimal need = needed(b, order);
      if (need == null) {
        continue;
      }
      BigDecimal value = Decimals.scaled(grant.values().getOrDefault(b.limit(), need));
      boolean perOrder = PER_ORDER.contains(b.limit());
      String key = perOrder ? RollingCap.key(ScopeKind.STRATEGY, order) : String.valueOf(b.figures().get("key"));
      long window = perOrder ? 0 : number(b.figures().get("window_seconds"));
      out.add(new Raise(policy, b.limit(), key, window, value, until));
    }
    return out;
  }

  /**
   * The figure the breached limit must reach for this order to pass it; null when the limit cannot be
   * raised (a duplicate, or a figure that is unknown because the order has no price or there was no quote).
   */
  public static BigDecimal needed(Breach b, Order order) {
    Map<String, Object> f = b.figures();
    switch (b.limit()) {
      case Breach.MAX_QUANTITY:
        return Decimals.parse(f.get("quantity"));
      case Breach.MAX_NOTIONAL:
        return Decimals.parse(f.get("notional"));
      case Breach.PRICE_COLLAR: {
        BigDecimal price = Decimals.parse(f.get("price"));
        BigDecimal mid = Decimals.parse(f.get("mid"));
        if (price == null || mid == null || mid.signum() <= 0) {
          return null;
        }
        // rounded up: a collar raised to this figure holds the order inside it
        return price.subtract(mid).abs().multiply(HUNDRED).divide(mid, Decimals.SCALE, RoundingMode.CEILING);
      }
      case Breach.ROLLING_NOTIONAL: {
        BigDecimal used = Decimals.parse(f.get("used"));
        BigDecimal notional = Decimals.parse(f.get("notional"));
        return used == null || notional == null || f.get("key") == null ? null : used.add(notional);
      }
      case Breach.ROLLING_ORDERS: {
        Object orders = f.get("orders");
        return orders instanceof Number && f.get("key") != null
          ? BigDecimal.valueOf(((Number) orders).longValue() + 1) : null;
      }
      default:
        return null;
    }
  }

  /** The journal targets of every raise that could apply to {@code order} under these limits. */
  public static List<String> targets(String policy, Limits limits, Order order) {
    List<String> out = new ArrayList<>();
    String strategy = RollingCap.key(ScopeKind.STRATEGY, order);
    if (limits.maxQuantity() != null) {
      out.add(Raise.target(policy, Breach.MAX_QUANTITY, strategy, 0));
    }
    if (limits.maxNotional() != null) {
      out.add(Raise.target(policy, Breach.MAX_NOTIONAL, strategy, 0));
    }
    if (limits.collarPct() != null) {
      out.add(Raise.target(policy, Breach.PRICE_COLLAR, strategy, 0));
    }
    for (RollingCap cap : limits.rolling()) {
      long w = cap.window().toSeconds();
      if (cap.maxNotional() != null) {
        out.add(Raise.target(policy, Breach.ROLLING_NOTIONAL, cap.key(order), w));
      }
      if (cap.maxOrders() != null) {
        out.add(Raise.target(policy, Breach.ROLLING_ORDERS, cap.key(order), w));
      }
    }
    return out;
  }

  /**
   * The limits in force for {@code order} at {@code now}: each configured limit, or the largest unexpired
   * raise of it for this policy and key when that is larger. A raise never lowers a limit, never applies
   * past its time, and never applies to another policy, key or window.
   */
  public static Limits apply(Limits limits, Order order, String policy, Collection<Raise> raises, Instant now) {
    Map<String, BigDecimal> best = new LinkedHashMap<>();
    for (Raise r : raises) {
      if (r.policy().equals(policy) && r.until().isAfter(now)) {
        best.merge(r.target(), r.value(), BigDecimal::max);
      }
    }
    if (best.isEmpty()) {
      return limits;
    }
    String strategy = RollingCap.key(ScopeKind.STRATEGY, order);
    BigDecimal maxQuantity = raised(limits.maxQuantity(), best.get(Raise.target(policy, Breach.MAX_QUANTITY,
      strategy, 0)));
    BigDecimal maxNotional = raised(limits.maxNotional(), best.get(Raise.target(policy, Breach.MAX_NOTIONAL,
      strategy, 0)));
    BigDecimal collar = raised(limits.collarPct(), best.get(Raise.target(policy, Breach.PRICE_COLLAR, strategy, 0)));
    List<RollingCap> caps = new ArrayList<>();
    for (RollingCap cap : limits.rolling()) {
      long w = cap.window().toSeconds();
      BigDecimal notional = raised(cap.maxNotional(), best.get(Raise.target(policy, Breach.ROLLING_NOTIONAL,
        cap.key(order), w)));
      BigDecimal orders = raised(cap.maxOrders() == null ? null : BigDecimal.valueOf(cap.maxOrders()),
        best.get(Raise.target(policy, Breach.ROLLING_ORDERS, cap.key(order), w)));
      caps.add(new RollingCap(cap.per(), cap.window(), notional,
        orders == null ? null : orders.min(BigDecimal.valueOf(Integer.MAX_VALUE)).intValue()));
    }
    return new Limits(maxQuantity, maxNotional, collar, limits.duplicateWindow(), caps);
  }

  private static BigDecimal raised(BigDecimal limit, BigDecimal raise) {
    return limit == null || raise == null ? limit : limit.max(raise);
  }

  private static long number(Object v) {
    return v instanceof Number ? ((Number) v).longValue() : 0;
  }

  private static GatewayException refusal(String detail) {
    return new GatewayException(ErrorCode.SEC_053, detail);
  }
}
