package io.hitl.gateway.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A history search: which requests (status, type, approver, ticker, creation date range), how many per page
 * and where the page starts (a keyset cursor over created_at and id, newest first). Read from query
 * parameters; every refusal names its parameter, and an unknown parameter is refused rather than ignored,
 * so a misspelt filter never returns the unfiltered set.
 */
public record HistoryFilter(Set<ApprovalStatus> statuses, String type, String approver, String ticker, Instant from,
    Instant to, int limit, Cursor cursor) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;
  public static final List<String> FILTERS = List.of("status", "type", "approver", "ticker", "from", "to");
  public static final List<String> PAGING = List.of("limit", "cursor");
  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
  private static final Pattern APPROVER = Pattern.compile("[\\p{L}\\p{N}._@:+/-]{1,128}");
  private static final int MAX_CURSOR = 200;
  private static final Instant EARLIEST = Instant.EPOCH;
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  public HistoryFilter {
    statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
  }

  /** The sort key and id of the last row of the previous page. */
  public record Cursor(Instant createdAt, UUID id) {
    public String encode() {
      String raw = createdAt.toString() + "|" + id;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** A cursor this API returned; anything else is SEC-010. */
    public static Cursor decode(String text) {
      if (text.length() > MAX_CURSOR) {
        throw GatewayException.invalid(Map.of("cursor", "is not a cursor returned by this API"));
      }
      try {
        String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        int bar = raw.indexOf('|');
        UUID id = UUID.fromString(raw.substring(bar + 1));
        Cursor c = new Cursor(Instant.parse(raw.substring(0, bar)), id);
        if (!c.encode().equals(text)) {
          throw new IllegalArgumentException("not canonical");
        }
        return c;
      } catch (RuntimeException e) {
        throw GatewayException.invalid(Map.of("cursor", "is not a cursor returned by this API"));
      }
    }
  }

  /** A search from query parameters (each given once); {@code paging} false for an export, which takes no page. */
  public static HistoryFilter parse(Map<String, String> params, boolean paging) {
    Map<String, String> errors = new LinkedHashMap<>();
    for (String k : params.keySet()) {
      if (!FILTERS.contains(k) && !(paging && PAGING.contains(k))) {
        errors.put(k, "is not a history parameter (" + String.join(", ", paging ? all() : FILTERS) + ")");
      }
    }
    Set<ApprovalStatus> statuses = EnumSet.noneOf(ApprovalStatus.class);
    String status = blank(params.get("status"));
    if (status != null) {
      for (String s : status.split(",", -1)) {
        try {
          statuses.add(ApprovalStatus.parse(s.trim()));
        } catch (IllegalArgumentException e) {
          errors.put("status", "must be pending, approved, rejected, expired or cancelled (several separated by commas)");
          break;
        }
      }
    }
    String type = blank(params.get("type"));
    if (type != null) {
      type = type.toUpperCase(Locale.ROOT);
      if (!TYPE.matcher(type).matches()) {
        errors.put("type", "must be an approval type such as TRADE_EXECUTION");
      }
    }
    String approver = blank(params.get("approver"));
    if (approver != null && !APPROVER.matcher(approver).matches()) {
      errors.put("approver", "must be an operator id of 1-128 letters, digits or . _ @ : + / -");
    }
    String ticker = blank(params.get("ticker"));
    if (ticker != null) {
      ticker = ticker.toUpperCase(Locale.ROOT);
      if (!RequestValidator.TICKER.matcher(ticker).matches()) {
        errors.put("ticker", "must be 1-32 letters, digits or . _ : / -");
      }
    }
    Instant from = time(params.get("from"), "from", false, errors);
    Instant to = time(params.get("to"), "to", true, errors);
    if (from != null && to != null && !from.isBefore(to)) {
      errors.put("to", "must be after from");
    }
    int limit = DEFAULT_LIMIT;
    String l = blank(params.get("limit"));
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        errors.put("limit", "must be a whole number between 1 and " + MAX_LIMIT);
      }
    }
    Cursor cursor = null;
    String c = blank(params.get("cursor"));
    if (c != null) {
      try {
        cursor = Cursor.decode(c);
      } catch (GatewayException e) {
        errors.put("cursor", "is not a cursor returned by this API");
      }
    }
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    return new HistoryFilter(statuses, type, approver, ticker, from, to, limit, cursor);
  }

  /** The same search from its first page with {@code limit} rows. */
  public HistoryFilter firstPage(int rows) {
    return new HistoryFilter(statuses, type, approver, ticker, from, to, rows, null);
  }

  public HistoryFilter after(Cursor next) {
    return new HistoryFilter(statuses, type, approver, ticker, from, to, limit, next);
  }

  /** The filters as query parameters again (without paging), as the console and the export link use them. */
  public Map<String, String> echo() {
    Map<String, String> m = new LinkedHashMap<>();
    if (!statuses.isEmpty()) {
      m.put("status", String.join(",", EnumSet.copyOf(statuses).stream().map(ApprovalStatus::json).toList()));
    }
    putIf(m, "type", type);
    putIf(m, "approver", approver);
    putIf(m, "ticker", ticker);
    putIf(m, "from", from == null ? null : from.toString());
    putIf(m, "to", to == null ? null : to.toString());
    return m;
  }

  private static List<String> all() {
    List<String> l = new java.util.ArrayList<>(FILTERS);
    l.addAll(PAGING);
    return l;
  }

  /**
   * An instant (ISO-8601 with an offset) or a UTC date; a date as `to` means the end of that day, so
   * from=2026-12-01&to=2026-12-01 is the whole first of December.
   */
  static Instant time(String raw, String name, boolean endOfDay, Map<String, String> errors) {
    String v = blank(raw);
    if (v == null) {
      return null;
    }
    if (v.length() > 40) {
      errors.put(name, "must be a date (2026-12-01) or an instant (2026-12-01T09:30:00Z)");
      return null;
    }
    try {
      Instant t;
      if (v.length() == 10) {
        LocalDate d = LocalDate.parse(v);
        t = (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
      } else {
        t = java.time.OffsetDateTime.parse(v).toInstant();
      }
      if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
        errors.put(name, "must lie between the years 1970 and 9999");
        return null;
      }
      return t;
    } catch (DateTimeParseException e) {
      errors.put(name, "must be a date (2026-12-01) or an instant (2026-12-01T09:30:00Z)");
      return null;
    }
  }

  private static String blank(String v) {
    return v == null || v.isEmpty() ? null : v;
  }

  private static void putIf(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
