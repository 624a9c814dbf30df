package io.hitl.gateway.chat;

import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a verified chat callback by its deadline: with the real answer when the work finishes in time,
 * otherwise with the platform's deferred answer, the real one following once the work is done. Exactly one
 * HTTP answer and at most one follow-up per callback.
 */
final class Deadline {
  private static final Logger LOG = LoggerFactory.getLogger(Deadline.class);
  private final Vertx vertx;

  Deadline(Vertx vertx) {
    this.vertx = vertx;
  }

  <T> void answer(Message<JsonObject> msg, long budgetMs, T in, ChatFlow<T> flow, Future<ChatAnswer> work) {
    AtomicBoolean answered = new AtomicBoolean();
    long timer = vertx.setTimer(Math.max(1, budgetMs), id -> {
      if (answered.compareAndSet(false, true)) {
        msg.reply(flow.deferred(in).toBus());
      }
    });
    work.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (answered.compareAndSet(false, true)) {
        if (ar.succeeded()) {
          msg.reply(ar.result().toBus());
        } else {
          BusErrors.fail(msg, BusErrors.decode(ar.cause()));
        }
        return;
      }
      if (ar.succeeded()) {
        flow.late(in, ar.result());
        return;
      }
      GatewayException g = BusErrors.decode(ar.cause());
      // a replayed signature gets no answer at all: it was not this clicker's click
      if (g.code() != ErrorCode.SEC_071) {
        LOG.warn("{} after a deferred chat answer: {}", g.code().code(), g.detail());
        flow.late(in, flow.refused(in, g));
      }
    });
  }
}
