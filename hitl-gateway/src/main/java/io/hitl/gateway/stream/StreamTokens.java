package io.hitl.gateway.stream;

import io.hitl.gateway.auth.KeySet;
import io.hitl.gateway.auth.TokenVerifier;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived tokens that only open event streams, for browsers whose EventSource cannot send an
 * Authorization header and must put a token in the URL. They are signed with a key derived from
 * HITL_JWT_SECRET (so every node of a cluster accepts them) that differs from the API key, so the
 * API refuses them; without a secret (public-key-only set-ups) the key is random per process.
 */
public final class StreamTokens {
  public static final String AUDIENCE = "hitl-stream";
  private static final String DERIVATION_LABEL = "hitl stream token v1";

  private final TokenVerifier provider;
  private final Clock clock;
  private final int ttlSeconds;

  public StreamTokens(Vertx vertx, String jwtSecret, Clock clock, int ttlSeconds) {
    this(vertx, jwtSecret == null ? List.of() : List.of(jwtSecret), clock, ttlSeconds);
  }

  /**
   * Keys derived from each API secret, the first signing: a node that already signs with a rotated secret
   * mints stream tokens every node still holding the old one in its list accepts.
   */
  public StreamTokens(Vertx vertx, List<String> jwtSecrets, Clock clock, int ttlSeconds) {
    List<String> keys = new ArrayList<>();
    jwtSecrets.forEach(s -> keys.add(deriveKey(s)));
    if (keys.isEmpty()) {
      keys.add(randomKey());
    }
    List<KeySet.Key> set = new ArrayList<>();
    for (String key : keys) {
      set.add(new KeySet.Key(null, "HS256", JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key))
        // expiry is checked against the gateway clock by TokenVerifier, not by the JWT library
        .setJWTOptions(new JWTOptions().setIgnoreExpiration(true).setAudience(List.of(AUDIENCE))))));
    }
    KeySet keySet = new KeySet(set);
    this.provider = new TokenVerifier(() -> keySet, set.get(0).provider(), null, ttlSeconds, clock);
    this.clock = clock;
    this.ttlSeconds = ttlSeconds;
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  /** A minted token and when it stops opening streams. */
  public record Issued(String token, Instant expiresAt) {
  }

  public Issued mint(Actor actor) {
    Instant expires = Instant.ofEpochSecond(clock.instant().getEpochSecond() + ttlSeconds);
    JsonObject claims = new JsonObject()
      .put("roles", new JsonArray(actor.roles().stream().map(Role::json).toList()))
      .put("exp", expires.getEpochSecond());
    return new Issued(provider.generateToken(claims, new JWTOptions().setAlgorithm("HS256")
      .setSubject(actor.subject()).setAudience(List.of(AUDIENCE)).setNoTimestamp(true)), expires);
  }

  /** The actor of a valid, unexpired stream token; SEC-001 otherwise. */
  public Future<Actor> verify(String token) {
    return provider.authenticate(new TokenCredentials(token)).transform(ar -> {
      Actor actor = ar.succeeded() ? Tokens.actor(ar.result()) : null;
      return actor == null ? Future.failedFuture(invalid()) : Future.succeededFuture(actor);
    });
  }

  /** HMAC-SHA256 of a fixed label under the API secret: stable across nodes, useless as an API key. */
  static String deriveKey(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(DERIVATION_LABEL.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static String randomKey() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static GatewayException invalid() {
    return new GatewayException(ErrorCode.SEC_001, "The stream token is invalid or expired");
  }
}
