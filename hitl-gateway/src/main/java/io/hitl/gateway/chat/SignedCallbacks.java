package io.hitl.gateway.chat;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.SignatureCheck;
import io.hitl.gateway.core.Skew;
import io.hitl.gateway.store.ChatStore;
import io.hitl.gateway.store.DbFailures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one step every signed chat callback passes before anything acts on it: the signature and timestamp
 * (SEC-070 / SEC-071), then a strict read of the body (SEC-010), then the replay guard shared by all nodes
 * (SEC-071). The body is read before the guard records the signature, so a refused body leaves nothing behind.
 */
final class SignedCallbacks {
  private static final Logger LOG = LoggerFactory.getLogger(SignedCallbacks.class);
  /** Replay-guard rows outlive the skew window by this margin. */
  private static final long GUARD_MARGIN_SECONDS = 60;

  private final Pool pool;
  private final Clock clock;
  private final ChatStore chat = new ChatStore();

  SignedCallbacks(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** The verified, parsed callback; throws the GatewayException that refuses it. Touches nothing. */
  <T> T verify(ChatPlatform<T> p, JsonObject raw) {
    byte[] body = raw.getBinary("body", new byte[0]);
    String ts = raw.getString("timestamp");
    String sig = raw.getString("signature");
    if (p.verifier() == null) {
      throw refusal(ErrorCode.SEC_070, p.offDetail());
    }
    SignatureCheck check = p.verifier().check(ts, sig, body, clock.instant());
    if (check == SignatureCheck.STALE) {
      throw refusal(ErrorCode.SEC_071, p.timestampHeader() + " is more than " + SlackSignature.MAX_SKEW_SECONDS
        + " s from now");
    }
    if (check != SignatureCheck.VALID) {
      throw refusal(ErrorCode.SEC_070, p.signatureHeader() + " does not match the request");
    }
    try {
      return p.parser().apply(body);
    } catch (IllegalArgumentException e) {
      throw GatewayException.invalid(Map.of(p.bodyField(), e.getMessage()));
    }
  }

  /** Records a verified callback's signature; fails with SEC-071 when any node has seen it before. */
  Future<Void> guard(ChatPlatform<?> p, JsonObject raw) {
    String ts = raw.getString("timestamp");
    String sig = raw.getString("signature");
    Instant keep = Instant.ofEpochSecond(Skew.seconds(ts) + SlackSignature.MAX_SKEW_SECONDS + GUARD_MARGIN_SECONDS);
    return chat.firstSighting(pool, p.name(), p.guardKey().apply(sig), keep)
      .recover(t -> Future.failedFuture(DbFailures.of(t)))
      .compose(first -> first ? Future.succeededFuture()
        : Future.failedFuture(refusal(ErrorCode.SEC_071, "This " + p.label() + " was already received (replayed signature)")));
  }

  private static GatewayException refusal(ErrorCode code, String detail) {
    LOG.warn("{} chat callback refused: {}", code.code(), detail);
    return new GatewayException(code, detail);
  }
}
