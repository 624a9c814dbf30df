package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Times;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Validation of quotes from engines, the API and the quote endpoint. */
public final class Quotes {
  /** Quotes stamped further ahead of the gateway clock than this are refused (a wrong clock, not a price). */
  public static final Duration MAX_FUTURE = Duration.ofSeconds(60);
  private static final Set<String> FIELDS = Set.of("ticker", "bid", "ask", "ts");

  private Quotes() {
  }

  /**
   * A quote from a JSON body {ticker, bid, ask, ts}; ts is optional (ISO-8601 or epoch milliseconds,
   * defaulting to the time it was received). {@code ticker} overrides a missing body ticker.
   */
  public static Quote parse(Map<String, Object> body, String ticker, String source, Instant now) {
    Map<String, String> errors = new LinkedHashMap<>();
    Set<String> unknown = new TreeSet<>(body.keySet());
    unknown.removeAll(FIELDS);
    unknown.forEach(f -> errors.put(f, "unknown field"));
    Object t = body.get("ticker") != null ? body.get("ticker") : ticker;
    String symbol = null;
    if (!(t instanceof String) || !RequestValidator.TICKER.matcher(((String) t).trim().toUpperCase(Locale.ROOT))
        .matches()) {
      errors.put("ticker", "must be 1-32 letters, digits or . _ : / -");
    } else {
      symbol = ((String) t).trim().toUpperCase(Locale.ROOT);
    }
    BigDecimal bid = price(body.get("bid"), "bid", errors);
    BigDecimal ask = price(body.get("ask"), "ask", errors);
    if (bid != null && ask != null && bid.compareTo(ask) > 0) {
      errors.put("ask", "must not be below bid");
    }
    Instant ts = timestamp(body.get("ts"), now, errors);
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    return new Quote(symbol, Decimals.scaled(bid), Decimals.scaled(ask), ts, now, source);
  }

  private static BigDecimal price(Object v, String field, Map<String, String> errors) {
    BigDecimal d = v instanceof Boolean ? null : Decimals.parse(v);
    if (d == null || d.signum() <= 0 || !Decimals.fits(d) || Decimals.scaled(d).signum() == 0) {
      errors.put(field, "must be a positive decimal number below " + Decimals.MAX_EXCLUSIVE.toPlainString());
      return null;
    }
    return d;
  }

  private static Instant timestamp(Object v, Instant now, Map<String, String> errors) {
    if (v == null) {
      return now;
    }
    Instant ts;
    try {
      if (v instanceof Integer || v instanceof Long) {
        ts = Instant.ofEpochMilli(((Number) v).longValue());
      } else if (v instanceof String) {
        ts = Instant.parse((String) v);
      } else {
        errors.put("ts", "must be an ISO-8601 time or epoch milliseconds");
        return null;
      }
    } catch (DateTimeException e) {
      errors.put("ts", "must be an ISO-8601 time or epoch milliseconds");
      return null;
    }
    if (ts.isAfter(now.plus(MAX_FUTURE))) {
      errors.put("ts", "is more than " + MAX_FUTURE.toSeconds() + " s ahead of the gateway clock");
      return null;
    }
    return Times.micros(ts);
  }
}
