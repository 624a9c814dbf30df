package io.hitl.gateway.outbox;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.observability.Tracing;
import io.hitl.gateway.store.ChatStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/** Slack calls: chat.postMessage / chat.update with the bot token, the incoming webhook, and response_url. */
final class SlackApi {
  private final Http http;
  private final GatewayConfig config;
  private final Clock clock;
  private final Tracing tracing;

  SlackApi(Http http, GatewayConfig config, Clock clock, Tracing tracing) {
    this.http = http;
    this.config = config;
    this.clock = clock;
    this.tracing = tracing;
  }

  /** Posting with the bot token (channel + ts come back, so the message can be edited later). */
  boolean bot() {
    return config.slackBotToken != null && config.slackChannel != null;
  }

  boolean canEdit(ChatStore.ChatMessage m) {
    return config.slackBotToken != null && m.destination() != null && m.messageRef() != null;
  }

  /** A new message: with the bot token when configured, else through the incoming webhook. */
  Future<Sent> post(UUID requestId, Map<String, Object> message, String channel, String threadTs) {
    if (bot()) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("channel", channel != null ? channel : config.slackChannel);
      if (threadTs != null) {
        body.put("thread_ts", threadTs);
      }
      body.putAll(message);
      return api(requestId, "chat.postMessage", body);
    }
    if (config.slackWebhookUrl != null) {
      return traced("webhook", requestId, () -> plain("slack incoming webhook", config.slackWebhookUrl, message));
    }
    return Future.succeededFuture(Sent.of(Outcome.failed("slack: neither SLACK_BOT_TOKEN + SLACK_CHANNEL nor SLACK_WEBHOOK_URL is set")));
  }

  Future<Sent> update(UUID requestId, String channel, String ts, Map<String, Object> message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("channel", channel);
    body.put("ts", ts);
    body.putAll(message);
    return api(requestId, "chat.update", body);
  }

  /** Replaces the clicked message through the interaction's response_url (works without a bot token). */
  Future<Sent> replaceOriginal(UUID requestId, String responseUrl, Map<String, Object> message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("replace_original", true);
    body.putAll(message);
    return traced("response_url", requestId, () -> plain("slack response_url", responseUrl, body));
  }

  Future<Sent> respond(UUID requestId, String responseUrl, Map<String, Object> body) {
    return traced("response_url", requestId, () -> plain("slack response_url", responseUrl, body));
  }

  private Future<Sent> traced(String operation, UUID requestId, Supplier<Future<Sent>> call) {
    return ChatSpans.around(tracing, Tracing.SLACK + operation, requestId, call);
  }

  private Future<Sent> api(UUID requestId, String method, Map<String, Object> body) {
    return traced(method, requestId, () -> api(method, body));
  }

  private Future<Sent> api(String method, Map<String, Object> body) {
    String what = "slack " + method;
    return http.json(HttpMethod.POST, config.slackApiBaseUrl + "/" + method,
        Map.of("Authorization", "Bearer " + config.slackBotToken), body)
      .map(r -> new Sent(Outcome.slackApi(what, r.status(), r.retryAfter(), r.json(), r.body(), clock.instant()), r.json()))
      .recover(t -> Future.succeededFuture(Sent.of(Outcome.transport(what, Http.problem(t)))));
  }

  private Future<Sent> plain(String what, String url, Map<String, Object> body) {
    return http.json(HttpMethod.POST, url, Map.of(), body)
      .map(r -> new Sent(Outcome.http(what, r.status(), r.retryAfter(), r.body(), clock.instant()), r.json()))
      .recover(t -> Future.succeededFuture(Sent.of(Outcome.transport(what, Http.problem(t)))));
  }
}
