package io.hitl.gateway.market;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.BusReplies;
import io.hitl.gateway.bus.GuardJson;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.store.Json;
import io.hitl.gateway.journal.Journal;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Market data and trade reports over the bus: quotes engines publish on `market.quotes`, quotes and
 * trade events from the API, and trade lifecycle reports on `hitl.trades.event`. One per node, since
 * every node receives each published quote.
 */
public class MarketVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MarketVerticle.class);

  private final Pool pool;
  private final Clock clock;
  private final GatewayConfig config;
  private TradeService service;

  public MarketVerticle(Pool pool, Clock clock, GatewayConfig config) {
    this.pool = pool;
    this.clock = clock;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    service = new TradeService(pool, clock, config, Journal.on(vertx));
    var bus = vertx.eventBus();
    return Future.join(List.of(
      bus.<JsonObject>consumer(Addresses.MARKET_QUOTES, this::published).completion(),
      bus.<JsonObject>consumer(Addresses.QUOTES_PUT, this::putQuote).completion(),
      bus.<JsonObject>consumer(Addresses.TRADES_EVENT, this::tradeEvent).completion(),
      bus.<JsonObject>consumer(Addresses.TRADES_GET, this::getTrade).completion()));
  }

  /** Engines publish without waiting; a bad quote is logged and dropped (and refused if a reply was asked for). */
  private void published(Message<JsonObject> msg) {
    Object b = msg.body();
    Map<String, Object> body = b instanceof JsonObject ? Json.plainMap((JsonObject) b) : Map.of();
    Future<TradeService.Stored> stored;
    try {
      BusActor.from(msg.headers()).require(Role.SUBMITTER, "publish quotes");
      stored = service.quote(body, "bus");
    } catch (GatewayException e) {
      stored = Future.failedFuture(e);
    }
    stored.onComplete(ar -> {
      if (ar.failed()) {
        LOG.debug("quote on {} refused: {}", Addresses.MARKET_QUOTES, ar.cause().getMessage());
      }
      if (msg.replyAddress() == null) {
        return;
      }
      if (ar.succeeded()) {
        msg.reply(quoteView(ar.result()));
      } else {
        BusErrors.fail(msg, BusReplies.asGateway(ar.cause()));
      }
    });
  }

  private void putQuote(Message<JsonObject> msg) {
    handle(msg, actor -> {
      actor.require(Role.SUBMITTER, "publish quotes");
      return service.quote(Json.plainMap(BusReplies.body(msg)), "api").map(MarketVerticle::quoteView);
    });
  }

  private void tradeEvent(Message<JsonObject> msg) {
    handle(msg, actor -> service.report(Json.plainMap(BusReplies.body(msg)), actor,
      msg.headers().get(Headers.CORRELATION_ID)).map(t -> {
        // its follow-ups (chat updates, callbacks) are in the outbox now
        vertx.eventBus().publish(Addresses.NOTIFY_WAKE, new JsonObject().put("trade_id", t.tradeId()));
        return GuardJson.trade(t);
      }));
  }

  private void getTrade(Message<JsonObject> msg) {
    handle(msg, actor -> {
      Object id = BusReplies.body(msg).getValue("trade_id");
      if (!(id instanceof String)) {
        throw GatewayException.invalid(Map.of("trade_id", "is required"));
      }
      return service.trade((String) id, actor).compose(t -> service.history(t).map(h -> {
        JsonArray items = new JsonArray();
        h.forEach(e -> items.add(ApprovalJson.journal(e)));
        return GuardJson.trade(t).put("history", items);
      }));
    });
  }

  private static JsonObject quoteView(TradeService.Stored s) {
    return GuardJson.quote(s.quote()).put("latest", s.latest());
  }

  private void handle(Message<JsonObject> msg, Function<Actor, Future<JsonObject>> work) {
    BusReplies.answer(msg, work);
  }
}
