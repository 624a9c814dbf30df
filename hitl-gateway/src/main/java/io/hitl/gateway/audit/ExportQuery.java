package io.hitl.gateway.audit;

import io.hitl.gateway.core.GatewayException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Filters of an audit export: {@code from} (inclusive) and {@code to} (exclusive) on created_at,
 * an exact {@code action} and the {@code format}. Every parameter is checked before a byte is written.
 */
public record ExportQuery(Instant from, Instant to, String action, Format format) {
  private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  /** Output formats: NDJSON (one verifiable entry per line) or CSV (RFC 4180, header row). */
  public enum Format {
    NDJSON("application/x-ndjson"), CSV("text/csv; charset=utf-8");

    private final String contentType;

    Format(String contentType) {
      this.contentType = contentType;
    }

    public String contentType() {
      return contentType;
    }

    public String extension() {
      return name().toLowerCase();
    }
  }

  /** Parses the parameters; absent or empty ones mean no filter (NDJSON by default). */
  public static ExportQuery parse(Map<String, String> params) {
    Map<String, String> errors = new LinkedHashMap<>();
    Instant from = instant(params.get("from"), "from", errors);
    Instant to = instant(params.get("to"), "to", errors);
    String action = blank(params.get("action")) ? null : params.get("action");
    if (action != null && !ACTION.matcher(action).matches()) {
      errors.put("action", "must be a journal action name (lower case letters, digits and _)");
    }
    Format format = Format.NDJSON;
    String f = params.get("format");
    if (!blank(f)) {
      try {
        format = Format.valueOf(f.toUpperCase());
      } catch (IllegalArgumentException e) {
        errors.put("format", "must be csv or ndjson");
      }
    }
    if (from != null && to != null && !from.isBefore(to)) {
      errors.put("to", "must be after from");
    }
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    return new ExportQuery(from, to, action, format);
  }

  private static Instant instant(String v, String name, Map<String, String> errors) {
    if (blank(v)) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      errors.put(name, "must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
      return null;
    }
  }

  private static boolean blank(String v) {
    return v == null || v.isBlank();
  }

  /** The filters as they are written into the audit_exported journal entry. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from", from == null ? null : from.toString());
    m.put("to", to == null ? null : to.toString());
    m.put("action", action);
    m.put("format", format.extension());
    return m;
  }
}
