package io.hitl.gateway.intake;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.observability.HitlMetrics;
import io.hitl.gateway.observability.Labels;
import io.hitl.gateway.observability.LogFields;
import io.hitl.gateway.observability.Redactor;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One log line per HTTP request once its response has ended (correlation_id, actor, status, SEC code,
 * duration; never headers, and credential-like query parameters masked), and the response time of
 * creates, decisions and cancels for hitl_response_latency_seconds.
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  /** Set by {@link Problems} on the context, so the line carries the SEC code of a refusal. */
  static final String ERROR_CODE = "error_code";

  /** Routing-context key: System.nanoTime() when the request arrived, for handlers that answer by a deadline. */
  static final String ARRIVED_NANOS = "hitl.arrived_nanos";
  private final HitlMetrics metrics;

  AccessLog(HitlMetrics metrics) {
    this.metrics = metrics;
  }

  void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.put(ARRIVED_NANOS, start);
    ctx.addEndHandler(ar -> done(ctx, start, ar.succeeded()));
    ctx.next();
  }

  private void done(RoutingContext ctx, long start, boolean sent) {
    long nanos = System.nanoTime() - start;
    HttpServerRequest req = ctx.request();
    int status = ctx.response().getStatusCode();
    String code = ctx.get(ERROR_CODE);
    String result = Labels.result(status, code);
    String method = req.method().name();
    String operation = Labels.operationOfRequest(method, req.path());
    if (operation != null) {
      metrics.responded(operation, result, nanos);
    }
    Level level = status >= 500 && status != 503 ? Level.ERROR : status >= 500 ? Level.WARN : Level.INFO;
    if (!LOG.isEnabledForLevel(level)) {
      return;
    }
    Actor actor = ctx.get(Intake.ACTOR);
    String query = Redactor.global().query(req.query());
    String target = query == null || query.isEmpty() ? req.path() : req.path() + "?" + query;
    LogFields.of(Correlation.of(ctx), actor == null ? null : actor.subject(), operation == null ? "http" : operation,
        status < 400 ? "ok" : status < 500 ? "refused" : "error")
      .errorCode(code)
      .with("http_method", method)
      .with("http_path", target)
      .with("http_status", status)
      .with("duration_ms", String.format(Locale.ROOT, "%.3f", nanos / 1e6))
      .log(LOG, level, "{} {} {}{}", method, target, status, sent ? "" : " (connection closed before the response)");
  }
}
