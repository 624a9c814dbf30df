package io.hitl.gateway.chat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** What the clicker of an acknowledgement button is told, read from the request the acknowledgement returned. */
final class Acknowledged {
  private Acknowledged() {
  }

  static String reply(JsonObject view, String persona) {
    JsonObject acks = view.getJsonObject("acknowledgements", new JsonObject());
    List<String> missing = new ArrayList<>();
    acks.getJsonArray("missing", new JsonArray()).forEach(m -> missing.add(String.valueOf(m)));
    return ChatReplies.acknowledged(view.getString("title"), persona, missing);
  }
}
