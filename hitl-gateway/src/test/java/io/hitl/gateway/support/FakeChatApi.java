package io.hitl.gateway.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Local stand-in for the Slack Web API (under /api: chat.postMessage, chat.update, views.open, views.update), Slack incoming webhooks and response URLs (/slack/...),
 * the Discord API (under /discord) and generic webhook receivers (/hooks/...). It records every request and
 * answers like the real service, unless a scripted answer (429 with Retry-After, 500, a hang) matches first.
 */
public final class FakeChatApi implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Script> scripts = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong(1_100_000_000_000_000_000L);
  private final AtomicLong slackTs = new AtomicLong(1);
  private volatile long latencyMs;

  /** One received request; {@code answered} is the status it got (0 when it was left hanging). */
  public record Call(String method, String path, String query, Map<String, String> headers, String body, Instant at,
      int answered) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** A scripted answer: a status with headers and body, or no answer at all. */
  public record Answer(int status, Map<String, String> headers, String body, boolean hang) {
    public static Answer status(int status) {
      return new Answer(status, Map.of(), "{\"error\":\"scripted\"}", false);
    }

    public static Answer rateLimited(String retryAfterSeconds) {
      return new Answer(429, Map.of("Retry-After", retryAfterSeconds),
        "{\"ok\":false,\"error\":\"ratelimited\",\"retry_after\":" + retryAfterSeconds + "}", false);
    }

    public static Answer hanging() {
      return new Answer(0, Map.of(), null, true);
    }
  }

  private record Script(Predicate<Call> when, Deque<Answer> answers) {
  }

  public FakeChatApi() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    join(server.listen(0, "127.0.0.1"));
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The next matching requests get these answers, in order; later ones are answered normally. */
  public void script(Predicate<Call> when, Answer... answers) {
    scripts.add(new Script(when, new ConcurrentLinkedDeque<>(List.of(answers))));
  }

  /** Every answer is held back this long, like a service far away. */
  public void latency(Duration d) {
    latencyMs = d.toMillis();
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String method, String path, Predicate<Call> filter) {
    List<Call> out = new ArrayList<>();
    for (Call c : calls) {
      if (c.method().equals(method) && c.path().equals(path) && filter.test(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /** Waits until at least {@code n} matching requests arrived; returns them all. */
  public List<Call> await(String method, String path, Predicate<Call> filter, int n, Duration timeout) {
    try {
      return Poll.until(() -> calls(method, path, filter), got -> got.size() >= n, timeout,
        n + " " + method + " " + path + " calls");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; all calls: " + summary(), e);
    }
  }

  public String summary() {
    StringBuilder b = new StringBuilder();
    for (Call c : calls) {
      b.append(c.method()).append(' ').append(c.path()).append(" -> ").append(c.answered()).append("; ");
    }
    return b.toString();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buf -> {
      Map<String, String> headers = new LinkedHashMap<>();
      req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
      Call probe = new Call(req.method().name(), req.path(), req.query(), headers, buf.toString(), Instant.now(), 0);
      Answer scripted = null;
      for (Script s : scripts) {
        if (s.when().test(probe) && !s.answers().isEmpty()) {
          scripted = s.answers().poll();
          break;
        }
      }
      if (scripted != null && scripted.hang()) {
        calls.add(probe);
        return;
      }
      Answer a = scripted != null ? scripted : emulate(probe);
      calls.add(new Call(probe.method(), probe.path(), probe.query(), headers, probe.body(), probe.at(), a.status()));
      if (latencyMs > 0) {
        vertx.setTimer(latencyMs, id -> answer(req, a));
      } else {
        answer(req, a);
      }
    });
  }

  private static void answer(HttpServerRequest req, Answer a) {
    var resp = req.response().setStatusCode(a.status());
    a.headers().forEach(resp::putHeader);
    if (a.body() != null && a.body().startsWith("{")) {
      resp.putHeader("Content-Type", "application/json");
    }
    resp.end(a.body() == null ? "" : a.body());
  }

  /** What the real services answer to a well-formed request. */
  private Answer emulate(Call c) {
    String p = c.path();
    if (p.equals("/api/chat.postMessage") || p.equals("/api/chat.update")) {
      JsonObject in = new JsonObject(c.body());
      String ts = p.endsWith("postMessage") ? "1700000000." + String.format("%06d", slackTs.getAndIncrement())
        : in.getString("ts");
      return ok(new JsonObject().put("ok", true).put("channel", in.getString("channel")).put("ts", ts));
    }
    if (p.equals("/api/views.open") || p.equals("/api/views.update")) {
      JsonObject in = new JsonObject(c.body());
      boolean addressed = p.endsWith("open") ? in.getString("trigger_id") != null : in.getString("view_id") != null;
      JsonObject view = in.getJsonObject("view");
      if (!addressed || view == null || !"modal".equals(view.getString("type")) || view.getJsonArray("blocks") == null
          || !"Bearer xoxb-test-token".equals(c.header("Authorization"))) {
        return ok(new JsonObject().put("ok", false).put("error", "invalid_arguments"));
      }
      return ok(new JsonObject().put("ok", true).put("view", view.copy().put("id", "V" + slackTs.getAndIncrement())));
    }
    if (p.startsWith("/slack/")) {
      return new Answer(200, Map.of(), "ok", false);
    }
    if (p.startsWith("/discord/channels/") && p.endsWith("/messages") && c.method().equals("POST")) {
      String channel = p.split("/")[3];
      return ok(new JsonObject().put("id", String.valueOf(ids.getAndIncrement())).put("channel_id", channel));
    }
    if (p.startsWith("/discord/channels/") && c.method().equals("PATCH")) {
      String[] parts = p.split("/");
      return ok(new JsonObject().put("id", parts[5]).put("channel_id", parts[3]));
    }
    if (p.startsWith("/discord/webhooks/")) {
      return ok(new JsonObject().put("id", String.valueOf(ids.getAndIncrement())).put("channel_id", "777"));
    }
    if (p.startsWith("/hooks/")) {
      return new Answer(204, Map.of(), null, false);
    }
    return new Answer(404, Map.of(), "{\"error\":\"no such endpoint\"}", false);
  }

  private static Answer ok(JsonObject body) {
    return new Answer(200, Map.of(), body.encode(), false);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static <T> T join(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    join(vertx.close());
  }
}
