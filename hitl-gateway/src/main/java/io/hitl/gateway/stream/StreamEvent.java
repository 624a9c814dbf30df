package io.hitl.gateway.stream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One `hitl.events` event on its way to stream clients, with the fields filters look at. Its SSE
 * frame is encoded once and the same bytes are written to every client.
 */
final class StreamEvent {
  final long seq;
  final String name;
  final JsonObject json;
  final String requestId;
  final String type;
  final String ticker;
  final String status;
  private Buffer frame;

  private StreamEvent(long seq, String name, JsonObject json) {
    this.seq = seq;
    this.name = name;
    this.json = json;
    JsonObject approval = json.getValue("approval") instanceof JsonObject ? json.getJsonObject("approval") : null;
    String id = approval != null ? approval.getString("request_id") : null;
    this.requestId = id != null ? id : json.getValue("request_id") instanceof String ? json.getString("request_id")
      : null;
    this.type = approval != null ? str(approval.getValue("type")) : null;
    JsonObject context = approval != null && approval.getValue("context") instanceof JsonObject
      ? approval.getJsonObject("context") : null;
    this.ticker = context != null ? str(context.getValue("ticker")) : null;
    this.status = approval != null ? str(approval.getValue("status")) : null;
  }

  /** An event as published; null when it has no name (nothing a client could subscribe to). */
  static StreamEvent of(JsonObject json) {
    Object name = json.getValue("event");
    if (!(name instanceof String) || ((String) name).isEmpty()) {
      return null;
    }
    Object seq = json.getValue("seq");
    return new StreamEvent(seq instanceof Number ? Math.max(0, ((Number) seq).longValue()) : 0, (String) name, json);
  }

  boolean aboutRequest() {
    return requestId != null;
  }

  /** The request this event carries has reached a final state. */
  boolean terminal() {
    return status != null && !"pending".equals(status);
  }

  boolean matches(StreamFilter filter) {
    return filter.matches(name, aboutRequest(), type, ticker, status);
  }

  Buffer frame() {
    if (frame == null) {
      frame = Buffer.buffer(SseFrames.event(seq, name, json.encode()));
    }
    return frame;
  }

  private static String str(Object v) {
    return v == null ? null : String.valueOf(v);
  }
}
