package io.hitl.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A browser over HTTP for console sign-in through a real provider: it keeps cookies per host and follows no
 * redirect by itself, so each step of the authorization code flow is checked as it happens.
 */
public final class ProviderBrowser {
  public static final String COOKIE = "hitl.session";

  private final String base;
  private final OidcProvider idp;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies)
    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  /** A browser for the gateway at {@code base} (the host its redirect URI names) trusting {@code idp}. */
  public ProviderBrowser(String base, OidcProvider idp) {
    this.base = base;
    this.idp = idp;
  }

  /**
   * The whole sign-in: the gateway's /auth/login, the provider's login form filled in with {@code subject} and a
   * {@code groups} claim, the callback with the code, and the redirect to the console.
   */
  public static ProviderBrowser signIn(String base, OidcProvider idp, String subject, List<String> groups) {
    ProviderBrowser b = new ProviderBrowser(base, idp);
    HttpResponse<String> login = b.get(b.gateway("/auth/login?next=/pending"));
    assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
    String authorize = login.headers().firstValue("Location").orElseThrow();
    assertThat(authorize).startsWith(idp.issuer()).contains("code_challenge_method=S256", "nonce=", "state=");
    HttpResponse<String> page = b.get(authorize);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("name=\"username\"", "name=\"claims\"");
    String claims = new JsonObject().put("groups", new JsonArray(groups)).encode();
    HttpResponse<String> answered = b.send(HttpRequest.newBuilder(URI.create(authorize))
      .header("Content-Type", "application/x-www-form-urlencoded")
      .POST(HttpRequest.BodyPublishers.ofString("username=" + form(subject) + "&claims=" + form(claims))));
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(302);
    String callback = answered.headers().firstValue("Location").orElseThrow();
    assertThat(callback).startsWith(b.gateway("/auth/callback"));
    HttpResponse<String> back = b.get(callback);
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    assertThat(back.headers().firstValue("Location").orElseThrow()).isEqualTo("/console/#/pending");
    assertThat(b.sessionCookie().isHttpOnly()).isTrue();
    return b;
  }

  public String gateway(String path) {
    return base + path;
  }

  /** GET /auth/session: subject, roles, issuer, session, expires_at, csrf_token. */
  public JsonObject session() {
    Response r = call("GET", "/auth/session", Map.of());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  public HttpCookie sessionCookie() {
    return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(COOKIE))
      .findFirst().orElseThrow(() -> new AssertionError("no session cookie"));
  }

  /** The session cookie's value. */
  public String cookie() {
    return sessionCookie().getValue();
  }

  /** A call to this browser's gateway with its cookies; a POST sends an empty JSON object. */
  public Response call(String method, String path, Map<String, String> headers) {
    return call(base, method, path, headers);
  }

  /** A POST of {@code body} (JSON) to this browser's gateway with its cookies. */
  public Response post(String path, Map<String, String> headers, String body) {
    return call(http, base, "POST", path, headers, body);
  }

  /**
   * The same call to another gateway (another node of the cluster) with this browser's session cookie and no other,
   * by a client that keeps no cookies of its own.
   */
  public Response callElsewhere(String otherBase, String method, String path, Map<String, String> headers) {
    java.util.Map<String, String> h = new java.util.HashMap<>(headers);
    h.put("Cookie", COOKIE + "=" + cookie());
    return call(PLAIN, otherBase, method, path, h);
  }

  private static final HttpClient PLAIN = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  private Response call(String to, String method, String path, Map<String, String> headers) {
    return call(http, to, method, path, headers);
  }

  private static Response call(HttpClient client, String to, String method, String path, Map<String, String> headers) {
    return call(client, to, method, path, headers, "{}");
  }

  private static Response call(HttpClient client, String to, String method, String path, Map<String, String> headers,
      String body) {
    boolean post = method.equals("POST");
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(to + path))
      .method(method, post ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
      .header("Accept", "application/json");
    if (post) {
      r.header("Content-Type", "application/json");
    }
    headers.forEach(r::header);
    HttpResponse<String> res = send(client, r);
    return new Response(res.statusCode(), res.body(), res);
  }

  /** A page load of this browser's gateway, as the address bar makes it: it asks for HTML, with its cookies. */
  public HttpResponse<String> navigate(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET()
      .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
  }

  public HttpResponse<String> get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder r) {
    return send(http, r);
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder r) {
    try {
      return client.send(r.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
