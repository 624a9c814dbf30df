package io.hitl.gateway.stream;

import io.hitl.gateway.core.GatewayException;
import java.util.Map;

/** Where a stream resumes: the Last-Event-ID header an EventSource sends on reconnect, or `last_event_id`. */
public final class LastEventId {
  public static final String HEADER = "Last-Event-ID";
  public static final String PARAM = "last_event_id";

  private LastEventId() {
  }

  /** The seq to resume after, or null for a stream that starts with what happens next. */
  public static Long parse(String header, String param) {
    String v = header != null && !header.isBlank() ? header.trim() : param;
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      long seq = Long.parseLong(v.trim());
      if (seq >= 0) {
        return seq;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw GatewayException.invalid(Map.of(HEADER, "must be an event id received from this stream"));
  }
}
