package io.hitl.client;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** An approval request as the gateway shows it (docs/api.md); typed accessors over the JSON view. */
public record ApprovalView(JsonObject json) {

  public UUID requestId() {
    return UUID.fromString(json.getString("request_id"));
  }

  public String type() {
    return json.getString("type");
  }

  public String title() {
    return json.getString("title");
  }

  public ApprovalStatus status() {
    return ApprovalStatus.parse(json.getString("status"));
  }

  public String requestedBy() {
    return json.getString("requested_by");
  }

  public JsonObject context() {
    return json.getJsonObject("context");
  }

  public Instant createdAt() {
    return instant("created_at");
  }

  public Instant expiresAt() {
    return instant("expires_at");
  }

  public Instant decidedAt() {
    return instant("decided_at");
  }

  public String decidedBy() {
    return json.getString("decided_by");
  }

  public String decisionChannel() {
    return json.getString("decision_channel");
  }

  /** The digest of the order this request authorises (trade requests); see {@code contract.OrderDigest}. */
  public String orderDigest() {
    return json.getString("order_digest");
  }

  public String decisionReason() {
    return json.getString("decision_reason");
  }

  private Instant instant(String field) {
    String v = json.getString(field);
    return v == null ? null : Instant.parse(v);
  }
}
