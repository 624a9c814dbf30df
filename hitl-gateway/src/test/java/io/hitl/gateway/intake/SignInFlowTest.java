package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.OidcProvider;
import io.hitl.gateway.support.ProviderBrowser;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Console sign-in through a real OpenID Connect provider, driven over HTTP as a browser would: the gateway's
 * /auth/login, the provider's login form (a subject and a groups claim), the callback with the code. The console
 * session then acts with its cookie and CSRF token, its journal entries name subject, issuer and session, and
 * once signed out the old cookie is refused.
 */
class SignInFlowTest {
  static final OidcProvider idp = OidcProvider.interactive();

  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with(idp.settings())
    .with("HITL_OIDC_ROLE_MAP", "desk-approvers=approver,desk-approvers=viewer,desk-viewers=viewer,desk-admins=admin")
    .with("HITL_SESSION_IDLE_SECONDS", "60").with("HITL_SESSION_MAX_SECONDS", "120")
    .closeAfter(idp);

  @Test
  void anOperatorSignedInThroughTheProviderApprovesAndTheJournalNamesSubjectIssuerAndSession() {
    ProviderBrowser b = signIn("alice", List.of("desk-approvers"));
    JsonObject session = b.session();
    assertThat(session.getString("subject")).isEqualTo("alice");
    assertThat(session.getString("issuer")).isEqualTo(idp.issuer());
    assertThat(session.getJsonArray("roles").getList()).contains("approver", "viewer");
    String label = session.getString("session");
    assertThat(label).isNotBlank();
    String csrf = session.getString("csrf_token");

    String id = created();
    Response forged = b.call("POST", "/api/v1/approvals/" + id + "/approve", Map.of("X-Hitl-Channel", "console"));
    assertThat(forged.status()).as(forged.body()).isEqualTo(403);
    assertThat(forged.json().getString("code")).isEqualTo("SEC-003");
    Response wrong = b.call("POST", "/api/v1/approvals/" + id + "/approve", Map.of("X-CSRF-Token", csrf + "x"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, gw.token("vera", "viewer"), null).json().getString("status"))
      .as("a refused call changes nothing").isEqualTo("pending");

    Response approved = b.call("POST", "/api/v1/approvals/" + id + "/approve", Map.of("X-CSRF-Token", csrf));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    assertThat(approved.json().getString("decided_by")).isEqualTo("alice");

    JsonObject entry = decision(b.call("GET", "/api/v1/audit?approval_id=" + id, Map.of()), "approved");
    assertThat(entry.getString("actor")).isEqualTo("alice");
    JsonObject identity = entry.getJsonObject("payload").getJsonObject("identity");
    assertThat(identity.getMap()).containsOnly(Map.entry("subject", "alice"), Map.entry("issuer", idp.issuer()),
      Map.entry("session", label));
    String journal = b.call("GET", "/api/v1/audit?approval_id=" + id, Map.of()).body();
    assertThat(journal).as("the journal never holds the session cookie or the CSRF token")
      .doesNotContain(b.cookie()).doesNotContain(csrf);
    JsonObject verified = gw.call("GET", "/api/v1/audit/verify", gw.token("vera", "viewer"), null).json();
    assertThat(verified.getBoolean("valid")).as(verified.encode()).isTrue();

    Response out = b.call("POST", "/auth/logout", Map.of("X-CSRF-Token", csrf));
    assertThat(out.status()).as(out.body()).isEqualTo(200);
    assertThat(out.json().getBoolean("signed_out")).isTrue();
    Response replayed = b.call("GET", "/api/v1/approvals?status=pending", Map.of());
    assertThat(replayed.status()).as("the ended session's cookie, replayed").isEqualTo(401);
    assertThat(replayed.json().getString("code")).isEqualTo("SEC-001");
    assertThat(b.call("GET", "/auth/session", Map.of()).status()).isEqualTo(401);
  }

