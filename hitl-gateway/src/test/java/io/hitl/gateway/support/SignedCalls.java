package io.hitl.gateway.support;

import io.hitl.gateway.chat.SlackSignature;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/** Builds and sends chat callbacks the way Slack and Discord do: real HMAC-SHA256 and real Ed25519 signatures. */
public final class SignedCalls {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private SignedCalls() {
  }

  /** A Slack block_actions payload for one button click. */
  public static JsonObject slackClick(String userId, String actionId, String value, String responseUrl,
      String channel, String ts) {
    return new JsonObject()
      .put("type", "block_actions")
      .put("user", new JsonObject().put("id", userId).put("username", "user-" + userId).put("team_id", "T0TEAM"))
      .put("api_app_id", "A0APP")
      .put("team", new JsonObject().put("id", "T0TEAM"))
      .put("container", new JsonObject().put("type", "message").put("message_ts", ts).put("channel_id", channel))
      .put("channel", new JsonObject().put("id", channel))
      .put("message", new JsonObject().put("ts", ts))
      .put("response_url", responseUrl)
      .put("trigger_id", "1.2.3")
      .put("actions", new JsonArray().add(new JsonObject().put("action_id", actionId).put("block_id", "hitl_decision")
        .put("value", value).put("type", "button").put("action_ts", "1700000001.000100")));
  }

  /** A Slack view_submission of the reject modal, as Slack sends it when the clicker presses Reject. */
  public static JsonObject slackRejectSubmission(String userId, String requestId, String reason) {
    JsonObject values = new JsonObject().put("reason", new JsonObject().put("reason",
      new JsonObject().put("type", "plain_text_input").put("value", reason)));
    return new JsonObject()
      .put("type", "view_submission")
      .put("user", new JsonObject().put("id", userId).put("username", "user-" + userId).put("team_id", "T0TEAM"))
      .put("team", new JsonObject().put("id", "T0TEAM"))
      .put("api_app_id", "A0APP")
      .put("trigger_id", "4.5.6")
      .put("view", new JsonObject().put("id", "V0VIEW").put("type", "modal").put("callback_id", "hitl_reject_modal")
        .put("private_metadata", requestId).put("state", new JsonObject().put("values", values)));
  }

  public static String form(JsonObject payload) {
    return "payload=" + URLEncoder.encode(payload.encode(), StandardCharsets.UTF_8);
  }

  public static TestGateway.Response slack(int port, String secret, long timestamp, String body) {
    String ts = String.valueOf(timestamp);
    return slackRaw(port, ts, SlackSignature.sign(secret, ts, body.getBytes(StandardCharsets.UTF_8)), body);
  }

  public static TestGateway.Response slackRaw(int port, String timestamp, String signature, String body) {
    return post(port, "/api/v1/chat/slack/interactions", Map.of("Content-Type", "application/x-www-form-urlencoded",
      "X-Slack-Request-Timestamp", timestamp, "X-Slack-Signature", signature), body);
  }

  public static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String ed25519Sign(PrivateKey key, String timestamp, String body) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(timestamp.getBytes(StandardCharsets.UTF_8));
      s.update(body.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(s.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Discord MESSAGE_COMPONENT interaction for a button click in a guild. */
  public static JsonObject discordClick(String userId, String customId, String messageId, String channelId) {
    return new JsonObject()
      .put("id", "1200000000000000001")
      .put("application_id", "1100000000000000001")
      .put("type", 3)
      .put("token", "interaction-token")
      .put("version", 1)
      .put("guild_id", "1000000000000000001")
      .put("channel_id", channelId)
      .put("member", new JsonObject().put("user", new JsonObject().put("id", userId).put("username", "u" + userId)))
      .put("message", new JsonObject().put("id", messageId).put("channel_id", channelId))
      .put("data", new JsonObject().put("custom_id", customId).put("component_type", 2));
  }

  /** A Discord modal submission (type 5) of the reject modal with its reason input. */
  public static JsonObject discordModalSubmit(String userId, String customId, String reason, String token) {
    JsonObject input = new JsonObject().put("type", 4).put("custom_id", "reason").put("value", reason);
    return new JsonObject()
      .put("id", "1200000000000000002")
      .put("application_id", "1100000000000000001")
      .put("type", 5)
      .put("token", token)
      .put("version", 1)
      .put("guild_id", "1000000000000000001")
      .put("channel_id", "9001")
      .put("member", new JsonObject().put("user", new JsonObject().put("id", userId).put("username", "u" + userId)))
      .put("message", new JsonObject().put("id", "42").put("channel_id", "9001"))
      .put("data", new JsonObject().put("custom_id", customId).put("components", new JsonArray()
        .add(new JsonObject().put("type", 1).put("components", new JsonArray().add(input)))));
  }

  public static TestGateway.Response discord(int port, PrivateKey key, long timestamp, String body) {
    String ts = String.valueOf(timestamp);
    return discordRaw(port, ts, ed25519Sign(key, ts, body), body);
  }

  public static TestGateway.Response discordRaw(int port, String timestamp, String signature, String body) {
    return post(port, "/api/v1/chat/discord/interactions", Map.of("Content-Type", "application/json",
      "X-Signature-Timestamp", timestamp, "X-Signature-Ed25519", signature), body);
  }

  public static TestGateway.Response get(int port, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return new TestGateway.Response(r.statusCode(), r.body(), r);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static TestGateway.Response post(int port, String path, Map<String, String> headers, String body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
      headers.forEach(b::header);
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new TestGateway.Response(r.statusCode(), r.body(), r);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
