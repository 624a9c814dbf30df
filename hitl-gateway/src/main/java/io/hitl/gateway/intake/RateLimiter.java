package io.hitl.gateway.intake;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.observability.HitlMetrics;
import io.hitl.gateway.store.RateLimitStore;
import io.hitl.gateway.store.RateLimitStore.Bucket;
import io.hitl.gateway.store.RateLimitStore.Take;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets per caller (token subject) and per client address, kept in PostgreSQL so every node that
 * shares the database draws from the same buckets. A refused call goes no further: SEC-060 with Retry-After.
 */
public final class RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  static final String CALLER = "caller";
  static final String IP = "ip";
  private static final String CALLER_PREFIX = "c:";
  private static final String IP_PREFIX = "i:";

  private final GatewayConfig config;
  private final Pool pool;
  private final Clock clock;
  private final HitlMetrics metrics;
  private final RateLimitStore store = new RateLimitStore();

  public RateLimiter(GatewayConfig config, Pool pool, Clock clock, HitlMetrics metrics) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** A route handler placed after authentication on the intake and decision routes. */
  public void handle(RoutingContext ctx) {
    List<Bucket> buckets = new ArrayList<>(2);
    Actor actor = ctx.get(Intake.ACTOR);
    if (config.rateLimitPerCaller > 0 && actor != null) {
      buckets.add(new Bucket(CALLER_PREFIX + actor.subject(), config.rateLimitBurst, config.rateLimitPerCaller));
    }
    if (config.rateLimitPerIp > 0) {
      buckets.add(new Bucket(IP_PREFIX + clientAddress(ctx.request(), config.trustedProxies), config.rateLimitBurst,
        config.rateLimitPerIp));
    }
    if (buckets.isEmpty()) {
      ctx.next();
      return;
    }
    store.take(pool, buckets, clock.millis()).onSuccess(takes -> {
      long waitMs = 0;
      String scope = null;
      for (Take t : takes) {
        if (!t.allowed() && t.waitMs() >= waitMs) {
          waitMs = t.waitMs();
          scope = t.key().startsWith(CALLER_PREFIX) ? CALLER : IP;
        }
      }
      if (scope == null) {
        ctx.next();
        return;
      }
      metrics.rateLimited(scope);
      long seconds = Math.max(1, (waitMs + 999) / 1000);
      Problems.send(ctx, new GatewayException(ErrorCode.SEC_060, "Too many requests from this "
        + (scope.equals(CALLER) ? "caller" : "address") + "; retry after " + seconds + " s",
        Map.of("retry_after_seconds", seconds, "scope", scope)));
    }).onFailure(t -> {
      LOG.warn("rate limit check failed: {}", t.getMessage());
      GatewayException g = io.hitl.gateway.store.DbFailures.of(t);
      // the check wrote nothing the caller relies on: whatever the database said, the caller may retry
      Problems.send(ctx, g.code() == ErrorCode.SEC_098 || g.code() == ErrorCode.INTERNAL
        ? io.hitl.gateway.store.DbFailures.unavailable() : g);
    });
  }

  /**
   * The client address: the peer, or, when the peer is a trusted proxy, the nearest X-Forwarded-For entry
   * that is not itself a trusted proxy (entries further left were written by the client and prove nothing).
   */
  static String clientAddress(HttpServerRequest request, Set<String> trustedProxies) {
    SocketAddress remote = request.remoteAddress();
    String peer = remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    return clientAddress(peer, request.getHeader("X-Forwarded-For"), trustedProxies);
  }

  static String clientAddress(String peer, String forwardedFor, Set<String> trustedProxies) {
    if (!trustedProxies.contains(peer) || forwardedFor == null) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
        return hop.length() > 64 ? hop.substring(0, 64) : hop;
      }
    }
    return peer;
  }
}