  @Test
  void theRightProviderWithTheWrongGroupSignsInButCannotApprove() {
    ProviderBrowser b = signIn("victor", List.of("desk-viewers"));
    String csrf = b.session().getString("csrf_token");
    String id = created();
    assertThat(b.call("GET", "/api/v1/approvals/" + id, Map.of()).status()).isEqualTo(200);
    Response refused = b.call("POST", "/api/v1/approvals/" + id + "/approve", Map.of("X-CSRF-Token", csrf));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().getString("code")).isEqualTo("SEC-002");
    JsonObject entry = decision(gw.call("GET", "/api/v1/audit?approval_id=" + id, gw.token("vera", "viewer"), null),
      "decision_refused");
    assertThat(entry.getString("actor")).isEqualTo("victor");
    assertThat(entry.getJsonObject("payload").getJsonObject("identity").getString("session")).isNotBlank();
  }

  @Test
  void aProviderTokenOnTheApiIsJournaledWithItsIssuerAndNoSessionAndAGatewayTokenWithTheSubjectAlone() {
    String byToken = created();
    String alice = idp.token("alice", OidcProvider.AUDIENCE, Map.of("groups", List.of("desk-approvers")));
    assertThat(gw.call("POST", "/api/v1/approvals/" + byToken + "/approve", alice, Map.of()).status()).isEqualTo(200);
    JsonObject entry = decision(gw.call("GET", "/api/v1/audit?approval_id=" + byToken, alice, null), "approved");
    assertThat(entry.getJsonObject("payload").getJsonObject("identity").getMap())
      .containsOnly(Map.entry("subject", "alice"), Map.entry("issuer", idp.issuer()));

    String byOwn = created();
    assertThat(gw.call("POST", "/api/v1/approvals/" + byOwn + "/approve", gw.token("bob", "approver"), Map.of())
      .status()).isEqualTo(200);
    JsonObject own = decision(gw.call("GET", "/api/v1/audit?approval_id=" + byOwn, alice, null), "approved");
    assertThat(own.getString("actor")).isEqualTo("bob");
    assertThat(own.getJsonObject("payload").containsKey("identity"))
      .as("a token of the gateway's own keys: the subject is all there is").isFalse();
  }

  @Test
  void anAdminsGuardianLockSwitchesAndExportFromTheConsoleNameSubjectIssuerAndSession() {
    ProviderBrowser b = signIn("carol", List.of("desk-admins"));
    JsonObject session = b.session();
    String csrf = session.getString("csrf_token");
    for (String action : List.of("lock", "unlock")) {
      Response r = b.call("POST", "/api/v1/guardian/" + action, Map.of("X-CSRF-Token", csrf));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    Response engaged = b.post("/api/v1/switches", Map.of("X-CSRF-Token", csrf),
      "{\"scope\":\"venue\",\"value\":\"XSIGNIN\",\"reason\":\"venue drill\"}");
    assertThat(engaged.status()).as(engaged.body()).isIn(200, 201);
    Response released = b.call("DELETE", "/api/v1/switches/" + engaged.json().getString("id"),
      Map.of("X-CSRF-Token", csrf));
    assertThat(released.status()).as(released.body()).isEqualTo(200);
    Response export = b.call("GET", "/api/v1/audit/export?format=ndjson", Map.of());
    assertThat(export.status()).as(export.body()).isEqualTo(200);
    JsonArray journal = b.call("GET", "/api/v1/audit?limit=50", Map.of()).json().getJsonArray("entries");
    for (String action : List.of("guardian_locked", "guardian_unlocked", "switch_engaged", "switch_lifted",
        "audit_exported")) {
      JsonObject entry = null;
      for (int i = 0; i < journal.size(); i++) {
        JsonObject e = journal.getJsonObject(i);
        if (action.equals(e.getString("action")) && "carol".equals(e.getString("actor"))) {
          entry = e;
        }
      }
      assertThat(entry).as(action + " in " + journal.encode()).isNotNull();
      assertThat(entry.getJsonObject("payload").getJsonObject("identity").getMap()).containsOnly(
        Map.entry("subject", "carol"), Map.entry("issuer", idp.issuer()),
        Map.entry("session", session.getString("session")));
    }
    JsonObject verified = gw.call("GET", "/api/v1/audit/verify", gw.token("vera", "viewer"), null).json();
    assertThat(verified.getBoolean("valid")).as(verified.encode()).isTrue();
  }

  @Test
  void aSessionEndsAtItsMaximumAgeHoweverBusy() {
    ProviderBrowser b = signIn("alice", List.of("desk-approvers"));
    String csrf = b.session().getString("csrf_token");
    // steps well inside the idle time, the last one seconds short of the maximum age (the clock also runs in real time)
    for (int step : List.of(40, 40, 35)) {
      gw.clock().advance(Duration.ofSeconds(step));
      assertThat(b.call("GET", "/api/v1/approvals?status=pending", Map.of()).status()).isEqualTo(200);
    }
    gw.clock().advance(Duration.ofSeconds(5));
    Response ended = b.call("GET", "/api/v1/approvals?status=pending", Map.of());
    assertThat(ended.status()).as("HITL_SESSION_MAX_SECONDS after sign-in").isEqualTo(401);
    assertThat(ended.json().getString("code")).isEqualTo("SEC-001");
    assertThat(ended.json().getString("detail")).contains("sign in again");
    String id = created();
    assertThat(b.call("POST", "/api/v1/approvals/" + id + "/approve", Map.of("X-CSRF-Token", csrf)).status())
      .isEqualTo(401);
  }

  /**
   * The clock is real time plus what the test adds, so each step leaves seconds of margin for the calls' own time:
   * the rule is proven by the busy session outliving the idle time since sign-in twice over, never by a call landing
   * within a second of a boundary.
   */
  @Test
  void aSessionEndsAfterTheIdleTimeWithoutACallAndEachCallKeepsItAlive() {
    ProviderBrowser busy = signIn("alice", List.of("desk-approvers"));
    ProviderBrowser idle = signIn("bob", List.of("desk-approvers"));
    String idleCsrf = idle.session().getString("csrf_token");
    gw.clock().advance(Duration.ofSeconds(50));
    Response kept = busy.call("GET", "/api/v1/approvals?status=pending", Map.of());
    assertThat(kept.status()).as(kept.body()).isEqualTo(200);
    gw.clock().advance(Duration.ofSeconds(15));
    Response ended = idle.call("GET", "/api/v1/approvals?status=pending", Map.of());
    assertThat(ended.status()).as("HITL_SESSION_IDLE_SECONDS without a call").isEqualTo(401);
    assertThat(ended.json().getString("code")).isEqualTo("SEC-001");
    assertThat(ended.json().getString("detail")).contains("sign in again");
    assertThat(idle.call("GET", "/auth/session", Map.of()).status()).as("ended, not resumed by a call").isEqualTo(401);
    String id = created();
    assertThat(idle.call("POST", "/api/v1/approvals/" + id + "/approve", Map.of("X-CSRF-Token", idleCsrf)).status())
      .isEqualTo(401);
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, gw.token("vera", "viewer"), null).json().getString("status"))
      .isEqualTo("pending");

    Response again = busy.call("GET", "/api/v1/approvals?status=pending", Map.of());
    assertThat(again.status()).as("65 s after sign-in, 15 s after its last call: " + again.body()).isEqualTo(200);
    gw.clock().advance(Duration.ofSeconds(50));
    assertThat(busy.session().getString("subject")).as("115 s after sign-in, never 60 s without a call")
      .isEqualTo("alice");
    gw.clock().advance(Duration.ofSeconds(61));
    assertThat(busy.call("GET", "/auth/session", Map.of()).status()).as("61 s without a call").isEqualTo(401);
  }

  @Test
  void aFailedSignInTakesTheBrowserBackToTheSignInScreenWithTheReasonAndCreatesNoSession() {
    ProviderBrowser b = new ProviderBrowser("http://localhost:" + gw.port(), idp);
    String state = startedState(b);
    HttpResponse<String> cancelled = b.navigate("/auth/callback?error=access_denied&state=" + state);
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(302);
    assertThat(cancelled.headers().firstValue("Location")).hasValue("/console/#/signin?error=access_denied");
    assertThat(cancelled.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(b.call("GET", "/auth/session", Map.of()).status()).as("no session").isEqualTo(401);
    assertThat(reason(b, "/auth/callback?code=abc&state=" + state))
      .as("the cancelled sign-in cannot be completed afterwards").isEqualTo("not_started");

    startedState(b);
    assertThat(reason(b, "/auth/callback?code=abc&state=not-the-one")).isEqualTo("state_mismatch");
    assertThat(reason(b, "/auth/callback?code=abc&state=not-the-one")).as("replayed").isEqualTo("not_started");
    assertThat(reason(b, "/auth/callback?error=" + URLEncoder.encode("<script>x</script>", StandardCharsets.UTF_8)
      + "&state=" + startedState(b))).isEqualTo("provider_error");
    assertThat(reason(b, "/auth/callback?code=made-up-by-the-browser&state=" + startedState(b)))
      .as("a code the provider refuses").isEqualTo("exchange_failed");
    assertThat(reason(b, "/auth/callback?state=" + startedState(b))).isEqualTo("invalid_code");
    assertThat(b.call("GET", "/auth/session", Map.of()).status()).as("still no session").isEqualTo(401);

    ProviderBrowser api = new ProviderBrowser("http://localhost:" + gw.port(), idp);
    Response problem = api.call("GET", "/auth/callback?error=access_denied&state=" + startedState(api), Map.of());
    assertThat(problem.status()).as("a program keeps the problem document").isEqualTo(401);
    assertThat(problem.header("Content-Type")).startsWith("application/problem+json");
    assertThat(problem.json().getString("code")).isEqualTo("SEC-004");
    assertThat(problem.json().getString("detail")).contains("access_denied");

    ProviderBrowser signedIn = signIn("alice", List.of("desk-approvers"));
    JsonObject before = signedIn.session();
    assertThat(reason(signedIn, "/auth/callback?code=abc&state=def")).as("an old callback, replayed")
      .isEqualTo("not_started");
    assertThat(signedIn.session().getString("session")).as("leaves the signed-in session as it was")
      .isEqualTo(before.getString("session"));
  }

  /** Starts a sign-in in {@code b} and returns the state the gateway sent to the provider. */
  private static String startedState(ProviderBrowser b) {
    HttpResponse<String> login = b.get(b.gateway("/auth/login"));
    assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
    String query = URI.create(login.headers().firstValue("Location").orElseThrow()).getRawQuery();
    for (String pair : query.split("&")) {
      if (pair.startsWith("state=")) {
        return pair.substring("state=".length());
      }
    }
    throw new AssertionError("no state in " + query);
  }

  /** The reason a browser navigation to the callback is sent back to the sign-in screen with. */
  private static String reason(ProviderBrowser b, String callback) {
    HttpResponse<String> r = b.navigate(callback);
    assertThat(r.statusCode()).as(callback + " " + r.body()).isEqualTo(302);
    String location = r.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/console/#/signin?error=");
    assertThat(r.headers().firstValue("Content-Type")).as("no problem document for a browser").isEmpty();
    return location.substring("/console/#/signin?error=".length());
  }

  @Test
  void hostileSignInInputIsRefusedAsAProblemNeverAnError() {
    String base = "http://localhost:" + gw.port();
    ProviderBrowser started = new ProviderBrowser(base, idp);
    started.get(started.gateway("/auth/login?next=" + java.net.URLEncoder.encode("//evil.example.com/x",
      java.nio.charset.StandardCharsets.UTF_8)));
    Response providerError = started.call("GET", "/auth/callback?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=x",
      Map.of());
    assertThat(providerError.status()).isEqualTo(401);
    assertThat(providerError.json().getString("code")).isEqualTo("SEC-004");
    assertThat(providerError.body()).doesNotContain("<script>");
    List<Map.Entry<String, Map<String, String>>> hostile = List.of(
      Map.entry("/auth/callback?code=" + "a".repeat(5000) + "&state=x", Map.of()),
      Map.entry("/auth/callback?code=%00&state=%ff", Map.of()),
      Map.entry("/auth/session", Map.of("Cookie", "hitl.session=" + "x".repeat(4000))),
      Map.entry("/auth/session", Map.of("Cookie", "hitl.session=\"';--")),
      Map.entry("/api/v1/approvals", Map.of("Cookie", "hitl.session=0123456789abcdef0123456789abcdef")));
    for (Map.Entry<String, Map<String, String>> h : hostile) {
      Response r = new ProviderBrowser(base, idp).call("GET", h.getKey(), h.getValue());
      assertThat(r.status()).as(h.getKey() + " " + h.getValue().keySet()).isBetween(400, 499);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.json().getString("code")).startsWith("SEC-");
    }
    Response logout = new ProviderBrowser(base, idp).call("POST", "/auth/logout", Map.of("X-CSRF-Token", "x"));
    assertThat(logout.status()).isEqualTo(401);
    ProviderBrowser b = signIn("alice", List.of("desk-approvers"));
    assertThat(b.call("POST", "/auth/logout", Map.of()).status()).as("sign-out needs the CSRF token").isEqualTo(403);
    assertThat(b.call("GET", "/auth/session", Map.of()).status()).as("and refused, changes nothing").isEqualTo(200);
  }

  @Test
  void aCallbackThatDoesNotBelongToThisBrowserIsRefused() {
    ProviderBrowser b = new ProviderBrowser("http://localhost:" + gw.port(), idp);
    Response none = b.call("GET", "/auth/callback?code=abc&state=def", Map.of());
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().getString("code")).isEqualTo("SEC-004");
    b.get(b.gateway("/auth/login"));
    Response wrongState = b.call("GET", "/auth/callback?code=abc&state=not-the-one", Map.of());
    assertThat(wrongState.status()).isEqualTo(401);
    assertThat(wrongState.json().getString("code")).isEqualTo("SEC-004");
  }

  /** Signed in on this class's gateway; HITL_PUBLIC_URL's default names localhost, the redirect URI's host. */
  private static ProviderBrowser signIn(String subject, List<String> groups) {
    return ProviderBrowser.signIn("http://localhost:" + gw.port(), idp, subject, groups);
  }

  private static JsonObject decision(Response journal, String action) {
    assertThat(journal.status()).as(journal.body()).isEqualTo(200);
    JsonArray entries = journal.json().getJsonArray("entries");
    for (int i = 0; i < entries.size(); i++) {
      if (action.equals(entries.getJsonObject(i).getString("action"))) {
        return entries.getJsonObject(i);
      }
    }
    throw new AssertionError("no '" + action + "' entry in " + entries.encode());
  }

  private static String created() {
    Response r = gw.call("POST", "/api/v1/approvals/trade", gw.token("engine-1", "submitter"), TestGateway.trade());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }
}
