package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bodies and request targets are read strictly: anything malformed is refused as problem+json and changes nothing. */
class StrictInputTest {
  static TestGateway gw;
  static String engine;
  static String alice;
  static String admin;
  static String viewer;
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_ALLOWED_OPERATORS", "alice,ops-admin"));
    engine = gw.token("engine-1", "submitter");
    alice = gw.token("alice", "approver");
    admin = gw.token("ops-admin", "admin");
    viewer = gw.token("vic", "viewer");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** The malformed bodies of the field reports, as bytes. */
  static List<byte[]> malformedBodies() {
    return List.of(
      utf8("{\"reason\":\"drill\"}}"),
      utf8("{\"reason\":\"x\"} trailing garbage"),
      utf8("{\"reason\":\"x\"}{\"reason\":\"y\"}"),
      utf8("{\"reason\":\"x\"}\u0000"),
      bytes(utf8("{\"reason\":\"a"), new byte[] {(byte) 0xC0, (byte) 0xAF}, utf8("\"}")),
      bytes(utf8("{\"reason\":\"a"), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, utf8("\"}")),
      bytes(utf8("{\"reason\":\"a"), new byte[] {(byte) 0xE2, (byte) 0x82}, utf8("\"}")),
      utf8("{\"reason\":\"a\\ud800\"}"),
      utf8("{\"reason\":\"a\\u0000\"}"),
      utf8("{\"reason\":\"a\",\"reason\":\"b\"}"),
      utf8("{\"reason\":5}"),
      utf8("{\"reason\":{\"a\":1}}"),
      utf8("{\"comment\":[\"x\"]}"),
      utf8("{\"reason\":\"x\",\"n\":1e999999999}"),
      utf8("{\"reason\":\"x\",\"n\":NaN}"),
      utf8("[" .repeat(100) + "]".repeat(100)),
      utf8("\"just text\""),
      utf8("{\"reason\":"));
  }

