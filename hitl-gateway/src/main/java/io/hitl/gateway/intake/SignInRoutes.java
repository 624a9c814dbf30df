package io.hitl.gateway.intake;

import io.hitl.gateway.auth.IdentityProvider;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.ClusteredSessionStore;
import io.vertx.ext.web.sstore.LocalSessionStore;
import io.vertx.ext.web.sstore.SessionStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Console sign-in through the OpenID Connect provider: the authorization code flow with PKCE, state and nonce,
 * then a server-side session named by an HttpOnly cookie (the browser never holds a token). Sessions live in
 * Vert.x's clustered session store, the cluster's shared map, so any node behind a load balancer serves them and
 * sign-out on one node ends the session on all. State-changing calls made with a session carry its CSRF token.
 */
final class SignInRoutes {
  static final String COOKIE = "hitl.session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String SESSIONS = "hitl.sessions";
  private static final String ACTOR = "hitl.actor";
  private static final String CSRF = "hitl.csrf";
  private static final String ID_TOKEN = "hitl.id_token";
  private static final String PENDING = "hitl.sign_in";
  /**
   * When the session last made a call, in epoch milliseconds by the gateway's clock: HITL_SESSION_IDLE_SECONDS counts
   * from here. Milliseconds, not seconds: counted in whole seconds, a call made late in one second and the next made
   * early in the second after the idle time would be a whole second short and end a session still in use.
   */
  private static final String SEEN = "hitl.seen";
  /** How long the provider's login page may take before the sign-in it started is refused. */
  private static final long PENDING_SECONDS = 600;
  /** A console path to return to after sign-in: letters, digits and a few separators, no scheme or host. */
  private static final Pattern NEXT = Pattern.compile("/[A-Za-z0-9/_-]{0,200}");
  private static final Pattern PROVIDER_ERROR = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final GatewayConfig config;
  private final IdentityProvider provider;
  private final Clock clock;
  private final SessionHandler sessions;

  SignInRoutes(Vertx vertx, GatewayConfig config, IdentityProvider provider, Clock clock) {
    this.config = config;
    this.provider = provider;
    this.clock = clock;
    this.sessions = provider == null ? null : SessionHandler.create(store(vertx))
      .setSessionCookieName(COOKIE).setCookieHttpOnlyFlag(true).setCookieSecureFlag(secureCookie(config))
      // Lax: the provider's redirect back to /auth/callback is a cross-site navigation that must carry the cookie
      // the store's own timeout (its clock, the system's) only clears what the idle check in signedIn has ended
      .setCookieSameSite(CookieSameSite.LAX).setSessionTimeout(config.oidc.sessionIdleSeconds * 1000L)
      .setLazySession(true).setSessionCookiePath("/");
  }

  /**
   * Secure when browsers reach the gateway over TLS: served here, or ended at a proxy in front of it (an https
   * HITL_PUBLIC_URL), so the cookie never travels over plain HTTP.
   */
  static boolean secureCookie(GatewayConfig config) {
    return config.tlsEnabled() || config.publicUrl.regionMatches(true, 0, "https://", 0, 8);
  }

  /**
   * The cluster's shared map on a clustered node; a single node (no cluster) keeps its sessions in a map shared by
   * its HTTP verticles, as the cluster-wide map does not exist there.
   */
  private static SessionStore store(Vertx vertx) {
    if (!vertx.isClustered()) {
      return LocalSessionStore.create(vertx, SESSIONS);
    }
    // no retry for an unknown id: the shared map is consistent, and each made-up cookie would otherwise cost 5 s of lookups
    return ClusteredSessionStore.create(vertx, SESSIONS, 0);
  }

  void mount(Router router) {
    router.get("/auth/config").handler(this::signInConfig);
    if (sessions != null) {
      router.route("/auth/*").handler(sessions);
      router.get("/auth/session").handler(this::touch);
    }
    router.get("/auth/login").handler(this::login);
    router.get("/auth/callback").handler(this::callback);
    router.get("/auth/session").handler(this::session);
    router.post("/auth/logout").handler(this::logout);
  }

