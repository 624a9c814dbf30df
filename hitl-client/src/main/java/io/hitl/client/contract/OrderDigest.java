package io.hitl.client.contract;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The digest that binds an approval to one exact order (docs/api.md#decisions): SHA-256 (hex) over the
 * canonical JSON of the order fields venue, strategy, account, desk, symbol, side, quantity and price.
 * Symbol and side are upper-cased, text is stripped, absent or blank fields are left out, and quantity and
 * price are written as decimals rounded HALF_EVEN to 8 places without trailing zeros; key order and the
 * spelling of a number do not change the digest, any change of a field does. The gateway computes the
 * same digest from the request's context.
 */
public final class OrderDigest {
  /** The attribution keys a trade may carry at its top level or inside its {@code context}. */
  public static final List<String> ATTRIBUTION = List.of("venue", "strategy", "account", "desk");
  private static final int SCALE = 8;

  private OrderDigest() {
  }

  /** The order fields of a trade body as sent to {@code POST /api/v1/approvals/trade} (ticker, action, ...). */
  public static Map<String, Object> fields(Map<String, Object> trade) {
    Object ctx = trade.get("context");
    @SuppressWarnings("unchecked")
    Map<String, Object> context = ctx instanceof Map ? (Map<String, Object>) ctx : Map.of();
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : ATTRIBUTION) {
      put(m, k, text(trade.get(k) != null ? trade.get(k) : context.get(k)));
    }
    String symbol = text(trade.get("ticker"));
    String side = text(trade.get("action"));
    put(m, "symbol", symbol == null ? null : symbol.toUpperCase(Locale.ROOT));
    put(m, "side", side == null ? null : side.toUpperCase(Locale.ROOT));
    put(m, "quantity", decimal(trade.get("quantity")));
    put(m, "price", decimal(trade.get("price")));
    return m;
  }

  /** The digest of a trade body. */
  public static String ofTrade(Map<String, Object> trade) {
    return of(fields(trade));
  }

  /** The digest of order fields already in their canonical form (see {@link #fields}). */
  public static String of(Map<String, Object> orderFields) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
        .digest(CanonicalJson.write(orderFields).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** True when {@code claimed} is the digest of {@code trade} (compared in constant time). */
  public static boolean matches(Map<String, Object> trade, String claimed) {
    return claimed != null && MessageDigest.isEqual(ofTrade(trade).getBytes(StandardCharsets.US_ASCII),
      claimed.getBytes(StandardCharsets.US_ASCII));
  }

  private static void put(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  private static String text(Object v) {
    return v instanceof String && !((String) v).isBlank() ? ((String) v).strip() : null;
  }

  private static String decimal(Object v) {
    BigDecimal d = null;
    if (v instanceof BigDecimal) {
      d = (BigDecimal) v;
    } else if (v instanceof BigInteger) {
      d = new BigDecimal((BigInteger) v);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      d = BigDecimal.valueOf(((Number) v).longValue());
    } else if ((v instanceof Double || v instanceof Float) && Double.isFinite(((Number) v).doubleValue())) {
      d = new BigDecimal(Double.toString(((Number) v).doubleValue()));
    } else if (v instanceof String && !((String) v).isBlank() && ((String) v).strip().length() <= 64) {
      try {
        d = new BigDecimal(((String) v).strip());
      } catch (NumberFormatException e) {
        d = null;
      }
    }
    if (d == null) {
      return null;
    }
    BigDecimal s = d.setScale(SCALE, RoundingMode.HALF_EVEN);
    return s.signum() == 0 ? "0" : s.stripTrailingZeros().toPlainString();
  }
}
