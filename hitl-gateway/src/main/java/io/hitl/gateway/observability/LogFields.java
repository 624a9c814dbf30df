package io.hitl.gateway.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * The structured fields of one log line (correlation_id, actor, action, result, error_code ...). They are
 * put in the MDC only for the duration of that one call and the previous MDC is restored after it:
 * Vert.x runs a request's handlers on whichever event loop is free, so a field left in a thread-local
 * would end up on another request's lines.
 */
public final class LogFields {
  public static final String CORRELATION_ID = "correlation_id";
  public static final String ACTOR = "actor";
  public static final String ACTION = "action";
  public static final String RESULT = "result";
  public static final String ERROR_CODE = "error_code";
  public static final String REQUEST_ID = "request_id";

  private final Map<String, String> fields = new LinkedHashMap<>();
  private Throwable cause;

  private LogFields() {
  }

  public static LogFields of(String correlationId, String actor, String action, String result) {
    return new LogFields().with(CORRELATION_ID, correlationId).with(ACTOR, actor).with(ACTION, action)
      .with(RESULT, result);
  }

  /** Adds a field; null values are left out. */
  public LogFields with(String key, Object value) {
    if (value != null) {
      fields.put(key, String.valueOf(value));
    }
    return this;
  }

  public LogFields errorCode(String code) {
    return with(ERROR_CODE, code);
  }

  /** A failure whose stack trace goes with the line (unexpected faults only; refusals carry their code instead). */
  public LogFields cause(Throwable t) {
    this.cause = t;
    return this;
  }

  public Map<String, String> fields() {
    return Map.copyOf(fields);
  }

  public void info(Logger log, String format, Object... args) {
    log(log, Level.INFO, format, args);
  }

  public void warn(Logger log, String format, Object... args) {
    log(log, Level.WARN, format, args);
  }

  public void error(Logger log, String format, Object... args) {
    log(log, Level.ERROR, format, args);
  }

  public void log(Logger log, Level level, String format, Object... args) {
    if (!log.isEnabledForLevel(level)) {
      return;
    }
    Map<String, String> before = MDC.getCopyOfContextMap();
    try {
      fields.forEach(MDC::put);
      log.atLevel(level).setCause(cause).log(format, args);
    } finally {
      if (before == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(before);
      }
    }
  }
}
