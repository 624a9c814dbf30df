package io.hitl.gateway.outbox;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.store.OutboxStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Engine callback jobs (channel "callback"): the decision of a request and its trade's later states, POSTed
 * to the request's callback_url. The job holds the URL and the body; the notifier adds `delivery_id` and
 * signs the bytes it sends (CallbackSignature).
 */
public final class Callbacks {
  public static final String CHANNEL = "callback";

  private Callbacks() {
  }

  /** The callback event of a terminal status, e.g. "approval.approved"; null for a status that is not terminal. */
  public static String decisionEvent(ApprovalStatus status) {
    return status == ApprovalStatus.PENDING ? null : "approval." + status.json();
  }

  /** The job announcing that {@code done} reached its terminal status at {@code at}. */
  public static OutboxStore.Job decision(String url, Approval done, Instant at, String correlationId) {
    Map<String, Object> body = common(decisionEvent(done.status()), done, at, correlationId);
    return job(url, done.id(), body);
  }

  /** The job announcing a trade state (filled, closed, settled) an engine reported for {@code a}'s trade. */
  public static OutboxStore.Job trade(String url, Approval a, String state, Map<String, Object> details, Instant at,
      String correlationId) {
    String s = state.toLowerCase(Locale.ROOT);
    Map<String, Object> body = common("trade." + s, a, at, correlationId);
    body.put("trade_state", s);
    for (String k : new String[] {"price", "quantity", "note"}) {
      if (details.get(k) != null) {
        body.put("fill_" + k, details.get(k));
      }
    }
    return job(url, a.id(), body);
  }

  private static Map<String, Object> common(String event, Approval a, Instant at, String correlationId) {
    Map<String, Object> ctx = a.context() == null ? Map.of() : a.context();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", event);
    body.put("request_id", a.id().toString());
    body.put("type", a.type());
    body.put("status", a.status().json());
    body.put("decision", a.status() == ApprovalStatus.PENDING ? null : a.status().json());
    body.put("decided_by", a.decidedBy());
    body.put("decided_at", Times.format(a.decidedAt()));
    body.put("decision_channel", a.decisionChannel());
    body.put("reason", a.decisionReason());
    body.put("comment", a.decisionComment());
    body.put("trade_id", a.tradeId());
    body.put("ticker", ctx.get("ticker"));
    body.put("action", ctx.get("action"));
    body.put("quantity", ctx.get("quantity"));
    body.put("price", ctx.get("price"));
    body.put("occurred_at", Times.format(at));
    body.put("correlation_id", correlationId);
    return body;
  }

  private static OutboxStore.Job job(String url, UUID id, Map<String, Object> body) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("url", url);
    payload.put("body", body);
    return new OutboxStore.Job(id, CHANNEL, String.valueOf(body.get("event")), payload);
  }
}
