package io.hitl.gateway.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who asked the notifier to wait, and until when: a chat service that answers 429 (or 503) with Retry-After
 * is rate limiting the whole token or host, not the one message. Until then nothing more is sent to it, so
 * retries do not hammer a service that said "not now" and the jobs behind them are not claimed only to be
 * refused again. Keys are channels (for claims) or hosts (for sends).
 */
final class Quiet {
  private final Map<String, Instant> until = new ConcurrentHashMap<>();

  /** {@code key} is quiet until {@code at}; an earlier time never shortens a longer wait already asked for. */
  void until(String key, Instant at) {
    until.merge(key, at, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** How long {@code key} is still quiet at {@code now}; null when it is not. */
  Duration remaining(String key, Instant now) {
    Instant at = until.get(key);
    if (at == null) {
      return null;
    }
    if (!at.isAfter(now)) {
      until.remove(key, at);
      return null;
    }
    return Duration.between(now, at);
  }

  /** The keys quiet at {@code now}. */
  List<String> keys(Instant now) {
    return until.keySet().stream().filter(k -> remaining(k, now) != null).toList();
  }
}
