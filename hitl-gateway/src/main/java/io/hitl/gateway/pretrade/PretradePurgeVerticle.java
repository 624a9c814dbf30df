package io.hitl.gateway.pretrade;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.journal.Journal;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/** Runs {@link PretradePurge} a minute after start and every ten minutes after that, one run at a time. */
public class PretradePurgeVerticle extends VerticleBase {
  static final long FIRST_MS = 60_000;
  static final long PERIOD_MS = 600_000;
  private final Pool pool;
  private final GatewayConfig config;
  private final Clock clock;
  private PretradePurge purge;
  private boolean running;

  public PretradePurgeVerticle(Pool pool, GatewayConfig config, Clock clock) {
    this.pool = pool;
    this.config = config;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    purge = new PretradePurge(pool, Journal.on(vertx), clock, config.pretradeKeepHours);
    vertx.setPeriodic(FIRST_MS, PERIOD_MS, id -> tick());
    return Future.succeededFuture();
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    purge.runOnce().onComplete(ar -> running = false);
  }
}
