package io.hitl.gateway.switches;

import io.hitl.gateway.approval.ApprovalService;
import io.hitl.gateway.approval.SwitchCascade;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusReplies;
import io.hitl.gateway.bus.GuardJson;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.core.pretrade.SwitchEntries;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.Json;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The scoped kill switches' addresses: list (reader), engage and release (admin), for the API and JVM services. */
public class SwitchVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SwitchVerticle.class);

  private final Pool pool;
  private final Clock clock;
  private final Function<Vertx, ApprovalService> approvals;
  private SwitchService switches;

  /** {@code approvals} builds the approval service the engage cascade writes through. */
  public SwitchVerticle(Pool pool, Clock clock, Function<Vertx, ApprovalService> approvals) {
    this.pool = pool;
    this.clock = clock;
    this.approvals = approvals;
  }

  @Override
  public Future<?> start() {
    switches = new SwitchService(pool, clock, Journal.on(vertx), new SwitchCascade(approvals.apply(vertx)));
    var bus = vertx.eventBus();
    return Future.join(List.of(
      bus.<JsonObject>consumer(Addresses.SWITCHES_LIST, this::list).completion(),
      bus.<JsonObject>consumer(Addresses.SWITCHES_ENGAGE, this::engage).completion(),
      bus.<JsonObject>consumer(Addresses.SWITCHES_RELEASE, this::release).completion()));
  }

  private void list(Message<JsonObject> msg) {
    BusReplies.answer(msg, actor -> {
      JsonObject b = BusReplies.body(msg);
      onlyFields(b, Set.of("history"));
      Object history = b.getValue("history");
      if (history != null && !(history instanceof Boolean)) {
        throw GatewayException.invalid(Map.of("history", "must be true or false"));
      }
      return switches.list(actor, Boolean.TRUE.equals(history)).map(l -> {
        JsonArray items = new JsonArray();
        l.forEach(s -> items.add(GuardJson.scopedSwitch(s)));
        return new JsonObject().put("items", items);
      });
    });
  }

  private void engage(Message<JsonObject> msg) {
    BusReplies.answer(msg, actor -> switches.engage(Json.plainMap(BusReplies.body(msg)), actor, via(msg),
        msg.headers().get(Headers.CORRELATION_ID)).map(r -> {
          if (r.engaged()) {
            LOG.warn("kill switch engaged on {} by {} ({}): {} pending request(s) rejected", r.state().scope().label(),
              r.state().setBy(), r.state().reason(), r.rejected());
          }
          return GuardJson.scopedSwitch(r.state()).put("engaged", r.engaged());
        }));
  }

  private void release(Message<JsonObject> msg) {
    BusReplies.answer(msg, actor -> {
      JsonObject b = BusReplies.body(msg);
      onlyFields(b, Set.of("id", "reason"));
      UUID id;
      try {
        id = UUID.fromString(String.valueOf(b.getValue("id")));
      } catch (IllegalArgumentException e) {
        throw GatewayException.invalid(Map.of("id", "must be a UUID"));
      }
      return switches.release(id, b.getValue("reason"), actor, via(msg), msg.headers().get(Headers.CORRELATION_ID))
        .onSuccess(s -> log(s))
        .map(GuardJson::scopedSwitch);
    });
  }

  /**
   * The channel the change came through (api, console, bus, slack, discord; a node's own JVM service without one is
   * "bus") and the chat user behind a chat confirmation, for the journal.
   */
  private static SwitchEntries.Via via(Message<?> msg) {
    String channel = msg.headers().get(Headers.CHANNEL);
    return new SwitchEntries.Via(channel == null ? "bus" : channel, msg.headers().get(Headers.CHAT_USER));
  }

  /** A body from a JVM service is read whole: a field this address does not know is refused, not ignored. */
  private static void onlyFields(JsonObject b, Set<String> known) {
    Map<String, String> errors = new TreeMap<>();
    b.fieldNames().stream().filter(f -> !known.contains(f)).forEach(f -> errors.put(f, "unknown field"));
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
  }

  private static void log(ScopedSwitch s) {
    LOG.info("kill switch on {} released by {} ({})", s.scope().label(), s.liftedBy(), s.liftReason());
  }
}
