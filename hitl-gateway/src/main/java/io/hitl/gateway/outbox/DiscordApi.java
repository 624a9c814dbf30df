package io.hitl.gateway.outbox;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.observability.Tracing;
import io.hitl.gateway.store.ChatStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * Discord calls: create and edit channel messages with the bot token (`Authorization: Bot …`), or post and
 * edit through the webhook (`?wait=true` returns the message, so it can be edited later).
 */
final class DiscordApi {
  private final Http http;
  private final GatewayConfig config;
  private final Clock clock;
  private final Tracing tracing;

  DiscordApi(Http http, GatewayConfig config, Clock clock, Tracing tracing) {
    this.http = http;
    this.config = config;
    this.clock = clock;
    this.tracing = tracing;
  }

  boolean bot() {
    return config.discordBotToken != null && config.discordChannelId != null;
  }

  Future<Sent> post(UUID requestId, Map<String, Object> message) {
    if (bot()) {
      return call(requestId, "create_message", "discord create message", HttpMethod.POST,
        config.discordApiBaseUrl + "/channels/" + config.discordChannelId + "/messages", botAuth(), message);
    }
    if (config.discordWebhookUrl != null) {
      return call(requestId, "webhook", "discord webhook", HttpMethod.POST, withQuery(config.discordWebhookUrl, "", "wait=true"), Map.of(),
        message);
    }
    return Future.succeededFuture(Sent.of(Outcome.failed("discord: neither DISCORD_BOT_TOKEN + DISCORD_CHANNEL_ID nor DISCORD_WEBHOOK_URL is set")));
  }

  Future<Sent> edit(ChatStore.ChatMessage m, Map<String, Object> message) {
    if ("bot".equals(m.via())) {
      if (config.discordBotToken == null) {
        return Future.succeededFuture(Sent.of(Outcome.failed("discord: the message was posted by the bot but DISCORD_BOT_TOKEN is not set")));
      }
      return call(m.approvalId(), "edit_message", "discord edit message", HttpMethod.PATCH,
        config.discordApiBaseUrl + "/channels/" + m.destination() + "/messages/" + m.messageRef(), botAuth(), message);
    }
    if (config.discordWebhookUrl == null) {
      return Future.succeededFuture(Sent.of(Outcome.failed("discord: the message was posted by the webhook but DISCORD_WEBHOOK_URL is not set")));
    }
    return call(m.approvalId(), "webhook_edit", "discord webhook edit", HttpMethod.PATCH,
      withQuery(config.discordWebhookUrl, "/messages/" + m.messageRef(), null), Map.of(), message);
  }

  private Map<String, String> botAuth() {
    return Map.of("Authorization", "Bot " + config.discordBotToken);
  }

  private Future<Sent> call(UUID requestId, String operation, String what, HttpMethod method, String url,
      Map<String, String> headers, Map<String, Object> body) {
    return ChatSpans.around(tracing, Tracing.DISCORD + operation, requestId, () -> http.json(method, url, headers, body)
      .map(r -> new Sent(Outcome.http(what, r.status(), r.retryAfter(), r.body(), clock.instant()), r.json()))
      .recover(t -> Future.succeededFuture(Sent.of(Outcome.transport(what, Http.problem(t))))));
  }

  /** Appends a path and a query parameter to a webhook URL that may already carry a query (thread_id). */
  static String withQuery(String url, String path, String param) {
    int q = url.indexOf('?');
    String base = q < 0 ? url : url.substring(0, q);
    String query = q < 0 ? "" : url.substring(q + 1);
    if (param != null) {
      query = query.isEmpty() ? param : query + "&" + param;
    }
    return base + path + (query.isEmpty() ? "" : "?" + query);
  }
}