  /** Loads the session (if any) on API routes, so {@link #actor} can read it; nothing without a provider. */
  void mountOnApi(Router router, String api) {
    if (sessions != null) {
      router.route(api + "/*").handler(sessions).handler(this::touch);
    }
  }

  /**
   * Counts the call as the session's activity (or ends a session past its idle or maximum age) and stores that
   * before the call goes on: stored only when the answer is written, the browser's next call could reach the store
   * first, read the older time and end a session that was in use.
   */
  private void touch(RoutingContext ctx) {
    if (!hasCookie(ctx)) {
      ctx.next();
      return;
    }
    Session session = ctx.session();
    Object before = session == null ? null : session.get(SEEN);
    signedIn(ctx);
    if (session == null || (!session.isDestroyed() && java.util.Objects.equals(before, session.get(SEEN)))) {
      ctx.next();
      return;
    }
    sessions.flush(ctx, true).onComplete(ar -> ctx.next());
  }

  /** How the console signs in here: through the provider, or (development, no issuer) with a pasted token. */
  private void signInConfig(RoutingContext ctx) {
    JsonObject body = provider == null ? new JsonObject().put("sign_in", "token")
      : new JsonObject().put("sign_in", "oidc").put("login_url", "/auth/login").put("issuer", provider.issuer())
        .put("provider", provider.settings().providerName);
    noStore(ctx);
    Intake.json(ctx, 200, body);
  }

  private void login(RoutingContext ctx) {
    IdentityProvider p = required();
    String next = ctx.request().getParam("next");
    if (next == null || !NEXT.matcher(next).matches()) {
      next = "/pending";
    }
    String state = random(32);
    String verifier = random(48);
    String nonce = random(32);
    ctx.session().put(PENDING, new JsonObject().put("state", state).put("verifier", verifier).put("nonce", nonce)
      .put("next", next).put("at", clock.instant().getEpochSecond()));
    noStore(ctx);
    String authorize = p.authorizeUrl(state, nonce, challenge(verifier));
    stored(ctx, false, () -> ctx.response().setStatusCode(302).putHeader("Location", authorize).end());
  }

