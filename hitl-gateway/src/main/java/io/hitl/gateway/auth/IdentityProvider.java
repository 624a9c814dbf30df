package io.hitl.gateway.auth;

import io.hitl.gateway.config.OidcSettings;
import io.hitl.gateway.core.ClaimRoles;
import io.hitl.gateway.core.TokenClaims;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID Connect provider, through Vert.x's own OAuth2 support: discovery, the authorization code exchange with
 * PKCE, and the provider's signing keys (its JWKS) that verify the tokens it issues. Keys are fetched again when a
 * token names a key id the gateway does not know, at most once per HITL_OIDC_JWKS_MIN_REFRESH_SECONDS, so the
 * provider can rotate keys without a restart and a flood of made-up key ids costs one fetch per interval.
 */
public final class IdentityProvider {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityProvider.class);
  /** How long to wait before trying discovery again when the provider could not be reached. */
  private static final long RETRY_MS = 5_000;

  private final Vertx vertx;
  private final OidcSettings settings;
  private final Clock clock;
  private volatile OAuth2Auth oauth;
  private volatile OAuth2Options discovered;
  private volatile String issuer;
  private Instant lastRefresh = Instant.EPOCH;
  private Future<Void> refreshing;
  private volatile boolean closed;

  public IdentityProvider(Vertx vertx, OidcSettings settings, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.clock = clock;
    this.issuer = settings.issuer;
  }

  /**
   * Discovery and the first key fetch. A provider that cannot be reached is tried again in the background (its
   * tokens are refused and sign-in answers 503 meanwhile); the future fails only for a provider that answers wrongly.
   */
  public Future<Void> start() {
    OAuth2Options options = new OAuth2Options().setSite(settings.issuer).setClientId(settings.clientId)
      .setClientSecret(settings.clientSecret).setJWTOptions(new JWTOptions().setAudience(settings.audiences));
    return OpenIDConnectAuth.discover(vertx, options).compose(found -> {
      close(found);
      // tokens are checked on the keys alone: no introspection or userinfo call per token, whatever the provider offers
      OAuth2Options local = new OAuth2Options(options).setIntrospectionPath(null).setUserInfoPath(null);
      OAuth2Auth auth = OAuth2Auth.create(vertx, local);
      return auth.jWKSet().map(v -> {
        discovered = local;
        issuer = local.getJWTOptions().getIssuer() != null ? local.getJWTOptions().getIssuer() : settings.issuer;
        oauth = auth;
        LOG.info("identity provider {}: discovered, signing keys loaded", issuer);
        return (Void) null;
      });
    }).recover(t -> {
      LOG.warn("identity provider {} not usable yet ({}); trying again in {} s", settings.issuer, t.getMessage(),
        RETRY_MS / 1000);
      if (!closed) {
        vertx.setTimer(RETRY_MS, id -> {
          if (!closed && oauth == null) {
            start();
          }
        });
      }
      return Future.succeededFuture();
    });
  }

  public void stop() {
    closed = true;
    close(oauth);
  }

  private static void close(OAuth2Auth auth) {
    // the provider's periodic key refresh holds a timer until closed
    if (auth instanceof io.vertx.core.Closeable) {
      ((io.vertx.core.Closeable) auth).close(Promise.promise());
    }
  }

  public boolean ready() {
    return oauth != null;
  }

  /** Whether a token naming {@code iss} is this provider's to verify. */
  public boolean issues(Object iss) {
    return iss instanceof String && (iss.equals(issuer) || strip((String) iss).equals(strip(settings.issuer)));
  }

  public String issuer() {
    return issuer;
  }

  public OidcSettings settings() {
    return settings;
  }

  /**
   * A provider token verified: its audience, then its signature against the provider's keys (fetched again once
   * when it names an unknown key). The user's principal is the gateway's view: {@code sub}, {@code roles}, {@code iss}.
   */
  public Future<User> verify(String token, Map<String, Object> claims) {
    OAuth2Auth auth = oauth;
    if (auth == null) {
      return Future.failedFuture(new SecurityException("the identity provider has not been reached yet"));
    }
    String problem = TokenClaims.audienceProblem(claims, settings.audiences);
    if (problem != null) {
      return Future.failedFuture(new SecurityException(problem));
    }
    return auth.authenticate(new TokenCredentials(token)).recover(t -> {
      if (!(t instanceof NoSuchKeyIdException)) {
        return Future.failedFuture(t);
      }
      return refreshKeys().compose(v -> oauth.authenticate(new TokenCredentials(token)));
    }).compose(user -> principal(user.attributes().getJsonObject("accessToken")));
  }

  /** The keys fetched again, unless a fetch for an unknown key ran within the last interval (then: as they are). */
  private synchronized Future<Void> refreshKeys() {
    if (refreshing != null) {
      return refreshing;
    }
    Instant now = clock.instant();
    if (now.isBefore(lastRefresh.plusSeconds(settings.jwksMinRefreshSeconds))) {
      return Future.failedFuture(new SecurityException("the token names an unknown key; keys were fetched "
        + "less than " + settings.jwksMinRefreshSeconds + " s ago"));
    }
    lastRefresh = now;
    LOG.info("a token names a key of {} the gateway does not know: fetching its keys again", issuer);
    Future<Void> f = oauth.jWKSet();
    refreshing = f;
    return f.andThen(ar -> {
      synchronized (this) {
        refreshing = null;
      }
      if (ar.failed()) {
        LOG.warn("could not fetch the keys of {}: {}", issuer, ar.cause().getMessage());
      }
    });
  }

  /** The gateway's principal from verified claims: the subject claim, the mapped roles and the issuer. */
  public Future<User> principal(JsonObject claims) {
    if (claims == null) {
      return Future.failedFuture(new SecurityException("the token's claims could not be read"));
    }
    Object subject = claims.getValue(settings.subjectClaim);
    if (!(subject instanceof String) || ((String) subject).isBlank() || ((String) subject).length() > 256) {
      return Future.failedFuture(new SecurityException("the " + settings.subjectClaim + " claim is not a subject"));
    }
    List<String> values = ClaimRoles.values(claims.getMap(), settings.rolesClaim);
    if (values == null) {
      return Future.failedFuture(new SecurityException("the " + settings.rolesClaim + " claim is not a list of strings"));
    }
    Set<String> roles = ClaimRoles.roles(values, settings.roleMap);
    return Future.succeededFuture(User.create(new JsonObject().put("sub", subject).put("iss", issuer)
      .put("roles", new JsonArray(List.copyOf(roles)))));
  }

  /** Where to send the browser to sign in. */
  public String authorizeUrl(String state, String nonce, String codeChallenge) {
    return ensure().authorizeURL(new OAuth2AuthorizationURL().setRedirectUri(settings.redirectUri)
      .setScopes(settings.scopes).setState(state).setCodeChallenge(codeChallenge).setCodeChallengeMethod("S256")
      .putAdditionalParameter("nonce", nonce));
  }

  /** The authorization code exchanged (with the PKCE verifier) for the provider's tokens, the ID token checked. */
  public Future<User> exchange(String code, String verifier) {
    return ensure().authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.AUTH_CODE).setCode(code)
      .setCodeVerifier(verifier).setRedirectUri(settings.redirectUri));
  }

  /** The provider's end-session address for {@code idToken}, back to {@code after}; null when it has none. */
  public String endSessionUrl(String idToken, String after) {
    OAuth2Auth auth = oauth;
    if (auth == null || discovered == null || discovered.getLogoutPath() == null) {
      return null;
    }
    JsonObject params = new JsonObject().put("client_id", settings.clientId);
    if (after != null) {
      params.put("post_logout_redirect_uri", after);
    }
    User u = User.create(new JsonObject().put("id_token", idToken));
    return auth.endSessionURL(u, params);
  }

  private OAuth2Auth ensure() {
    OAuth2Auth auth = oauth;
    if (auth == null) {
      throw new IllegalStateException("the identity provider has not been reached yet");
    }
    return auth;
  }

  private static String strip(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
