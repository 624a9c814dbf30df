package io.hitl.client;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One event of {@code hitl.events}: {@code event} is created, decided, vote, expired, cancelled or
 * integrity.alert (more kinds may be added; ignore the ones you do not know); {@code seq} is the
 * journal sequence number.
 */
public record ApprovalEvent(String event, long seq, String action, String actor, Instant at, String correlationId,
    ApprovalView approval) {

  public static ApprovalEvent from(JsonObject j) {
    String at = j.getString("at");
    JsonObject a = j.getJsonObject("approval");
    return new ApprovalEvent(j.getString("event"), j.getLong("seq", 0L), j.getString("action"), j.getString("actor"),
      at == null ? null : Instant.parse(at), j.getString("correlation_id"), a == null ? null : new ApprovalView(a));
  }
}
