package io.hitl.gateway.observability;

import io.hitl.gateway.core.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The approval service's publisher, observed: each event it publishes on hitl.events after a commit is
 * also counted and logged here, on the node that committed it, and only there (every node receives every
 * published event in a cluster, so counting on receipt would count it once per node).
 */
public final class Published {
  private static final Logger LOG = LoggerFactory.getLogger(Published.class);

  private Published() {
  }

  public static Consumer<JsonObject> observed(HitlMetrics metrics, Consumer<JsonObject> publish) {
    return event -> {
      publish.accept(event);
      metrics.event(event);
      log(event);
    };
  }

  /** One line per state change: who did what to which request, under which correlation id. */
  static void log(JsonObject event) {
    if (event == null) {
      return;
    }
    String name = text(event, "event");
    boolean alert = "integrity.alert".equals(name);
    Level level = alert ? Level.ERROR : Level.INFO;
    if (!LOG.isEnabledForLevel(level)) {
      return;
    }
    JsonObject a = event.getValue("approval") instanceof JsonObject ? event.getJsonObject("approval")
      : new JsonObject();
    String id = text(a, "request_id");
    String status = text(a, "status");
    String channel = text(a, "decision_channel");
    String reason = "system".equals(channel) ? text(a, "decision_reason") : null;
    LogFields.of(text(event, "correlation_id"), text(event, "actor"), text(event, "action"), status)
      .with(LogFields.REQUEST_ID, id)
      .with("event", name)
      .with("type", text(a, "type"))
      .with("seq", event.getValue("seq"))
      .errorCode(alert ? ErrorCode.SEC_080.code() : null)
      .log(LOG, level, "{}{}{}", id == null ? "" : "request " + id + " ", text(event, "action"),
        reason == null ? "" : " (" + reason + ")");
  }

  private static String text(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v instanceof String ? (String) v : null;
  }
}
