package io.hitl.gateway.outbox;

import io.hitl.gateway.store.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;

/**
 * One JSON call to a chat API or webhook receiver, bounded by HITL_NOTIFY_HTTP_TIMEOUT_MS. A host that
 * answered 429 with Retry-After gets nothing more until then: a call to it meanwhile is not sent and is
 * answered here as the host would (429, the time still to wait), so its job waits its turn.
 */
public final class Http {
  static final String USER_AGENT = "hitl-gateway (notifier)";
  private final WebClient client;
  private final long timeoutMs;
  private final java.time.Clock clock;
  private final Quiet hosts = new Quiet();

  /** The answer: status, Retry-After, body text, and the body as a JSON object when it is one. */
  record Reply(int status, String retryAfter, String body, Map<String, Object> json) {
  }

  Http(WebClient client, long timeoutMs, java.time.Clock clock) {
    this.client = client;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
  }

  Future<Reply> json(HttpMethod method, String url, Map<String, String> headers, Map<String, Object> body) {
    return send(method, url, headers, body == null ? null : Buffer.buffer(new JsonObject(body).encode()));
  }

  /** Sends exactly these bytes (signed webhook bodies must not be re-encoded). */
  Future<Reply> send(HttpMethod method, String url, Map<String, String> headers, Buffer body) {
    String host = host(url);
    java.time.Duration wait = host == null ? null : hosts.remaining(host, clock.instant());
    if (wait != null) {
      String seconds = String.valueOf(Math.max(0.001, wait.toMillis() / 1000.0));
      return Future.succeededFuture(new Reply(429, seconds, HELD_BACK, parse(HELD_BACK)));
    }
    HttpRequest<Buffer> req;
    try {
      req = client.requestAbs(method, url).timeout(timeoutMs).putHeader("User-Agent", USER_AGENT);
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException("invalid URL"));
    }
    if (body != null) {
      req.putHeader("Content-Type", "application/json; charset=utf-8");
    }
    headers.forEach(req::putHeader);
    Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent = body == null ? req.send() : req.sendBuffer(body);
    return sent.map(r -> {
      String text = r.bodyAsString();
      String retryAfter = r.getHeader("Retry-After");
      if (r.statusCode() == 429 && host != null) {
        java.time.Instant now = clock.instant();
        java.time.Duration d = RetryPolicy.parseRetryAfter(retryAfter, now);
        if (d != null) {
          hosts.until(host, now.plus(d.compareTo(RetryPolicy.MAX_RETRY_AFTER) > 0 ? RetryPolicy.MAX_RETRY_AFTER : d));
        }
      }
      return new Reply(r.statusCode(), retryAfter, text, parse(text));
    });
  }

  /** What a call held back while its host is rate limited reads like (Slack's own shape, so it is a retry). */
  static final String HELD_BACK = "{\"ok\":false,\"error\":\"ratelimited\",\"held_back\":true}";

  private static String host(String url) {
    try {
      return java.net.URI.create(url).getRawAuthority();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static Map<String, Object> parse(String text) {
    if (text == null || text.isEmpty() || text.charAt(0) != '{') {
      return null;
    }
    try {
      return Json.plainMap(new JsonObject(text));
    } catch (DecodeException e) {
      return null;
    }
  }

  /** A transport failure as a short message without URLs (webhook URLs carry secrets in their path). */
  public static String problem(Throwable t) {
    if (t instanceof java.util.concurrent.TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
      return "timed out";
    }
    String m = t.getMessage();
    if (m == null) {
      return t.getClass().getSimpleName();
    }
    return m.replaceAll("https?://\\S+", "<url>");
  }
}