  private void callback(RoutingContext ctx) {
    IdentityProvider p;
    try {
      p = required();
    } catch (GatewayException e) {
      refuse(ctx, e.code() == ErrorCode.SEC_011 ? "not_configured" : "unavailable", e);
      return;
    }
    Session session = ctx.session();
    JsonObject pending = session.remove(PENDING);
    if (pending == null) {
      refuse(ctx, "not_started",
        signInFailed("no sign-in was started in this browser (or it was already completed); start again"));
      return;
    }
    String error = ctx.request().getParam("error");
    if (error != null) {
      boolean readable = PROVIDER_ERROR.matcher(error).matches();
      refuse(ctx, readable ? error : "provider_error", signInFailed("the identity provider refused the sign-in ("
        + (readable ? error : "unreadable error") + ")"));
      return;
    }
    String state = ctx.request().getParam("state");
    if (state == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
        pending.getString("state").getBytes(StandardCharsets.UTF_8))) {
      refuse(ctx, "state_mismatch", signInFailed("the sign-in answer does not belong to the sign-in this browser "
        + "started"));
      return;
    }
    if (clock.instant().getEpochSecond() - pending.getLong("at") > PENDING_SECONDS) {
      refuse(ctx, "expired", signInFailed("the sign-in took longer than " + PENDING_SECONDS + " s; start again"));
      return;
    }
    String code = ctx.request().getParam("code");
    if (code == null || code.isEmpty() || code.length() > 4096) {
      refuse(ctx, "invalid_code", GatewayException.invalid(java.util.Map.of("code", "is required")));
      return;
    }
    p.exchange(code, pending.getString("verifier")).compose(user -> {
      JsonObject id = user.attributes().getJsonObject("idToken");
      if (id == null) {
        return io.vertx.core.Future.failedFuture(new SecurityException("the provider sent no valid ID token"));
      }
      if (!pending.getString("nonce").equals(id.getValue("nonce"))) {
        return io.vertx.core.Future.failedFuture(new SecurityException("the ID token's nonce does not match"));
      }
      return p.principal(claims(id, user.attributes().getJsonObject("accessToken"), p))
        .map(principal -> new Object[] {principal, user.principal().getString("id_token")});
    }).onFailure(t -> refuse(ctx, "exchange_failed", signInFailed(t.getMessage() == null
        ? "the code exchange failed" : t.getMessage()))).onSuccess(done -> {
      User principal = (User) done[0];
      Actor actor = Tokens.actor(principal);
      if (actor == null) {
        refuse(ctx, "no_subject", signInFailed("the ID token names no subject"));
        return;
      }
      long now = clock.millis();
      session.regenerateId();
      session.put(ACTOR, new JsonObject().put("sub", actor.subject())
        .put("roles", new JsonArray(List.copyOf(actor.roleNames()))).put("iss", actor.issuer())
        .put("session", UUID.randomUUID().toString()).put("signed_in_at_ms", now)
        .put("expires_at_ms", now + config.oidc.sessionMaxSeconds * 1000L));
      session.put(SEEN, now);
      session.put(CSRF, random(32));
      if (done[1] != null) {
        session.put(ID_TOKEN, done[1]);
      }
      noStore(ctx);
      stored(ctx, false, () -> ctx.response().setStatusCode(302).putHeader("Location", "/console/#"
        + pending.getString("next")).end());
    });
  }

  /**
   * A sign-in that failed at the callback creates nothing: the browser's half-finished sign-in session is ended (a
   * session already signed in, replaying an old callback, is left as it was). A browser navigation goes back to the
   * console's sign-in screen with a short reason it puts in words; any other caller gets the problem document.
   */
  private void refuse(RoutingContext ctx, String reason, GatewayException problem) {
    Session session = sessions == null ? null : ctx.session();
    boolean end = session != null && !session.isDestroyed() && !(session.get(ACTOR) instanceof JsonObject);
    if (end) {
      session.destroy();
    }
    noStore(ctx);
    Runnable answer = () -> {
      if (isNavigation(ctx)) {
        ctx.put(AccessLog.ERROR_CODE, problem.code().code());
        ctx.response().setStatusCode(302).putHeader("Location", "/console/#/signin?error=" + reason).end();
      } else {
        Problems.send(ctx, problem);
      }
    };
    if (end) {
      stored(ctx, true, answer);
    } else {
      answer.run();
    }
  }

  /** A browser loading the page (it asks for HTML), not a program calling the API. */
  private static boolean isNavigation(RoutingContext ctx) {
    for (String accept : ctx.request().headers().getAll("Accept")) {
      if (accept.toLowerCase(java.util.Locale.ROOT).contains("text/html")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Answers once the session is written to (or, destroyed, removed from) the store. The session handler would
   * otherwise write it while the answer is already on its way, and the browser's next request (the provider's
   * redirect back, the console's first call) can reach a node before the write, find no session, and be refused.
   */
  private void stored(RoutingContext ctx, boolean destroyed, Runnable answer) {
    sessions.flush(ctx, destroyed).onComplete(ar -> {
      if (ar.failed()) {
        Problems.send(ctx, new GatewayException(ErrorCode.SEC_099, "The console session could not be stored; "
          + "try again shortly"));
      } else {
        answer.run();
      }
    });
  }

  /** The ID token's claims, with the roles claim taken from the access token when only that one carries it. */
  private static JsonObject claims(JsonObject idToken, JsonObject accessToken, IdentityProvider p) {
    String path = p.settings().rolesClaim;
    String top = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
    if (idToken.containsKey(top) || accessToken == null || !accessToken.containsKey(top)) {
      return idToken;
    }
    return idToken.copy().put(top, accessToken.getValue(top));
  }

  private void session(RoutingContext ctx) {
    JsonObject a = signedIn(ctx);
    if (a == null) {
      throw new GatewayException(ErrorCode.SEC_001, "No console session: sign in");
    }
    noStore(ctx);
    Intake.json(ctx, 200, new JsonObject().put("subject", a.getString("sub")).put("roles", a.getJsonArray("roles"))
      .put("issuer", a.getString("iss")).put("session", a.getString("session"))
      .put("expires_at", java.time.Instant.ofEpochMilli(a.getLong("expires_at_ms")).toString())
      .put("csrf_token", ctx.session().<String>get(CSRF)));
  }

  private void logout(RoutingContext ctx) {
    JsonObject a = signedIn(ctx);
    if (a == null) {
      throw new GatewayException(ErrorCode.SEC_001, "No console session: sign in");
    }
    checkCsrf(ctx);
    String idToken = ctx.session().get(ID_TOKEN);
    ctx.session().destroy();
    String after = config.publicUrl + "/console/";
    String logout = provider.endSessionUrl(idToken, after);
    noStore(ctx);
    stored(ctx, true, () -> Intake.json(ctx, 200, new JsonObject().put("signed_out", true)
      .put("provider_logout_url", logout)));
  }

  /**
   * The actor of the request's console session, or null when it has none (or it ended); a state-changing call
   * made with a session must carry the session's CSRF token, else SEC-003.
   */
  Actor actor(RoutingContext ctx) {
    JsonObject a = signedIn(ctx);
    if (a == null) {
      return null;
    }
    if (!isSafe(ctx)) {
      checkCsrf(ctx);
    }
    JsonArray roles = a.getJsonArray("roles");
    JsonObject principal = new JsonObject().put("sub", a.getString("sub")).put("roles", roles).put("iss",
      a.getString("iss"));
    Actor base = Tokens.actor(User.create(principal));
    return base == null ? null : new Actor(base.subject(), base.roles(), base.roleNames(), base.issuer(),
      a.getString("session"));
  }

  /** Whether the request carries a session cookie at all (then a refusal says to sign in again). */
  static boolean hasCookie(RoutingContext ctx) {
    return ctx.request().getCookie(COOKIE) != null;
  }

  private JsonObject signedIn(RoutingContext ctx) {
    if (sessions == null || ctx.session() == null) {
      return null;
    }
    Object a = ctx.session().get(ACTOR);
    if (!(a instanceof JsonObject)) {
      return null;
    }
    JsonObject actor = (JsonObject) a;
    long now = clock.millis();
    Long seen = ctx.session().get(SEEN);
    Object expires = actor.getValue("expires_at_ms");
    Object signedInAt = actor.getValue("signed_in_at_ms");
    // a session stored by an older gateway (times in seconds, other names) is ended rather than guessed at
    if (!(expires instanceof Number e) || !(signedInAt instanceof Number s) || now >= e.longValue()
        || now - (seen == null ? s.longValue() : seen) >= config.oidc.sessionIdleSeconds * 1000L) {
      ctx.session().destroy();
      return null;
    }
    if (seen == null || seen != now) {
      ctx.session().put(SEEN, now);
    }
    return actor;
  }

  private void checkCsrf(RoutingContext ctx) {
    String sent = ctx.request().getHeader(CSRF_HEADER);
    String expected = ctx.session().get(CSRF);
    if (sent == null || expected == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8))) {
      throw new GatewayException(ErrorCode.SEC_003, "A console call that changes something must carry the session's "
        + CSRF_HEADER + " header");
    }
  }

  private static boolean isSafe(RoutingContext ctx) {
    String m = ctx.request().method().name();
    return m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS");
  }

  private IdentityProvider required() {
    if (provider == null) {
      throw new GatewayException(ErrorCode.SEC_011, "Single sign-on is not configured on this gateway (no "
        + "HITL_OIDC_ISSUER): sign in with a token");
    }
    if (!provider.ready()) {
      throw new GatewayException(ErrorCode.SEC_099, "The identity provider has not been reached yet; try again shortly");
    }
    return provider;
  }

  private static GatewayException signInFailed(String why) {
    return new GatewayException(ErrorCode.SEC_004, "Sign-in failed: " + why);
  }

  private static void noStore(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store");
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String challenge(String verifier) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
