package io.hitl.gateway.history;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusReplies;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.HistoryFilter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Event-bus shell of the operator's read side: history pages, history exports and request-type schemas. */
public class HistoryVerticle extends VerticleBase {
  private final HistoryService history;
  private final SchemaService schemas;

  public HistoryVerticle(HistoryService history, SchemaService schemas) {
    this.history = history;
    this.schemas = schemas;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.join(
      bus.<JsonObject>consumer(Addresses.HISTORY_SEARCH, this::search).completion(),
      bus.<JsonObject>consumer(Addresses.HISTORY_EXPORT, this::export).completion(),
      bus.<JsonObject>consumer(Addresses.SCHEMAS_GET, this::schemas).completion());
  }

  private void search(Message<JsonObject> msg) {
    BusReplies.answer(msg, actor -> history.search(HistoryFilter.parse(params(msg), true), actor));
  }

  private void export(Message<JsonObject> msg) {
    BusReplies.answer(msg, actor -> history.recordExport(HistoryFilter.parse(params(msg), false), actor,
      msg.headers().get(Headers.CORRELATION_ID)).map(v -> new JsonObject().put("recorded", true)));
  }

  private void schemas(Message<JsonObject> msg) {
    BusReplies.answer(msg, actor -> {
      JsonObject b = BusReplies.body(msg);
      return schemas.schemas(text(b, "type"), requestId(b.getValue("request_id")), actor);
    });
  }

  /** The query parameters as sent: every value a string. */
  static Map<String, String> params(Message<JsonObject> msg) {
    Map<String, String> m = new LinkedHashMap<>();
    BusReplies.body(msg).forEach(e -> {
      if (e.getValue() != null && !(e.getValue() instanceof String)) {
        throw GatewayException.invalid(Map.of(e.getKey(), "must be a string"));
      }
      m.put(e.getKey(), (String) e.getValue());
    });
    return m;
  }

  private static String text(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw GatewayException.invalid(Map.of(field, "must be a string"));
    }
    return (String) v;
  }

  private static UUID requestId(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof String) {
      try {
        UUID id = UUID.fromString((String) v);
        if (id.toString().equalsIgnoreCase((String) v)) {
          return id;
        }
      } catch (IllegalArgumentException ignored) {
        // reported below
      }
    }
    throw GatewayException.invalid(Map.of("request_id", "must be a UUID"));
  }
}
