package io.hitl.gateway.support;

import io.hitl.client.HitlException;
import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waiting on a client's future in a test: its value, or the refusal it failed with. */
public final class Futures {
  private Futures() {
  }

  /** The future's value within 60 s; its failure rethrown as it is (a {@link HitlException} stays one). */
  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The refusal the future failed with; an error when it succeeded or failed otherwise. */
  public static HitlException refusal(Future<?> f) {
    try {
      await(f);
    } catch (HitlException e) {
      return e;
    }
    throw new AssertionError("expected a refusal");
  }
}
