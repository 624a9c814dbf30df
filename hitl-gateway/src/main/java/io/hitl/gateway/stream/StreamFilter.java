package io.hitl.gateway.stream;

import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.GatewayException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Which events a stream client wants: `event` (event names), `type` (approval types), `ticker` and
 * `status` (of the request), each a comma-separated list, all given ones must match. Events that are
 * not about one request (guardian.locked …) pass the request filters: they concern every request.
 */
public final class StreamFilter {
  public static final StreamFilter ALL = new StreamFilter(Set.of(), Set.of(), Set.of(), Set.of());
  private static final Pattern EVENT = Pattern.compile("[a-z][a-z0-9_.]{0,63}");
  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
  private static final Pattern TICKER = Pattern.compile("[A-Z0-9][A-Z0-9._:/-]{0,31}");
  private static final int MAX_VALUES = 50;

  private final Set<String> events;
  private final Set<String> types;
  private final Set<String> tickers;
  private final Set<String> statuses;

  private StreamFilter(Set<String> events, Set<String> types, Set<String> tickers, Set<String> statuses) {
    this.events = events;
    this.types = types;
    this.tickers = tickers;
    this.statuses = statuses;
  }

  /** Reads the filter from query parameters; a bad value is SEC-010 naming the parameter. */
  public static StreamFilter parse(Function<String, String> param) {
    Set<String> events = values(param, "event", s -> s.toLowerCase(Locale.ROOT), EVENT,
      "must be event names such as created,decided");
    Set<String> types = values(param, "type", s -> s.toUpperCase(Locale.ROOT), TYPE,
      "must be approval types such as TRADE_EXECUTION");
    Set<String> tickers = values(param, "ticker", s -> s.toUpperCase(Locale.ROOT), TICKER,
      "must be tickers such as AAPL,7203.T");
    Set<String> statuses = values(param, "status", s -> s.toLowerCase(Locale.ROOT), null, null);
    for (String s : statuses) {
      try {
        ApprovalStatus.parse(s);
      } catch (IllegalArgumentException e) {
        throw GatewayException.invalid(Map.of("status",
          "must be among pending, approved, rejected, expired, cancelled"));
      }
    }
    return new StreamFilter(events, types, tickers, statuses);
  }

  /**
   * @param event the event name
   * @param aboutRequest whether the event carries a request (its type, ticker and status follow)
   */
  public boolean matches(String event, boolean aboutRequest, String type, String ticker, String status) {
    if (!events.isEmpty() && !events.contains(event)) {
      return false;
    }
    if (!aboutRequest) {
      return true;
    }
    return (types.isEmpty() || types.contains(type))
      && (tickers.isEmpty() || ticker != null && tickers.contains(ticker.toUpperCase(Locale.ROOT)))
      && (statuses.isEmpty() || status != null && statuses.contains(status));
  }

  private static Set<String> values(Function<String, String> param, String name, Function<String, String> norm,
      Pattern valid, String problem) {
    String raw = param.apply(name);
    if (raw == null || raw.isBlank()) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String part : raw.split(",")) {
      String v = norm.apply(part.trim());
      if (v.isEmpty()) {
        continue;
      }
      if (valid != null && !valid.matcher(v).matches() || out.size() >= MAX_VALUES) {
        throw GatewayException.invalid(Map.of(name, valid == null ? "has too many values" : problem));
      }
      out.add(v);
    }
    return Collections.unmodifiableSet(out);
  }
}
