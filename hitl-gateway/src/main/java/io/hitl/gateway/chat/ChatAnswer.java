package io.hitl.gateway.chat;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/** The HTTP answer to a chat callback as it travels back over the bus to the HTTP verticle. */
record ChatAnswer(int status, Map<String, Object> json) {

  static ChatAnswer empty() {
    return new ChatAnswer(200, null);
  }

  static ChatAnswer json(Map<String, Object> json) {
    return new ChatAnswer(200, json);
  }

  JsonObject toBus() {
    JsonObject a = new JsonObject().put("status", status);
    if (json != null) {
      a.put("content_type", "application/json").put("body", new JsonObject(json).encode());
    }
    return a;
  }
}
