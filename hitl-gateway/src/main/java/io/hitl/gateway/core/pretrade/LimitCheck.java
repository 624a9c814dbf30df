package io.hitl.gateway.core.pretrade;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.guard.Quote;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pre-trade limit rules: which limits of a policy an order breaches, given the market and what was
 * sent before. Every comparison is exact (no rounding lets an order through); an order that cannot be
 * valued (no price, no fresh quote) breaches the limits that need the value, so nothing passes unseen.
 */
public final class LimitCheck {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private LimitCheck() {
  }

  /**
   * What the check needs besides the order: the latest quote of the symbol (or null) and how old it may
   * be, the times of earlier orders with the order's duplicate key, and each rolling cap's totals
   * before this order.
   */
  public record Facts(Quote quote, Duration quoteMaxAge, Collection<Instant> sameOrderTimes,
      Map<RollingCap, WindowTotals> totals, Instant now) {
  }

  /** The breached limits in the order the limits are declared; empty when the order is inside every one. */
  public static List<Breach> breaches(Order order, Limits limits, Facts facts) {
    List<Breach> out = new ArrayList<>();
    BigDecimal notional = order.notional();
    if (limits.maxQuantity() != null && order.quantity() != null
        && order.quantity().compareTo(limits.maxQuantity()) > 0) {
      out.add(new Breach(Breach.MAX_QUANTITY, "Quantity " + Decimals.text(order.quantity()) + " is above the limit "
        + Decimals.text(limits.maxQuantity()), figures("limit", limits.maxQuantity(), "quantity", order.quantity())));
    }
    if (limits.maxNotional() != null && (notional == null || notional.compareTo(limits.maxNotional()) > 0)) {
      out.add(new Breach(Breach.MAX_NOTIONAL, notional == null ? "The order has no price, so its notional is unknown"
        : "Notional " + Decimals.text(notional) + " is above the limit " + Decimals.text(limits.maxNotional()),
        figures("limit", limits.maxNotional(), "notional", notional)));
    }
    if (limits.collarPct() != null) {
      Breach b = collar(order, limits.collarPct(), facts);
      if (b != null) {
        out.add(b);
      }
    }
    if (limits.duplicateWindow() != null) {
      Instant earlier = Duplicates.latestWithin(facts.sameOrderTimes(), facts.now(), limits.duplicateWindow());
      if (earlier != null) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("window_seconds", limits.duplicateWindow().toSeconds());
        f.put("previous_at", earlier.toString());
        out.add(new Breach(Breach.DUPLICATE_ORDER, "The same " + order.side() + " " + Decimals.text(order.quantity())
          + " " + order.symbol() + " with the same attribution was sent at " + earlier + ", within "
          + limits.duplicateWindow().toSeconds() + " s", f));
      }
    }
    for (RollingCap cap : limits.rolling()) {
      out.addAll(rolling(order, cap, facts.totals().getOrDefault(cap, WindowTotals.EMPTY)));
    }
    return out;
  }

  /** True when {@code price} is more than {@code pct} percent of {@code reference} away from it (exact). */
  public static boolean outsideCollar(BigDecimal price, BigDecimal reference, BigDecimal pct) {
    return price.subtract(reference).abs().multiply(HUNDRED).compareTo(pct.multiply(reference)) > 0;
  }

  /** Whether one more order of {@code notional} keeps the window inside the cap (null notional: unknown, never). */
  public static boolean admits(RollingCap cap, WindowTotals before, BigDecimal notional) {
    if (cap.maxOrders() != null && before.orders() + 1 > cap.maxOrders()) {
      return false;
    }
    return cap.maxNotional() == null
      || notional != null && before.notional().add(notional).compareTo(cap.maxNotional()) <= 0;
  }

  private static Breach collar(Order order, BigDecimal pct, Facts facts) {
    Quote q = facts.quote();
    if (q == null || !q.freshAt(facts.now(), facts.quoteMaxAge())) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("collar_pct", Decimals.text(pct));
      f.put("quote_age_ms", q == null ? null : q.ageAt(facts.now()).toMillis());
      return new Breach(Breach.PRICE_COLLAR, "No fresh quote for " + order.symbol() + "; the price collar cannot be "
        + "checked", f);
    }
    BigDecimal mid = q.mid();
    if (order.price() != null && !outsideCollar(order.price(), mid, pct)) {
      return null;
    }
    Map<String, Object> f = figures("collar_pct", pct, "price", order.price());
    f.put("mid", Decimals.text(mid));
    f.put("deviation_pct", order.price() == null ? null : order.price().subtract(mid).abs().multiply(HUNDRED)
      .divide(mid, Decimals.SCALE, RoundingMode.HALF_EVEN).toPlainString());
    return new Breach(Breach.PRICE_COLLAR, order.price() == null ? "The order has no price to hold against the collar"
      : "Price " + Decimals.text(order.price()) + " is " + f.get("deviation_pct") + "% from the mid "
      + Decimals.text(mid) + "; the collar is " + Decimals.text(pct) + "%", f);
  }

  private static List<Breach> rolling(Order order, RollingCap cap, WindowTotals before) {
    List<Breach> out = new ArrayList<>();
    BigDecimal notional = order.notional();
    String key = cap.key(order);
    long seconds = cap.window().toSeconds();
    if (cap.maxOrders() != null && before.orders() + 1 > cap.maxOrders()) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("key", key);
      f.put("window_seconds", seconds);
      f.put("limit", cap.maxOrders());
      f.put("orders", before.orders());
      out.add(new Breach(Breach.ROLLING_ORDERS, key + " already sent " + before.orders() + " orders in the last "
        + seconds + " s; the cap is " + cap.maxOrders(), f));
    }
    if (cap.maxNotional() != null
        && (notional == null || before.notional().add(notional).compareTo(cap.maxNotional()) > 0)) {
      Map<String, Object> f = figures("limit", cap.maxNotional(), "used", before.notional());
      f.put("key", key);
      f.put("window_seconds", seconds);
      f.put("notional", notional == null ? null : Decimals.text(notional));
      out.add(new Breach(Breach.ROLLING_NOTIONAL, notional == null ? key + ": the order has no price to count"
        : key + " sent " + Decimals.text(before.notional()) + " in the last " + seconds + " s; with "
        + Decimals.text(notional) + " more it would pass the cap " + Decimals.text(cap.maxNotional()), f));
    }
    return out;
  }

  private static Map<String, Object> figures(String k1, BigDecimal v1, String k2, BigDecimal v2) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put(k1, v1 == null ? null : Decimals.text(v1));
    f.put(k2, v2 == null ? null : Decimals.text(v2));
    return f;
  }
}
