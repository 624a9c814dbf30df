package io.hitl.client;

import io.hitl.client.contract.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP call to the gateway with its retries: an answer that says nothing was done (503, 429) is retried
 * after its Retry-After; calls that are safe to repeat are also retried after 504 "outcome unknown", 409
 * SEC-015 (the same key still in progress) and lost connections.
 */
final class HttpCalls {
  /** How far a call may be repeated. */
  enum Retry {
    /** Repeating it cannot do anything twice: reads, quotes, creates that carry an idempotency key. */
    SAFE,
    /** Only answers saying nothing was done are retried (a decision sent twice would be refused the second time). */
    NOTHING_DONE
  }

  /** A call: what to send, how far to retry it, how long an answer may take, and when to give up retrying. */
  record Call(HttpMethod method, String path, JsonObject body, Map<String, String> headers, Retry retry,
      Duration idleTimeout, Instant deadline, int maxAttempts) {
  }

  /** An answer: status, body, and the Retry-After header when there was one. */
  record Reply(int status, JsonObject json, String retryAfter) {
  }

  private static final Set<String> PROBLEM_MEMBERS = Set.of("type", "title", "status", "detail", "code", "instance");

  private final Vertx vertx;
  private final HttpClient http;
  private final EngineClient.Options options;

  HttpCalls(Vertx vertx, HttpClient http, EngineClient.Options options) {
    this.vertx = vertx;
    this.http = http;
    this.options = options;
  }

  Clock clock() {
    return options.clock();
  }

  Future<Reply> send(Call call) {
    return attempt(call, 1);
  }

  private Future<Reply> attempt(Call call, int n) {
    return once(call).transform(ar -> {
      HitlException failure;
      boolean again;
      if (ar.succeeded() && ar.result().status() < 300) {
        return Future.succeededFuture(ar.result());
      } else if (ar.succeeded()) {
        failure = problem(ar.result(), clock().instant());
        again = retryable(failure, call.retry());
      } else {
        failure = unreachable(ar.cause());
        again = call.retry() == Retry.SAFE || failure.is(ErrorCodes.SEC_099);
      }
      Duration wait = backoff(n, failure.retryAfter());
      if (!again || n >= call.maxAttempts() || clock().instant().plus(wait).isAfter(call.deadline())) {
        return Future.failedFuture(failure);
      }
      return vertx.timer(Math.max(1, wait.toMillis())).compose(v -> attempt(call, n + 1));
    });
  }

  private Future<Reply> once(Call call) {
    RequestOptions ro = new RequestOptions().setMethod(call.method())
      .setAbsoluteURI(options.baseUrl() + call.path()).setIdleTimeout(call.idleTimeout().toMillis())
      .setConnectTimeout(options.requestTimeout().toMillis())
      .putHeader("Authorization", "Bearer " + options.token()).putHeader("Accept", "application/json");
    call.headers().forEach(ro::putHeader);
    if (call.body() != null) {
      ro.putHeader("Content-Type", "application/json");
    }
    // the body is asked for in the callback of send() itself, as Vert.x's client documentation does, so no hop of
    // the future chain sits between the response's arrival and the handler that collects its body
    return http.request(ro).compose(req -> (call.body() == null ? req.send() : req.send(call.body().toBuffer()))
      .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), json(b), resp.getHeader("Retry-After")))));
  }

  /** Answers that promise nothing was done are always worth repeating; the others only for calls safe to repeat. */
  static boolean retryable(HitlException e, Retry retry) {
    if (e.httpStatus() == 503 || e.httpStatus() == 429 || e.is(ErrorCodes.SEC_099) || e.is(ErrorCodes.SEC_060)) {
      return true;
    }
    return retry == Retry.SAFE && (e.httpStatus() == 504 || e.is(ErrorCodes.SEC_098) || e.is(ErrorCodes.SEC_015));
  }

  /** Retry-After when the server gave one (capped at the longest backoff), else doubling from the shortest. */
  Duration backoff(int attempt, Duration retryAfter) {
    Duration max = options.maxBackoff();
    if (retryAfter != null) {
      return retryAfter.compareTo(max) > 0 ? max : retryAfter;
    }
    Duration d = options.minBackoff().multipliedBy(1L << Math.min(attempt - 1, 16));
    return d.compareTo(max) > 0 ? max : d;
  }

  /** The problem document of a refusal as an exception; statuses without one get the code their status means. */
  static HitlException problem(Reply r, Instant now) {
    JsonObject j = r.json() == null ? new JsonObject() : r.json();
    String code = j.getValue("code") instanceof String ? j.getString("code") : codeOf(r.status());
    String detail = j.getValue("detail") instanceof String ? j.getString("detail") : "HTTP " + r.status();
    Map<String, Object> ext = new LinkedHashMap<>();
    j.forEach(e -> {
      if (!PROBLEM_MEMBERS.contains(e.getKey())) {
        ext.put(e.getKey(), e.getValue());
      }
    });
    return new HitlException(code, r.status(), detail, ext, RetryAfter.parse(r.retryAfter(), now));
  }

  private static String codeOf(int status) {
    switch (status) {
      case 401:
        return ErrorCodes.SEC_001;
      case 403:
        return ErrorCodes.SEC_002;
      case 404:
        return ErrorCodes.SEC_011;
      case 429:
        return ErrorCodes.SEC_060;
      case 503:
        return ErrorCodes.SEC_099;
      case 504:
        return ErrorCodes.SEC_098;
      default:
        return ErrorCodes.INTERNAL;
    }
  }

  /** A refused connection sent nothing (SEC-099); any other loss may have happened after the gateway acted (SEC-098). */
  static HitlException unreachable(Throwable t) {
    String why = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    if (t instanceof ConnectException) {
      return new HitlException(ErrorCodes.SEC_099, 0, "The gateway could not be reached (" + why + ")", Map.of(),
        null);
    }
    return new HitlException(ErrorCodes.SEC_098, 0, "The connection was lost before an answer (" + why
      + "): the outcome is unknown", Map.of(), null);
  }

  private static JsonObject json(Buffer b) {
    if (b == null || b.length() == 0) {
      return null;
    }
    try {
      Object v = Json.decodeValue(b);
      return v instanceof JsonObject ? (JsonObject) v : null;
    } catch (DecodeException e) {
      return null;
    }
  }
}
