package io.hitl.gateway.intake;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.store.RateLimitStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes rate-limit buckets that have refilled completely: they hold nothing a missing bucket would not. */
public class RateLimitPurge extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimitPurge.class);
  static final long PERIOD_MS = 60_000;

  private final GatewayConfig config;
  private final Pool pool;
  private final Clock clock;
  private final RateLimitStore store = new RateLimitStore();
  private long timer = -1;

  public RateLimitPurge(GatewayConfig config, Pool pool, Clock clock) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    long idle = fullAfterMs(config);
    if (idle > 0) {
      timer = vertx.setPeriodic(PERIOD_MS, id -> purge(idle));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }

  Future<Integer> purge(long idleMs) {
    return store.purge(pool, clock.millis() - idleMs)
      .onFailure(t -> LOG.warn("rate limit buckets not purged: {}", t.getMessage()));
  }

  /** How long an untouched bucket takes to fill up, for the slower of the enabled limits; 0 when none is. */
  static long fullAfterMs(GatewayConfig config) {
    long ms = 0;
    for (int perMinute : new int[] {config.rateLimitPerCaller, config.rateLimitPerIp}) {
      if (perMinute > 0) {
        ms = Math.max(ms, (long) Math.ceil(config.rateLimitBurst * 60_000d / perMinute));
      }
    }
    return ms;
  }
}
