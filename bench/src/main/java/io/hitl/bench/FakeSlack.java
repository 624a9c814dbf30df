package io.hitl.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Slack Web API and response_url endpoint as the gateway's outbox and chat verticle call them, served
 * locally so a run never reaches the internet: checks the bot token and the channel, answers `ok` JSON, and
 * counts what it received.
 */
final class FakeSlack implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final String botToken;
  private final String channel;
  private final HttpServer server;
  final AtomicLong posts = new AtomicLong();
  final AtomicLong updates = new AtomicLong();
  final AtomicLong responses = new AtomicLong();
  /** What each response_url was told (by its number), for a run that has to say why a click did not decide. */
  final Map<String, String> said = new ConcurrentHashMap<>();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong callbacks = new AtomicLong();
  private final AtomicLong ts = new AtomicLong(1_700_000_000_000_000L);

  FakeSlack(String botToken, String channel) throws Exception {
    this.botToken = botToken;
    this.channel = channel;
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
      .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port() + "/api";
  }

  /** Where requests' engine callbacks go (an engine's endpoint, served by the same fake). */
  String callbackUrl() {
    return "http://127.0.0.1:" + port() + "/callback";
  }

  String responseUrl(long n) {
    return "http://127.0.0.1:" + port() + "/response/" + n;
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(b -> {
      String path = req.path();
      JsonObject body;
      try {
        body = b.length() == 0 ? new JsonObject() : b.toJsonObject();
      } catch (RuntimeException e) {
        answer(req, 400, new JsonObject().put("ok", false).put("error", "invalid_json"));
        return;
      }
      if (path.equals("/callback")) {
        callbacks.incrementAndGet();
        answer(req, 200, new JsonObject().put("ok", true));
        return;
      }
      if (path.startsWith("/response/")) {
        responses.incrementAndGet();
        said.merge(path.substring("/response/".length()), body.getString("text", body.encode()), (x, y) -> x + " | " + y);
        answer(req, 200, new JsonObject().put("ok", true));
        return;
      }
      if (!("Bearer " + botToken).equals(req.getHeader("Authorization"))) {
        refused.incrementAndGet();
        answer(req, 200, new JsonObject().put("ok", false).put("error", "invalid_auth"));
        return;
      }
      if (!channel.equals(body.getString("channel"))) {
        refused.incrementAndGet();
        answer(req, 200, new JsonObject().put("ok", false).put("error", "channel_not_found"));
        return;
      }
      if (path.equals("/api/chat.postMessage")) {
        posts.incrementAndGet();
        long t = ts.incrementAndGet();
        answer(req, 200, new JsonObject().put("ok", true).put("channel", channel)
          .put("ts", (t / 1_000_000) + "." + String.format("%06d", t % 1_000_000)));
      } else if (path.equals("/api/chat.update")) {
        updates.incrementAndGet();
        answer(req, 200, new JsonObject().put("ok", true).put("channel", channel).put("ts", body.getString("ts")));
      } else {
        refused.incrementAndGet();
        answer(req, 404, new JsonObject().put("ok", false).put("error", "unknown_method"));
      }
    });
  }

  private static void answer(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
