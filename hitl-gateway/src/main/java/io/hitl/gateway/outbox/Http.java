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

/** One JSON call to a chat API or webhook receiver, bounded by HITL_NOTIFY_HTTP_TIMEOUT_MS. */
public final class Http {
  static final String USER_AGENT = "hitl-gateway (notifier)";
  private final WebClient client;
  private final long timeoutMs;

  /** The answer: status, Retry-After, body text, and the body as a JSON object when it is one. */
  record Reply(int status, String retryAfter, String body, Map<String, Object> json) {
  }

  Http(WebClient client, long timeoutMs) {
    this.client = client;
    this.timeoutMs = timeoutMs;
  }

  Future<Reply> json(HttpMethod method, String url, Map<String, String> headers, Map<String, Object> body) {
    return send(method, url, headers, body == null ? null : Buffer.buffer(new JsonObject(body).encode()));
  }

  /** Sends exactly these bytes (signed webhook bodies must not be re-encoded). */
  Future<Reply> send(HttpMethod method, String url, Map<String, String> headers, Buffer body) {
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
      return new Reply(r.statusCode(), r.getHeader("Retry-After"), text, parse(text));
    });
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
