package io.hitl.gateway.bus;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** The request-reply shell every verticle uses: run the work, reply with its JSON or fail with its SEC code. */
public final class BusReplies {
  private BusReplies() {
  }

  /** Runs {@code work} as the message's actor. */
  public static void answer(Message<JsonObject> msg, Function<Actor, Future<JsonObject>> work) {
    answer(msg, work, BusReplies::asGateway);
  }

  /** As {@link #answer(Message, Function)}, with {@code failure} turning any failure into the refusal sent back. */
  public static void answer(Message<JsonObject> msg, Function<Actor, Future<JsonObject>> work,
      Function<Throwable, GatewayException> failure) {
    reply(msg, () -> work.apply(BusActor.from(msg.headers())), failure);
  }

  /** Runs {@code work} (no actor needed) and replies. */
  public static void reply(Message<JsonObject> msg, Supplier<Future<JsonObject>> work) {
    reply(msg, work, BusReplies::asGateway);
  }

  private static void reply(Message<JsonObject> msg, Supplier<Future<JsonObject>> work,
      Function<Throwable, GatewayException> failure) {
    Future<JsonObject> f;
    try {
      f = work.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onSuccess(msg::reply).onFailure(t -> BusErrors.fail(msg, failure.apply(t)));
  }

  /** A refusal as it is, anything else as an internal error without details. */
  public static GatewayException asGateway(Throwable t) {
    return t instanceof GatewayException ? (GatewayException) t
      : new GatewayException(ErrorCode.INTERNAL, "Internal error");
  }

  /** The message's JSON object body; an absent body is an empty object. */
  public static JsonObject body(Message<JsonObject> msg) {
    Object b = msg.body();
    if (b == null) {
      return new JsonObject();
    }
    if (!(b instanceof JsonObject)) {
      throw GatewayException.invalid(Map.of("body", "must be a JSON object"));
    }
    return (JsonObject) b;
  }
}
