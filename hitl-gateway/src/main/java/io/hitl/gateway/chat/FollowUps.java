package io.hitl.gateway.chat;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.outbox.Http;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.outbox.DiscordMessages;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers that reach a clicker after the HTTP answer went out: Slack `response_url`s, Discord interaction
 * follow-ups (`/webhooks/{application id}/{interaction token}`, valid 15 minutes, no bot token needed).
 */
final class FollowUps {
  private static final Logger LOG = LoggerFactory.getLogger(FollowUps.class);
  private final WebClient client;
  private static final Pattern SNOWFLAKE = Pattern.compile("[0-9]{1,20}");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,500}");
  private final long timeoutMs;
  private final String discordBase;
  private final String slackApiBase;
  private final String slackBotToken;
  private final Set<String> responseHosts = new HashSet<>();

  FollowUps(WebClient client, GatewayConfig config) {
    this.client = client;
    this.timeoutMs = config.notifyHttpTimeoutMs;
    this.discordBase = config.discordApiBaseUrl;
    this.slackApiBase = config.slackApiBaseUrl;
    this.slackBotToken = config.slackBotToken;
    responseHosts.add(host(config.slackApiBaseUrl));
    if (config.slackWebhookUrl != null) {
      responseHosts.add(host(config.slackWebhookUrl));
    }
  }

  /** Posts to the click's response_url; nothing when Slack gave no usable one. */
  void slack(String responseUrl, Map<String, Object> json) {
    if (responseUrl == null) {
      return;
    }
    send(client.postAbs(responseUrl), json, "Slack response_url");
  }

  /**
   * The answer to a Discord interaction after its deferred acknowledgement: the decided message edits the
   * clicked one (type 7 → PATCH @original), a private reply becomes an ephemeral follow-up (type 4 → POST).
   */
  void discord(String applicationId, String token, Map<String, Object> answer) {
    if (answer == null || applicationId == null || token == null || !SNOWFLAKE.matcher(applicationId).matches()
        || !TOKEN.matcher(token).matches()) {
      return;
    }
    Object type = answer.get("type");
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) answer.get("data");
    String hook = discordBase + "/webhooks/" + applicationId + "/" + token;
    if (Integer.valueOf(DiscordMessages.UPDATE_MESSAGE).equals(type)) {
      send(client.patchAbs(hook + "/messages/@original"), data, "Discord interaction follow-up");
    } else if (Integer.valueOf(DiscordMessages.CHANNEL_MESSAGE).equals(type)) {
      send(client.postAbs(hook), data, "Discord interaction follow-up");
    }
  }

  /** Opens a modal with the click's trigger_id (Slack honours it for 3 s); fails unless Slack says ok. */
  Future<Void> slackViewsOpen(Map<String, Object> body) {
    if (slackBotToken == null) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_030,
        "Modals need SLACK_BOT_TOKEN (views.open); use the console to reject with a reason"));
    }
    return client.postAbs(slackApiBase + "/views.open").timeout(timeoutMs)
      .putHeader("Authorization", "Bearer " + slackBotToken)
      .sendJson(new JsonObject(body))
      .compose(r -> {
        JsonObject b = r.statusCode() == 200 ? r.bodyAsJsonObject() : null;
        if (b != null && b.getBoolean("ok", false)) {
          return Future.<Void>succeededFuture();
        }
        LOG.warn("Slack views.open failed: HTTP {} {}", r.statusCode(), b == null ? "" : b.getString("error"));
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_099, "Slack did not open the modal"));
      });
  }

  private void send(HttpRequest<Buffer> request, Map<String, Object> json, String what) {
    request.timeout(timeoutMs).sendJson(new JsonObject(json))
      .onFailure(t -> LOG.warn("could not answer a chat click through its {}: {}", what, Http.problem(t)))
      .onSuccess(r -> {
        if (r.statusCode() >= 300) {
          LOG.warn("the {} refused an answer: HTTP {}", what, r.statusCode());
        }
      });
  }

  /** Slack's own hosts, or those of SLACK_API_BASE_URL / SLACK_WEBHOOK_URL; anything else is not called. */
  String trustedResponseUrl(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI u = URI.create(url);
      String h = u.getHost();
      if (h == null) {
        return null;
      }
      boolean slackHost = "https".equals(u.getScheme()) && (h.equals("slack.com") || h.endsWith(".slack.com"));
      return slackHost || responseHosts.contains(h) ? url : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String host(String url) {
    String h = URI.create(url).getHost();
    return h == null ? "" : h;
  }
}