  @Test
  void malformedBodiesNeitherLockTheGuardianNorDecideARequest() throws Exception {
    String id = pending();
    int journal = journalSize();
    for (byte[] body : malformedBodies()) {
      for (String path : List.of("/api/v1/guardian/lock", "/api/v1/approvals/" + id + "/approve",
          "/api/v1/approvals/" + id + "/reject")) {
        HttpResponse<String> r = raw("POST", path, path.contains("guardian") ? admin : alice, "application/json", body);
        assertProblem(r, 400, new String(body, StandardCharsets.ISO_8859_1) + " to " + path);
        assertThat(new JsonObject(r.body()).getJsonObject("errors")).as(r.body()).isNotNull();
      }
      HttpResponse<String> cancel = raw("DELETE", "/api/v1/approvals/" + id, engine, "application/json", body);
      assertProblem(cancel, 400, "cancel");
    }
    assertThat(gw.call("GET", "/api/v1/guardian", viewer, null).json().getString("state")).isEqualTo("unlocked");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("status")).isEqualTo("pending");
    assertThat(journalSize()).isEqualTo(journal);
  }

  @Test
  void aWronglyTypedTextFieldIsNamedInTheErrors() throws Exception {
    String id = pending();
    HttpResponse<String> r = raw("POST", "/api/v1/approvals/" + id + "/approve", alice, "application/json",
      utf8("{\"reason\":5,\"comment\":true,\"edits\":\"x\"}"));
    assertProblem(r, 400, "typed");
    JsonObject errors = new JsonObject(r.body()).getJsonObject("errors");
    assertThat(errors.getString("reason")).isEqualTo("must be a string");
    assertThat(errors.getString("comment")).isEqualTo("must be a string");
    assertThat(errors.getString("edits")).isEqualTo("must be a JSON object");
    HttpResponse<String> nul = raw("POST", "/api/v1/approvals/" + id + "/approve", alice, "application/json",
      utf8("{\"reason\":\"a\\u0000b\"}"));
    assertThat(new JsonObject(nul.body()).getJsonObject("errors").getString("reason"))
      .isEqualTo("must not contain a NUL character");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("status")).isEqualTo("pending");
  }

  @Test
  void aBodyNotDeclaredAsJsonIsRefusedWith415() throws Exception {
    String id = pending();
    int journal = journalSize();
    String boundary = "XyZ";
    byte[] multipart = utf8("--" + boundary + "\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\nx\r\n--"
      + boundary + "--\r\n");
    List<Map.Entry<String, byte[]>> cases = List.of(
      Map.entry("text/plain", utf8("{\"reason\":\"x\"}")),
      Map.entry("application/x-www-form-urlencoded", utf8("reason=x")),
      Map.entry("multipart/form-data; boundary=" + boundary, multipart),
      Map.entry("application/json; charset=latin1", utf8("{\"reason\":\"x\"}")),
      Map.entry("application/jsonx", utf8("{\"reason\":\"x\"}")),
      Map.entry("", utf8("{\"reason\":\"x\"}")));
    for (var c : cases) {
      HttpResponse<String> r = raw("POST", "/api/v1/approvals/" + id + "/approve", alice, c.getKey(), c.getValue());
      assertProblem(r, 415, c.getKey());
    }
    HttpResponse<String> lock = raw("POST", "/api/v1/guardian/lock", admin, "text/plain", utf8("{\"reason\":\"x\"}"));
    assertProblem(lock, 415, "lock");
    assertThat(gw.call("GET", "/api/v1/guardian", viewer, null).json().getString("state")).isEqualTo("unlocked");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json().getString("status")).isEqualTo("pending");
    assertThat(journalSize()).isEqualTo(journal);
  }

  @Test
  void wellFormedBodiesAndNoBodyAtAllAreAccepted() throws Exception {
    HttpResponse<String> none = raw("POST", "/api/v1/approvals/" + pending() + "/approve", alice, null, null);
    assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
    HttpResponse<String> charset = raw("POST", "/api/v1/approvals/" + pending() + "/reject", alice,
      "Application/JSON; charset=\"UTF-8\"", utf8("  {\"reason\":\"r\\u00e9sum\\u00e9 \\ud83d\\ude00\"}\n"));
    assertThat(charset.statusCode()).as(charset.body()).isEqualTo(200);
    assertThat(new JsonObject(charset.body()).getString("decision_reason")).isEqualTo("résumé \uD83D\uDE00");
  }

  @Test
  void aRouteThatNeedsABodyRefusesItsAbsence() throws Exception {
    HttpResponse<String> r = raw("POST", "/api/v1/approvals/trade", engine, null, null);
    assertProblem(r, 400, "no body");
    assertThat(new JsonObject(r.body()).getJsonObject("errors").getString("body")).startsWith("is required");
  }

  @Test
  void badPercentEscapesInAnyQueryAre400() throws Exception {
    for (String route : List.of("/api/v1/approvals", "/api/v1/audit", "/api/v1/audit/export", "/api/v1/notifications",
        "/api/v1/policies", "/api/v1/policies/versions", "/api/v1/audit/verify", "/api/v1/lockouts")) {
      for (String q : List.of("?limit=%zz", "?type=%", "?limit=%", "?%zz=1", "?limit=%C0%AF", "?limit=1%00")) {
        assertSocketProblem("GET " + route + q + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
          + "\r\nConnection: close\r\n\r\n", 400);
      }
    }
  }

  @Test
  void nulAndBadEscapesInPathsAreRefusedBeforeTheDatabase() throws Exception {
    for (String path : List.of("/api/v1/trades/abc%00", "/api/v1/trades/%zz", "/api/v1/trades/a%",
        "/api/v1/approvals/%00", "/api/v1/approvals/%ED%A0%80", "/approve/%00", "/api/v1/lockouts/%00")) {
      assertSocketProblem((path.startsWith("/api/v1/lockouts") ? "DELETE " : "GET ") + path
        + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin + "\r\nConnection: close\r\n\r\n", 400);
    }
  }

  @Test
  void overLongUrisAndHeadersAndBrokenRequestLinesAreAnsweredAsProblems() throws Exception {
    String longUri = "GET /api/v1/approvals?x=" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    assertSocketProblem(longUri, 414);
    String bigHeader = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20000) + "\r\n\r\n";
    assertSocketProblem(bigHeader, 431);
    assertSocketProblem("GARBAGE\r\n\r\n", 400);
    assertSocketProblem("GET /he lthz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  }

  @Test
  void oddAcceptHeadersStillGetJsonOrProblems() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port + "/api/v1/approvals?limit=x"))
      .header("Authorization", "Bearer " + viewer).header("Accept", "text/html;q=0.1, */*;q=abc, ;;;").GET().build();
    assertProblem(HTTP.send(req, HttpResponse.BodyHandlers.ofString()), 400, "accept");
  }

  private void assertSocketProblem(String request, int status) throws Exception {
    try (Socket s = new Socket("127.0.0.1", gw.port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) > 0; ) {
        all.write(buf, 0, n);
      }
      String answer = all.toString(StandardCharsets.ISO_8859_1);
      assertThat(answer).as(request.substring(0, Math.min(80, request.length())) + " -> " + answer)
        .matches("(?s)HTTP/1\\.[01] " + status + " .*");
      assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
      JsonObject problem = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      assertThat(problem.getString("code")).isEqualTo("SEC-010");
      assertThat(problem.getInteger("status")).isEqualTo(status);
    }
  }

  static void assertProblem(HttpResponse<String> r, int status, String what) {
    assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).as(what).isEqualTo("application/problem+json");
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getString("code")).as(what).isEqualTo("SEC-010");
    assertThat(p.getInteger("status")).isEqualTo(status);
  }

  private HttpResponse<String> raw(String method, String path, String token, String contentType, byte[] body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port + path))
      .timeout(Duration.ofSeconds(30))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null && !contentType.isEmpty()) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String pending() {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  private int journalSize() {
    return gw.call("GET", "/api/v1/audit?limit=1000", admin, null).json().getJsonArray("entries").size();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
