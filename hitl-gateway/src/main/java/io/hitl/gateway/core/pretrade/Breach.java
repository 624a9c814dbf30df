package io.hitl.gateway.core.pretrade;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One limit an order breaches: the limit's name ({@code max_quantity}, {@code max_notional},
 * {@code price_collar}, {@code duplicate_order}, {@code rolling_notional}, {@code rolling_orders}),
 * a sentence for people, and the figures (limit, observed values) as canonical decimal text.
 */
public record Breach(String limit, String detail, Map<String, Object> figures) {
  public static final String MAX_QUANTITY = "max_quantity";
  public static final String MAX_NOTIONAL = "max_notional";
  public static final String PRICE_COLLAR = "price_collar";
  public static final String DUPLICATE_ORDER = "duplicate_order";
  public static final String ROLLING_NOTIONAL = "rolling_notional";
  public static final String ROLLING_ORDERS = "rolling_orders";

  public Breach {
    figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
  }
}
