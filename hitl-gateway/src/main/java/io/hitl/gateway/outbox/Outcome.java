package io.hitl.gateway.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What one send attempt came to: delivered; worth retrying (transport trouble, timeouts, 408, 429, 5xx,
 * Slack's transient `ok:false` errors), with the server's Retry-After if it gave one; or failed for good
 * (any other refusal: a retry would only be refused again until someone fixes the configuration).
 */
public record Outcome(Kind kind, String error, Duration retryAfter) {
  public enum Kind { DELIVERED, RETRY, FAILED }

  private static final Set<String> SLACK_TRANSIENT = Set.of("ratelimited", "rate_limited", "internal_error",
    "fatal_error", "service_unavailable", "request_timeout");
  private static final int MAX_ERROR = 500;

  public static Outcome delivered() {
    return new Outcome(Kind.DELIVERED, null, null);
  }

  public static Outcome retry(String error) {
    return new Outcome(Kind.RETRY, clip(error), null);
  }

  public static Outcome failed(String error) {
    return new Outcome(Kind.FAILED, clip(error), null);
  }

  /** No HTTP answer at all: refused connection, reset, timeout. */
  public static Outcome transport(String what, String problem) {
    return retry(what + ": " + (problem == null ? "no response" : problem));
  }

  /** A plain HTTP endpoint (incoming webhooks, Discord, generic webhooks): judged by status alone. */
  public static Outcome http(String what, int status, String retryAfterHeader, String body, Instant now) {
    if (status >= 200 && status < 300) {
      return delivered();
    }
    String error = what + ": HTTP " + status + (body == null || body.isBlank() ? "" : " " + body.trim());
    if (status == 429) {
      return new Outcome(Kind.RETRY, clip(error), RetryPolicy.parseRetryAfter(retryAfterHeader, now));
    }
    if (status == 408 || status >= 500) {
      return new Outcome(Kind.RETRY, clip(error), RetryPolicy.parseRetryAfter(retryAfterHeader, now));
    }
    return failed(error);
  }

  /** The Slack Web API answers 200 with {"ok": false, "error": ...} for most refusals. */
  public static Outcome slackApi(String what, int status, String retryAfterHeader, Map<String, Object> json,
      String body, Instant now) {
    if (status < 200 || status >= 300) {
      return http(what, status, retryAfterHeader, body, now);
    }
    if (json == null) {
      return failed(what + ": answer is not JSON");
    }
    if (Boolean.TRUE.equals(json.get("ok"))) {
      return delivered();
    }
    String error = String.valueOf(json.get("error"));
    if (SLACK_TRANSIENT.contains(error)) {
      return new Outcome(Kind.RETRY, clip(what + ": " + error), RetryPolicy.parseRetryAfter(retryAfterHeader, now));
    }
    return failed(what + ": " + error);
  }

  public boolean ok() {
    return kind == Kind.DELIVERED;
  }

  private static String clip(String s) {
    if (s == null) {
      return null;
    }
    String oneLine = s.replaceAll("\\s+", " ");
    return oneLine.length() <= MAX_ERROR ? oneLine : oneLine.substring(0, MAX_ERROR - 1) + "…";
  }
}
