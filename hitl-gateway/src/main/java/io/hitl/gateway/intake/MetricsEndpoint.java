package io.hitl.gateway.intake;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.observability.HitlMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * GET /metrics: Prometheus text. Open by default like /healthz; with HITL_METRICS_TOKEN set it wants
 * {@code Authorization: Bearer <that token>}. The cluster-wide gauges are read from PostgreSQL first when
 * they are older than HITL_METRICS_DB_REFRESH_SECONDS; the text is rendered off the event loop.
 */
final class MetricsEndpoint {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HitlMetrics metrics;
  private final PrometheusMeterRegistry registry;
  private final byte[] token;

  MetricsEndpoint(GatewayConfig config, HitlMetrics metrics) {
    this.metrics = metrics;
    this.registry = config.metricsEnabled && metrics.registry() instanceof PrometheusMeterRegistry
      ? (PrometheusMeterRegistry) metrics.registry() : null;
    this.token = config.metricsToken == null ? null : config.metricsToken.getBytes(StandardCharsets.UTF_8);
  }

  void handle(RoutingContext ctx) {
    if (registry == null) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_011, "Metrics are disabled (HITL_METRICS_ENABLED=false)"));
      return;
    }
    if (token != null && !authorized(ctx.request().getHeader("Authorization"))) {
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_001, "A bearer token (HITL_METRICS_TOKEN) is required"));
      return;
    }
    metrics.refreshFromDatabase()
      .compose(v -> ctx.vertx().executeBlocking(registry::scrape, false))
      .onSuccess(text -> ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(text))
      .onFailure(ctx::fail);
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }
}
