package io.hitl.gateway.auth;

import io.hitl.gateway.core.TokenClaims;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's JWT verification: the claims are checked by {@link TokenClaims} before any key is tried (so a
 * claim of the wrong type is a refusal, never an exception inside the JWT library), then the signature: a token
 * whose {@code iss} is the configured identity provider's against that provider's keys, any other against the
 * {@link KeySet}. Every failure, whatever throws it, is a failed future the caller answers with SEC-001.
 */
public final class TokenVerifier implements JWTAuth {
  private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
  /** Longest token accepted at all, before it is even decoded. */
  private static final int MAX_TOKEN_LENGTH = 8_192;

  private final Supplier<KeySet> keys;
  private final JWTAuth signer;
  private final String signingKid;
  private final long maxLifetimeSeconds;
  private final Clock clock;
  private final IdentityProvider provider;

  /**
   * {@code signer} (null: this gateway mints no tokens) signs with {@code signingKid} in the header (null: none);
   * {@code keys} is asked for the current set on every verification.
   */
  public TokenVerifier(Supplier<KeySet> keys, JWTAuth signer, String signingKid, long maxLifetimeSeconds, Clock clock) {
    this(keys, signer, signingKid, maxLifetimeSeconds, clock, null);
  }

  /** As above, with the tokens of {@code provider} (null: none) verified against its keys. */
  public TokenVerifier(Supplier<KeySet> keys, JWTAuth signer, String signingKid, long maxLifetimeSeconds, Clock clock,
      IdentityProvider provider) {
    this.provider = provider;
    this.keys = keys;
    this.signer = signer;
    this.signingKid = signingKid;
    this.maxLifetimeSeconds = maxLifetimeSeconds;
    this.clock = clock;
  }

  /** The identity provider whose tokens this verifier accepts, or null. */
  public IdentityProvider provider() {
    return provider;
  }

  public long maxLifetimeSeconds() {
    return maxLifetimeSeconds;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    try {
      if (!(credentials instanceof TokenCredentials) || ((TokenCredentials) credentials).getToken() == null) {
        return refused("no token");
      }
      String token = ((TokenCredentials) credentials).getToken();
      if (token.length() > MAX_TOKEN_LENGTH) {
        return refused("the token is too long");
      }
      String[] parts = token.split("\\.", -1);
      if (parts.length != 3 || parts[2].isEmpty()) {
        return refused("the token is not a signed JWT");
      }
      JsonObject header = segment(parts[0]);
      JsonObject claims = segment(parts[1]);
      if (header == null || claims == null) {
        return refused("the token is not a signed JWT");
      }
      String problem = TokenClaims.problem(header.getMap(), claims.getMap(), clock.instant(), maxLifetimeSeconds);
      if (problem != null) {
        return refused(problem);
      }
      if (provider != null && provider.issues(claims.getValue("iss"))) {
        return provider.verify(token, claims.getMap()).recover(t -> refused(t.getMessage()));
      }
      List<KeySet.Key> candidates = keys.get().candidates(header.getString("kid"), header.getString("alg"));
      return tryKeys(candidates, 0, token);
    } catch (RuntimeException e) {
      return refused("the token could not be read");
    }
  }

  private Future<User> tryKeys(List<KeySet.Key> candidates, int i, String token) {
    if (i >= candidates.size()) {
      return refused("no configured key verifies the token");
    }
    Future<User> f;
    try {
      f = candidates.get(i).provider().authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.recover(t -> tryKeys(candidates, i + 1, token));
  }

  /** A base64url JSON object, or null. */
  private static JsonObject segment(String s) {
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Future<User> refused(String why) {
    LOG.debug("token refused: {}", why);
    return Future.failedFuture(new SecurityException(why));
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    if (signer == null) {
      throw new IllegalStateException("no HS256 secret is configured to sign tokens with");
    }
    if (signingKid != null) {
      JsonObject header = options.getHeader() == null ? new JsonObject() : options.getHeader().copy();
      options = new JWTOptions(options).setHeader(header.put("kid", signingKid));
    }
    return signer.generateToken(claims, options);
  }

  @Override
  public String generateToken(JsonObject claims) {
    return generateToken(claims, new JWTOptions());
  }
}
