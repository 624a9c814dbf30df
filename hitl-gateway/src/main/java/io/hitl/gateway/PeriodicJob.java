package io.hitl.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A maintenance job run on a timer, one run at a time: a tick while the last run is still going is skipped. The job is
 * built once the verticle has its Vert.x instance; a job that needs no run (a setting turned it off) is null.
 */
public final class PeriodicJob extends VerticleBase {
  private final long firstMs;
  private final long periodMs;
  private final Function<Vertx, Supplier<Future<?>>> build;
  private Supplier<Future<?>> job;
  private boolean running;

  public PeriodicJob(long firstMs, long periodMs, Function<Vertx, Supplier<Future<?>>> build) {
    this.firstMs = firstMs;
    this.periodMs = periodMs;
    this.build = build;
  }

  @Override
  public Future<?> start() {
    job = build.apply(vertx);
    if (job != null) {
      vertx.setPeriodic(firstMs, periodMs, id -> tick());
    }
    return Future.succeededFuture();
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    job.get().onComplete(ar -> running = false);
  }
}
