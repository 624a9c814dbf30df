package io.hitl.gateway.audit;

import io.hitl.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/** Runs {@link Retention} every HITL_RETENTION_CHECK_SECONDS when HITL_RETENTION_DAYS is above 0. */
public class RetentionVerticle extends VerticleBase {
  private final Pool pool;
  private final GatewayConfig config;
  private final Clock clock;
  private Retention retention;
  private boolean running;

  public RetentionVerticle(Pool pool, GatewayConfig config, Clock clock) {
    this.pool = pool;
    this.config = config;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    if (config.retentionDays > 0) {
      retention = new Retention(vertx, pool, config, clock);
      long period = config.retentionCheckSeconds * 1000L;
      vertx.setPeriodic(period, id -> tick());
    }
    return Future.succeededFuture();
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    retention.runOnce().onComplete(ar -> running = false);
  }
}
